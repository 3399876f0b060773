//! More of the student's journeys in the real browser (see `browser`):
//! moving a study place, the calendar feed, the public centre page without
//! signing in, and every student page at 200 % zoom and at phone width.
//! axe-core and the no-horizontal-scroll check run on every page visited.

use fantoccini::Locator;
use serde_json::json;

use super::browser::{browser, start_driver, tools, Person};
use super::*;
use crate::helpers::{with_app, TestApp};

/// Signed in through the password form, on the start page.
async fn sign_in_as(p: &Person<'_>, email: &str) {
    p.sign_in_as(email, PASSWORD).await;
    assert!(p
        .c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/me/bookings"));
}

/// A student of `centre_with_study_room`'s centre with a study place on
/// `DAY` 09:00–12:00; returns the booking's id.
async fn student_with_booking(app: &TestApp, room: &str) -> String {
    create_person(app, "stina@example.se", "Stina Student", "student", &[]);
    let token = app.token("stina@example.se", "student", &[], None);
    let r = app.post_as(&token, "/api/v1/study-bookings", json!({"centre": "sundsvall", "room": room, "starts_at": format!("{DAY}T09:00"), "ends_at": format!("{DAY}T12:00")})).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

/// Runs `journey` with a browser at phone width, if the tools are here.
async fn in_browser<'a, F, Fut>(app: &'a TestApp, test: &str, journey: F)
where
    F: FnOnce(Person<'a>) -> Fut,
    Fut: std::future::Future<Output = Person<'a>>,
{
    let Some(axe) = tools(test) else { return };
    let driver = start_driver();
    let p = Person {
        c: browser(&driver).await,
        app,
        axe,
    };
    let p = journey(p).await;
    let _ = p.c.close().await;
}

#[actix_web::test]
async fn a_student_moves_a_study_place_in_a_browser() {
    with_app(
        "pages::journeys::move",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let (_, room) = centre_with_study_room(&app).await;
            student_with_booking(&app, &room).await;
            in_browser(&app, "pages::journeys::move", |p| async move {
                sign_in_as(&p, "stina@example.se").await;
                assert!(p.text().await.contains("tis 8 dec 09:00–12:00"));
                p.click_text("Ändra tid").await;
                let text = p.text().await;
                assert!(
                    text.contains("Du ändrar tiden för din studieplats tis 8 dec 09:00–12:00"),
                    "{text}"
                );
                // Preloaded with the booking's times; a new span typed over them.
                let start = p.c.find(Locator::Id("start")).await.unwrap();
                assert_eq!(start.prop("value").await.unwrap().as_deref(), Some("09:00"));
                p.c.execute("document.getElementById('start').value = '13:00'; document.getElementById('end').value = '15:30';", vec![]).await.unwrap();
                p.click_text("Byt till den här tiden").await;
                let text = p.text().await;
                assert!(text.contains("Studieplatsen har fått en ny tid."), "{text}");
                assert!(text.contains("tis 8 dec 13:00–15:30"), "{text}");
                assert!(!text.contains("09:00–12:00"), "{text}");
                // Into closed hours: refused in words, the booking as it was.
                p.click_text("Ändra tid").await;
                p.c.execute("document.getElementById('start').value = '18:00'; document.getElementById('end').value = '19:00';", vec![]).await.unwrap();
                p.click_text("Byt till den här tiden").await;
                let text = p.text().await;
                assert!(
                    text.contains("Tiden gick inte att ändra")
                        && text.contains("Den tiden kräver passerkort"),
                    "{text}"
                );
                p.open("/me/bookings").await;
                assert!(p.text().await.contains("tis 8 dec 13:00–15:30"));
                p
            })
            .await;
        },
    )
    .await
}

#[actix_web::test]
async fn a_student_creates_copies_and_revokes_a_calendar_feed() {
    with_app(
        "pages::journeys::calendar",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let (_, room) = centre_with_study_room(&app).await;
            student_with_booking(&app, &room).await;
            in_browser(&app, "pages::journeys::calendar", |p| async move {
                sign_in_as(&p, "stina@example.se").await;
                p.click_text("Kalender").await;
                assert!(p.text().await.contains("Du har ingen kalenderadress."));
                p.click_text("Skapa en kalenderadress").await;
                // Copy: the address is in a read-only field, selected as a
                // person selects it to copy.
                let field = p.c.find(Locator::Id("feed-url")).await.unwrap();
                field.click().await.unwrap();
                p.c.execute("document.getElementById('feed-url').select();", vec![])
                    .await
                    .unwrap();
                let copied = p
                    .c
                    .execute("return window.getSelection().toString() || document.getElementById('feed-url').value;", vec![])
                    .await
                    .unwrap();
                let copied = copied.as_str().unwrap().to_string();
                // The address names the configured public host; the test
                // server listens elsewhere, so fetch its path there.
                let path = copied.split_once("/feeds/").map(|(_, f)| format!("/feeds/{f}"));
                let url = p.app.url(&path.expect(&copied));
                // A calendar program fetching it gets the booking.
                let ics = reqwest::get(&url).await.unwrap();
                assert_eq!(ics.status(), 200);
                let ics = ics.text().await.unwrap();
                assert!(ics.contains("BEGIN:VCALENDAR") && ics.contains("Studieplats"), "{ics}");
                p.click_text("Sluta dela").await;
                let text = p.text().await;
                assert!(text.contains("Kalenderadressen fungerar inte längre."), "{text}");
                assert!(text.contains("Du har ingen kalenderadress."), "{text}");
                let gone = reqwest::get(&url).await.unwrap();
                assert_eq!(gone.status(), 404);
                p
            })
            .await;
        },
    )
    .await
}

