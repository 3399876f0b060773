//! The centres' rules kept in memory (`centres::rules`) never outlive a
//! change: a rules write made by another server process, with its own
//! memory, reaches this one's next booking.

use std::net::TcpListener;
use std::sync::Arc;

use chrono::Duration;
use serde_json::{json, Value};
use skrivsal::db::Database;

use super::*;
use crate::app_test;
use crate::helpers::settings_for;

/// A second server on the app's database and clock with its own database
/// handle (pool, write gate, rules in memory), as another process has.
fn second_process(app: &TestApp) -> (actix_web::dev::ServerHandle, String) {
    let settings = settings_for(app.database_url());
    let db = Database::open(&settings.database)
        .expect("open the database again")
        .with_clock(app.db.clock().clone());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind random port");
    let port = listener.local_addr().expect("local addr").port();
    let server =
        skrivsal::app::startup::run(listener, db, Arc::new(settings)).expect("start server");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (handle, format!("http://127.0.0.1:{port}"))
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Value,
) -> u16 {
    app.client
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request failed")
        .status()
        .as_u16()
}

app_test!(
    rules_changed_by_another_process_reach_the_next_booking,
    |app| async move {
        let w = world(&app).await;
        let (other, other_base) = second_process(&app);
        let day = w.day + Duration::days(1);
        let students: Vec<String> = (0..4)
            .map(|i| app.token(&format!("c{i}@student.se"), "student", &[], None))
            .collect();
        let book = |who: usize, day: chrono::NaiveDate, from: &str, to: &str| {
            let app = &app;
            let token = students[who].clone();
            let body = json!({"centre": "sundsvall", "starts_at": format!("{day}T{from}"), "ends_at": format!("{day}T{to}")});
            async move { app.post_as(&token, "/api/v1/study-bookings", body).await }
        };
        // This process reads the rules, and keeps them.
        let r = book(0, day, "09:00", "10:00").await;
        assert_eq!(r.status, 201, "{r:?}");

        // The other process makes the study room a one-seat room: the next
        // booking beside the first one here is refused on capacity.
        let status = send(
            &app,
            reqwest::Method::PATCH,
            format!("{other_base}/api/v1/rooms/{}", w.study_room),
            &w.admin,
            json!({"seats": 1}),
        )
        .await;
        assert_eq!(status, 200);
        let r = book(1, day, "09:30", "10:30").await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "room_capacity", "{r:?}");

        // It closes the day: here the day is closed at once.
        let status = send(
            &app,
            reqwest::Method::POST,
            format!("{other_base}/api/v1/centres/sundsvall/closures"),
            &w.admin,
            json!({"from": day.to_string(), "to": day.to_string(), "reason": "Vattenläcka"}),
        )
        .await;
        assert_eq!(status, 201);
        let r = book(2, day, "13:00", "14:00").await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "closed_day", "{r:?}");

        // It gives a student a card: the evening opens to them here.
        let evening = day + Duration::days(1);
        let r = book(3, evening, "19:00", "20:00").await;
        assert_eq!(
            r.body["conflicts"][0]["rule"], "access_card_required",
            "{r:?}"
        );
        let status = send(
            &app,
            reqwest::Method::POST,
            format!("{other_base}/api/v1/centres/sundsvall/access-cards"),
            &w.admin,
            json!({"student_email": "c3@student.se", "valid_from": evening.to_string(), "valid_to": evening.to_string()}),
        )
        .await;
        assert_eq!(status, 201);
        let r = book(3, evening, "19:00", "20:00").await;
        assert_eq!(r.status, 201, "{r:?}");

        // And this process's own rules writes reach the other's bookings.
        let r = app
            .patch_as(
                &w.admin,
                &format!("/api/v1/rooms/{}", w.study_room),
                json!({"seats": 3}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let status = send(
            &app,
            reqwest::Method::POST,
            format!("{other_base}/api/v1/study-bookings"),
            &students[1],
            json!({"centre": "sundsvall", "starts_at": format!("{evening}T10:00"), "ends_at": format!("{evening}T11:00")}),
        )
        .await;
        assert_eq!(status, 201);
        other.stop(true).await;
    }
);
