//! The world the matrix runs in: two centres, two institutions, a caller
//! of every kind, and the paths and bodies that fill each route.

use serde_json::{json, Value};

use crate::helpers::TestApp;

/// Weekdays 07:00-20:00.
fn full_week() -> Value {
    let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({"weekday": d, "from": "07:00", "to": "20:00"}))
        .collect();
    json!({ "weekly": weekly })
}

/// A Tuesday far enough ahead for any registration deadline, in a week
/// without holidays.
fn exam_day() -> chrono::NaiveDate {
    use chrono::{Datelike, Duration};
    let closed = |d: chrono::NaiveDate| {
        skrivsal::calendar::holiday_on(d, skrivsal::calendar::HolidayOptions::default()).is_some()
    };
    let mut d = chrono::Utc::now().date_naive() + Duration::days(35);
    while d.weekday() != chrono::Weekday::Tue || (0..=3).any(|k| closed(d + Duration::days(k))) {
        d += Duration::days(1);
    }
    d
}

/// A message in the outbox marked failed, straight in the database.
fn failed_message(app: &TestApp) -> String {
    use diesel::prelude::*;
    use skrivsal::db::schema::mail_outbox;
    let mut conn = app.db.get().unwrap();
    let id = skrivsal::mail::outbox::enqueue(
        &mut conn,
        skrivsal::mail::outbox::Mail {
            kind: "test",
            to_address: "x@example.se",
            to_name: "",
            language: skrivsal::domain::Language::Sv,
            subject: "s".into(),
            body_text: "b".into(),
            body_html: None,
            ics: None,
            related: None,
        },
        "skrivsal.test",
    )
    .unwrap();
    diesel::update(mail_outbox::table.find(&id))
        .set(mail_outbox::status.eq("failed"))
        .execute(&mut *conn)
        .unwrap();
    id
}

pub(super) struct Fixture {
    pub(super) tokens: Vec<Option<String>>,
    pub(super) admin: String,
    student: String,
    own_invigilator: String,
    pub(super) institution: String,
    day: chrono::NaiveDate,
    /// An open request the matrix student registers for.
    pub(super) open_request: std::cell::RefCell<String>,
    /// Alpha's big exam hall.
    pub(super) big_hall: std::cell::RefCell<String>,
    counter: std::cell::Cell<u32>,
    /// The next free quarter hour for a fresh study booking of the student:
    /// the ones left behind must not collide with the next.
    study_slot: std::cell::Cell<u32>,
}

impl Fixture {
    pub(super) async fn new(app: &TestApp) -> Fixture {
        let admin = app.admin_with_centre("alpha").await;
        let r = app.post_as(&admin, "/api/v1/centres", json!({"slug": "beta", "name": "Beta", "municipality": "B", "address": "B", "email": "b@example.se"})).await;
        assert_eq!(r.status, 201);
        for slug in ["ix", "iy"] {
            let r = app
                .post_as(
                    &admin,
                    "/api/v1/institutions",
                    json!({"slug": slug, "name": slug, "email": format!("{slug}@example.se")}),
                )
                .await;
            assert_eq!(r.status, 201);
        }
        let inv = app
            .post_as(
                &admin,
                "/api/v1/centres/alpha/invigilators",
                json!({"name": "Own", "email": "inv-a@example.se"}),
            )
            .await;
        let inv_id = inv.body["id"].as_str().unwrap().to_string();
        let r = app
            .put_as(
                &admin,
                &format!("/api/v1/invigilators/{inv_id}/availability"),
                full_week(),
            )
            .await;
        assert_eq!(r.status, 200);
        // Room and ratio enough for every sitting the cases place at once.
        app.patch_as(
            &admin,
            "/api/v1/centres/alpha",
            json!({"invigilator_ratio": 1000}),
        )
        .await;
        for (name, purpose) in [("Big hall", "exam"), ("Big study", "study")] {
            let kind = if purpose == "exam" {
                "exam_hall"
            } else {
                "study_area"
            };
            let r = app
                .post_as(
                    &admin,
                    "/api/v1/centres/alpha/rooms",
                    json!({"name": name, "kind": kind, "seats": 1000, "bookable_for": [purpose]}),
                )
                .await;
            assert_eq!(r.status, 201);
        }
        let tokens = vec![
            None,
            Some(admin.clone()),
            Some(app.token("ca-a@example.se", "centre_admin", &["alpha"], None)),
            Some(app.token("ca-b@example.se", "centre_admin", &["beta"], None)),
            Some(app.token("inv-a@example.se", "invigilator", &["alpha"], None)),
            Some(app.token("inv-b@example.se", "invigilator", &["beta"], None)),
            Some(app.token("x@inst.se", "institution", &[], Some("ix"))),
            Some(app.token("y@inst.se", "institution", &[], Some("iy"))),
            Some(app.token("student@example.se", "student", &[], None)),
        ];
        Fixture {
            student: tokens[8].clone().unwrap_or_default(),
            institution: tokens[6].clone().unwrap_or_default(),
            tokens,
            admin,
            own_invigilator: inv_id,
            day: exam_day(),
            open_request: std::cell::RefCell::new(String::new()),
            big_hall: std::cell::RefCell::new(String::new()),
            counter: std::cell::Cell::new(0),
            study_slot: std::cell::Cell::new(0),
        }
    }

    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    pub(super) fn request(&self, n: u32, open: bool) -> Value {
        json!({
            "centre": "alpha", "course_code": "C1", "title": "T", "starts_at": format!("{}T09:00", self.day),
            "duration_minutes": 60, "open": open,
            "students": if open { json!([]) } else { json!([{"name": "S", "email": format!("m{n}@student.se")}]) },
        })
    }

