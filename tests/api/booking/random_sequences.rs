//! Random sequences of bookings, requests, moves and cancellations never
//! leave a broken rule in the database.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::{json, Value};
use skrivsal::db::schema::{sittings, study_bookings};

use super::*;
use crate::app_test;

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
                        // The student's own name (`token` names an account by its
                        // address): a request cannot rename an existing student.
                        json!({"name": students[i].1, "email": students[i].1, "accommodations": {"extra_time_percent": extra, "separate_room": separate}})
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
                let r = submit(&app, &w, body).await;
                assert!(matches!(r.status, 201 | 422), "step {step}: {r:?}");
                if r.status == 201 {
                    let id = r.body["id"].as_str().unwrap().to_string();
                    let a = approve(&app, &w, &id).await;
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
                    let r = move_sitting(&app, &w, id, json!({"starts_at": to})).await;
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
