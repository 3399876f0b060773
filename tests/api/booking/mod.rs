//! The booking core: exam requests, placement, sittings' state machine,
//! study places, limits, own bookings, the schedule, and concurrency.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use diesel::prelude::*;
use serde_json::{json, Value};
use skrivsal::db::schema::{mail_outbox, sittings, study_bookings};

use crate::app_test;
use crate::helpers::TestApp;

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
        let inv = app
            .post_as(
                &admin,
                "/api/v1/centres/sundsvall/invigilators",
                json!({"name": name, "email": email}),
            )
            .await;
        let id = inv.body["id"].as_str().unwrap().to_string();
        let weekly: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
            .iter()
            .map(|d| json!({"weekday": d, "from": "07:00", "to": "20:00"}))
            .collect();
        let r = app
            .put_as(
                &admin,
                &format!("/api/v1/invigilators/{id}/availability"),
                json!({"weekly": weekly}),
            )
            .await;
        assert_eq!(r.status, 200);
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

app_test!(
    an_exam_request_is_submitted_approved_and_placed,
    |app| async move {
        let w = world(&app).await;
        let mut list = students(3);
        list[0]["personnummer"] = json!("19811218-9876");
        list[1]["accommodations"] =
            json!({"extra_time_percent": 50, "separate_room": true, "breaks_minutes": 15});
        list[2]["language"] = json!("en");
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, list),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["status"], "submitted");
        let id = r.body["id"].as_str().unwrap().to_string();
        let codes: Vec<String> = r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["booking_code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 3);
        assert!(codes.iter().all(|c| c.len() == 7 && &c[3..4] == "-"));
        assert!(
            !r.body.to_string().contains("9876"),
            "personnummer leaked: {}",
            r.body
        );

        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "scheduled");
        let sittings = r.body["sittings"].as_array().unwrap();
        for s in sittings {
            assert_eq!(s["status"], "confirmed", "{s}");
            assert_eq!(
                s["starts_at"],
                format!("{}T09:00:00+{}", w.day, offset(w.day))
            );
        }
        let extended = sittings
            .iter()
            .find(|s| s["accommodations"]["separate_room"] == true)
            .unwrap();
        // 180 min + 50 % + 15 min breaks = 285 min: 09:00 → 13:45.
        assert_eq!(
            extended["ends_at"],
            format!("{}T13:45:00+{}", w.day, offset(w.day))
        );
        assert_eq!(extended["room_name"], "Enskilt rum");
        let others: Vec<&Value> = sittings
            .iter()
            .filter(|s| s["accommodations"]["separate_room"] == false)
            .collect();
        assert!(others.iter().all(|s| s["room"] == w.hall.as_str()
            && s["ends_at"] == format!("{}T12:00:00+{}", w.day, offset(w.day))));

        // Both rooms are covered by an invigilator for their whole span.
        let sched = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/schedule?date={}", w.day),
            )
            .await;
        assert_eq!(sched.status, 200, "{sched:?}");
        let rooms = sched.body["rooms"].as_array().unwrap();
        for room in rooms
            .iter()
            .filter(|r| !r["sittings"].as_array().unwrap().is_empty())
        {
            let inv = &room["invigilators"][0];
            let last_end = room["sittings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["ends_at"].as_str().unwrap())
                .max()
                .unwrap();
            assert_eq!(inv["starts_at"], room["sittings"][0]["starts_at"]);
            assert_eq!(inv["ends_at"].as_str().unwrap(), last_end);
        }
        // The schedule never names students or shows identity numbers.
        let text = sched.body.to_string();
        assert!(
            !text.contains("Student 0") && !text.contains("9876") && !text.contains("example.se")
        );

        // Students were told: received, then confirmed (English for the one who chose it).
        let mut conn = app.db.get().unwrap();
        let kinds: Vec<(String, String, String)> = mail_outbox::table
            .order(mail_outbox::id)
            .select((
                mail_outbox::kind,
                mail_outbox::to_address,
                mail_outbox::subject,
            ))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            kinds.iter().filter(|k| k.0 == "sitting_requested").count(),
            3
        );
        assert_eq!(
            kinds.iter().filter(|k| k.0 == "sitting_confirmed").count(),
            3
        );
        assert!(kinds
            .iter()
            .any(|k| k.0 == "request_received" && k.1 == "tentamen@miun.se"));
        assert!(kinds.iter().any(|k| k.0 == "request_approved"));
        let english = kinds
            .iter()
            .find(|k| k.0 == "sitting_confirmed" && k.1 == "student2@example.se")
            .unwrap();
        assert!(english.2.starts_with("Confirmed:"), "{english:?}");
        let bodies: Vec<String> = mail_outbox::table
            .select(mail_outbox::body_text)
            .load(&mut *conn)
            .unwrap();
        assert!(
            bodies.iter().all(|b| !b.contains("9876")),
            "personnummer in an e-mail"
        );

        // The student sees it among their own bookings.
        let student = app.token("student0@example.se", "student", &[], None);
        let _ = student;
    }
);

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

