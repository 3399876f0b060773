//! A study booking given a new time (`PATCH /api/v1/study-bookings/{id}`):
//! checked as a new booking with its own old span counted as gone, the same
//! id and code, the invite again under the same UID at a higher sequence,
//! and nothing changed when refused.

use futures_util::future::join;
use serde_json::{json, Value};

use crate::app_test;
use crate::helpers::{Reply, TestApp};
use crate::pages::{centre_with_study_room, DAY};

async fn book(app: &TestApp, token: &str, from: &str, to: &str) -> Reply {
    let body = json!({"centre": "sundsvall", "starts_at": format!("{DAY}T{from}"), "ends_at": format!("{DAY}T{to}")});
    app.post_as(token, "/api/v1/study-bookings", body).await
}

async fn move_to(app: &TestApp, token: &str, id: &str, from: &str, to: &str) -> Reply {
    let body = json!({"starts_at": format!("{DAY}T{from}"), "ends_at": format!("{DAY}T{to}")});
    app.patch_as(token, &format!("/api/v1/study-bookings/{id}"), body)
        .await
}

/// Subject and invite of the newest message to `to` about booking `id`.
fn last_mail(app: &TestApp, to: &str) -> (String, String, usize) {
    let rows: Vec<(String, Option<String>)> = app
        .mails()
        .into_iter()
        .rev()
        .filter(|(m, _)| m.to_address == to)
        .map(|(_, c)| (c.subject, c.ics))
        .collect();
    let count = rows.len();
    let (subject, ics) = rows.into_iter().next().unwrap();
    (subject, ics.unwrap_or_default(), count)
}

fn own(app_bookings: &Value, id: &str) -> Value {
    app_bookings["study_bookings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .cloned()
        .unwrap()
}

app_test!(
    a_moved_study_booking_keeps_its_id_and_its_invite,
    |app| async move {
        centre_with_study_room(&app).await;
        let stina = app.token("stina@example.se", "student", &[], None);
        let r = book(&app, &stina, "09:00", "12:00").await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let code = r.body["booking_code"].clone();
        let (_, first_ics, _) = last_mail(&app, "stina@example.se");
        assert!(first_ics.contains("SEQUENCE:0"), "{first_ics}");
        // Two more take the other seats 10–13: with Stina the room is full
        // 10–12, so only her own old span counting as gone lets her move there.
        for who in ["a@example.se", "b@example.se"] {
            let t = app.token(who, "student", &[], None);
            assert_eq!(book(&app, &t, "10:00", "13:00").await.status, 201);
        }
        let r = move_to(&app, &stina, &id, "10:00", "13:00").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["id"], id.as_str());
        assert_eq!(r.body["booking_code"], code);
        assert_eq!(r.body["starts_at"], format!("{DAY}T10:00:00+01:00"));
        assert_eq!(r.body["ends_at"], format!("{DAY}T13:00:00+01:00"));
        let (subject, ics, _) = last_mail(&app, "stina@example.se");
        assert!(subject.starts_with("Studieplats ändrad"), "{subject}");
        assert!(ics.contains(&format!("UID:study-{id}@")), "{ics}");
        assert!(
            ics.contains("SEQUENCE:1") && ics.contains("METHOD:REQUEST"),
            "{ics}"
        );
        assert!(ics.contains("T100000"), "{ics}");
        // The old hour 09–10 is free again; 10–13 is full.
        let a = app
            .get_as(
                &stina,
                &format!("/api/v1/centres/sundsvall/availability?date={DAY}"),
            )
            .await;
        let free_at = |hour: &str| {
            a.body["rooms"][0]["intervals"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| {
                    let (s, e) = (i["start"].as_str().unwrap(), i["end"].as_str().unwrap());
                    s <= &format!("{DAY}T{hour}")[..] && &format!("{DAY}T{hour}")[..] < e
                })
                .map(|i| i["free_seats"].clone())
        };
        assert_eq!(free_at("09:30"), Some(json!(3)), "{a:?}");
        assert_eq!(free_at("11:00"), Some(json!(0)), "{a:?}");
        // Moved twice: the sequence keeps growing.
        let r = move_to(&app, &stina, &id, "14:00", "15:00").await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(last_mail(&app, "stina@example.se").1.contains("SEQUENCE:2"));
    }
);

