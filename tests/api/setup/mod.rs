//! API.md "Set-up": centres, rooms, hours, closures, calendar, invigilators,
//! access cards, institutions.

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::app_test;

app_test!(centre_lifecycle_and_visibility, |app| async move {
    // A winter day, so that Stockholm is at +01:00 whenever the suite runs.
    app.at("2026-01-15T09:00:00Z");
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app.get_as(&admin, "/api/v1/centres/sundsvall").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["timezone"], "Europe/Stockholm");
    assert_eq!(r.body["language"], "sv");
    assert_eq!(r.body["invigilator_ratio"], 20);
    // Addressed by id too.
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.get_as(&admin, &format!("/api/v1/centres/{id}"))
            .await
            .body["slug"],
        "sundsvall"
    );

    let r = app
        .post_as(&admin, "/api/v1/centres", json!({"slug": "ostersund", "name": "Östersund", "municipality": "Östersund", "address": "Rådhusgatan 1", "email": "lc@ostersund.se", "language": "en", "invigilator_ratio": 15}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(
        r.body["created_at"].as_str().unwrap().ends_with("+01:00"),
        "{r:?}"
    );

    // A centre admin of Sundsvall sees Sundsvall only; Östersund does not exist for them.
    let ca = app.token("ca@sundsvall.se", "centre_admin", &["sundsvall"], None);
    let list = app.get_as(&ca, "/api/v1/centres").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get_as(&ca, "/api/v1/centres/ostersund").await.status,
        404
    );
    assert_eq!(
        app.patch_as(&ca, "/api/v1/centres/ostersund", json!({"name": "x"}))
            .await
            .status,
        404
    );
    // It may change its own centre's settings but not its slug.
    let r = app
        .patch_as(
            &ca,
            "/api/v1/centres/sundsvall",
            json!({"name": "LC Sundsvall", "max_study_hours_per_week": 12}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["max_study_hours_per_week"], 12);
    assert_eq!(
        app.patch_as(&ca, "/api/v1/centres/sundsvall", json!({"slug": "sdsv"}))
            .await
            .status,
        403
    );
    // null clears an optional limit.
    let r = app
        .patch_as(
            &ca,
            "/api/v1/centres/sundsvall",
            json!({"max_study_hours_per_week": null}),
        )
        .await;
    assert!(r.body["max_study_hours_per_week"].is_null(), "{r:?}");
    // Only system admins create centres.
    assert_eq!(app.post_as(&ca, "/api/v1/centres", json!({"slug": "x1", "name": "x", "municipality": "x", "address": "x", "email": "a@b.se"})).await.status, 403);

    // Students see every active centre; pagination walks them.
    let student = app.token("stud@example.se", "student", &[], None);
    let page1 = app.get_as(&student, "/api/v1/centres?limit=1").await;
    assert_eq!(page1.body["items"].as_array().unwrap().len(), 1);
    let cursor = page1.body["next_cursor"].as_str().unwrap().to_string();
    let page2 = app
        .get_as(
            &student,
            &format!("/api/v1/centres?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(page2.body["items"].as_array().unwrap().len(), 1);
    assert_ne!(page1.body["items"][0]["id"], page2.body["items"][0]["id"]);
    assert!(page2.body["next_cursor"].is_null());
    assert_eq!(
        app.get_as(&student, "/api/v1/centres?limit=0")
            .await
            .error_fields(),
        ["limit"]
    );
    assert_eq!(
        app.get_as(&student, "/api/v1/centres?cursor=bogus")
            .await
            .error_fields(),
        ["cursor"]
    );

    // Deactivating hides it from students.
    assert_eq!(
        app.delete_as(&admin, "/api/v1/centres/ostersund")
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_as(&student, "/api/v1/centres/ostersund")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as(&admin, "/api/v1/centres/ostersund").await.body["active"],
        false
    );

    // No credentials, or a wrong token: 401.
    let r = app
        .call(reqwest::Method::GET, "/api/v1/centres", None, None)
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        app.get_as("sks_not-a-token", "/api/v1/centres")
            .await
            .status,
        401
    );
    // An unsupported method on a known path is a 405 problem.
    let r = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/centres",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.body["status"], 405);
});

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

app_test!(
    centre_created_in_summer_is_stamped_at_summer_time,
    |app| async move {
        // The twin of the winter stamp above: in July Stockholm is at +02:00.
        app.at("2026-07-15T09:00:00Z");
        let admin = app.admin_with_centre("sundsvall").await;
        let r = app
        .post_as(&admin, "/api/v1/centres", json!({"slug": "ostersund", "name": "Östersund", "municipality": "Östersund", "address": "Rådhusgatan 1", "email": "lc@ostersund.se"}))
        .await;
        assert_eq!(r.status, 201, "{r:?}");
        let created = r.body["created_at"].as_str().unwrap();
        assert!(created.starts_with("2026-07-15T11:00"), "{r:?}");
        assert!(created.ends_with("+02:00"), "{r:?}");
    }
);

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

app_test!(
    rooms_are_deactivated_unless_they_have_future_bookings,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let hall = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Skrivsal A", "kind": "exam_hall", "seats": 20, "computer_seats": 4, "accessible": true, "bookable_for": ["exam"]})).await;
        assert_eq!(hall.status, 201, "{hall:?}");
        assert_eq!(hall.body["bookable_for"], json!(["exam"]));
        let study = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Studiehallen", "kind": "study_area", "seats": 30, "bookable_for": ["study"]})).await;
        let hall_id = hall.body["id"].as_str().unwrap().to_string();
        let study_id = study.body["id"].as_str().unwrap().to_string();

        // PATCH checks the room as it would be: 4 computer seats do not fit in 3 seats.
        let r = app
            .patch_as(
                &admin,
                &format!("/api/v1/rooms/{hall_id}"),
                json!({"seats": 3}),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.error_fields(), ["computer_seats"]);
        let r = app
            .patch_as(
                &admin,
                &format!("/api/v1/rooms/{hall_id}"),
                json!({"seats": 24, "bookable_for": ["exam", "study"]}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["seats"], 24);

        // A future study booking in the study room blocks its removal, named.
        let booking_id = insert_future_study_booking(&app, &study_id);
        let r = app
            .delete_as(&admin, &format!("/api/v1/rooms/{study_id}"))
            .await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "future_commitments");
        assert_eq!(r.body["conflicts"][0]["with"]["kind"], "study_booking");
        assert_eq!(r.body["conflicts"][0]["with"]["id"], booking_id);

        // The hall has none: it is deactivated, still readable by staff, gone for students.
        assert_eq!(
            app.delete_as(&admin, &format!("/api/v1/rooms/{hall_id}"))
                .await
                .status,
            204
        );
        assert_eq!(
            app.get_as(&admin, &format!("/api/v1/rooms/{hall_id}"))
                .await
                .body["active"],
            false
        );
        let student = app.token("s@example.se", "student", &[], None);
        assert_eq!(
            app.get_as(&student, &format!("/api/v1/rooms/{hall_id}"))
                .await
                .status,
            404
        );
        let rooms = app
            .get_as(&student, "/api/v1/centres/sundsvall/rooms")
            .await;
        assert_eq!(rooms.body["items"].as_array().unwrap().len(), 1);
        // Lists are paginated by id.
        let admin_rooms = app
            .get_as(
                &admin,
                "/api/v1/centres/sundsvall/rooms?include_inactive=true&limit=1",
            )
            .await;
        assert_eq!(
            admin_rooms.body["items"].as_array().unwrap().len(),
            1,
            "{admin_rooms:?}"
        );
        let cursor = admin_rooms.body["next_cursor"]
            .as_str()
            .unwrap()
            .to_string();
        let next = app
            .get_as(
                &admin,
                &format!(
                    "/api/v1/centres/sundsvall/rooms?include_inactive=true&limit=1&cursor={cursor}"
                ),
            )
            .await;
        assert_eq!(next.body["items"].as_array().unwrap().len(), 1);
        assert_ne!(
            next.body["items"][0]["id"],
            admin_rooms.body["items"][0]["id"]
        );
        assert!(next.body["next_cursor"].is_null());
        // Students may look, not change.
        assert_eq!(
            app.patch_as(
                &student,
                &format!("/api/v1/rooms/{study_id}"),
                json!({"seats": 1})
            )
            .await
            .status,
            403
        );

        // Changes to rooms are audited.
        let mut conn = app.db.get().unwrap();
        use skrivsal::db::schema::audit_log;
        let actions: Vec<String> = audit_log::table
            .select(audit_log::action)
            .load(&mut *conn)
            .unwrap();
        for a in [
            "room.create",
            "room.update",
            "room.delete",
            "centre.hours.update",
        ] {
            assert!(
                actions.iter().any(|x| x == a),
                "{a} not audited: {actions:?}"
            );
        }
    }
);

