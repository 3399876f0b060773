//! Sittings: their state machine, cancellation, registration for open
//! requests, and moving a confirmed sitting.

use serde_json::json;

use super::*;
use crate::app_test;

app_test!(sittings_follow_their_state_machine, |app| async move {
    let w = world(&app).await;
    let r = submit(&app, &w, request_body(w.day, students(2))).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let s0 = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
    let s1 = r.body["sittings"][1]["id"].as_str().unwrap().to_string();
    // Not placed yet: no check-in.
    let r = sitting_action(&app, &w, &s0, "check-in").await;
    assert_eq!(r.status, 409);
    assert!(
        r.body["detail"].as_str().unwrap().contains("requested"),
        "{r:?}"
    );
    assert_eq!(approve(&app, &w, &id).await.status, 200);
    // Approving twice is a state conflict too.
    assert_eq!(approve(&app, &w, &id).await.status, 409);
    assert_eq!(sitting_action(&app, &w, &s0, "complete").await.status, 409);
    let r = sitting_action(&app, &w, &s0, "check-in").await;
    assert_eq!(
        (r.status, r.body["status"].clone()),
        (200, json!("checked_in"))
    );
    let r = sitting_action(&app, &w, &s0, "complete").await;
    assert_eq!(r.body["status"], "completed");
    let r = sitting_action(&app, &w, &s1, "no-show").await;
    assert_eq!(r.body["status"], "no_show");
    // Every sitting has its outcome: the request is completed and reported.
    let g = app
        .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
        .await;
    assert_eq!(g.body["status"], "completed");
    {
        let report: Vec<(String, String, String)> = app
            .mails()
            .into_iter()
            .filter(|(m, _)| m.kind == "request_report")
            .map(|(m, c)| (m.to_address, c.subject, c.text))
            .collect();
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].0, "tentamen@miun.se");
        assert!(report[0].1.starts_with("Rapport:"), "{report:?}");
        assert!(
            report[0].2.contains("Genomförda: 1. Uteblivna: 1."),
            "{report:?}"
        );
    }
    // Final states stay final.
    let r = sitting_action(&app, &w, &s1, "cancel").await;
    assert_eq!(r.status, 409);
    assert!(r.body["conflicts"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no_show"));
    // The institution may not check students in; a student not at all.
    let student = app.token("student0@example.se", "student", &[], None);
    assert_eq!(
        app.post_as(
            &w.institution,
            &format!("/api/v1/exam-sittings/{s0}/check-in"),
            json!({})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.post_as(
            &student,
            &format!("/api/v1/exam-sittings/{s1}/check-in"),
            json!({})
        )
        .await
        .status,
        404
    );
});

app_test!(
    cancelling_a_request_frees_rooms_and_invigilators,
    |app| async move {
        let w = world(&app).await;
        let r = submit(&app, &w, request_body(w.day, students(2))).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        approve(&app, &w, &id).await;
        let r = app
            .post_as(
                &w.institution,
                &format!("/api/v1/exam-requests/{id}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "cancelled");
        assert!(r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "cancelled"));
        let sched = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/schedule?date={}", w.day),
            )
            .await;
        assert!(
            sched.body["rooms"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["invigilators"].as_array().unwrap().is_empty()),
            "{sched:?}"
        );
        // Rejecting a cancelled request is a state conflict.
        assert_eq!(
            app.post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/reject"),
                json!({"reason": "x"})
            )
            .await
            .status,
            409
        );
        // Another institution cannot see it at all.
        app.post_as(
            &w.admin,
            "/api/v1/institutions",
            json!({"slug": "umu", "name": "Umeå", "email": "t@umu.se"}),
        )
        .await;
        let umu = app.token("b@umu.se", "institution", &[], Some("umu"));
        assert_eq!(
            app.get_as(&umu, &format!("/api/v1/exam-requests/{id}"))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get_as(&umu, "/api/v1/exam-requests").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }
);

app_test!(students_register_for_open_requests, |app| async move {
    let w = world(&app).await;
    let mut body = request_body(w.day, json!([]));
    body["open"] = json!(true);
    let r = submit(&app, &w, body).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(r.body["registration_deadline"].is_string());
    let student = app.token("alva@student.se", "student", &[], None);
    // Students see open requests.
    let list = app.get_as(&student, "/api/v1/exam-requests").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let r = app
        .post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": id, "accommodations": {"extra_time_percent": 25}}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let mine = r.body["sittings"].as_array().unwrap();
    assert_eq!(mine.len(), 1, "a student sees only their own sitting");
    let sitting = mine[0]["id"].as_str().unwrap().to_string();
    assert_eq!(mine[0]["status"], "requested");
    // Once is enough.
    assert_eq!(
        app.post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": id})
        )
        .await
        .status,
        409
    );
    let r = sitting_action(&app, &w, &sitting, "approve").await;
    assert_eq!(r.status, 200, "{r:?}");
    let mine = app.get_as(&student, "/api/v1/me/bookings").await;
    assert_eq!(mine.body["sittings"][0]["status"], "confirmed");
    // 180 min + 25 % = 225 min.
    assert_eq!(
        mine.body["sittings"][0]["ends_at"],
        format!("{}T12:45:00+{}", w.day, offset(w.day))
    );
    // A closed request takes no registrations.
    let closed = submit(&app, &w, request_body(w.day, students(1))).await;
    let r = app
        .post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": closed.body["id"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["exam_request".to_string()])
    );
});

