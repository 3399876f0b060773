//! The authorization matrix: every route of the app, for every kind of
//! caller, own tenant and other tenant, with the status it must answer.
//!
//! The table must name every route `skrivsal::web::routes::route_list()` knows, so
//! a new endpoint cannot be added without deciding who may use it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::app_test;
use crate::helpers::TestApp;

/// Callers, in the order of the expectation arrays.
const CALLERS: [&str; 9] = [
    "anonymous",
    "system_admin",
    "centre_admin (own centre)",
    "centre_admin (other centre)",
    "invigilator (own centre)",
    "invigilator (other centre)",
    "institution (own)",
    "institution (other)",
    "student",
];

struct Case {
    method: &'static str,
    /// The path as registered; placeholders are filled by `Fixture::resolve`.
    path: &'static str,
    expect: [u16; 9],
}

const fn case(method: &'static str, path: &'static str, expect: [u16; 9]) -> Case {
    Case {
        method,
        path,
        expect,
    }
}

// Shorthands for the common shapes of a row.
const PUBLIC_200: [u16; 9] = [200; 9];
const SIGNED_IN_200: [u16; 9] = [401, 200, 200, 200, 200, 200, 200, 200, 200];
const SIGNED_IN_201: [u16; 9] = [401, 201, 201, 201, 201, 201, 201, 201, 201];
const SYSADMIN_ONLY_200: [u16; 9] = [401, 200, 403, 403, 403, 403, 403, 403, 403];
const SYSADMIN_ONLY_201: [u16; 9] = [401, 201, 403, 403, 403, 403, 403, 403, 403];
/// Who may know of the centre: everyone but the other centre's staff.
const CENTRE_VISIBLE: [u16; 9] = [401, 200, 200, 404, 200, 404, 200, 200, 200];
/// Who manages the centre: system admin and its own admins.
const CENTRE_MANAGED_200: [u16; 9] = [401, 200, 200, 404, 403, 404, 403, 403, 403];
const CENTRE_MANAGED_201: [u16; 9] = [401, 201, 201, 404, 403, 404, 403, 403, 403];
const CENTRE_MANAGED_204: [u16; 9] = [401, 204, 204, 404, 403, 404, 403, 403, 403];
/// The centre's staff (admins and invigilators).
const CENTRE_STAFF: [u16; 9] = [401, 200, 200, 404, 200, 404, 403, 403, 403];
/// Staff-only items (invigilators): others may not know they exist.
const STAFF_ITEM_200: [u16; 9] = [401, 200, 200, 404, 200, 404, 404, 404, 404];
const STAFF_ITEM_MANAGED_200: [u16; 9] = [401, 200, 200, 404, 403, 404, 404, 404, 404];
const STAFF_ITEM_MANAGED_204: [u16; 9] = [401, 204, 204, 404, 403, 404, 404, 404, 404];
/// An exam request: its centre's staff and its institution.
const REQUEST_READ: [u16; 9] = [401, 200, 200, 404, 200, 404, 200, 404, 404];
/// Deciding on a request or a sitting: the centre's admins.
const REQUEST_DECIDE: [u16; 9] = [401, 200, 200, 404, 403, 404, 403, 404, 404];
/// Checking in, completing, no-show: the centre's staff.
const SITTING_STAFF: [u16; 9] = [401, 200, 200, 404, 200, 404, 403, 404, 404];