/// Puts a confirmed study booking tomorrow into `room_id` straight into the
/// database (the booking API comes with the booking core).
fn insert_future_study_booking(app: &crate::helpers::TestApp, room_id: &str) -> String {
    use skrivsal::db::models::StudyBooking;
    use skrivsal::db::schema::{rooms, study_bookings, users};
    let mut conn = app.db.get().unwrap();
    let c = &mut *conn;
    let centre_id: String = rooms::table
        .find(room_id)
        .select(rooms::centre_id)
        .first(c)
        .unwrap();
    let student_id: String = users::table.select(users::id).first(c).unwrap();
    let start = skrivsal::db::now() + chrono::Duration::days(1);
    let id = skrivsal::db::new_id();
    diesel::insert_into(study_bookings::table)
        .values(&StudyBooking {
            id: id.clone(),
            centre_id,
            room_id: room_id.to_string(),
            student_id,
            booking_code: skrivsal::domain::booking_code::generate(),
            starts_at: start,
            ends_at: start + chrono::Duration::hours(2),
            status: skrivsal::types::StudyBookingStatus::Confirmed,
            sequence: 0,
            created_at: skrivsal::db::now(),
            cancelled_at: None,
        })
        .execute(c)
        .unwrap();
    id
}

app_test!(calendar_shows_holidays_closures_and_dst, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let day = |r: &crate::helpers::Reply, date: &str| -> Value {
        r.body["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == date)
            .cloned()
            .unwrap()
    };
    // Midsommar 2026: Friday 19 June (de-facto closed), Saturday 20 June (public holiday).
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-06-18&to=2026-06-22",
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["days"].as_array().unwrap().len(), 5);
    let thursday = day(&r, "2026-06-18");
    assert!(thursday["closed"].is_null());
    assert_eq!(thursday["weekday"], "thu");
    assert_eq!(thursday["staffed"][0]["start"], "2026-06-18T08:00:00+02:00");
    assert_eq!(thursday["staffed"][0]["end"], "2026-06-18T17:00:00+02:00");
    assert_eq!(
        thursday["access_card"][0]["start"],
        "2026-06-18T06:00:00+02:00"
    );
    let eve = day(&r, "2026-06-19");
    assert_eq!(eve["closed"]["reason"], "midsommarafton");
    assert_eq!(eve["closed"]["holiday"]["kind"], "de_facto");
    assert!(eve["staffed"].as_array().unwrap().is_empty());
    assert!(eve["access_card"].as_array().unwrap().is_empty());
    assert_eq!(
        day(&r, "2026-06-20")["closed"]["holiday"]["name_sv"],
        "midsommardagen"
    );

    // A centre that opens on the de-facto days.
    let r = app
        .patch_as(
            &admin,
            "/api/v1/centres/sundsvall",
            json!({"closed_on_de_facto_holidays": false}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-06-19&to=2026-06-19",
        )
        .await;
    assert!(day(&r, "2026-06-19")["closed"].is_null());
    assert_eq!(
        day(&r, "2026-06-19")["staffed"][0]["start"],
        "2026-06-19T08:00:00+02:00"
    );

    // A closure wins over the hours and names its reason.
    let r = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/closures",
            json!({"from": "2026-07-06", "to": "2026-08-07", "reason": "Sommarstängt"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let closure_id = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-07-06&to=2026-07-06",
        )
        .await;
    assert_eq!(day(&r, "2026-07-06")["closed"]["reason"], "Sommarstängt");
    assert_eq!(day(&r, "2026-07-06")["closed"]["closure"], true);
    assert_eq!(
        app.delete_as(&admin, &format!("/api/v1/closures/{closure_id}"))
            .await
            .status,
        204
    );
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-07-06&to=2026-07-06",
        )
        .await;
    assert!(day(&r, "2026-07-06")["closed"].is_null());

    // Spring change 2026 (Sunday 29 March): card hours 06:00-22:00 local are
    // +01:00 the Friday before and +02:00 on the Sunday and after.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-03-27&to=2026-03-30",
        )
        .await;
    assert_eq!(
        day(&r, "2026-03-27")["staffed"][0]["start"],
        "2026-03-27T08:00:00+01:00"
    );
    assert_eq!(
        day(&r, "2026-03-29")["access_card"][0]["start"],
        "2026-03-29T06:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2026-03-30")["staffed"][0]["start"],
        "2026-03-30T08:00:00+02:00"
    );
    // Autumn changes 2026 and 2027.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-10-23&to=2026-10-26",
        )
        .await;
    assert_eq!(
        day(&r, "2026-10-23")["staffed"][0]["end"],
        "2026-10-23T17:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2026-10-26")["staffed"][0]["end"],
        "2026-10-26T17:00:00+01:00"
    );
    // Easter 2027 straddles the spring change: långfredagen (26 March) and
    // annandag påsk (29 March) are closed.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2027-03-25&to=2027-03-30",
        )
        .await;
    assert_eq!(
        day(&r, "2027-03-25")["staffed"][0]["start"],
        "2027-03-25T08:00:00+01:00"
    );
    assert_eq!(day(&r, "2027-03-26")["closed"]["reason"], "långfredagen");
    assert_eq!(day(&r, "2027-03-29")["closed"]["reason"], "annandag påsk");
    assert_eq!(
        day(&r, "2027-03-30")["staffed"][0]["start"],
        "2027-03-30T08:00:00+02:00"
    );
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2027-10-29&to=2027-11-01",
        )
        .await;
    assert_eq!(
        day(&r, "2027-10-29")["staffed"][0]["start"],
        "2027-10-29T08:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2027-11-01")["staffed"][0]["start"],
        "2027-11-01T08:00:00+01:00"
    );

    // Range checks name the parameter.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-03-30&to=2026-03-01",
        )
        .await;
    assert_eq!((r.status, r.error_fields()), (422, vec!["to".to_string()]));
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-01-01&to=2027-06-01",
        )
        .await;
    assert_eq!(
        (r.status, r.error_rules()),
        (422, vec!["range".to_string()])
    );
    let r = app
        .get_as(&admin, "/api/v1/centres/sundsvall/calendar?from=tomorrow")
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["from".to_string()])
    );
});

