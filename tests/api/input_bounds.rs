//! Issue 13 (hardening), findings 0, 3 and 7: dates and ranges a centre can
//! mean, bounded exam windows, control characters in single-line fields,
//! and CSV cells Excel would run as formulas.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use crate::app_test;
use crate::booking::{approve, request_body, students, submit, world};
use crate::exports::{csv_of, parse};
use crate::helpers::{Reply, TestApp};

/// The problem names `field` with `rule`.
fn refused(r: &Reply, field: &str, rule: &str) {
    assert_eq!(r.status, 422, "{field}: {:?}", r.body);
    let hit = r.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["field"] == field && e["rule"] == rule);
    assert!(hit, "expected {field}/{rule}: {:?}", r.body);
}

/// A request for one student with a window from `from` to `to` (local).
fn window_request(w: &crate::booking::World, from: String, to: String) -> serde_json::Value {
    let mut b = request_body(w.day, students(1));
    b.as_object_mut().unwrap().remove("starts_at");
    b["duration_minutes"] = json!(120);
    b["window"] = json!({"earliest_start": from, "latest_end": to});
    b
}

app_test!(
    query_dates_outside_what_a_centre_can_mean_are_a_422,
    |app| async move {
        let w = world(&app).await;
        let day = w.day;
        // (path, field, rule): each once answered 200 or panicked with a 500.
        let cases = [
            (
                "/api/v1/centres/sundsvall/exports/sittings.csv?from=-262143-01-01".to_string(),
                "from",
                "date",
            ),
            (
                "/api/v1/centres/sundsvall/exports/study-bookings.csv?from=2027-1-1".to_string(),
                "from",
                "date",
            ),
            (
                "/api/v1/centres/sundsvall/exports/sittings.csv?from=2027-01-01&to=%2B2027-01-02"
                    .to_string(),
                "to",
                "date",
            ),
            (
                "/api/v1/centres/sundsvall/exports/sittings.csv?from=2027-01-01&to=2028-01-02"
                    .to_string(),
                "to",
                "range",
            ),
            (
                "/print/centres/sundsvall/schedule?date=-2027-01-01".to_string(),
                "date",
                "date",
            ),
            (
                "/print/centres/sundsvall/attendance.pdf?date=-2027-01-01".to_string(),
                "date",
                "date",
            ),
            (
                "/print/centres/sundsvall/schedule?date=3027-01-01".to_string(),
                "date",
                "date_range",
            ),
            (
                "/api/v1/centres/sundsvall/availability?date=-2027-01-01".to_string(),
                "date",
                "date",
            ),
            (
                "/api/v1/centres/sundsvall/schedule?date=2027-1-1".to_string(),
                "date",
                "date",
            ),
            (
                "/api/v1/centres/sundsvall/calendar?from=1999-12-25".to_string(),
                "from",
                "date_range",
            ),
        ];
        for (path, field, rule) in &cases {
            let r = app.get_as(&w.admin, path).await;
            refused(&r, field, rule);
        }
        let r = app
            .get_as(
                &w.institution,
                "/api/v1/institutions/miun/exports/sittings.csv?from=-262143-01-01",
            )
            .await;
        refused(&r, "from", "date");
        // The same dates a centre does mean still answer.
        let ok = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/calendar?from={day}&to={day}"),
            )
            .await;
        assert_eq!(ok.status, 200, "{:?}", ok.body);
    }
);

