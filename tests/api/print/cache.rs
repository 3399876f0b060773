//! Day documents are cached by the centre's data version: a conditional GET
//! is answered 304 while the day is unchanged, a change by any server process
//! is seen at once, and what the counter does not cover (a student's
//! protected identity) is never printed from a cache.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app_test;
use crate::booking::{approve, request_body, students, submit, world};
use crate::helpers::{another_server, TestApp};

async fn fetch(
    app: &TestApp,
    base: &str,
    token: &str,
    path: &str,
    if_none_match: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.get(format!("{base}{path}")).bearer_auth(token);
    if let Some(tag) = if_none_match {
        req = req.header("if-none-match", tag);
    }
    req.send().await.unwrap()
}

fn etag(res: &reqwest::Response) -> String {
    res.headers()["etag"].to_str().unwrap().to_string()
}

app_test!(
    the_schedule_is_304_until_another_server_changes_the_day,
    |app| async move {
        let w = world(&app).await;
        let r = submit(&app, &w, request_body(w.day, students(2))).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(approve(&app, &w, &id).await.status, 200);
        let path = format!("/api/v1/centres/sundsvall/schedule?date={}", w.day);
        let here = app.address.clone();

        let first = fetch(&app, &here, &w.admin, &path, None).await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.headers()["cache-control"], "private, no-cache");
        let tag = etag(&first);
        assert!(tag.starts_with('"') && tag.ends_with('"'), "strong: {tag}");
        let before: Value = first.json().await.unwrap();
        assert_eq!(before["rooms"][0]["sittings"].as_array().unwrap().len(), 2);

        let again = fetch(&app, &here, &w.admin, &path, Some(&tag)).await;
        assert_eq!(again.status(), 304);
        assert_eq!(etag(&again), tag);
        assert!(again.bytes().await.unwrap().is_empty());
        // Another member of the staff holds the same document; an outsider
        // is refused whatever tag they send: authorisation comes first.
        let vakt = app.token("vakt@sundsvall.se", "invigilator", &["sundsvall"], None);
        assert_eq!(
            fetch(&app, &here, &vakt, &path, Some(&tag)).await.status(),
            304
        );
        let refused = fetch(&app, &here, &w.institution, &path, Some(&tag)).await;
        assert_eq!(refused.status(), 403);

        // A second server process on the same database books a study place.
        let (other, there) = another_server(&app, &[]);
        let student = app.token("stina@student.se", "student", &[], None);
        let booked = app
            .client
            .post(format!("{there}/api/v1/study-bookings"))
            .bearer_auth(&student)
            .json(&json!({"centre": "sundsvall", "starts_at": format!("{}T14:00", w.day), "ends_at": format!("{}T15:00", w.day)}))
            .send()
            .await
            .unwrap();
        assert_eq!(booked.status(), 201);
        let booked: Value = booked.json().await.unwrap();
        let code = booked["booking_code"].as_str().unwrap().to_string();
        other.stop(true).await;

        let after = fetch(&app, &here, &w.admin, &path, Some(&tag)).await;
        assert_eq!(after.status(), 200, "the cached day is not served");
        let new_tag = etag(&after);
        assert_ne!(new_tag, tag);
        let body = after.text().await.unwrap();
        assert!(body.contains(&code), "{body}");
        assert!(!before.to_string().contains(&code));
        let same = fetch(&app, &here, &w.admin, &path, Some(&new_tag)).await;
        assert_eq!(same.status(), 304);
    }
);