fn cases() -> Vec<Case> {
    vec![
        case("GET", "/", PUBLIC_200),
        case("GET", "/static/site.css", PUBLIC_200),
        case("GET", "/static/print.css", PUBLIC_200),
        case("GET", "/print/centres/{centre}/{document}", CENTRE_STAFF),
        case("GET", "/healthz", PUBLIC_200),
        case("GET", "/readyz", PUBLIC_200),
        case("GET", "/login", PUBLIC_200),
        // Sign-in endpoints answer the same whoever calls: wrong password 401,
        // link requests 202 (sent if the account exists), bad links 422.
        case("POST", "/auth/login", [401; 9]),
        case("POST", "/auth/logout", [204; 9]),
        case("POST", "/auth/link", [202; 9]),
        case("GET", "/auth/link", PUBLIC_200),
        case("POST", "/auth/link/consume", [422; 9]),
        case("POST", "/auth/password-reset", [202; 9]),
        case("GET", "/auth/password-reset", PUBLIC_200),
        case("POST", "/auth/password-reset/confirm", [422; 9]),
        // The API description and Swagger UI. The client follows the bare
        // path's redirect to the page; `{file}` is one of the page's assets.
        case("GET", "/api/openapi.json", PUBLIC_200),
        case("GET", "/api/docs", PUBLIC_200),
        case("GET", "/api/docs/", PUBLIC_200),
        case("GET", "/api/docs/{file}", PUBLIC_200),
        case("GET", "/api/v1/centres", SIGNED_IN_200),
        case("POST", "/api/v1/centres", SYSADMIN_ONLY_201),
        case("GET", "/api/v1/centres/{centre}", CENTRE_VISIBLE),
        case("PATCH", "/api/v1/centres/{centre}", CENTRE_MANAGED_200),
        // Deactivating a centre is for system admins alone.
        case(
            "DELETE",
            "/api/v1/centres/{centre}",
            [401, 204, 403, 404, 403, 404, 403, 403, 403],
        ),
        case("GET", "/api/v1/centres/{centre}/rooms", CENTRE_VISIBLE),
        case("POST", "/api/v1/centres/{centre}/rooms", CENTRE_MANAGED_201),
        case("GET", "/api/v1/centres/{centre}/hours", CENTRE_VISIBLE),
        case("PUT", "/api/v1/centres/{centre}/hours", CENTRE_MANAGED_200),
        case("GET", "/api/v1/centres/{centre}/closures", CENTRE_VISIBLE),
        case(
            "POST",
            "/api/v1/centres/{centre}/closures",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/centres/{centre}/calendar", CENTRE_VISIBLE),
        case(
            "GET",
            "/api/v1/centres/{centre}/calendar/at",
            CENTRE_VISIBLE,
        ),
        case("GET", "/api/v1/centres/{centre}/invigilators", CENTRE_STAFF),
        case(
            "POST",
            "/api/v1/centres/{centre}/invigilators",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/centres/{centre}/access-cards", CENTRE_STAFF),
        case(
            "POST",
            "/api/v1/centres/{centre}/access-cards",
            CENTRE_MANAGED_201,
        ),
        case("GET", "/api/v1/rooms/{id}", CENTRE_VISIBLE),
        case("PATCH", "/api/v1/rooms/{id}", CENTRE_MANAGED_200),
        case("DELETE", "/api/v1/rooms/{id}", CENTRE_MANAGED_204),
        case("DELETE", "/api/v1/closures/{id}", CENTRE_MANAGED_204),
        case("GET", "/api/v1/invigilators/{id}", STAFF_ITEM_200),
        case("PATCH", "/api/v1/invigilators/{id}", STAFF_ITEM_MANAGED_200),
        case(
            "DELETE",
            "/api/v1/invigilators/{id}",
            STAFF_ITEM_MANAGED_204,
        ),
        case(
            "GET",
            "/api/v1/invigilators/{id}/availability",
            STAFF_ITEM_200,
        ),
        // The invigilator maintains their own availability.
        case(
            "PUT",
            "/api/v1/invigilators/{id}/availability",
            STAFF_ITEM_200,
        ),
        case(
            "DELETE",
            "/api/v1/access-cards/{id}",
            STAFF_ITEM_MANAGED_204,
        ),
        case("GET", "/api/v1/institutions", SIGNED_IN_200),
        case("POST", "/api/v1/institutions", SYSADMIN_ONLY_201),
        case(
            "GET",
            "/api/v1/institutions/{institution}",
            [401, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        case(
            "PATCH",
            "/api/v1/institutions/{institution}",
            [401, 200, 403, 403, 403, 403, 200, 404, 403],
        ),
        case("GET", "/api/v1/me", SIGNED_IN_200),
        case("GET", "/api/v1/tokens", SIGNED_IN_200),
        case("POST", "/api/v1/tokens", SIGNED_IN_201),
        // The target is the student's token: theirs to revoke, and the system admin's.
        case(
            "DELETE",
            "/api/v1/tokens/{id}",
            [401, 204, 404, 404, 404, 404, 404, 404, 204],
        ),
        case("GET", "/api/v1/users", SYSADMIN_ONLY_200),
        case("POST", "/api/v1/users", SYSADMIN_ONLY_201),
        case("GET", "/api/v1/audit", SYSADMIN_ONLY_200),
        case("GET", "/api/v1/mail", SYSADMIN_ONLY_200),
        // The target is a failed message: system admins put it back in line.
        case(
            "POST",
            "/api/v1/mail/{id}/retry",
            [401, 204, 403, 403, 403, 403, 403, 403, 403],
        ),
        // A system admin must name the institution it submits for: 422.
        case(
            "POST",
            "/api/v1/exam-requests",
            [401, 422, 403, 403, 403, 403, 201, 201, 403],
        ),
        case("GET", "/api/v1/exam-requests", SIGNED_IN_200),
        // Targets below: a fresh request of institution "ix" at centre alpha,
        // for a fresh student who is not the matrix's student.
        case("GET", "/api/v1/exam-requests/{id}", REQUEST_READ),
        case("POST", "/api/v1/exam-requests/{id}/approve", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-requests/{id}/reject", REQUEST_DECIDE),
        case(
            "POST",
            "/api/v1/exam-requests/{id}/cancel",
            [401, 200, 200, 404, 403, 404, 200, 404, 404],
        ),
        case(
            "POST",
            "/api/v1/exam-sittings",
            [401, 403, 403, 403, 403, 403, 403, 403, 201],
        ),
        case("POST", "/api/v1/exam-sittings/{id}/approve", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-sittings/{id}/move", REQUEST_DECIDE),
        case("POST", "/api/v1/exam-sittings/{id}/check-in", SITTING_STAFF),
        case("POST", "/api/v1/exam-sittings/{id}/complete", SITTING_STAFF),
        case("POST", "/api/v1/exam-sittings/{id}/no-show", SITTING_STAFF),
        case(
            "POST",
            "/api/v1/exam-sittings/{id}/cancel",
            [401, 200, 200, 404, 403, 404, 200, 404, 404],
        ),
        case(
            "GET",
            "/api/v1/centres/{centre}/availability",
            CENTRE_VISIBLE,
        ),
        case(
            "POST",
            "/api/v1/study-bookings",
            [401, 403, 403, 403, 403, 403, 403, 403, 201],
        ),
        // The target is the matrix student's own booking.
        case(
            "DELETE",
            "/api/v1/study-bookings/{id}",
            [401, 204, 204, 404, 403, 404, 404, 404, 204],
        ),
        case("GET", "/api/v1/me/bookings", SIGNED_IN_200),
        case("GET", "/api/v1/feeds", SIGNED_IN_200),
        // A feed of alpha's big hall: its staff; to others the room does not exist (422 on `id`).
        case(
            "POST",
            "/api/v1/feeds",
            [401, 201, 201, 422, 201, 422, 422, 422, 422],
        ),
        // The target is the student's own feed.
        case(
            "DELETE",
            "/api/v1/feeds/{id}",
            [401, 204, 404, 404, 404, 404, 404, 404, 204],
        ),
        // The secret address is the credential: anyone holding it reads the calendar.
        case("GET", "/feeds/{file}", PUBLIC_200),
        case(
            "GET",
            "/api/v1/centres/{centre}/exports/sittings.csv",
            CENTRE_STAFF,
        ),
        case(
            "GET",
            "/api/v1/centres/{centre}/exports/study-bookings.csv",
            CENTRE_STAFF,
        ),
        case(
            "GET",
            "/api/v1/institutions/{institution}/exports/sittings.csv",
            [401, 200, 403, 403, 403, 403, 200, 404, 403],
        ),
        case("GET", "/api/v1/centres/{centre}/schedule", CENTRE_STAFF),
        case("POST", "/api/v1/centres/{centre}/plan", CENTRE_MANAGED_200),
    ]
}

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

struct Fixture {
    tokens: Vec<Option<String>>,
    admin: String,
    student: String,
    own_invigilator: String,
    institution: String,
    day: chrono::NaiveDate,
    /// An open request the matrix student registers for.
    open_request: std::cell::RefCell<String>,
    /// Alpha's big exam hall.
    big_hall: std::cell::RefCell<String>,
    counter: std::cell::Cell<u32>,
}

impl Fixture {
    async fn new(app: &TestApp) -> Fixture {
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
        }
    }

    fn next(&self) -> u32 {
        self.counter.set(self.counter.get() + 1);
        self.counter.get()
    }

    fn request(&self, n: u32, open: bool) -> Value {
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
    async fn resolve(&self, app: &TestApp, method: &str, path: &str) -> String {
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
            let body = json!({"centre": "alpha", "starts_at": format!("{day}T{:02}:00", 8 + n % 9), "ends_at": format!("{day}T{:02}:30", 8 + n % 9)});
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

    fn body(&self, method: &str, path: &str) -> Option<Value> {
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

app_test!(
    every_route_answers_every_caller_as_the_matrix_says,
    |app| async move {
        let table = cases();
        // Completeness: the table and the app list the same routes.
        let app_routes: BTreeSet<(String, String)> = skrivsal::web::routes::route_list()
            .into_iter()
            .map(|(m, p)| (m.to_string(), p))
            .collect();
        let table_routes: BTreeSet<(String, String)> = table
            .iter()
            .map(|c| (c.method.to_string(), c.path.to_string()))
            .collect();
        let missing: Vec<_> = app_routes.difference(&table_routes).collect();
        let stale: Vec<_> = table_routes.difference(&app_routes).collect();
        assert!(
            missing.is_empty(),
            "routes missing from the authorization matrix: {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "matrix rows for routes the app does not have: {stale:?}"
        );

        let fixture = Fixture::new(&app).await;
        let open = app
            .post_as(
                &fixture.institution,
                "/api/v1/exam-requests",
                fixture.request(0, true),
            )
            .await;
        assert_eq!(open.status, 201, "{open:?}");
        *fixture.open_request.borrow_mut() = open.body["id"].as_str().unwrap().to_string();
        let rooms = app
            .get_as(&fixture.admin, "/api/v1/centres/alpha/rooms?limit=500")
            .await;
        let hall = rooms.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Big hall")
            .unwrap();
        *fixture.big_hall.borrow_mut() = hall["id"].as_str().unwrap().to_string();
        let mut failures = Vec::new();
        for c in &table {
            for (who, expected) in c.expect.iter().enumerate() {
                let path = fixture.resolve(&app, c.method, c.path).await;
                let body = fixture.body(c.method, c.path);
                let method = reqwest::Method::from_bytes(c.method.as_bytes()).unwrap();
                let r = app
                    .call(method, &path, fixture.tokens[who].as_deref(), body)
                    .await;
                if r.status != *expected {
                    failures.push(format!(
                        "{} {} as {}: expected {expected}, got {r:?}",
                        c.method, c.path, CALLERS[who]
                    ));
                }
                // Undo a centre deactivation so the next callers see the same world.
                if c.method == "DELETE" && c.path == "/api/v1/centres/{centre}" && r.status == 204 {
                    let back = app
                        .patch_as(
                            &fixture.admin,
                            "/api/v1/centres/alpha",
                            json!({"active": true}),
                        )
                        .await;
                    assert_eq!(back.status, 200);
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} authorization mismatch(es):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);