app_test!(
    local_times_that_do_not_exist_or_are_ambiguous_are_refused,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let at = |t: &str| {
            format!(
                "/api/v1/centres/sundsvall/calendar/at?time={}",
                t.replace('+', "%2B")
            )
        };
        // 02:30 on 29 March 2026 does not exist in Stockholm.
        let r = app.get_as(&admin, &at("2026-03-29T02:30")).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["time"]);
        assert_eq!(r.error_rules(), ["local_time_nonexistent"]);
        // 02:30 on 25 October 2026 happens twice: it needs an offset.
        let r = app.get_as(&admin, &at("2026-10-25T02:30")).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_rules(), ["local_time_ambiguous"]);
        for offset in ["+01:00", "+02:00"] {
            let r = app
                .get_as(&admin, &at(&format!("2026-10-25T02:30:00{offset}")))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            assert_eq!(r.body["time"], format!("2026-10-25T02:30:00{offset}"));
            // Sunday 02:30 is outside the 06:00-22:00 card hours.
            assert_eq!(r.body["access_card"], false);
        }
        // The same rules in 2027.
        assert_eq!(
            app.get_as(&admin, &at("2027-03-28T02:15"))
                .await
                .error_rules(),
            ["local_time_nonexistent"]
        );
        assert_eq!(
            app.get_as(&admin, &at("2027-10-31T02:15"))
                .await
                .error_rules(),
            ["local_time_ambiguous"]
        );
        // An ordinary local time is read in the centre's zone.
        let r = app.get_as(&admin, &at("2026-03-30T09:00")).await;
        assert_eq!(r.body["time"], "2026-03-30T09:00:00+02:00");
        assert_eq!(r.body["staffed"], true);
        let r = app.get_as(&admin, &at("2026-03-30T20:00")).await;
        assert_eq!(
            (r.body["staffed"].clone(), r.body["access_card"].clone()),
            (json!(false), json!(true))
        );
        assert_eq!(
            app.get_as(&admin, &at("half past nine"))
                .await
                .error_rules(),
            ["datetime_format"]
        );
    }
);