app_test!(
    a_move_into_an_occupied_last_seat_is_refused_and_changes_nothing,
    |app| async move {
        centre_with_study_room(&app).await;
        let tokens: Vec<String> = (0..4)
            .map(|i| app.token(&format!("s{i}@example.se"), "student", &[], None))
            .collect();
        // Three seats, all taken 13–15.
        for t in &tokens[..3] {
            assert_eq!(book(&app, t, "13:00", "15:00").await.status, 201);
        }
        let r = book(&app, &tokens[3], "09:00", "11:00").await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        let before = app.get_as(&tokens[3], "/api/v1/me/bookings").await;
        let (_, _, mails) = last_mail(&app, "s3@example.se");
        let r = move_to(&app, &tokens[3], &id, "14:00", "16:00").await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "room_capacity", "{r:?}");
        // The booking is as it was, and no message went out.
        let after = app.get_as(&tokens[3], "/api/v1/me/bookings").await;
        assert_eq!(own(&before.body, &id), own(&after.body, &id));
        assert_eq!(own(&after.body, &id)["status"], "confirmed");
        assert_eq!(last_mail(&app, "s3@example.se").2, mails);
        // Closed hours are refused by rule, with nothing changed either.
        let r = move_to(&app, &tokens[3], &id, "18:00", "19:00").await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "access_card_required");
        let again = app.get_as(&tokens[3], "/api/v1/me/bookings").await;
        assert_eq!(own(&before.body, &id), own(&again.body, &id));
    }
);

app_test!(
    a_move_racing_a_booking_for_the_last_seat_lets_exactly_one_through,
    |app| async move {
        centre_with_study_room(&app).await;
        let tokens: Vec<String> = (0..4)
            .map(|i| app.token(&format!("r{i}@example.se"), "student", &[], None))
            .collect();
        for t in &tokens[..2] {
            assert_eq!(book(&app, t, "13:00", "15:00").await.status, 201);
        }
        let r = book(&app, &tokens[2], "09:00", "10:00").await;
        let id = r.body["id"].as_str().unwrap().to_string();
        // One seat left at 13–15: the move and a new booking ask at once.
        let (moved, booked) = join(
            move_to(&app, &tokens[2], &id, "13:00", "15:00"),
            book(&app, &tokens[3], "13:00", "15:00"),
        )
        .await;
        let outcome = (moved.status, booked.status);
        assert!(
            outcome == (200, 409) || outcome == (409, 201),
            "{moved:?} {booked:?}"
        );
        let refused = if moved.status == 409 { &moved } else { &booked };
        assert_eq!(refused.body["conflicts"][0]["rule"], "room_capacity");
        let mine = app.get_as(&tokens[2], "/api/v1/me/bookings").await;
        let b = own(&mine.body, &id);
        let at = if moved.status == 200 {
            "13:00"
        } else {
            "09:00"
        };
        assert_eq!(b["starts_at"], format!("{DAY}T{at}:00+01:00"), "{b}");
    }
);

app_test!(
    moving_is_the_students_own_doing_and_bad_input_names_the_field,
    |app| async move {
        let (admin, _) = centre_with_study_room(&app).await;
        let stina = app.token("stina@example.se", "student", &[], None);
        let other = app.token("olle@example.se", "student", &[], None);
        let r = book(&app, &stina, "09:00", "10:00").await;
        let id = r.body["id"].as_str().unwrap().to_string();
        assert_eq!(
            move_to(&app, &other, &id, "10:00", "11:00").await.status,
            404
        );
        assert_eq!(
            move_to(&app, &admin, &id, "10:00", "11:00").await.status,
            403
        );
        let r = move_to(&app, &stina, &id, "11:00", "10:00").await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.body["errors"][0]["field"], "ends_at");
        assert_eq!(r.body["errors"][0]["rule"], "after_start");
        let r = app
            .patch_as(
                &stina,
                &format!("/api/v1/study-bookings/{id}"),
                json!({"starts_at": "soon", "ends_at": format!("{DAY}T11:00"), "room": "Nowhere"}),
            )
            .await;
        assert_eq!(r.status, 422, "{r:?}");
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"starts_at") && fields.contains(&"room"),
            "{r:?}"
        );
        // A cancelled booking stays cancelled.
        let r = app
            .delete_as(&stina, &format!("/api/v1/study-bookings/{id}"))
            .await;
        assert_eq!(r.status, 204);
        let r = move_to(&app, &stina, &id, "10:00", "11:00").await;
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["conflicts"][0]["rule"], "state");
    }
);