app_test!(
    exam_requests_are_validated_field_by_field,
    |app| async move {
        let w = world(&app).await;
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["personnummer"] = json!("19811218-9875");
                    b
                },
                "students[0].personnummer",
                "personnummer",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["email"] = json!("nope");
                    b
                },
                "students[0].email",
                "email",
            ),
            (
                {
                    let mut b = request_body(w.day, students(2));
                    b["students"][1]["email"] = json!("student0@example.se");
                    b
                },
                "students[1].email",
                "unique",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["students"][0]["accommodations"] = json!({"extra_time_percent": 400});
                    b
                },
                "students[0].accommodations.extra_time_percent",
                "range",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["duration_minutes"] = json!(0);
                    b
                },
                "duration_minutes",
                "range",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!("2027-03-28T02:30");
                    b
                },
                "starts_at",
                "local_time_nonexistent",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!(format!("{}T20:00", w.day));
                    b
                },
                "starts_at",
                "opening_hours",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!("2027-12-24T09:00");
                    b
                },
                "starts_at",
                "closed_day",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["starts_at"] = json!(
                        (chrono::Utc::now().date_naive() + Duration::days(3)).to_string()
                            + "T09:00"
                    );
                    b
                },
                "starts_at",
                "registration_deadline",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b["centre"] = json!("nowhere");
                    b
                },
                "centre",
                "exists",
            ),
            (
                {
                    let mut b = request_body(w.day, students(0));
                    b["open"] = json!(false);
                    b
                },
                "students",
                "required",
            ),
            (
                {
                    let mut b = request_body(w.day, students(1));
                    b.as_object_mut().unwrap().remove("starts_at");
                    b["window"] = json!({"earliest_start": format!("{}T10:00", w.day), "latest_end": format!("{}T09:00", w.day)});
                    b
                },
                "window.latest_end",
                "after_start",
            ),
        ];
        let mut failures = Vec::new();
        for (body, field, rule) in cases {
            let r = app
                .post_as(&w.institution, "/api/v1/exam-requests", body.clone())
                .await;
            let hit = r
                .error_fields()
                .iter()
                .zip(r.error_rules())
                .any(|(f, ru)| f == field && ru == rule);
            // The deadline and closed-day rules depend on today's date only through the chosen days.
            if r.status != 422 || !hit {
                failures.push(format!("{field}/{rule}: got {r:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // Nothing was half-written.
        let mut conn = app.db.get().unwrap();
        let n: i64 = sittings::table.count().get_result(&mut *conn).unwrap();
        assert_eq!(n, 0);
        // A student may not submit requests; a centre admin neither.
        let student = app.token("s@example.se", "student", &[], None);
        assert_eq!(
            app.post_as(
                &student,
                "/api/v1/exam-requests",
                request_body(w.day, students(1))
            )
            .await
            .status,
            403
        );
    }
);

app_test!(approval_is_all_or_nothing, |app| async move {
    let w = world(&app).await;
    // 21 students and 20 seats in the hall, 1 in the separate room (which
    // takes exams too): the 22nd cannot fit.
    let r = app
        .post_as(
            &w.institution,
            "/api/v1/exam-requests",
            request_body(w.day, students(22)),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    // The separate room holds one and the hall twenty from 09:00 to 12:00;
    // within the 60-minute offset every other start overlaps them.
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    let rules: Vec<&str> = r.body["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"room_capacity"), "{rules:?}");
    let g = app
        .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
        .await;
    assert_eq!(g.body["status"], "submitted");
    assert!(g.body["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "requested" && s["room"].is_null()));
    let mut conn = app.db.get().unwrap();
    use skrivsal::db::schema::invigilator_assignments;
    let n: i64 = invigilator_assignments::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(n, 0, "no assignment half-written");
    drop(conn);
    // Twenty-one fit.
    let r = app
        .post_as(
            &w.institution,
            "/api/v1/exam-requests",
            request_body(w.day + Duration::days(1), students(21)),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
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
    audit_clean(&app, w.day);
});

app_test!(
    without_invigilators_approval_is_refused_naming_coverage,
    |app| async move {
        let w = world(&app).await;
        let invs = app
            .get_as(&w.admin, "/api/v1/centres/sundsvall/invigilators")
            .await;
        for inv in invs.body["items"].as_array().unwrap() {
            let r = app
                .delete_as(
                    &w.admin,
                    &format!("/api/v1/invigilators/{}", inv["id"].as_str().unwrap()),
                )
                .await;
            assert_eq!(r.status, 204);
        }
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, students(2)),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 409, "{r:?}");
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "invigilator_coverage"),
            "{r:?}"
        );
    }
);

app_test!(sittings_follow_their_state_machine, |app| async move {
    let w = world(&app).await;
    let r = app
        .post_as(
            &w.institution,
            "/api/v1/exam-requests",
            request_body(w.day, students(2)),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let s0 = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
    let s1 = r.body["sittings"][1]["id"].as_str().unwrap().to_string();
    // Not placed yet: no check-in.
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s0}/check-in"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.body["detail"].as_str().unwrap().contains("requested"),
        "{r:?}"
    );
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
    // Approving twice is a state conflict too.
    assert_eq!(
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({})
        )
        .await
        .status,
        409
    );
    assert_eq!(
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s0}/complete"),
            json!({})
        )
        .await
        .status,
        409
    );
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s0}/check-in"),
            json!({}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].clone()),
        (200, json!("checked_in"))
    );
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s0}/complete"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "completed");
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s1}/no-show"),
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "no_show");
    // Every sitting has its outcome: the request is completed and reported.
    let g = app
        .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
        .await;
    assert_eq!(g.body["status"], "completed");
    {
        let mut conn = app.db.get().unwrap();
        let report: Vec<(String, String, String)> = mail_outbox::table
            .filter(mail_outbox::kind.eq("request_report"))
            .select((
                mail_outbox::to_address,
                mail_outbox::subject,
                mail_outbox::body_text,
            ))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].0, "tentamen@miun.se");
        assert!(report[0].1.starts_with("Rapport:"), "{report:?}");
        assert!(
            report[0].2.contains("Genomförda: 1. Uteblivna: 1."),
            "{report:?}"
        );
    }
    // Final states stay final.
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{s1}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r.body["conflicts"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no_show"));
    // The institution may not check students in; a student not at all.
    let student = app.token("student0@example.se", "student", &[], None);
    assert_eq!(
        app.post_as(
            &w.institution,
            &format!("/api/v1/exam-sittings/{s0}/check-in"),
            json!({})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.post_as(
            &student,
            &format!("/api/v1/exam-sittings/{s1}/check-in"),
            json!({})
        )
        .await
        .status,
        404
    );
});

