//! Re-planning a centre: the dry run's diff, the real run's writes, the
//! report of what cannot be placed, and bad input.

use serde_json::{json, Value};

use crate::app_test;
use crate::booking::{request_body, world};
use crate::helpers::TestApp;

/// An approved open request on the world's exam day with `n` registered
/// students waiting for a place; returns their tokens and sitting ids.
async fn waiting(app: &TestApp, w: &crate::booking::World, n: usize) -> Vec<(String, String)> {
    let mut body = request_body(w.day, json!([]));
    body["open"] = json!(true);
    let r = app
        .post_as(&w.institution, "/api/v1/exam-requests", body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let mut out = Vec::new();
    for i in 0..n {
        let student = app.token(&format!("reg{i}@student.se"), "student", &[], None);
        let accommodations = if i == 0 {
            json!({"extra_time_percent": 50, "separate_room": true})
        } else {
            json!({})
        };
        let r = app
            .post_as(
                &student,
                "/api/v1/exam-sittings",
                json!({"exam_request": id, "accommodations": accommodations}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let sitting = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
        out.push((student, sitting));
    }
    out
}

fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["sitting"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

app_test!(
    a_dry_run_shows_the_plan_and_a_real_run_writes_it,
    |app| async move {
        let w = world(&app).await;
        let regs = waiting(&app, &w, 3).await;
        let mut expected: Vec<String> = regs.iter().map(|(_, s)| s.clone()).collect();
        expected.sort();
        let url = "/api/v1/centres/sundsvall/plan";
        let range =
            json!({"from": w.day.to_string(), "to": w.day.to_string(), "time_limit_ms": 300});

        let dry = app.post_as(&w.admin, url, range.clone()).await;
        assert_eq!(dry.status, 200, "{dry:?}");
        assert_eq!(dry.body["dry_run"], true);
        assert_eq!(ids(&dry.body["placed"]), expected);
        assert!(dry.body["unplaced"].as_array().unwrap().is_empty());
        assert!(dry.body["moved"].as_array().unwrap().is_empty());
        // The separate-room student is alone; the others share the hall; each
        // room has an invigilator.
        let placed = dry.body["placed"].as_array().unwrap();
        let alone = placed
            .iter()
            .find(|p| p["sitting"] == regs[0].1.as_str())
            .unwrap();
        assert_ne!(alone["room"], w.hall.as_str());
        assert!(placed
            .iter()
            .filter(|p| p["sitting"] != regs[0].1.as_str())
            .all(|p| p["room"] == w.hall.as_str()));
        assert_eq!(dry.body["assignments_added"].as_array().unwrap().len(), 2);
        assert_eq!(dry.body["cost"]["unplaced"], 0);
        // 09:00 start, 180 min; +50 % for the separate-room student.
        assert!(alone["starts_at"].as_str().unwrap().contains("T09:00:00"));
        assert!(alone["ends_at"].as_str().unwrap().contains("T13:30:00"));
        // Nothing was written.
        let mine = app.get_as(&regs[1].0, "/api/v1/me/bookings").await;
        assert_eq!(mine.body["sittings"][0]["status"], "requested");

        let mut real = range.clone();
        real["dry_run"] = json!(false);
        let done = app.post_as(&w.admin, url, real).await;
        assert_eq!(done.status, 200, "{done:?}");
        assert_eq!(done.body["dry_run"], false);
        assert_eq!(ids(&done.body["placed"]), expected);
        for (student, _) in &regs {
            let mine = app.get_as(student, "/api/v1/me/bookings").await;
            assert_eq!(mine.body["sittings"][0]["status"], "confirmed");
        }
        let schedule = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/schedule?date={}", w.day),
            )
            .await;
        assert_eq!(schedule.status, 200);
        assert!(
            schedule.body.to_string().contains("Karin")
                || schedule.body.to_string().contains("Per"),
            "invigilators are on the schedule: {schedule:?}"
        );

        // Everything has a place now.
        let again = app.post_as(&w.admin, url, range.clone()).await;
        assert_eq!(again.status, 200);
        assert!(again.body["placed"].as_array().unwrap().is_empty());
        assert!(again.body["assignments_added"]
            .as_array()
            .unwrap()
            .is_empty());
        // A full re-plan of a day that is already optimal changes nothing:
        // no moves, and the same invigilators keep the same rooms.
        let mut full = range;
        full["allow_moves"] = json!(true);
        let full = app.post_as(&w.admin, url, full).await;
        assert_eq!(full.status, 200, "{full:?}");
        for list in [
            "placed",
            "moved",
            "assignments_added",
            "assignments_removed",
        ] {
            assert!(
                full.body[list].as_array().unwrap().is_empty(),
                "{list}: {full:?}"
            );
        }
    }
);

app_test!(
    what_cannot_be_placed_is_reported_with_the_rule,
    |app| async move {
        let w = world(&app).await;
        let regs = waiting(&app, &w, 2).await;
        // The second student is at a study place all morning.
        let r = app
        .post_as(
            &regs[1].0,
            "/api/v1/study-bookings",
            json!({"centre": "sundsvall", "starts_at": format!("{}T08:00", w.day), "ends_at": format!("{}T16:00", w.day)}),
        )
        .await;
        assert_eq!(r.status, 201, "{r:?}");
        let body = json!({"from": w.day.to_string(), "to": w.day.to_string(), "dry_run": false, "time_limit_ms": 200});
        let r = app
            .post_as(&w.admin, "/api/v1/centres/sundsvall/plan", body)
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(ids(&r.body["placed"]), vec![regs[0].1.clone()]);
        let unplaced = r.body["unplaced"].as_array().unwrap();
        assert_eq!(unplaced.len(), 1);
        assert_eq!(unplaced[0]["sitting"], regs[1].1.as_str());
        let rules: Vec<&str> = unplaced[0]["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["rule"].as_str().unwrap())
            .collect();
        assert!(rules.contains(&"student_double_booked"), "{rules:?}");
        // The one that could be placed was; the other still waits.
        let mine = app.get_as(&regs[1].0, "/api/v1/me/bookings").await;
        assert_eq!(mine.body["sittings"][0]["status"], "requested");
    }
);

app_test!(bad_plan_input_names_the_field, |app| async move {
    let w = world(&app).await;
    let url = "/api/v1/centres/sundsvall/plan";
    let r = app
        .post_as(&w.admin, url, json!({"from": "2027-02-30", "to": "soon"}))
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.error_fields(), vec!["from".to_string(), "to".to_string()]);
    let r = app
        .post_as(
            &w.admin,
            url,
            json!({"from": "2027-03-10", "to": "2027-03-09"}),
        )
        .await;
    assert_eq!((r.status, r.error_fields()), (422, vec!["to".to_string()]));
    let r = app
        .post_as(
            &w.admin,
            url,
            json!({"from": "2027-01-01", "to": "2027-12-31"}),
        )
        .await;
    assert_eq!((r.status, r.error_fields()), (422, vec!["to".to_string()]));
    let r = app
        .post_as(
            &w.admin,
            url,
            json!({"from": "2027-03-09", "to": "2027-03-09", "time_limit_ms": 0}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["time_limit_ms".to_string()])
    );
    let r = app
        .post_as(
            &w.admin,
            "/api/v1/centres/nowhere/plan",
            json!({"from": "2027-03-09", "to": "2027-03-09"}),
        )
        .await;
    assert_eq!(r.status, 404);
    // Only the centre's administrators plan it.
    let r = app
        .post_as(
            &w.institution,
            url,
            json!({"from": "2027-03-09", "to": "2027-03-09"}),
        )
        .await;
    assert_eq!(r.status, 403);
});
