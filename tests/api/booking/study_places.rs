//! Study places: booking within the rules and the per-student limits.

use chrono::{Duration, NaiveDate};
use serde_json::json;

use super::*;
use crate::app_test;

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

// Without a room named, a study place is in the room meant for study, even
// when a group room sorts before it and has more seats; the group room is
// used only when the study room is full.
app_test!(
    a_study_place_goes_to_the_study_room_first,
    |app| async move {
        let w = world(&app).await;
        let day = w.day + Duration::days(1);
        let group = app
        .post_as(
            &w.admin,
            "/api/v1/centres/sundsvall/rooms",
            json!({"name": "Aaa grupprum", "kind": "group_room", "seats": 6, "bookable_for": ["study"]}),
        )
        .await;
        assert_eq!(group.status, 201, "{group:?}");
        let group = group.body["id"].as_str().unwrap().to_string();
        let mut rooms = Vec::new();
        for i in 0..4 {
            let token = app.token(&format!("g{i}@student.se"), "student", &[], None);
            let body = json!({"centre": "sundsvall", "starts_at": format!("{day}T09:00"), "ends_at": format!("{day}T10:00")});
            let r = app.post_as(&token, "/api/v1/study-bookings", body).await;
            assert_eq!(r.status, 201, "{r:?}");
            rooms.push(r.body["room"].as_str().unwrap().to_string());
        }
        // The study room has three seats.
        let study = w.study_room.as_str();
        assert_eq!(rooms, [study, study, study, group.as_str()]);
    }
);