    /// A fresh request; with `approve`, placed; with `check_in`, its sitting
    /// checked in. Returns (request id, sitting id).
    async fn fresh_request(
        &self,
        app: &TestApp,
        n: u32,
        approve: bool,
        check_in: bool,
    ) -> (String, String) {
        let r = app
            .post_as(
                &self.institution,
                "/api/v1/exam-requests",
                self.request(n, false),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let sitting = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
        if approve {
            let a = app
                .post_as(
                    &self.admin,
                    &format!("/api/v1/exam-requests/{id}/approve"),
                    json!({}),
                )
                .await;
            assert_eq!(a.status, 200, "{a:?}");
        }
        if check_in {
            let c = app
                .post_as(
                    &self.admin,
                    &format!("/api/v1/exam-sittings/{sitting}/check-in"),
                    json!({}),
                )
                .await;
            assert_eq!(c.status, 200, "{c:?}");
        }
        (id, sitting)
    }

    async fn fresh(&self, app: &TestApp, path: &str, body: Value) -> String {
        let r = app.post_as(&self.admin, path, body).await;
        assert_eq!(r.status, 201, "{path}: {r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }

    /// A concrete path for a case, creating a fresh target where the call may
    /// change or remove it.
    pub(super) async fn resolve(&self, app: &TestApp, method: &str, path: &str) -> String {
        let n = self.next();
        let id = if path.starts_with("/api/v1/rooms/") {
            Some(self.fresh(app, "/api/v1/centres/alpha/rooms", json!({"name": format!("R{n}"), "kind": "exam_hall", "seats": 5, "bookable_for": ["exam"]})).await)
        } else if path.starts_with("/api/v1/closures/") {
            Some(
                self.fresh(
                    app,
                    "/api/v1/centres/alpha/closures",
                    json!({"from": "2027-07-01", "to": "2027-07-02", "reason": "x"}),
                )
                .await,
            )
        } else if path.ends_with("/availability") {
            Some(self.own_invigilator.clone())
        } else if path.starts_with("/api/v1/invigilators/") {
            Some(
                self.fresh(
                    app,
                    "/api/v1/centres/alpha/invigilators",
                    json!({"name": "I", "email": format!("i{n}@example.se")}),
                )
                .await,
            )
        } else if path.starts_with("/api/v1/access-cards/") {
            Some(self.fresh(app, "/api/v1/centres/alpha/access-cards", json!({"student_email": format!("card{n}@example.se"), "valid_from": "2026-01-01", "valid_to": "2026-12-31"})).await)
        } else if path.starts_with("/api/v1/exam-requests/{id}") {
            let approved = path.ends_with("/cancel");
            Some(self.fresh_request(app, n, approved, false).await.0)
        } else if path.starts_with("/api/v1/exam-sittings/{id}") {
            let approve = !path.ends_with("/approve");
            let check_in = path.ends_with("/complete");
            Some(self.fresh_request(app, n, approve, check_in).await.1)
        } else if path.starts_with("/api/v1/study-bookings/") {
            let day = self.day + chrono::Duration::days(2);
            let k = self.study_slot.get();
            self.study_slot.set(k + 1);
            assert!(
                k < 36,
                "out of quarter hours 08–17 for fresh study bookings"
            );
            let at = |q: u32| format!("{day}T{:02}:{:02}", 8 + q / 4, (q % 4) * 15);
            let body = json!({"centre": "alpha", "starts_at": at(k), "ends_at": at(k + 1)});
            let r = app
                .post_as(&self.student, "/api/v1/study-bookings", body)
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            Some(r.body["id"].as_str().unwrap().to_string())
        } else if path.starts_with("/api/v1/mail/") {
            Some(failed_message(app))
        } else if path.starts_with("/api/v1/feeds/") || path.starts_with("/feeds/") {
            let r = app
                .post_as(&self.student, "/api/v1/feeds", json!({"kind": "student"}))
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            if path.starts_with("/feeds/") {
                let url = r.body["url"].as_str().unwrap();
                return url
                    .rsplit_once("/feeds/")
                    .map(|(_, f)| format!("/feeds/{f}"))
                    .unwrap();
            }
            Some(r.body["id"].as_str().unwrap().to_string())
        } else if path.starts_with("/api/v1/tokens/") {
            let r = app
                .post_as(
                    &self.student,
                    "/api/v1/tokens",
                    json!({"name": format!("t{n}")}),
                )
                .await;
            Some(r.body["id"].as_str().unwrap().to_string())
        } else {
            None
        };
        let mut concrete = path
            .replace("{centre}", "alpha")
            .replace("{institution}", "ix")
            .replace("{file}", "swagger-ui.css")
            .replace("{document}", "schedule");
        if let Some(id) = id {
            concrete = concrete.replace("{id}", &id);
        }
        let query = match (method, path) {
            (_, "/api/v1/centres/{centre}/calendar/at") => "?time=2026-03-30T09:00",
            ("GET", "/auth/link") | ("GET", "/auth/password-reset") => "?token=abc",
            _ => "",
        };
        concrete + query
    }

    pub(super) fn body(&self, method: &str, path: &str) -> Option<Value> {
        let n = self.next();
        let body = match (method, path) {
            ("POST", "/auth/login") => {
                json!({"email": format!("nobody{n}@example.se"), "password": "not the password"})
            }
            ("POST", "/auth/link") | ("POST", "/auth/password-reset") => {
                json!({"email": format!("nobody{n}@example.se")})
            }
            ("POST", "/auth/link/consume") => json!({"token": "not-a-token"}),
            ("POST", "/auth/password-reset/confirm") => {
                json!({"token": "not-a-token", "password": "long enough password"})
            }
            ("POST", "/api/v1/centres") => {
                json!({"slug": format!("m{n}"), "name": "M", "municipality": "M", "address": "M", "email": "m@example.se"})
            }
            ("PATCH", "/api/v1/centres/{centre}") => json!({"name": "Alpha"}),
            // A dry run: the matrix asks who may plan, not what gets planned.
            ("POST", "/api/v1/centres/{centre}/plan") => {
                json!({"from": "2027-03-08", "to": "2027-03-12", "time_limit_ms": 50})
            }
            ("POST", "/api/v1/centres/{centre}/rooms") => {
                json!({"name": format!("New {n}"), "kind": "study_area", "seats": 5, "bookable_for": ["study"]})
            }
            ("PUT", "/api/v1/centres/{centre}/hours") => {
                // The same hours the fixture set, so later cases still find the centre open.
                let days = ["mon", "tue", "wed", "thu", "fri"];
                let opening: Vec<Value> = days
                    .iter()
                    .map(|d| json!({"weekday": d, "opens": "08:00", "closes": "17:00"}))
                    .collect();
                let card: Vec<Value> = days
                    .iter()
                    .map(|d| json!({"weekday": d, "opens": "06:00", "closes": "22:00"}))
                    .collect();
                json!({"opening": opening, "access_card": card})
            }
            ("POST", "/api/v1/centres/{centre}/closures") => {
                json!({"from": "2027-12-27", "to": "2027-12-30", "reason": "Jul"})
            }
            ("POST", "/api/v1/centres/{centre}/invigilators") => {
                json!({"name": "N", "email": format!("new{n}@example.se")})
            }
            ("POST", "/api/v1/centres/{centre}/access-cards") => {
                json!({"student_email": format!("new{n}@student.se"), "valid_from": "2026-01-01", "valid_to": "2026-06-30"})
            }
            ("PATCH", "/api/v1/rooms/{id}") => json!({"seats": 6}),
            ("POST", "/api/v1/exam-requests") => self.request(n, false),
            ("POST", "/api/v1/exam-requests/{id}/reject") => json!({"reason": "no room"}),
            ("POST", "/api/v1/exam-sittings/{id}/move") => json!({}),
            ("POST", "/api/v1/feeds") => {
                json!({"kind": "room", "id": self.big_hall.borrow().clone()})
            }
            ("POST", "/api/v1/exam-sittings") => {
                json!({"exam_request": self.open_request.borrow().clone()})
            }
            ("POST", "/api/v1/study-bookings") => {
                let day = self.day + chrono::Duration::days(1);
                json!({"centre": "alpha", "starts_at": format!("{day}T10:00"), "ends_at": format!("{day}T11:00")})
            }
            ("PATCH", "/api/v1/study-bookings/{id}") => {
                let day = self.day + chrono::Duration::days(3);
                json!({"starts_at": format!("{day}T{:02}:00", 8 + n % 9), "ends_at": format!("{day}T{:02}:30", 8 + n % 9)})
            }
            ("PATCH", "/api/v1/invigilators/{id}") => json!({"name": "Renamed"}),
            ("PUT", "/api/v1/invigilators/{id}/availability") => full_week(),
            ("POST", "/api/v1/institutions") => {
                json!({"slug": format!("inst{n}"), "name": "I", "email": "i@example.se"})
            }
            ("PATCH", "/api/v1/institutions/{institution}") => json!({"name": "X"}),
            ("POST", "/api/v1/tokens") => json!({"name": format!("t{n}")}),
            ("POST", "/api/v1/users") => {
                json!({"email": format!("u{n}@example.se"), "role": "student"})
            }
            _ => return None,
        };
        Some(body)
    }
}