#[actix_web::test]
async fn the_public_centre_page_is_read_without_signing_in() {
    with_app(
        "pages::journeys::centre",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            centre_with_study_room(&app).await;
            in_browser(&app, "pages::journeys::centre", |p| async move {
                p.open("/").await;
                p.click("a[href='/centres/sundsvall']").await;
                assert!(p
                    .c
                    .current_url()
                    .await
                    .unwrap()
                    .path()
                    .ends_with("/centres/sundsvall"));
                let text = p.text().await;
                assert!(text.contains("Lärcentrum sundsvall"), "{text}");
                assert!(text.contains("Storgatan 1"), "{text}");
                assert!(text.contains("Studiehallen"), "{text}");
                p
            })
            .await;
        },
    )
    .await
}

/// Every student page and the public centre page at 640 × 800 CSS px (a
/// 1280 px window at 200 % zoom) and at 390 px: no horizontal scroll
/// (asserted by `check` on each page), and axe clean.
#[actix_web::test]
async fn every_student_page_reads_at_200_percent_zoom_and_on_a_phone() {
    with_app(
        "pages::journeys::zoom",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let (_, room) = centre_with_study_room(&app).await;
            open_exams(&app, &["Tentamen i matematik med ett långt namn"]).await;
            let id = student_with_booking(&app, &room).await;
            in_browser(&app, "pages::journeys::zoom", |p| async move {
                sign_in_as(&p, "stina@example.se").await;
                let signed_in = [
                    "/me/bookings".to_string(),
                    format!("/me/book?centre=sundsvall&date={DAY}"),
                    format!("/me/book?move={id}"),
                    "/me/exams".to_string(),
                    "/me/calendar".to_string(),
                ];
                for (width, height) in [(640u32, 800u32), (390, 844)] {
                    p.c.set_window_size(width, height).await.unwrap();
                    for path in &signed_in {
                        p.open(path).await;
                        let inner =
                            p.c.execute("return window.innerWidth;", vec![])
                                .await
                                .unwrap();
                        assert!(
                            inner.as_u64().unwrap() <= u64::from(width),
                            "{inner} at {width}"
                        );
                    }
                }
                p.c.delete_all_cookies().await.unwrap();
                for (width, height) in [(640u32, 800u32), (390, 844)] {
                    p.c.set_window_size(width, height).await.unwrap();
                    p.open("/centres/sundsvall").await;
                }
                p
            })
            .await;
        },
    )
    .await
}