app_test!(invigilators_and_their_availability, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/invigilators",
            json!({"name": "Karin Sjöberg", "email": "Karin@Sundsvall.se"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["email"], "karin@sundsvall.se");
    let id = r.body["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/invigilators/{id}/availability");

    let bad = app.put_as(&admin, &path, json!({"weekly": [{"weekday": "mon", "from": "12:00", "to": "08:00"}], "exceptions": [{"date": "2026-04-01", "from": "09:00", "available": true}]})).await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.error_fields(), ["weekly[0].to", "exceptions[0]"]);

    let r = app
        .put_as(
            &admin,
            &path,
            json!({
                "weekly": [{"weekday": "mon", "from": "08:00", "to": "12:00"}, {"weekday": "sun", "from": "01:00", "to": "05:00"}],
                "exceptions": [
                    {"date": "2026-03-30", "available": false},
                    {"date": "2026-04-01", "from": "13:00", "to": "16:00", "available": true}
                ]
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .get_as(&admin, &format!("{path}?from=2026-03-29&to=2026-04-06"))
        .await;
    let spans: Vec<(String, String)> = r.body["available"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_str().unwrap().to_string(),
                s["end"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            // 01:00-05:00 on the spring-change Sunday is three real hours: 02:00-03:00 never happens.
            (
                "2026-03-29T01:00:00+01:00".to_string(),
                "2026-03-29T05:00:00+02:00".to_string()
            ),
            // Monday 30 March is off; Wednesday has extra hours.
            (
                "2026-04-01T13:00:00+02:00".to_string(),
                "2026-04-01T16:00:00+02:00".to_string()
            ),
            (
                "2026-04-05T01:00:00+02:00".to_string(),
                "2026-04-05T05:00:00+02:00".to_string()
            ),
            (
                "2026-04-06T08:00:00+02:00".to_string(),
                "2026-04-06T12:00:00+02:00".to_string()
            ),
        ]
    );

    // The invigilator may maintain their own availability but not others'.
    let own = app.token("karin@sundsvall.se", "invigilator", &["sundsvall"], None);
    let r = app
        .put_as(
            &own,
            &path,
            json!({"weekly": [{"weekday": "tue", "from": "08:00", "to": "16:00"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let other = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/invigilators",
            json!({"name": "Per", "email": "per@sundsvall.se"}),
        )
        .await;
    let other_id = other.body["id"].as_str().unwrap();
    let r = app
        .put_as(
            &own,
            &format!("/api/v1/invigilators/{other_id}/availability"),
            json!({"weekly": []}),
        )
        .await;
    assert_eq!(r.status, 403);
    // Students may not even know invigilators exist.
    let student = app.token("s@example.se", "student", &[], None);
    assert_eq!(
        app.get_as(&student, &format!("/api/v1/invigilators/{id}"))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as(&student, "/api/v1/centres/sundsvall/invigilators")
            .await
            .status,
        403
    );

    // Removing an invigilator with a future assignment is refused, naming it.
    let assignment = {
        use skrivsal::db::models::{InvigilatorAssignment, Room};
        use skrivsal::db::schema::{invigilator_assignments, rooms};
        let r = app
            .post_as(
                &admin,
                "/api/v1/centres/sundsvall/rooms",
                json!({"name": "Sal", "kind": "exam_hall", "seats": 10, "bookable_for": ["exam"]}),
            )
            .await;
        let mut conn = app.db.get().unwrap();
        let room: Room = rooms::table
            .find(r.body["id"].as_str().unwrap())
            .select(Room::as_select())
            .first(&mut *conn)
            .unwrap();
        let start = skrivsal::db::now() + chrono::Duration::days(2);
        let a = InvigilatorAssignment {
            id: skrivsal::db::new_id(),
            invigilator_id: id.clone(),
            room_id: room.id,
            starts_at: start,
            ends_at: start + chrono::Duration::hours(3),
            created_at: skrivsal::db::now(),
        };
        diesel::insert_into(invigilator_assignments::table)
            .values(&a)
            .execute(&mut *conn)
            .unwrap();
        a.id
    };
    let r = app
        .delete_as(&admin, &format!("/api/v1/invigilators/{id}"))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["conflicts"][0]["with"]["id"], assignment);
    assert_eq!(
        app.delete_as(&admin, &format!("/api/v1/invigilators/{other_id}"))
            .await
            .status,
        204
    );
    let list = app
        .get_as(&admin, "/api/v1/centres/sundsvall/invigilators")
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
});

app_test!(access_cards_register_students, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app.post_as(&admin, "/api/v1/centres/sundsvall/access-cards", json!({"student_email": "Ny.Student@Example.se", "student_name": "Ny Student", "card_number": "123456", "valid_from": "2026-01-01", "valid_to": "2026-12-31"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["student_email"], "ny.student@example.se");
    let card_id = r.body["id"].as_str().unwrap().to_string();
    // The student account now exists.
    {
        use skrivsal::db::schema::users;
        let mut conn = app.db.get().unwrap();
        let role: String = users::table
            .filter(users::email.eq("ny.student@example.se"))
            .select(users::role)
            .first(&mut *conn)
            .unwrap();
        assert_eq!(role, "student");
    }
    let list = app
        .get_as(&admin, "/api/v1/centres/sundsvall/access-cards")
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.delete_as(&admin, &format!("/api/v1/access-cards/{card_id}"))
            .await
            .status,
        204
    );
    let list = app
        .get_as(&admin, "/api/v1/centres/sundsvall/access-cards")
        .await;
    assert_eq!(list.body["items"][0]["revoked"], true);
});

app_test!(institutions_and_their_rules, |app| async move {
    let admin = app.token("root@example.se", "system_admin", &[], None);
    let r = app
        .post_as(&admin, "/api/v1/institutions", json!({"slug": "miun", "name": "Mittuniversitetet", "email": "tentamen@miun.se", "rules": {"start_offset_minutes": 60, "min_stay_minutes": 30, "late_entry_minutes": 30, "registration_deadline_days": 10}}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["rules"]["start_offset_minutes"], 60);
    assert_eq!(r.body["rules"]["answer_return"], "scan_email");
    let r = app.post_as(&admin, "/api/v1/institutions", json!({"slug": "umu", "name": "Umeå universitet", "email": "tenta@umu.se", "kind": "university"})).await;
    assert_eq!(r.status, 201);

    let miun = app.token("anna@miun.se", "institution", &[], Some("miun"));
    // An institution sees itself only; the other does not exist for it.
    let list = app.get_as(&miun, "/api/v1/institutions").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get_as(&miun, "/api/v1/institutions/umu").await.status,
        404
    );
    assert_eq!(
        app.patch_as(&miun, "/api/v1/institutions/umu", json!({"name": "x"}))
            .await
            .status,
        404
    );
    // It keeps its own rules.
    let r = app
        .patch_as(
            &miun,
            "/api/v1/institutions/miun",
            json!({"rules": {"late_entry_minutes": 15}}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["rules"]["late_entry_minutes"], 15);
    assert_eq!(r.body["rules"]["start_offset_minutes"], 60);
    // Only system admins create institutions.
    assert_eq!(
        app.post_as(
            &miun,
            "/api/v1/institutions",
            json!({"slug": "x2", "name": "x", "email": "x@x.se"})
        )
        .await
        .status,
        403
    );
});

// A zone name the input validation would refuse, written by hand into the
// database, is an internal error (logged with the name), not Swedish time.
app_test!(a_hand_edited_unknown_zone_is_an_error, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    {
        let mut conn = app.db.get().unwrap();
        diesel::sql_query("UPDATE centres SET timezone = 'Mars/Olympus' WHERE slug = 'sundsvall'")
            .execute(&mut *conn)
            .unwrap();
    }
    let r = app.get_as(&admin, "/api/v1/centres/sundsvall").await;
    assert_eq!(r.status, 500, "{r:?}");
    assert_eq!(r.body["type"], "/problems/internal", "{r:?}");
});
