//! iCalendar feeds at secret, revocable addresses.

use serde_json::json;

use crate::app_test;
use crate::booking::{request_body, students, world};

fn path_of(url: &str) -> String {
    url.rsplit_once("/feeds/")
        .map(|(_, f)| format!("/feeds/{f}"))
        .unwrap()
}

app_test!(
    feeds_carry_the_right_events_and_can_be_revoked,
    |app| async move {
        let w = world(&app).await;
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, students(2)),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let sitting = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
        let student_email = r.body["sittings"][0]["student"]["email"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            app.post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/approve"),
                json!({})
            )
            .await
            .status,
            200
        );

        // The student's own feed holds their sitting, in Stockholm time, with the
        // same UID as the e-mailed invite.
        let student = app.token(&student_email, "student", &[], None);
        let r = app
            .post_as(&student, "/api/v1/feeds", json!({"kind": "student"}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let feed_id = r.body["id"].as_str().unwrap().to_string();
        let url = r.body["url"].as_str().unwrap().to_string();
        let res = app
            .client
            .get(app.url(&path_of(&url)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar"));
        let ics = res.text().await.unwrap().replace("\r\n ", "");
        assert!(ics.contains("METHOD:PUBLISH"), "{ics}");
        assert!(
            ics.contains(&format!("UID:sitting-{sitting}@127.0.0.1")),
            "{ics}"
        );
        assert!(
            ics.contains(&format!(
                "DTSTART;TZID=Europe/Stockholm:{}T090000",
                w.day.format("%Y%m%d")
            )),
            "{ics}"
        );
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        // The address is shown once: listing does not repeat it.
        let list = app.get_as(&student, "/api/v1/feeds").await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
        assert!(list.body["items"][0].get("url").is_none());

        // An invigilator's feed: their assignment covering the hall.
        let invs = app
            .get_as(&w.admin, "/api/v1/centres/sundsvall/invigilators")
            .await;
        let inv_ids: Vec<String> = invs.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let mut assignments = 0;
        for inv in &inv_ids {
            let r = app
                .post_as(
                    &w.admin,
                    "/api/v1/feeds",
                    json!({"kind": "invigilator", "id": inv}),
                )
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            let ics = app
                .client
                .get(app.url(&path_of(r.body["url"].as_str().unwrap())))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assignments += ics.matches("BEGIN:VEVENT").count();
            assert!(ics.matches("UID:assignment-").count() == ics.matches("BEGIN:VEVENT").count());
        }
        assert!(assignments >= 1, "someone invigilates the exam");

        // A room's feed: both sittings in the hall.
        let r = app
            .post_as(
                &w.admin,
                "/api/v1/feeds",
                json!({"kind": "room", "id": w.hall}),
            )
            .await;
        let ics = app
            .client
            .get(app.url(&path_of(r.body["url"].as_str().unwrap())))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
        assert!(
            !ics.contains("student0@example.se"),
            "no names or addresses in a room's feed"
        );

        // Others' subjects do not exist for a student; nonsense kinds are 422.
        let r = app
            .post_as(
                &student,
                "/api/v1/feeds",
                json!({"kind": "room", "id": w.hall}),
            )
            .await;
        assert_eq!((r.status, r.error_fields()), (422, vec!["id".to_string()]));
        let r = app
            .post_as(&student, "/api/v1/feeds", json!({"kind": "everything"}))
            .await;
        assert_eq!(
            (r.status, r.error_fields()),
            (422, vec!["kind".to_string()])
        );

        // Revoked: the address stops working; a made-up one never did.
        assert_eq!(
            app.delete_as(&student, &format!("/api/v1/feeds/{feed_id}"))
                .await
                .status,
            204
        );
        assert_eq!(
            app.client
                .get(app.url(&path_of(&url)))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            app.client
                .get(app.url("/feeds/not-a-secret.ics"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            app.client
                .get(app.url("/feeds/no-extension"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
    }
);

// Only a student has bookings of their own to follow: the policy refuses the
// `student` kind to everyone else, a system admin included (who may do
// everything else).
app_test!(only_students_follow_their_own_bookings, |app| async move {
    let root = app.admin_with_centre("sundsvall").await;
    let staff = app.token("staff@sundsvall.se", "centre_admin", &["sundsvall"], None);
    let student = app.token("stu@example.se", "student", &[], None);
    for who in [&root, &staff] {
        let r = app
            .post_as(who, "/api/v1/feeds", json!({"kind": "student"}))
            .await;
        assert_eq!(
            (r.status, r.error_fields()),
            (422, vec!["kind".to_string()]),
            "{r:?}"
        );
    }
    let r = app
        .post_as(&student, "/api/v1/feeds", json!({"kind": "student"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
});