app_test!(
    cancelling_a_request_frees_rooms_and_invigilators,
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
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
        let r = app
            .post_as(
                &w.institution,
                &format!("/api/v1/exam-requests/{id}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "cancelled");
        assert!(r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "cancelled"));
        let sched = app
            .get_as(
                &w.admin,
                &format!("/api/v1/centres/sundsvall/schedule?date={}", w.day),
            )
            .await;
        assert!(
            sched.body["rooms"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["invigilators"].as_array().unwrap().is_empty()),
            "{sched:?}"
        );
        // Rejecting a cancelled request is a state conflict.
        assert_eq!(
            app.post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/reject"),
                json!({"reason": "x"})
            )
            .await
            .status,
            409
        );
        // Another institution cannot see it at all.
        app.post_as(
            &w.admin,
            "/api/v1/institutions",
            json!({"slug": "umu", "name": "Umeå", "email": "t@umu.se"}),
        )
        .await;
        let umu = app.token("b@umu.se", "institution", &[], Some("umu"));
        assert_eq!(
            app.get_as(&umu, &format!("/api/v1/exam-requests/{id}"))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get_as(&umu, "/api/v1/exam-requests").await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            0
        );
    }
);

app_test!(students_register_for_open_requests, |app| async move {
    let w = world(&app).await;
    let mut body = request_body(w.day, json!([]));
    body["open"] = json!(true);
    let r = app
        .post_as(&w.institution, "/api/v1/exam-requests", body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(r.body["registration_deadline"].is_string());
    let student = app.token("alva@student.se", "student", &[], None);
    // Students see open requests.
    let list = app.get_as(&student, "/api/v1/exam-requests").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let r = app
        .post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": id, "accommodations": {"extra_time_percent": 25}}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let mine = r.body["sittings"].as_array().unwrap();
    assert_eq!(mine.len(), 1, "a student sees only their own sitting");
    let sitting = mine[0]["id"].as_str().unwrap().to_string();
    assert_eq!(mine[0]["status"], "requested");
    // Once is enough.
    assert_eq!(
        app.post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": id})
        )
        .await
        .status,
        409
    );
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-sittings/{sitting}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let mine = app.get_as(&student, "/api/v1/me/bookings").await;
    assert_eq!(mine.body["sittings"][0]["status"], "confirmed");
    // 180 min + 25 % = 225 min.
    assert_eq!(
        mine.body["sittings"][0]["ends_at"],
        format!("{}T12:45:00+{}", w.day, offset(w.day))
    );
    // A closed request takes no registrations.
    let closed = app
        .post_as(
            &w.institution,
            "/api/v1/exam-requests",
            request_body(w.day, students(1)),
        )
        .await;
    let r = app
        .post_as(
            &student,
            "/api/v1/exam-sittings",
            json!({"exam_request": closed.body["id"]}),
        )
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["exam_request".to_string()])
    );
});

