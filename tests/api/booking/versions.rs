//! The centre's change counters, on which the in-memory rules and the read
//! caches rest: every write moves them in its own transaction, a refused
//! write does not.

use diesel::prelude::*;
use serde_json::json;
use skrivsal::centres::versions::{self, Versions};
use skrivsal::db::schema::centres;
use skrivsal::types::CentreId;

use super::*;
use crate::app_test;

fn counters(app: &TestApp, slug: &str) -> Versions {
    let mut conn = app.db.get().unwrap();
    let id: String = centres::table
        .filter(centres::slug.eq(slug))
        .select(centres::id)
        .first(&mut *conn)
        .unwrap();
    versions::read(&mut conn, &CentreId::from(id))
        .unwrap()
        .unwrap()
}

app_test!(every_write_moves_the_centres_counters, |app| async move {
    let w = world(&app).await;
    let other = app.admin_with_centre("harnosand").await;
    let start = counters(&app, "sundsvall");
    let elsewhere = counters(&app, "harnosand");
    assert!(
        start.rules > 0,
        "creating rooms changed the rules: {start:?}"
    );

    // A study booking changes the data, not the rules.
    let student = app.token("s@student.se", "student", &[], None);
    let day = w.day + chrono::Duration::days(1);
    let body = |from: &str, to: &str| json!({"centre": "sundsvall", "starts_at": format!("{day}T{from}"), "ends_at": format!("{day}T{to}")});
    let r = app
        .post_as(&student, "/api/v1/study-bookings", body("09:00", "10:00"))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let booked = counters(&app, "sundsvall");
    assert_eq!(booked.rules, start.rules);
    assert!(booked.data > start.data);

    // A refused booking rolls its bump back.
    let r = app
        .post_as(&student, "/api/v1/study-bookings", body("09:30", "10:30"))
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(counters(&app, "sundsvall"), booked);

    // Cancelling changes the data.
    let id = app.get_as(&student, "/api/v1/me/bookings").await.body["study_bookings"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .delete_as(&student, &format!("/api/v1/study-bookings/{id}"))
        .await;
    assert_eq!(r.status, 204);
    let cancelled = counters(&app, "sundsvall");
    assert_eq!(cancelled.rules, booked.rules);
    assert!(cancelled.data > booked.data);

    // The centre's rules: hours, closures, rooms, cards, invigilators.
    let mut last = cancelled;
    for step in 0..4 {
        let r = match step {
            0 => app.post_as(&w.admin, "/api/v1/centres/sundsvall/closures", json!({"from": day.to_string(), "to": day.to_string(), "reason": "Städning"})).await,
            1 => app.patch_as(&w.admin, &format!("/api/v1/rooms/{}", w.study_room), json!({"seats": 4})).await,
            2 => app.post_as(&w.admin, "/api/v1/centres/sundsvall/access-cards", json!({"student_email": "s@student.se", "valid_from": day.to_string(), "valid_to": day.to_string()})).await,
            _ => app.post_as(&w.admin, "/api/v1/centres/sundsvall/invigilators", json!({"name": "Ola", "email": "ola@sundsvall.se"})).await,
        };
        assert!(r.status < 300, "{r:?}");
        let now = counters(&app, "sundsvall");
        assert!(
            now.rules > last.rules && now.data > last.data,
            "{r:?}: {now:?} after {last:?}"
        );
        last = now;
    }
    // A refused rules write moves nothing.
    let r = app
        .patch_as(
            &w.admin,
            &format!("/api/v1/rooms/{}", w.study_room),
            json!({"seats": -1}),
        )
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(counters(&app, "sundsvall"), last);
    // And none of it touched another centre.
    assert_eq!(counters(&app, "harnosand"), elsewhere);
    drop(other);
});