app_test!(
    a_confirmed_sitting_can_be_moved_within_the_rules,
    |app| async move {
        let w = world(&app).await;
        let r = submit(&app, &w, request_body(w.day, students(2))).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        approve(&app, &w, &id).await;
        let sitting = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
        // Within the 60-minute offset: allowed, personal length kept.
        let r = move_sitting(
            &app,
            &w,
            &sitting,
            json!({"starts_at": format!("{}T09:45", w.day)}),
        )
        .await;
        assert_eq!(r.status, 200, "{r:?}");
        let moved = r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sitting.as_str())
            .unwrap()
            .clone();
        assert_eq!(
            moved["starts_at"],
            format!("{}T09:45:00+{}", w.day, offset(w.day))
        );
        assert_eq!(
            moved["ends_at"],
            format!("{}T12:45:00+{}", w.day, offset(w.day))
        );
        // Beyond the offset: rule 7, nothing changed.
        let r = move_sitting(
            &app,
            &w,
            &sitting,
            json!({"starts_at": format!("{}T11:00", w.day)}),
        )
        .await;
        assert_eq!(r.status, 409, "{r:?}");
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "exam_start"),
            "{r:?}"
        );
        let g = app
            .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
            .await;
        let still = g.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sitting.as_str())
            .unwrap()
            .clone();
        assert_eq!(still["starts_at"], moved["starts_at"]);
        // Into the study room: not bookable for exams.
        let r = move_sitting(&app, &w, &sitting, json!({"room": w.study_room})).await;
        assert_eq!(r.status, 409);
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "room_not_bookable"),
            "{r:?}"
        );
        // The student was told about the change, with the calendar entry updated.
        let changed: Vec<(String, Option<String>)> = app
            .mails()
            .into_iter()
            .filter(|(m, _)| m.kind == "sitting_changed")
            .map(|(_, c)| (c.subject, c.ics))
            .collect();
        assert_eq!(changed.len(), 1);
        assert!(changed[0].0.starts_with("Ändrad:"), "{changed:?}");
        let ics = changed[0].1.clone().unwrap();
        assert!(
            ics.contains(&format!("UID:sitting-{sitting}@")) && ics.contains("SEQUENCE:2"),
            "{ics}"
        );
        audit_clean(&app, w.day);
        // Only confirmed sittings move.
        let r = sitting_action(&app, &w, &sitting, "check-in").await;
        assert_eq!(r.status, 200);
        let r = move_sitting(
            &app,
            &w,
            &sitting,
            json!({"starts_at": format!("{}T09:30", w.day)}),
        )
        .await;
        assert_eq!(r.status, 409);
    }
);
