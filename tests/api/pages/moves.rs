//! Student pages over plain HTTP: a study place given a new time from Mina
//! bokningar, and the home centre listed and chosen first.

use diesel::prelude::*;
use skrivsal::db::schema::users;

use super::http::{book, flash, get, id_after, post, student};
use super::*;
use crate::app_test;

app_test!(
    a_student_moves_a_study_place_from_mina_bokningar,
    |app| async move {
        let (_, room) = centre_with_study_room(&app).await;
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let booked = book(&app, &s, &room, DAY, "09:00", "12:00").await;
        assert_eq!(booked.status, 303, "{}", booked.html);
        let html = get(&app, Some(&s), "/me/bookings", "").await.html;
        let id = id_after(&html, "/me/study-bookings/");
        assert!(
            html.contains(&format!(r#"href="/me/book?move={id}""#)),
            "{html}"
        );
        // "Ändra tid": the booking page on the booking's day, preloaded.
        let a = get(&app, Some(&s), &format!("/me/book?move={id}"), "").await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(
            a.html
                .contains("Du ändrar tiden för din studieplats tis 8 dec 09:00–12:00"),
            "{}",
            a.html
        );
        assert!(a.html.contains("Lediga platser tis 8 dec"), "{}", a.html);
        assert!(a.html.contains(r#"value="09:00""#) && a.html.contains(r#"value="12:00""#));
        assert!(a.html.contains(&format!(r#"name="move" value="{id}""#)));
        // The three seats taken 13–15 by others: refused in words, unchanged.
        for i in 0..3 {
            let t = app.token(&format!("s{i}@example.se"), "student", &[], None);
            let r = app.post_as(&t, "/api/v1/study-bookings", serde_json::json!({"centre": "sundsvall", "starts_at": format!("{DAY}T13:00"), "ends_at": format!("{DAY}T15:00")})).await;
            assert_eq!(r.status, 201, "{r:?}");
        }
        let move_form = |start: &'static str, end: &'static str| {
            [
                ("csrf", s.csrf.clone()),
                ("centre", "sundsvall".to_string()),
                ("date", DAY.to_string()),
                ("room", room.clone()),
                ("start", start.to_string()),
                ("end", end.to_string()),
                ("move", id.clone()),
            ]
        };
        let sent = move_form("13:00", "14:00");
        let form: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = post(&app, &s, "/me/book", &form).await;
        assert_eq!(refused.status, 409, "{}", refused.html);
        assert!(
            refused.html.contains("Tiden gick inte att ändra")
                && refused
                    .html
                    .contains("Det finns inga lediga platser i rummet hela den tiden."),
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains(r#"value="13:00""#),
            "{}",
            refused.html
        );
        let html = get(&app, Some(&s), "/me/bookings", "").await.html;
        assert!(html.contains("tis 8 dec 09:00–12:00"), "{html}");
        // A free time: moved, said so, and shown at its new time.
        let sent = move_form("15:00", "16:30");
        let form: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let moved = post(&app, &s, "/me/book", &form).await;
        assert_eq!(
            (moved.status, moved.location.as_deref()),
            (303, Some("/me/bookings")),
            "{}",
            moved.html
        );
        let page = get(&app, Some(&s), "/me/bookings", &flash(&moved)).await;
        assert!(
            page.html.contains("Studieplatsen har fått en ny tid."),
            "{}",
            page.html
        );
        assert!(page.html.contains("tis 8 dec 15:00–16:30"), "{}", page.html);
        assert!(!page.html.contains("09:00–12:00"), "{}", page.html);
        // Someone else's booking is not theirs to move.
        let other = student(&app, "olle@example.se", "Olle").await;
        let a = get(&app, Some(&other), &format!("/me/book?move={id}"), "").await;
        assert_eq!(a.status, 404, "{}", a.html);
    }
);

/// The options of the centre select, in order, and which is selected.
fn centre_options(html: &str) -> Vec<(String, bool)> {
    let select = html.split(r#"<select id="centre""#).nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    select
        .split("<option value=\"")
        .skip(2)
        .map(|o| {
            let slug = o.split('"').next().unwrap().to_string();
            (slug, o.contains(" selected>"))
        })
        .collect()
}

app_test!(
    the_home_centre_is_listed_and_chosen_first,
    |app| async move {
        centre_with_study_room(&app).await;
        // Alnö sorts first by name; it is in another municipality.
        let root = app.token("root-sundsvall@example.se", "system_admin", &[], None);
        let r = app
            .post_as(
                &root,
                "/api/v1/centres",
                serde_json::json!({"slug": "alno", "name": "Lärcentrum Alnö", "municipality": "Ånge", "address": "Byvägen 2", "email": "alno@example.se"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let options = centre_options(&get(&app, Some(&s), "/me/book", "").await.html);
        assert_eq!(
            options,
            vec![("alno".into(), false), ("sundsvall".into(), false)]
        );
        // She lives in Sundsvall: its centre comes first, chosen.
        {
            let mut conn = app.db.get().unwrap();
            diesel::update(users::table.filter(users::email.eq("stina@example.se")))
                .set(users::municipality.eq(Some("sundsvall")))
                .execute(&mut *conn)
                .unwrap();
        }
        let options = centre_options(&get(&app, Some(&s), "/me/book", "").await.html);
        assert_eq!(
            options,
            vec![("sundsvall".into(), true), ("alno".into(), false)]
        );
        // An exam at her home centre is listed before one elsewhere.
        open_exams(&app, &["Tentamen i Sundsvall"]).await;
        let html = get(&app, Some(&s), "/me/exams", "").await.html;
        assert!(
            html.contains("Lärcentrum sundsvall (ditt lärcentrum)"),
            "{html}"
        );
    }
);
