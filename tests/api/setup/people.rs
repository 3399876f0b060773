//! Who works and studies at a centre: invigilators and their availability,
//! and access cards that register students.

use diesel::prelude::*;
use serde_json::json;

use crate::app_test;

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
            invigilator_id: id.as_str().into(),
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