app_test!(body_dates_and_ranges_are_bounded, |app| async move {
    let w = world(&app).await;
    let closures = "/api/v1/centres/sundsvall/closures";
    let cards = "/api/v1/centres/sundsvall/access-cards";
    let card = |from: &str, to: &str| json!({"student_email": "kort@example.se", "valid_from": from, "valid_to": to});
    let request_at = |start: &str| {
        let mut body = request_body(w.day, students(1));
        body["starts_at"] = json!(start);
        body
    };
    // (path, body, field, rule); the plan once panicked on the far date (a 500).
    let cases = [
        (
            "/api/v1/centres/sundsvall/plan",
            json!({"from": "-262143-01-01", "to": "2027-03-09"}),
            "from",
            "date",
        ),
        (
            closures,
            json!({"from": "-262143-01-01", "to": "2027-01-01", "reason": "x"}),
            "from",
            "date",
        ),
        (
            closures,
            json!({"from": "2027-01-01", "to": "2029-01-01", "reason": "x"}),
            "to",
            "range",
        ),
        (
            cards,
            card("-262143-01-01", "2027-06-01"),
            "valid_from",
            "date",
        ),
        (cards, card("2027-01-01", "2099-12-31"), "valid_to", "range"),
        (
            "/api/v1/exam-requests",
            request_at("-2027-01-01T09:00"),
            "starts_at",
            "datetime_format",
        ),
        (
            "/api/v1/exam-requests",
            request_at("3027-01-05T09:00"),
            "starts_at",
            "date_range",
        ),
    ];
    for (path, body, field, rule) in cases {
        let token = if path.contains("exam-requests") {
            &w.institution
        } else {
            &w.admin
        };
        refused(&app.post_as(token, path, body).await, field, rule);
    }
    let r = app
        .post_as(
            &w.admin,
            closures,
            json!({"from": "2027-07-01", "to": "2027-08-08", "reason": "Sommarstängt"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
});

app_test!(
    an_exam_window_is_at_most_a_month_and_approves_quickly,
    |app| async move {
        let w = world(&app).await;
        let d = w.day;
        let last = d + Duration::days(30);
        for to in [
            format!("{}T17:00", d + Duration::days(3652)),
            format!("{}T08:00", d + Duration::days(32)),
        ] {
            let r = submit(&app, &w, window_request(&w, format!("{d}T08:00"), to)).await;
            refused(&r, "window.latest_end", "window_length");
        }
        // The longest window a request may ask for is approved, and quickly.
        let r = submit(
            &app,
            &w,
            window_request(&w, format!("{d}T08:00"), format!("{last}T17:00")),
        )
        .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        let started = std::time::Instant::now();
        let a = approve(&app, &w, &id).await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }
);

app_test!(
    a_stored_window_reaching_centuries_approves_in_seconds,
    |app| async move {
        let w = world(&app).await;
        let d = w.day;
        let r = submit(
            &app,
            &w,
            window_request(&w, format!("{d}T08:00"), format!("{d}T17:00")),
        )
        .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        // A window stored before input was bounded: 2027 to 3027 once took
        // 25 s and 4 GB to approve and blocked the region's other writes.
        stretch_window(&app, &id);
        let started = std::time::Instant::now();
        let a = approve(&app, &w, &id).await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        // Placed within the window's first month, where approval looks.
        let start = a.body["sittings"][0]["starts_at"].as_str().unwrap_or("");
        let placed = chrono::NaiveDate::parse_from_str(start.get(..10).unwrap_or(""), "%Y-%m-%d")
            .unwrap_or_else(|_| panic!("no start: {:?}", a.body));
        assert!(d <= placed && placed <= d + Duration::days(31), "{placed}");
    }
);

fn stretch_window(app: &TestApp, id: &str) {
    use skrivsal::db::schema::exam_requests;
    let far = chrono::NaiveDate::from_ymd_opt(3027, 1, 1)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let mut conn = app.db.get().unwrap();
    let n = diesel::update(exam_requests::table.filter(exam_requests::id.eq(id)))
        .set(exam_requests::window_end.eq(Some(far)))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(n, 1);
}

app_test!(
    single_line_fields_refuse_control_characters,
    |app| async move {
        let w = world(&app).await;
        let mut body = request_body(w.day, students(1));
        body["title"] = json!("Tentamen 1\r\nBcc: alla@example.se");
        body["course_code"] = json!("MA\t051G");
        body["contact"]["name"] = json!("Lä\u{85}rare");
        body["students"][0]["name"] = json!("Student\u{7}");
        // Multi-line: line feeds are fine, a carriage return alone is not.
        body["aids"] = json!("Miniräknare\nFormelsamling\rX");
        let r = submit(&app, &w, body).await;
        for field in [
            "title",
            "course_code",
            "contact.name",
            "students[0].name",
            "aids",
        ] {
            refused(&r, field, "control_character");
        }
        // A NUL in the centre's key once reached PostgreSQL, which refused it:
        // a 500. No text may hold one, so the body is refused as it is read,
        // naming the field (`errors::a_nul_in_an_id_filter_or_field_…`).
        let mut body = request_body(w.day, students(1));
        body["centre"] = json!("sundsvall\u{0}");
        refused(&submit(&app, &w, body).await, "centre", "control_character");
        let r = app
            .post_as(
                &w.admin,
                "/api/v1/centres/sundsvall/closures",
                json!({"from": "2027-07-01", "to": "2027-07-02", "reason": "Stängt\nBcc: x@example.se"}),
            )
            .await;
        refused(&r, "reason", "control_character");
        let r = app
            .post_as(
                &w.admin,
                "/api/v1/centres/sundsvall/rooms",
                json!({"name": "Sal\u{1b}[31m", "kind": "exam_hall", "seats": 5, "bookable_for": ["exam"]}),
            )
            .await;
        refused(&r, "name", "control_character");
        // Line feeds in a multi-line field are kept.
        let mut body = request_body(w.day, students(1));
        body["aids"] = json!("Miniräknare\r\nFormelsamling");
        let r = submit(&app, &w, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.body["aids"], "Miniräknare\nFormelsamling");
    }
);

app_test!(
    csv_cells_excel_would_run_are_neutralised,
    |app| async move {
        let w = world(&app).await;
        let mut list = students(2);
        list[0]["name"] = json!("=HYPERLINK(\"http://evil.example\",\"klicka\")");
        list[1]["name"] = json!("@SUM(1+1)");
        let mut body = request_body(w.day, list);
        body["course_code"] = json!("=1+2");
        body["course_name"] = json!("+46 70 123");
        body["title"] = json!("-2+3");
        let r = submit(&app, &w, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(approve(&app, &w, &id).await.status, 200);
        let day = w.day;
        let (status, bytes, _) = csv_of(
            &app,
            &w.admin,
            &format!("/api/v1/centres/sundsvall/exports/sittings.csv?from={day}&to={day}"),
        )
        .await;
        assert_eq!(status, 200);
        let (header, rows) = parse(&bytes);
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(rows.len(), 2);
        for row in &rows {
            assert_eq!(&row[col("kurskod")], "'=1+2");
            assert_eq!(&row[col("kurs")], "'+46 70 123");
            assert_eq!(&row[col("prov")], "'-2+3");
            assert!(row[col("student")].starts_with('\''), "{row:?}");
        }
        let mut names: Vec<&str> = rows.iter().map(|r| r[col("student")].as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "'=HYPERLINK(\"http://evil.example\",\"klicka\")",
                "'@SUM(1+1)"
            ]
        );
        // Ordinary cells are untouched: no cell of an honest row gets a quote.
        assert_eq!(&rows[0][col("förlängd_tid_procent")], "0");
    }
);