app_test!(study_places_are_booked_within_the_rules, |app| async move {
    let w = world(&app).await;
    let day = w.day + Duration::days(1);
    let students: Vec<String> = (0..4)
        .map(|i| app.token(&format!("s{i}@student.se"), "student", &[], None))
        .collect();
    let book = |who: usize, from: &str, to: &str| {
        let app = &app;
        let token = students[who].clone();
        let body = json!({"centre": "sundsvall", "starts_at": format!("{day}T{from}"), "ends_at": format!("{day}T{to}")});
        async move { app.post_as(&token, "/api/v1/study-bookings", body).await }
    };
    let r = book(0, "09:00", "12:00").await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["room"], w.study_room.as_str());
    let first = r.body["id"].as_str().unwrap().to_string();
    // The same student cannot be in two places at once.
    let r = book(0, "11:00", "13:00").await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["conflicts"][0]["rule"], "student_double_booked");
    assert_eq!(r.body["conflicts"][0]["with"]["id"], first);
    // Three seats: the fourth concurrent student is refused on capacity.
    assert_eq!(book(1, "10:00", "11:00").await.status, 201);
    assert_eq!(book(2, "10:00", "11:00").await.status, 201);
    let r = book(3, "10:30", "11:30").await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["conflicts"][0]["rule"], "room_capacity");
    // Evening: access-card hours only.
    let r = book(3, "19:00", "21:00").await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["conflicts"][0]["rule"], "access_card_required");
    let card = app.post_as(&w.admin, "/api/v1/centres/sundsvall/access-cards", json!({"student_email": "s3@student.se", "valid_from": day.to_string(), "valid_to": day.to_string()})).await;
    assert_eq!(card.status, 201);
    assert_eq!(book(3, "19:00", "21:00").await.status, 201);
    // Past the card hours (22:00) nobody gets in.
    let r = book(3, "21:30", "23:00").await;
    assert_eq!(r.body["conflicts"][0]["rule"], "opening_hours");
    // Availability shows the seats left and the card-only evening.
    let a = app
        .get_as(
            &students[1],
            &format!("/api/v1/centres/sundsvall/availability?date={day}"),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let intervals = a.body["rooms"][0]["intervals"].as_array().unwrap();
    let at_ten = intervals
        .iter()
        .find(|i| i["start"].as_str().unwrap().contains("T10:00"))
        .unwrap();
    assert_eq!(at_ten["free_seats"], 0);
    assert!(intervals.iter().any(|i| i["card_holders_only"] == true));
    // Cancel, and the seat is free again.
    assert_eq!(
        app.delete_as(&students[0], &format!("/api/v1/study-bookings/{first}"))
            .await
            .status,
        204
    );
    assert_eq!(book(3, "10:30", "11:00").await.status, 201);
    // Someone else's booking is not theirs to cancel.
    assert_eq!(
        app.delete_as(&students[2], &format!("/api/v1/study-bookings/{first}"))
            .await
            .status,
        404
    );
    let mine = app.get_as(&students[0], "/api/v1/me/bookings").await;
    assert_eq!(mine.body["study_bookings"][0]["status"], "cancelled");
    // Bad times are 422 naming the field.
    let r = app.post_as(&students[1], "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T04:00"})).await;
    assert_eq!(
        (r.status, r.error_rules()),
        (422, vec!["local_time_nonexistent".to_string()])
    );
    let r = app.post_as(&students[1], "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T12:00"), "ends_at": format!("{day}T11:00")})).await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["ends_at".to_string()])
    );
});

