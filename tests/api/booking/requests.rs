//! Exam requests: submission, field validation, approval and placement.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::{json, Value};
use skrivsal::db::schema::sittings;

use super::*;
use crate::app_test;

app_test!(
    an_exam_request_is_submitted_approved_and_placed,
    |app| async move {
        let w = world(&app).await;
        let mut list = students(3);
        list[0]["personnummer"] = json!("19811218-9876");
        list[1]["accommodations"] =
            json!({"extra_time_percent": 50, "separate_room": true, "breaks_minutes": 15});
        list[2]["language"] = json!("en");
        let r = submit(&app, &w, request_body(w.day, list)).await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["status"], "submitted");
        let id = r.body["id"].as_str().unwrap().to_string();
        let codes: Vec<String> = r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["booking_code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 3);
        assert!(codes.iter().all(|c| c.len() == 7 && &c[3..4] == "-"));
        assert!(
            !r.body.to_string().contains("9876"),
            "personnummer leaked: {}",
            r.body
        );

        let r = approve(&app, &w, &id).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "scheduled");
        let sittings = r.body["sittings"].as_array().unwrap();
        for s in sittings {
            assert_eq!(s["status"], "confirmed", "{s}");
            assert_eq!(
                s["starts_at"],
                format!("{}T09:00:00+{}", w.day, offset(w.day))
            );
        }
        let extended = sittings
            .iter()
            .find(|s| s["accommodations"]["separate_room"] == true)
            .unwrap();
        // 180 min + 50 % + 15 min breaks = 285 min: 09:00 → 13:45.
        assert_eq!(
            extended["ends_at"],
            format!("{}T13:45:00+{}", w.day, offset(w.day))
        );
        assert_eq!(extended["room_name"], "Enskilt rum");
        let others: Vec<&Value> = sittings
            .iter()
            .filter(|s| s["accommodations"]["separate_room"] == false)
            .collect();
        assert!(others.iter().all(|s| s["room"] == w.hall.as_str()
            && s["ends_at"] == format!("{}T12:00:00+{}", w.day, offset(w.day))));

        // Both rooms are covered by an invigilator for their whole span.
        let sched = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/schedule?date={}", w.day),
            )
            .await;
        assert_eq!(sched.status, 200, "{sched:?}");
        let rooms = sched.body["rooms"].as_array().unwrap();
        for room in rooms
            .iter()
            .filter(|r| !r["sittings"].as_array().unwrap().is_empty())
        {
            let inv = &room["invigilators"][0];
            let last_end = room["sittings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["ends_at"].as_str().unwrap())
                .max()
                .unwrap();
            assert_eq!(inv["starts_at"], room["sittings"][0]["starts_at"]);
            assert_eq!(inv["ends_at"].as_str().unwrap(), last_end);
        }
        // The schedule never names students or shows identity numbers.
        let text = sched.body.to_string();
        assert!(
            !text.contains("Student 0") && !text.contains("9876") && !text.contains("example.se")
        );

        // Students were told: received, then confirmed (English for the one who chose it).
        let mails = app.mails();
        let kinds: Vec<(String, String, String)> = mails
            .iter()
            .map(|(m, c)| (m.kind.clone(), m.to_address.clone(), c.subject.clone()))
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| k.0 == "sitting_requested").count(),
            3
        );
        assert_eq!(
            kinds.iter().filter(|k| k.0 == "sitting_confirmed").count(),
            3
        );
        assert!(kinds
            .iter()
            .any(|k| k.0 == "request_received" && k.1 == "tentamen@miun.se"));
        assert!(kinds.iter().any(|k| k.0 == "request_approved"));
        let english = kinds
            .iter()
            .find(|k| k.0 == "sitting_confirmed" && k.1 == "student2@example.se")
            .unwrap();
        assert!(english.2.starts_with("Confirmed:"), "{english:?}");
        assert!(
            mails.iter().all(|(_, c)| !c.text.contains("9876")),
            "personnummer in an e-mail"
        );

        // The student sees it among their own bookings.
        let student = app.token("student0@example.se", "student", &[], None);
        let _ = student;
    }
);

