//! The pages for people: plain HTTP tests of each page (status, language,
//! tenancy, CSRF, refusals in words) and the real-browser journeys
//! (`browser`).

use serde_json::json;

use crate::helpers::TestApp;

mod browser;
mod browser_invigilator;
mod http;
mod invigilator;
mod journeys;
mod moves;
mod sign_in;
mod start;

pub(crate) const PASSWORD: &str = "en lång fras för test";
/// A Tuesday in winter (UTC+1) the tests book on; "now" is a week before.
pub(crate) const DAY: &str = "2026-12-08";
pub(crate) const NOW: &str = "2026-12-01T09:00:00+01:00";

/// A signed-in browser session: the cookie pair and its CSRF token.
pub(crate) struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub(crate) fn create_person(app: &TestApp, email: &str, name: &str, role: &str, centres: &[&str]) {
    app.person(email, name, role, centres, PASSWORD);
}

/// The sign-in link last e-mailed to `to`, as a path on the app.
pub(crate) fn mailed_link(app: &TestApp, to: &str) -> String {
    let (_, token) = app.last_mailed_token(to).unwrap();
    format!("/auth/link?token={token}")
}

pub(crate) async fn sign_in(app: &TestApp, email: &str) -> Session {
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("skrivsal_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_string(),
    }
}

/// Sundsvall (weekdays 08–17, card holders 06–22) with a study room of
/// three seats; the clock a week before `DAY`. Returns the admin's token
/// and the room's id.
pub(crate) async fn centre_with_study_room(app: &TestApp) -> (String, String) {
    app.at(NOW);
    let admin = app.admin_with_centre("sundsvall").await;
    let room = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/rooms",
            json!({"name": "Studiehallen", "kind": "study_area", "seats": 3, "accessible": true, "bookable_for": ["study"]}),
        )
        .await;
    assert_eq!(room.status, 201, "{room:?}");
    (admin, room.body["id"].as_str().unwrap().to_string())
}

/// An exam hall, Mittuniversitetet, and an open exam request on `DAY` at
/// 09:00 for each title (course MA051G, aids "Miniräknare"), at
/// `centre_with_study_room`'s centre.
pub(crate) async fn open_exams(app: &TestApp, titles: &[&str]) {
    let admin = app.token("root-sundsvall@example.se", "system_admin", &[], None);
    let r = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Skrivsal A", "kind": "exam_hall", "seats": 20, "computer_seats": 4, "accessible": true, "bookable_for": ["exam"]})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app.post_as(&admin, "/api/v1/institutions", json!({"slug": "miun", "name": "Mittuniversitetet", "email": "tentamen@miun.se", "rules": {"registration_deadline_days": 3}})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let inst = app.token("anna@miun.se", "institution", &[], Some("miun"));
    for title in titles {
        let r = app.post_as(&inst, "/api/v1/exam-requests", json!({
            "centre": "sundsvall", "course_code": "MA051G", "course_name": "Matematik", "title": title,
            "starts_at": format!("{DAY}T09:00"), "duration_minutes": 180, "aids": "Miniräknare",
            "contact": {"name": "Lärare", "email": "larare@miun.se"}, "open": true, "students": []
        })).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
}
