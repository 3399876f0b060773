//! Rooms: creation, changes, and deactivation unless future bookings use
//! them.

use diesel::prelude::*;
use serde_json::json;

use crate::app_test;

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
    let centre_id: skrivsal::types::CentreId = rooms::table
        .find(room_id)
        .select(rooms::centre_id)
        .first(c)
        .unwrap();
    let student_id: skrivsal::types::UserId = users::table.select(users::id).first(c).unwrap();
    let start = skrivsal::db::now() + chrono::Duration::days(1);
    let id: String = skrivsal::db::new_id();
    diesel::insert_into(study_bookings::table)
        .values(&StudyBooking {
            id: id.as_str().into(),
            centre_id,
            room_id: room_id.into(),
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