app_test!(
    exam_requests_are_validated_field_by_field,
    |app| async move {
        let w = world(&app).await;
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["personnummer"] = json!("19811218-9875");
                    b
                },
                "students[0].personnummer",
                "personnummer",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["email"] = json!("nope");
                    b
                },
                "students[0].email",
                "email",
            ),
            (
                {
                    let mut b = request_body(w.day, students(2));
                    b["students"][1]["email"] = json!("student0@example.se");
                    b
                },
                "students[1].email",
                "unique",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["accommodations"] = json!({"extra_time_percent": 400});
                    b
                },
                "students[0].accommodations.extra_time_percent",
                "range",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["duration_minutes"] = json!(0);
                    b
                },
                "duration_minutes",
                "range",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!("2027-03-28T02:30");
                    b
                },
                "starts_at",
                "local_time_nonexistent",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!(format!("{}T20:00", w.day));
                    b
                },
                "starts_at",
                "opening_hours",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!("2027-12-24T09:00");
                    b
                },
                "starts_at",
                "closed_day",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!(
                        (chrono::Utc::now().date_naive() + Duration::days(3)).to_string()
                            + "T09:00"
                    );
                    b
                },
                "starts_at",
                "registration_deadline",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["centre"] = json!("nowhere");
                    b
                },
                "centre",
                "exists",
            ),
            (
                {
                    let mut b = request_body(w.day, students(0));
                    b["open"] = json!(false);
                    b
                },
                "students",
                "required",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b.as_object_mut().unwrap().remove("starts_at");
                    b["window"] = json!({"earliest_start": format!("{}T10:00", w.day), "latest_end": format!("{}T09:00", w.day)});
                    b
                },
                "window.latest_end",
                "after_start",
            ),
        ];
        let mut failures = Vec::new();
        for (body, field, rule) in cases {
            let r = submit(&app, &w, body.clone()).await;
            let hit = r
                .error_fields()
                .iter()
                .zip(r.error_rules())
                .any(|(f, ru)| f == field && ru == rule);
            // The deadline and closed-day rules depend on today's date only through the chosen days.
            if r.status != 422 || !hit {
                failures.push(format!("{field}/{rule}: got {r:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Nothing was half-written.
        let mut conn = app.db.get().unwrap();
        let n: i64 = sittings::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(n, 0);
        // A student may not submit requests; a centre admin neither.
        let student = app.token("s@example.se", "student", &[], None);
        assert_eq!(
            app.post_as(
                &student,
                "/api/v1/exam-requests",
                request_body(w.day, students(1))
            )
            .await
            .status,
            403
        );
    }
);

app_test!(approval_is_all_or_nothing, |app| async move {
    let w = world(&app).await;
    // 21 students and 20 seats in the hall, 1 in the separate room (which
    // takes exams too): the 22nd cannot fit.
    let r = submit(&app, &w, request_body(w.day, students(22))).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    // The separate room holds one and the hall twenty from 09:00 to 12:00;
    // within the 60-minute offset every other start overlaps them.
    let r = approve(&app, &w, &id).await;
    assert_eq!(r.status, 409, "{r:?}");
    let rules: Vec<&str> = r.body["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"room_capacity"), "{rules:?}");
    let g = app
        .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
        .await;
    assert_eq!(g.body["status"], "submitted");
    assert!(g.body["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "requested" && s["room"].is_null()));
    let mut conn = app.db.get().unwrap();
    use skrivsal::db::schema::invigilator_assignments;
    let n: i64 = invigilator_assignments::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(n, 0, "no assignment half-written");
    drop(conn);
    // Twenty-one fit.
    let r = submit(
        &app,
        &w,
        request_body(w.day + Duration::days(1), students(21)),
    )
    .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(approve(&app, &w, &id).await.status, 200);
    audit_clean(&app, w.day);
});

app_test!(
    without_invigilators_approval_is_refused_naming_coverage,
    |app| async move {
        let w = world(&app).await;
        let invs = app
            .get_as(&w.admin, "/api/v1/centres/sundsvall/invigilators")
            .await;
        for inv in invs.body["items"].as_array().unwrap() {
            let r = app
                .delete_as(
                    &w.admin,
                    &format!("/api/v1/invigilators/{}", inv["id"].as_str().unwrap()),
                )
                .await;
            assert_eq!(r.status, 204);
        }
        let r = submit(&app, &w, request_body(w.day, students(2))).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let r = approve(&app, &w, &id).await;
        assert_eq!(r.status, 409, "{r:?}");
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "invigilator_coverage"),
            "{r:?}"
        );
    }
);

app_test!(
    a_request_attaches_an_existing_student_but_never_changes_or_reveals_them,
    |app| async move {
        use skrivsal::db::schema::users;
        let w = world(&app).await;
        let alva = json!([{"name": "Alva Berg", "email": "alva@example.se", "personnummer": "19811218-9876"}]);
        let r = submit(&app, &w, request_body(w.day, alva)).await;
        assert_eq!(r.status, 201, "{r:?}");
        let mut conn = app.db.get().unwrap();
        let stored = |conn: &mut skrivsal::db::DbConn| {
            users::table
                .filter(users::email.eq("alva@example.se"))
                .select((users::name, users::personnummer, users::updated_at))
                .first::<(String, Option<String>, chrono::NaiveDateTime)>(conn)
                .unwrap()
        };
        let before = stored(&mut conn);
        let sittings_before: i64 = sittings::table.count().get_result(&mut *conn).unwrap();

        // Another institution lists her address with another name and personnummer.
        let root = app.token("root@example.se", "system_admin", &[], None);
        let r = app.post_as(&root, "/api/v1/institutions", json!({"slug": "lnu", "name": "Linnéuniversitetet", "email": "tentamen@lnu.se", "rules": {"start_offset_minutes": 60, "registration_deadline_days": 10}})).await;
        assert_eq!(r.status, 201, "{r:?}");
        let other = app.token("eva@lnu.se", "institution", &[], Some("lnu"));
        let attempt = |students: Value| {
            app.post_as(
                &other,
                "/api/v1/exam-requests",
                request_body(w.day, students),
            )
        };
        let messages = |r: &Reply| -> Vec<String> {
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    assert_eq!(c["rule"], "identity_mismatch", "{c}");
                    c["message"].as_str().unwrap().to_string()
                })
                .collect()
        };
        let r = attempt(json!([{"name": "Mallory", "email": "alva@example.se", "personnummer": "19900101-0017"}])).await;
        assert_eq!(r.status, 409, "{r:?}");
        let m = messages(&r);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].starts_with("students[0].name "), "{m:?}");
        assert!(m[1].starts_with("students[0].personnummer "), "{m:?}");
        let text = r.body.to_string();
        for secret in ["Alva", "Berg", "9876", "811218"] {
            assert!(!text.contains(secret), "{secret} revealed: {text}");
        }
        // Her own name with another personnummer: the personnummer alone.
        let r = attempt(json!([{"name": "Alva Berg", "email": "alva@example.se", "personnummer": "19900101-0017"}])).await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(messages(&r).len(), 1);
        assert!(messages(&r)[0].starts_with("students[0].personnummer "));
        // Nothing was written by the refusals.
        assert_eq!(stored(&mut conn), before);
        let n: i64 = sittings::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(n, sittings_before);

        // A staff address answers exactly as a student of another name does:
        // the answer does not tell who has which kind of account.
        app.token("staff@sundsvall.se", "centre_admin", &["sundsvall"], None);
        let staff = attempt(json!([{"name": "Sara", "email": "staff@sundsvall.se"}])).await;
        let student = attempt(json!([{"name": "Sara", "email": "alva@example.se"}])).await;
        assert_eq!(staff.status, 409, "{staff:?}");
        assert_eq!(
            (
                staff.status,
                &staff.body["detail"],
                &staff.body["conflicts"]
            ),
            (
                student.status,
                &student.body["detail"],
                &student.body["conflicts"]
            )
        );

        // The same student, however the name is spaced or cased, is attached
        // as she is.
        let r = attempt(json!([{"name": "alva  BERG", "email": "alva@example.se", "personnummer": "19811218-9876"}])).await;
        assert_eq!(r.status, 201, "{r:?}");
        let r = attempt(json!([{"name": "Alva Berg", "email": "alva@example.se"}])).await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(stored(&mut conn), before);
    }
);
