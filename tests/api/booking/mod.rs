//! The booking core: exam requests, placement, sittings' state machine,
//! study places, limits, own bookings, the schedule, and concurrency.
//! The shared world and request helpers live here; the tests are in the
//! topic modules.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{Reply, TestApp};

mod moving;
mod random_sequences;
mod requests;
mod rules_cache;
mod sittings;
mod study_places;
mod versions;

/// A Tuesday well beyond any registration deadline whose week (and the
/// next Tuesday) has no holiday, so tests can use the days after it.
fn exam_day() -> NaiveDate {
    let closed = |d: NaiveDate| {
        skrivsal::calendar::holiday_on(d, skrivsal::calendar::HolidayOptions::default()).is_some()
    };
    let mut d = chrono::Utc::now().date_naive() + Duration::days(35);
    while d.weekday() != Weekday::Tue || (0..=7).any(|k| closed(d + Duration::days(k))) {
        d += Duration::days(1);
    }
    d
}

pub(crate) struct World {
    pub(crate) admin: String,
    pub(crate) institution: String,
    pub(crate) hall: String,
    pub(crate) study_room: String,
    pub(crate) day: NaiveDate,
}

/// Sundsvall with an exam hall (20 seats, 4 computers), a separate room, a
/// study area (3 seats), two invigilators available on weekdays 07-20, and
/// Mittuniversitetet (start offset 60 min, 10 working days' notice).
pub(crate) async fn world(app: &TestApp) -> World {
    let admin = app.admin_with_centre("sundsvall").await;
    let hall = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Skrivsal A", "kind": "exam_hall", "seats": 20, "computer_seats": 4, "accessible": true, "bookable_for": ["exam"]})).await;
    assert_eq!(hall.status, 201, "{hall:?}");
    let sep = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Enskilt rum", "kind": "separate_room", "seats": 1, "computer_seats": 1, "bookable_for": ["exam"]})).await;
    assert_eq!(sep.status, 201);
    let study = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Studiehallen", "kind": "study_area", "seats": 3, "bookable_for": ["study"]})).await;
    assert_eq!(study.status, 201);
    for (name, email) in [("Karin", "karin@sundsvall.se"), ("Per", "per@sundsvall.se")] {
        weekday_invigilator(app, &admin, name, email).await;
    }
    let r = app.post_as(&admin, "/api/v1/institutions", json!({"slug": "miun", "name": "Mittuniversitetet", "email": "tentamen@miun.se", "rules": {"start_offset_minutes": 60, "registration_deadline_days": 10}})).await;
    assert_eq!(r.status, 201);
    World {
        institution: app.token("anna@miun.se", "institution", &[], Some("miun")),
        admin,
        hall: hall.body["id"].as_str().unwrap().to_string(),
        study_room: study.body["id"].as_str().unwrap().to_string(),
        day: exam_day(),
    }
}

pub(crate) fn request_body(day: NaiveDate, students: Value) -> Value {
    json!({
        "centre": "sundsvall",
        "course_code": "MA051G",
        "course_name": "Matematik för ingenjörer",
        "title": "Tentamen 1",
        "starts_at": format!("{day}T09:00"),
        "duration_minutes": 180,
        "aids": "Miniräknare",
        "contact": {"name": "Lärare", "email": "larare@miun.se"},
        "students": students,
    })
}

pub(crate) fn students(n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"name": format!("Student {i}"), "email": format!("student{i}@example.se")}))
            .collect(),
    )
}

fn offset(day: NaiveDate) -> &'static str {
    use chrono::TimeZone;
    let t = chrono_tz::Europe::Stockholm
        .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
        .unwrap();
    if t.format("%z").to_string() == "+0200" {
        "02:00"
    } else {
        "01:00"
    }
}

/// The independent whole-state check over the centre around `day`.
fn audit_clean(app: &TestApp, day: NaiveDate) {
    use skrivsal::db::models::Centre;
    use skrivsal::db::schema::centres;
    let mut conn = app.db.get().unwrap();
    let centre: Centre = centres::table
        .filter(centres::slug.eq("sundsvall"))
        .select(Centre::as_select())
        .first(&mut *conn)
        .unwrap();
    let snap = skrivsal::exams::booking::snapshot(
        &mut conn,
        &centre,
        day - Duration::days(1),
        day + Duration::days(8),
    )
    .unwrap();
    let violations = skrivsal::conflicts::audit(&snap);
    assert!(
        violations.is_empty(),
        "rules broken in the database: {violations:?}"
    );
}

/// The institution submits `body` as an exam request.
pub(crate) async fn submit(app: &TestApp, w: &World, body: Value) -> Reply {
    app.post_as(&w.institution, "/api/v1/exam-requests", body)
        .await
}

/// The centre admin approves exam request `id`.
pub(crate) async fn approve(app: &TestApp, w: &World, id: &str) -> Reply {
    app.post_as(
        &w.admin,
        &format!("/api/v1/exam-requests/{id}/approve"),
        json!({}),
    )
    .await
}

/// The centre admin takes sitting `id` through `action` (`check-in`,
/// `complete`, `no-show`, …).
async fn sitting_action(app: &TestApp, w: &World, id: &str, action: &str) -> Reply {
    app.post_as(
        &w.admin,
        &format!("/api/v1/exam-sittings/{id}/{action}"),
        json!({}),
    )
    .await
}

/// The centre admin moves sitting `id` (`body` names a new start or room).
async fn move_sitting(app: &TestApp, w: &World, id: &str, body: Value) -> Reply {
    app.post_as(&w.admin, &format!("/api/v1/exam-sittings/{id}/move"), body)
        .await
}

/// An invigilator at Sundsvall available weekdays 07:00–20:00; their id.
pub(crate) async fn weekday_invigilator(
    app: &TestApp,
    admin: &str,
    name: &str,
    email: &str,
) -> String {
    let inv = app
        .post_as(
            admin,
            "/api/v1/centres/sundsvall/invigilators",
            json!({"name": name, "email": email}),
        )
        .await;
    assert_eq!(inv.status, 201, "{inv:?}");
    let id = inv.body["id"].as_str().unwrap().to_string();
    let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({"weekday": d, "from": "07:00", "to": "20:00"}))
        .collect();
    let r = app
        .put_as(
            admin,
            &format!("/api/v1/invigilators/{id}/availability"),
            json!({"weekly": weekly}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    id
}