app_test!(
    print_views_are_304_until_a_renamed_institution_shows,
    |app| async move {
        // On the minute: the print time the documents show (and so their
        // tags) stays the same through the test.
        app.at(&chrono::Utc::now().format("%Y-%m-%dT%H:%M:00Z").to_string());
        let w = world(&app).await;
        let r = submit(&app, &w, request_body(w.day, students(2))).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(approve(&app, &w, &id).await.status, 200);
        let here = app.address.clone();
        let mut tags = Vec::new();
        for (doc, kind) in [
            ("schedule", "text/html"),
            ("schedule?lang=en", "text/html"),
            ("schedule.pdf", "application/pdf"),
            ("door-signs", "text/html"),
        ] {
            let sep = if doc.contains('?') { '&' } else { '?' };
            let path = format!("/print/centres/sundsvall/{doc}{sep}date={}", w.day);
            let first = fetch(&app, &here, &w.admin, &path, None).await;
            assert_eq!(first.status(), 200, "{doc}");
            let content_type = first.headers()["content-type"].to_str().unwrap();
            assert!(content_type.starts_with(kind), "{doc}: {content_type}");
            assert_eq!(first.headers()["cache-control"], "private, no-cache");
            let tag = etag(&first);
            let bytes = first.bytes().await.unwrap();
            let second = fetch(&app, &here, &w.admin, &path, None).await;
            assert_eq!(etag(&second), tag, "{doc}");
            assert_eq!(second.bytes().await.unwrap(), bytes, "{doc}");
            let again = fetch(&app, &here, &w.admin, &path, Some(&tag)).await;
            assert_eq!(again.status(), 304, "{doc}");
            tags.push(tag);
        }
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), 4, "each document, language and format its own");

        let path = format!("/print/centres/sundsvall/schedule?date={}", w.day);
        let first = fetch(&app, &here, &w.admin, &path, None).await;
        let tag = etag(&first);
        assert!(first.text().await.unwrap().contains("Mittuniversitetet"));
        let root = app.token("root@example.se", "system_admin", &[], None);
        let r = app
            .patch_as(
                &root,
                "/api/v1/institutions/miun",
                json!({"name": "Mittuniversitetet i Sundsvall"}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let after = fetch(&app, &here, &w.admin, &path, Some(&tag)).await;
        assert_eq!(after.status(), 200, "the old name is not served");
        assert_ne!(etag(&after), tag);
        assert!(after
            .text()
            .await
            .unwrap()
            .contains("Mittuniversitetet i Sundsvall"));
    }
);

app_test!(
    a_student_made_protected_is_never_printed_from_a_cache,
    |app| async move {
        app.at(&chrono::Utc::now().format("%Y-%m-%dT%H:%M:00Z").to_string());
        let w = world(&app).await;
        let mut list = students(2);
        list[0]["name"] = json!("Åsa Öberg");
        let r = submit(&app, &w, request_body(w.day, list)).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(approve(&app, &w, &id).await.status, 200);
        let here = app.address.clone();
        let html = format!("/print/centres/sundsvall/attendance?date={}", w.day);
        let pdf = format!("/print/centres/sundsvall/attendance.pdf?date={}", w.day);
        let schedule = format!("/print/centres/sundsvall/schedule?date={}", w.day);
        let sheet = fetch(&app, &here, &w.admin, &html, None).await;
        assert!(
            sheet.headers().get("etag").is_none(),
            "the attendance sheet is never cached"
        );
        assert!(sheet.text().await.unwrap().contains("Åsa Öberg"));
        let _ = fetch(&app, &here, &w.admin, &pdf, None).await;
        let listed = fetch(&app, &here, &w.admin, &schedule, None).await;
        let schedule_tag = etag(&listed);
        assert!(!listed.text().await.unwrap().contains("Åsa Öberg"));

        // Her identity becomes protected on her account, as a request to
        // another centre listing her so would do: nothing at this centre
        // changes.
        {
            use skrivsal::db::schema::users;
            let mut conn = app.db.get().unwrap();
            diesel::update(users::table.filter(users::email.eq("student0@example.se")))
                .set(users::protected_identity.eq(true))
                .execute(&mut *conn)
                .unwrap();
        }
        let sheet = fetch(&app, &here, &w.admin, &html, None).await;
        let text = sheet.text().await.unwrap();
        assert!(!text.contains("Åsa Öberg"), "{text}");
        let sheet = fetch(&app, &here, &w.admin, &pdf, None).await;
        assert_eq!(sheet.status(), 200);
        let bytes = sheet.bytes().await.unwrap();
        if crate::print::poppler() {
            assert!(!crate::print::read_pdf(&bytes).all().contains("Åsa Öberg"));
        }
        // The schedule shows no names: its cached bytes stand.
        let listed = fetch(&app, &here, &w.admin, &schedule, Some(&schedule_tag)).await;
        assert_eq!(listed.status(), 304);
    }
);