app_test!(per_student_limits_are_enforced, |app| async move {
    let w = world(&app).await;
    app.patch_as(
        &w.admin,
        "/api/v1/centres/sundsvall",
        json!({"max_future_study_bookings": 2, "max_study_hours_per_week": 5}),
    )
    .await;
    let s = app.token("s@student.se", "student", &[], None);
    let d = w.day;
    let book = |from: &str, to: &str, day: NaiveDate| {
        app.post_as(&s, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T{from}"), "ends_at": format!("{day}T{to}")}))
    };
    assert_eq!(book("09:00", "12:00", d).await.status, 201);
    let r = book("13:00", "16:00", d).await;
    assert_eq!(r.status, 409, "6 hours in a week: {r:?}");
    assert_eq!(r.body["conflicts"][0]["rule"], "study_limit");
    assert_eq!(book("13:00", "15:00", d).await.status, 201);
    let r = book("09:00", "10:00", d + Duration::days(7)).await;
    assert_eq!(r.status, 409, "third upcoming booking: {r:?}");
});

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

app_test!(random_sequences_never_break_a_rule, |app| async move {
    use rand::{Rng, SeedableRng};
    let w = world(&app).await;
    let students: Vec<(String, String)> = (0..6)
        .map(|i| {
            let email = format!("r{i}@student.se");
            (app.token(&email, "student", &[], None), email)
        })
        .collect();
    let mut rng = rand::rngs::SmallRng::seed_from_u64(0x5eed);
    let mut requests: Vec<String> = Vec::new();
    let mut bookings: Vec<(usize, String)> = Vec::new();
    for step in 0..40 {
        let day = w.day + Duration::days(rng.gen_range(0..3));
        match rng.gen_range(0..5) {
            0 | 1 => {
                let who = rng.gen_range(0..students.len());
                let h = rng.gen_range(7..20);
                let len = rng.gen_range(1..4);
                let r = app.post_as(&students[who].0, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T{h:02}:00"), "ends_at": format!("{day}T{:02}:00", (h + len).min(23))})).await;
                assert!(matches!(r.status, 201 | 409), "step {step}: {r:?}");
                if r.status == 201 {
                    bookings.push((who, r.body["id"].as_str().unwrap().to_string()));
                }
            }
            2 => {
                let n = rng.gen_range(1..4);
                let picked: Vec<Value> = (0..n)
                    .map(|_| {
                        let i = rng.gen_range(0..students.len());
                        let extra = [0, 25, 50][rng.gen_range(0..3)];
                        let separate = rng.gen_bool(0.2);
                        json!({"name": "R", "email": students[i].1, "accommodations": {"extra_time_percent": extra, "separate_room": separate}})
                    })
                    .collect();
                let mut seen = std::collections::HashSet::new();
                let picked: Vec<Value> = picked
                    .into_iter()
                    .filter(|p| seen.insert(p["email"].to_string()))
                    .collect();
                let mut body = request_body(day, Value::Array(picked));
                body["starts_at"] = json!(format!("{day}T{:02}:00", rng.gen_range(8..13)));
                body["duration_minutes"] = json!(rng.gen_range(60..200));
                let r = app
                    .post_as(&w.institution, "/api/v1/exam-requests", body)
                    .await;
                assert!(matches!(r.status, 201 | 422), "step {step}: {r:?}");
                if r.status == 201 {
                    let id = r.body["id"].as_str().unwrap().to_string();
                    let a = app
                        .post_as(
                            &w.admin,
                            &format!("/api/v1/exam-requests/{id}/approve"),
                            json!({}),
                        )
                        .await;
                    assert!(matches!(a.status, 200 | 409), "step {step}: {a:?}");
                    requests.push(id);
                }
            }
            3 if rng.gen_bool(0.5) => {
                // Move a placed sitting by up to an hour either way.
                let mut conn = app.db.get().unwrap();
                let placed: Vec<(String, chrono::NaiveDateTime)> = sittings::table
                    .filter(sittings::status.eq("confirmed"))
                    .select((sittings::id, sittings::starts_at.assume_not_null()))
                    .load(&mut *conn)
                    .unwrap();
                drop(conn);
                if !placed.is_empty() {
                    let (id, start) = &placed[rng.gen_range(0..placed.len())];
                    let shift = [-60i64, -30, 15, 45, 90][rng.gen_range(0..5)];
                    let to = (start.and_utc() + Duration::minutes(shift)).to_rfc3339();
                    let r = app
                        .post_as(
                            &w.admin,
                            &format!("/api/v1/exam-sittings/{id}/move"),
                            json!({"starts_at": to}),
                        )
                        .await;
                    assert!(matches!(r.status, 200 | 409), "step {step}: {r:?}");
                }
            }
            3 if !bookings.is_empty() => {
                let (who, id) = bookings.swap_remove(rng.gen_range(0..bookings.len()));
                assert_eq!(
                    app.delete_as(&students[who].0, &format!("/api/v1/study-bookings/{id}"))
                        .await
                        .status,
                    204
                );
            }
            _ if !requests.is_empty() => {
                let id = requests.swap_remove(rng.gen_range(0..requests.len()));
                let r = app
                    .post_as(
                        &w.institution,
                        &format!("/api/v1/exam-requests/{id}/cancel"),
                        json!({}),
                    )
                    .await;
                assert!(matches!(r.status, 200 | 409), "step {step}: {r:?}");
            }
            _ => {}
        }
        audit_clean(&app, w.day);
    }
    let mut conn = app.db.get().unwrap();
    let placed: i64 = sittings::table
        .filter(sittings::status.eq("confirmed"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    let booked: i64 = study_bookings::table
        .filter(study_bookings::status.eq("confirmed"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert!(placed + booked > 0, "the sequence did something");
});

app_test!(
    a_confirmed_sitting_can_be_moved_within_the_rules,
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
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
        let sitting = r.body["sittings"][0]["id"].as_str().unwrap().to_string();
        // Within the 60-minute offset: allowed, personal length kept.
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting}/move"),
                json!({"starts_at": format!("{}T09:45", w.day)}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        let moved = r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sitting.as_str())
            .unwrap()
            .clone();
        assert_eq!(
            moved["starts_at"],
            format!("{}T09:45:00+{}", w.day, offset(w.day))
        );
        assert_eq!(
            moved["ends_at"],
            format!("{}T12:45:00+{}", w.day, offset(w.day))
        );
        // Beyond the offset: rule 7, nothing changed.
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting}/move"),
                json!({"starts_at": format!("{}T11:00", w.day)}),
            )
            .await;
        assert_eq!(r.status, 409, "{r:?}");
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "exam_start"),
            "{r:?}"
        );
        let g = app
            .get_as(&w.admin, &format!("/api/v1/exam-requests/{id}"))
            .await;
        let still = g.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sitting.as_str())
            .unwrap()
            .clone();
        assert_eq!(still["starts_at"], moved["starts_at"]);
        // Into the study room: not bookable for exams.
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting}/move"),
                json!({"room": w.study_room}),
            )
            .await;
        assert_eq!(r.status, 409);
        assert!(
            r.body["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["rule"] == "room_not_bookable"),
            "{r:?}"
        );
        // The student was told about the change, with the calendar entry updated.
        let mut conn = app.db.get().unwrap();
        let changed: Vec<(String, Option<String>)> = mail_outbox::table
            .filter(mail_outbox::kind.eq("sitting_changed"))
            .select((mail_outbox::subject, mail_outbox::ics))
            .load(&mut *conn)
            .unwrap();
        assert_eq!(changed.len(), 1);
        assert!(changed[0].0.starts_with("Ändrad:"), "{changed:?}");
        let ics = changed[0].1.clone().unwrap();
        assert!(
            ics.contains(&format!("UID:sitting-{sitting}@")) && ics.contains("SEQUENCE:2"),
            "{ics}"
        );
        drop(conn);
        audit_clean(&app, w.day);
        // Only confirmed sittings move.
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting}/check-in"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200);
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting}/move"),
                json!({"starts_at": format!("{}T09:30", w.day)}),
            )
            .await;
        assert_eq!(r.status, 409);
    }
);
