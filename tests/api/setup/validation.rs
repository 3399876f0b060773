//! Input validation: every rule names its field; malformed bodies and wrong
//! media types are refused.

use serde_json::{json, Value};

use crate::app_test;

/// (path, method, body, field the problem must name, rule)
fn validation_cases() -> Vec<(
    &'static str,
    &'static str,
    Value,
    &'static str,
    &'static str,
)> {
    let centre = |k: &str, v: Value| {
        let mut b = json!({"slug": "new-centre", "name": "N", "municipality": "M", "address": "A", "email": "n@example.se"});
        b[k] = v;
        b
    };
    let room = |k: &str, v: Value| {
        let mut b = json!({"name": "Sal", "kind": "exam_hall", "seats": 10, "computer_seats": 2, "accessible": true, "bookable_for": ["exam"]});
        b[k] = v;
        b
    };
    let hours = |e: Value| json!({"opening": [e], "access_card": []});
    vec![
        (
            "/api/v1/centres",
            "POST",
            centre("slug", json!("Not A Slug")),
            "slug",
            "slug",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("slug", json!("sundsvall")),
            "slug",
            "unique",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("email", json!("nope")),
            "email",
            "email",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("timezone", json!("Europe/Sundsvall")),
            "timezone",
            "timezone",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("language", json!("de")),
            "language",
            "language",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("invigilator_ratio", json!(0)),
            "invigilator_ratio",
            "range",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("name", json!("  ")),
            "name",
            "required",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("max_study_hours_per_week", json!(200)),
            "max_study_hours_per_week",
            "range",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("seats", json!(3)),
            "seats",
            "unknown_field",
        ),
        (
            "/api/v1/centres",
            "POST",
            centre("invigilator_ratio", json!("many")),
            "invigilator_ratio",
            "type",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("computer_seats", json!(11)),
            "computer_seats",
            "at_most_seats",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("computer_seats", json!(-1)),
            "computer_seats",
            "range",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("seats", json!(-1)),
            "seats",
            "range",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("kind", json!("kitchen")),
            "kind",
            "kind",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("bookable_for", json!(["exam", "party"])),
            "bookable_for[1]",
            "bookable_for",
        ),
        (
            "/api/v1/centres/sundsvall/rooms",
            "POST",
            room("name", json!("Befintlig")),
            "name",
            "unique",
        ),
        (
            "/api/v1/centres/sundsvall/hours",
            "PUT",
            hours(json!({"weekday": "funday", "opens": "08:00", "closes": "17:00"})),
            "opening[0].weekday",
            "weekday",
        ),
        (
            "/api/v1/centres/sundsvall/hours",
            "PUT",
            hours(json!({"weekday": "mon", "opens": "17:00", "closes": "08:00"})),
            "opening[0].closes",
            "after_opens",
        ),
        (
            "/api/v1/centres/sundsvall/hours",
            "PUT",
            hours(json!({"weekday": "mon", "opens": "8 o'clock", "closes": "17:00"})),
            "opening[0].opens",
            "time",
        ),
        (
            "/api/v1/centres/sundsvall/hours",
            "PUT",
            json!({"opening": [{"weekday": "mon", "opens": "08:00", "closes": "12:00"}, {"weekday": "mon", "opens": "11:00", "closes": "17:00"}]}),
            "opening[1]",
            "overlap",
        ),
        (
            "/api/v1/centres/sundsvall/closures",
            "POST",
            json!({"from": "2026-08-01", "to": "2026-07-01", "reason": "Sommar"}),
            "to",
            "date_order",
        ),
        (
            "/api/v1/centres/sundsvall/closures",
            "POST",
            json!({"from": "2026-13-01", "to": "2026-07-01", "reason": "Sommar"}),
            "from",
            "date",
        ),
        (
            "/api/v1/centres/sundsvall/closures",
            "POST",
            json!({"from": "2026-07-01", "to": "2026-07-02", "reason": ""}),
            "reason",
            "required",
        ),
        (
            "/api/v1/centres/sundsvall/invigilators",
            "POST",
            json!({"name": "Karin", "email": "karin@"}),
            "email",
            "email",
        ),
        (
            "/api/v1/centres/sundsvall/invigilators",
            "POST",
            json!({"name": "", "email": "k2@example.se"}),
            "name",
            "required",
        ),
        (
            "/api/v1/centres/sundsvall/invigilators",
            "POST",
            json!({"name": "Karin", "email": "karin@example.se"}),
            "email",
            "unique",
        ),
        (
            "/api/v1/centres/sundsvall/access-cards",
            "POST",
            json!({"student_email": "s@example.se", "valid_from": "2026-12-31", "valid_to": "2026-01-01"}),
            "valid_to",
            "date_order",
        ),
        (
            "/api/v1/centres/sundsvall/access-cards",
            "POST",
            json!({"student_email": "karin@example.se", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
            "student_email",
            "student",
        ),
        (
            "/api/v1/institutions",
            "POST",
            json!({"slug": "miun", "name": "M", "email": "m@example.se"}),
            "slug",
            "unique",
        ),
        (
            "/api/v1/institutions",
            "POST",
            json!({"slug": "umu", "name": "U", "email": "u@example.se", "kind": "school"}),
            "kind",
            "kind",
        ),
        (
            "/api/v1/institutions",
            "POST",
            json!({"slug": "umu", "name": "U", "email": "u@example.se", "rules": {"min_stay_minutes": -5}}),
            "rules.min_stay_minutes",
            "range",
        ),
        (
            "/api/v1/institutions",
            "POST",
            json!({"slug": "umu", "name": "U", "email": "u@example.se", "rules": {"answer_return": "fax"}}),
            "rules.answer_return",
            "answer_return",
        ),
        (
            "/api/v1/institutions",
            "POST",
            json!({"slug": "umu", "name": "U", "email": "u@example.se", "rules": {"registration_deadline_days": "ten"}}),
            "rules.registration_deadline_days",
            "type",
        ),
    ]
}

app_test!(every_validation_rule_names_its_field, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/rooms",
            json!({"name": "Befintlig", "kind": "exam_hall", "seats": 5, "bookable_for": ["exam"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/invigilators",
            json!({"name": "Karin", "email": "karin@example.se"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    // An account that is not a student, for the access-card case.
    app.token("karin@example.se", "invigilator", &["sundsvall"], None);
    let r = app
        .post_as(
            &admin,
            "/api/v1/institutions",
            json!({"slug": "miun", "name": "Mittuniversitetet", "email": "t@miun.se"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let mut failures = Vec::new();
    for (path, method, body, field, rule) in validation_cases() {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = app
            .call(method.clone(), path, Some(&admin), Some(body.clone()))
            .await;
        let named = r
            .error_fields()
            .iter()
            .zip(r.error_rules())
            .any(|(f, ru)| f == field && ru == rule);
        if r.status != 422
            || !named
            || r.body["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .is_empty()
        {
            failures.push(format!(
                "{method} {path} {body}: wanted 422 {field}/{rule}, got {r:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Nothing half-written: the refused centre does not exist.
    assert_eq!(
        app.get_as(&admin, "/api/v1/centres/new-centre")
            .await
            .status,
        404
    );
});

app_test!(
    malformed_bodies_are_400_and_wrong_media_413_415,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let res = app
            .client
            .post(app.url("/api/v1/centres/sundsvall/rooms"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let res = app
            .client
            .post(app.url("/api/v1/centres/sundsvall/rooms"))
            .bearer_auth(&admin)
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415);
        let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
        let res = app
            .client
            .post(app.url("/api/v1/centres/sundsvall/rooms"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
    }
);
