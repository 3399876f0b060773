//! Each page over plain HTTP, as a browser without JavaScript uses it.

use reqwest::redirect::Policy;

use super::*;
use crate::app_test;

pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) location: Option<String>,
    pub(super) set_cookie: Vec<String>,
    pub(super) html: String,
}

/// A client that does not follow redirects, so a test sees the 303.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn answer(res: reqwest::Response) -> Answer {
    Answer {
        status: res.status().as_u16(),
        location: res
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string()),
        set_cookie: res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect(),
        html: res.text().await.unwrap(),
    }
}

pub(super) async fn get(
    app: &TestApp,
    who: Option<&Session>,
    path: &str,
    extra_cookie: &str,
) -> Answer {
    let mut req = client().get(app.url(path));
    let cookie = [who.map(|s| s.cookie.as_str()).unwrap_or(""), extra_cookie]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    answer(req.send().await.unwrap()).await
}

pub(super) async fn post(
    app: &TestApp,
    who: &Session,
    path: &str,
    form: &[(&str, &str)],
) -> Answer {
    let res = client()
        .post(app.url(path))
        .header("cookie", &who.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap())
        .send()
        .await
        .unwrap();
    answer(res).await
}

/// The booking form's post, as the page sends it.
pub(super) async fn book(
    app: &TestApp,
    s: &Session,
    room: &str,
    date: &str,
    start: &str,
    end: &str,
) -> Answer {
    let form = [
        ("csrf", s.csrf.as_str()),
        ("centre", "sundsvall"),
        ("date", date),
        ("room", room),
        ("start", start),
        ("end", end),
    ];
    post(app, s, "/me/book", &form).await
}

/// The id in the first link or form action under `prefix` on a page.
pub(super) fn id_after(html: &str, prefix: &str) -> String {
    let rest = html.split(prefix).nth(1).expect(prefix);
    rest.split('/').next().unwrap().to_string()
}

/// The flash cookie a redirect sets, to send with the next GET as a browser
/// would.
pub(super) fn flash(a: &Answer) -> String {
    a.set_cookie
        .iter()
        .find(|c| c.starts_with("skrivsal_flash="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap_or_default()
}

pub(super) async fn student(app: &TestApp, email: &str, name: &str) -> Session {
    create_person(app, email, name, "student", &[]);
    sign_in(app, email).await
}

app_test!(
    the_landing_page_lists_centres_and_sends_people_to_their_start,
    |app| async move {
        centre_with_study_room(&app).await;
        let a = get(&app, None, "/", "").await;
        assert_eq!(a.status, 200);
        assert!(a.html.contains(r#"<html lang="sv">"#), "{}", a.html);
        assert!(
            a.html.contains(r#"href="/centres/sundsvall""#),
            "{}",
            a.html
        );
        assert!(a.html.contains(r#"action="/auth/link""#));
        // A visitor's browser asking for English gets English.
        let res = client()
            .get(app.url("/"))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(
            html.contains(r#"<html lang="en">"#) && html.contains("Learning centres"),
            "{html}"
        );
        // Signed in, `/` is the role's start page.
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let a = get(&app, Some(&s), "/", "").await;
        assert_eq!(a.status, 303);
        assert_eq!(a.location.as_deref(), Some("/me/bookings"));
        create_person(
            &app,
            "admin@sundsvall.se",
            "Ada Admin",
            "centre_admin",
            &["sundsvall"],
        );
        let admin = sign_in(&app, "admin@sundsvall.se").await;
        assert_eq!(
            get(&app, Some(&admin), "/", "").await.location.as_deref(),
            Some("/start")
        );
        // Student pages are not theirs: 404, as another tenant's item.
        assert_eq!(
            get(&app, Some(&admin), "/me/bookings", "").await.status,
            404
        );
        // Not signed in: to the sign-in (landing) page.
        let a = get(&app, None, "/me/bookings", "").await;
        assert_eq!((a.status, a.location.as_deref()), (303, Some("/")));
    }
);

app_test!(the_public_centre_page_needs_no_sign_in, |app| async move {
    centre_with_study_room(&app).await;
    let a = get(&app, None, "/centres/sundsvall", "").await;
    assert_eq!(a.status, 200, "{}", a.html);
    for text in [
        "Lärcentrum sundsvall",
        "Storgatan 1",
        "Öppettider den här veckan",
        "08:00–17:00",
        "06:00–22:00",
        "Studiehallen",
        "Passerkort",
    ] {
        assert!(a.html.contains(text), "{text}: {}", a.html);
    }
    // Christmas is ahead of 1 December, with its Swedish name and day.
    assert!(a.html.contains("tors 24 dec: julafton"), "{}", a.html);
    // The chosen language (cookie) wins over the default.
    let a = get(&app, None, "/centres/sundsvall", "skrivsal_lang=en").await;
    assert!(
        a.html.contains("Opening hours this week") && a.html.contains("Thu 24 Dec: Christmas Eve"),
        "{}",
        a.html
    );
    // An unknown centre is a page in the visitor's language, not JSON.
    let a = get(&app, None, "/centres/nowhere", "").await;
    assert_eq!(a.status, 404);
    assert!(a.html.contains("Sidan finns inte"), "{}", a.html);
});

app_test!(
    a_student_books_sees_and_cancels_a_study_place,
    |app| async move {
        let (_, room) = centre_with_study_room(&app).await;
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let a = get(
            &app,
            Some(&s),
            &format!("/me/book?centre=sundsvall&date={DAY}"),
            "",
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(a.html.contains("Lediga platser tis 8 dec"), "{}", a.html);
        assert!(
            a.html.contains("08:00–17:00</span> 3 lediga platser"),
            "{}",
            a.html
        );
        assert!(a.html.contains("endast med passerkort"), "{}", a.html);
        let booked = book(&app, &s, &room, DAY, "09:00", "12:00").await;
        assert_eq!(
            (booked.status, booked.location.as_deref()),
            (303, Some("/me/bookings")),
            "{}",
            booked.html
        );
        let a = get(&app, Some(&s), "/me/bookings", &flash(&booked)).await;
        assert!(
            a.html
                .contains("En bekräftelse med en kalenderinbjudan är på väg"),
            "{}",
            a.html
        );
        assert!(a.html.contains("tis 8 dec 09:00–12:00"), "{}", a.html);
        assert!(
            a.html.contains("Lärcentrum sundsvall, Studiehallen"),
            "{}",
            a.html
        );
        // The refusal names the rule in words, with the booking collided with.
        let refused = book(&app, &s, &room, DAY, "11:00", "13:00").await;
        assert_eq!(refused.status, 409);
        assert!(
            refused
                .html
                .contains("Du har redan en studieplats 09:00–12:00"),
            "{}",
            refused.html
        );
        // The form keeps what was typed.
        assert!(
            refused.html.contains(r#"value="11:00""#),
            "{}",
            refused.html
        );
        // A closed day: the reason, in words.
        let refused = book(&app, &s, &room, "2026-12-24", "09:00", "10:00").await;
        assert!(
            refused.html.contains("Lärcentret är stängt på julafton"),
            "{}",
            refused.html
        );
        // A time that is not one: beside its field.
        let refused = book(&app, &s, &room, DAY, "13:00", "12:00").await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.html.contains(
                r#"<p class="error" id="end-error">Sluttiden måste vara efter starttiden.</p>"#
            ),
            "{}",
            refused.html
        );
        // Another student cannot cancel it: 404.
        let id = {
            let other = student(&app, "olle@example.se", "Olle").await;
            let html = get(&app, Some(&s), "/me/bookings", "").await.html;
            let id = id_after(&html, "/me/study-bookings/");
            let a = post(
                &app,
                &other,
                &format!("/me/study-bookings/{id}/cancel"),
                &[("csrf", &other.csrf)],
            )
            .await;
            assert_eq!(a.status, 404, "{}", a.html);
            assert!(a.html.contains("Sidan finns inte"), "{}", a.html);
            id
        };
        // Without the CSRF token the form is refused, and nothing changes.
        let a = post(&app, &s, &format!("/me/study-bookings/{id}/cancel"), &[]).await;
        assert_eq!(a.status, 403, "{}", a.html);
        assert!(
            a.html.contains("Formuläret kunde inte skickas"),
            "{}",
            a.html
        );
        let a = post(
            &app,
            &s,
            &format!("/me/study-bookings/{id}/cancel"),
            &[("csrf", "wrong")],
        )
        .await;
        assert_eq!(a.status, 403);
        // With it, cancelled.
        let a = post(
            &app,
            &s,
            &format!("/me/study-bookings/{id}/cancel"),
            &[("csrf", &s.csrf)],
        )
        .await;
        assert_eq!(
            (a.status, a.location.as_deref()),
            (303, Some("/me/bookings"))
        );
        let page = get(&app, Some(&s), "/me/bookings", &flash(&a)).await;
        assert!(
            page.html.contains("Studieplatsen är avbokad."),
            "{}",
            page.html
        );
        assert!(page.html.contains("Avbokad"), "{}", page.html);
    }
);

app_test!(
    the_language_switch_is_remembered_per_user,
    |app| async move {
        centre_with_study_room(&app).await;
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let a = get(&app, Some(&s), "/me/bookings", "").await;
        assert!(
            a.html.contains(r#"<html lang="sv">"#) && a.html.contains("<h1>Mina bokningar</h1>")
        );
        // Signed in, the switch needs the session's token.
        assert_eq!(
            post(
                &app,
                &s,
                "/lang",
                &[("lang", "en"), ("back", "/me/bookings")]
            )
            .await
            .status,
            403
        );
        let a = post(
            &app,
            &s,
            "/lang",
            &[("lang", "en"), ("back", "/me/bookings"), ("csrf", &s.csrf)],
        )
        .await;
        assert_eq!(
            (a.status, a.location.as_deref()),
            (303, Some("/me/bookings"))
        );
        // A new session (another device, no cookie) still reads English.
        let again = sign_in(&app, "stina@example.se").await;
        let a = get(&app, Some(&again), "/me/bookings", "").await;
        assert!(
            a.html.contains(r#"<html lang="en">"#) && a.html.contains("<h1>My bookings</h1>"),
            "{}",
            a.html
        );
        // Not an open redirect.
        let a = post(
            &app,
            &again,
            "/lang",
            &[
                ("lang", "sv"),
                ("back", "//evil.example/"),
                ("csrf", &again.csrf),
            ],
        )
        .await;
        assert_eq!(a.location.as_deref(), Some("/"));
    }
);

app_test!(
    a_student_registers_for_an_exam_and_keeps_a_calendar_feed,
    |app| async move {
        centre_with_study_room(&app).await;
        open_exams(&app, &["Tentamen 1"]).await;
        let s = student(&app, "stina@example.se", "Stina Student").await;
        let a = get(&app, Some(&s), "/me/exams", "").await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(
            a.html.contains("Tentamen 1") && a.html.contains("tis 8 dec"),
            "{}",
            a.html
        );
        let request = a
            .html
            .split(r#"name="exam_request" value=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        // A bad number is shown beside its field.
        let bad = post(
            &app,
            &s,
            "/me/exams",
            &[
                ("csrf", &s.csrf),
                ("exam_request", &request),
                ("extra_time_percent", "900"),
            ],
        )
        .await;
        assert_eq!(bad.status, 422, "{}", bad.html);
        assert!(
            bad.html.contains("Värdet är utanför det tillåtna."),
            "{}",
            bad.html
        );
        let ok = post(
            &app,
            &s,
            "/me/exams",
            &[
                ("csrf", &s.csrf),
                ("exam_request", &request),
                ("extra_time_percent", "25"),
                ("separate_room", "1"),
            ],
        )
        .await;
        assert_eq!(
            (ok.status, ok.location.as_deref()),
            (303, Some("/me/exams")),
            "{}",
            ok.html
        );
        let a = get(&app, Some(&s), "/me/exams", &flash(&ok)).await;
        assert!(
            a.html.contains("Din anmälan är skickad")
                && a.html.contains("Anmäld, väntar på besked"),
            "{}",
            a.html
        );
        let a = get(&app, Some(&s), "/me/bookings", "").await;
        assert!(
            a.html.contains("Tentamen 1")
                && a.html.contains("Miniräknare")
                && a.html.contains("Enskilt rum"),
            "{}",
            a.html
        );
        // Calendar: create (shown once), then revoke.
        let a = post(&app, &s, "/me/calendar", &[("csrf", &s.csrf)]).await;
        assert_eq!(a.status, 200, "{}", a.html);
        let url = a
            .html
            .split(r#"id="feed-url" type="text" readonly value=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&#x2f;", "/");
        assert!(url.contains("/feeds/") && url.ends_with(".ics"), "{url}");
        let path = &url[url.find("/feeds/").unwrap()..];
        assert_eq!(app.get(path).await.status(), 200);
        let page = get(&app, Some(&s), "/me/calendar", "").await;
        assert!(!page.html.contains(path), "the address is shown once");
        let id = id_after(&page.html, "/me/calendar/");
        let a = post(
            &app,
            &s,
            &format!("/me/calendar/{id}/revoke"),
            &[("csrf", &s.csrf)],
        )
        .await;
        assert_eq!(a.status, 303);
        assert_eq!(app.get(path).await.status(), 404);
    }
);

app_test!(sign_out_is_a_form_with_the_token, |app| async move {
    let s = student(&app, "stina@example.se", "Stina Student").await;
    assert_eq!(post(&app, &s, "/sign-out", &[]).await.status, 403);
    let a = post(&app, &s, "/sign-out", &[("csrf", &s.csrf)]).await;
    assert_eq!((a.status, a.location.as_deref()), (303, Some("/")));
    // The session is over.
    assert_eq!(get(&app, Some(&s), "/me/bookings", "").await.status, 303);
});

app_test!(htmx_is_served_by_us_and_cacheable, |app| async move {
    let res = app.get("/static/htmx.min.js").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(res.text().await.unwrap().contains("htmx"));
    // No page asks another site for anything.
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
});

/// 200 study places of 30–90 minutes on `DAY` in a 60-seat room, starting
/// unevenly at quarter hours 08:00–15:00, written straight to the database.
fn busy_day(app: &TestApp, room: &str) {
    use diesel::prelude::*;
    use skrivsal::db::models::StudyBooking;
    use skrivsal::db::schema::{study_bookings, users};
    let mut conn = app.db.get().unwrap();
    let centre: String = skrivsal::db::schema::rooms::table
        .find(room)
        .select(skrivsal::db::schema::rooms::centre_id)
        .first(&mut *conn)
        .unwrap();
    drop(conn);
    for i in 0..200u32 {
        let email = format!("busy{i}@example.se");
        app.token(&email, "student", &[], None);
        let mut conn = app.db.get().unwrap();
        let student: String = users::table
            .filter(users::email.eq(&email))
            .select(users::id)
            .first(&mut *conn)
            .unwrap();
        // 08:00 local is 07:00 UTC in December.
        let start = chrono::NaiveDate::parse_from_str(DAY, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(7, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(i64::from((i * i + i / 29) % 29) * 15);
        // 30 to 90 minutes: the seats taken change at every quarter hour.
        let length = chrono::Duration::minutes(30 + i64::from(i % 5) * 15);
        diesel::insert_into(study_bookings::table)
            .values(&StudyBooking {
                id: skrivsal::db::new_id(),
                centre_id: centre.clone().into(),
                room_id: room.to_string().into(),
                student_id: student.into(),
                booking_code: format!("B{i:03}-BSY"),
                starts_at: start,
                ends_at: start + length,
                status: skrivsal::types::StudyBookingStatus::Confirmed,
                sequence: 0,
                created_at: skrivsal::db::now(),
                cancelled_at: None,
            })
            .execute(&mut *conn)
            .unwrap();
    }
}

app_test!(
    no_student_page_is_over_100_kb_on_a_day_with_200_bookings,
    |app| async move {
        let (admin, small) = centre_with_study_room(&app).await;
        let r = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Läsesalen", "kind": "study_area", "seats": 60, "bookable_for": ["study"]})).await;
        assert_eq!(r.status, 201, "{r:?}");
        busy_day(&app, r.body["id"].as_str().unwrap());
        open_exams(&app, &["Tentamen 1", "Tentamen 2"]).await;
        let s = student(&app, "stina@example.se", "Stina Student").await;
        assert_eq!(
            book(&app, &s, &small, DAY, "09:00", "12:00").await.status,
            303
        );
        let id = id_after(
            &get(&app, Some(&s), "/me/bookings", "").await.html,
            "/me/study-bookings/",
        );
        let pages = [
            "/me/bookings".to_string(),
            format!("/me/book?centre=sundsvall&date={DAY}"),
            format!("/me/book?move={id}"),
            "/me/exams".to_string(),
            "/me/calendar".to_string(),
        ];
        for path in pages {
            let a = get(&app, Some(&s), &path, "").await;
            assert_eq!(a.status, 200, "{path}: {}", a.html);
            assert!(a.html.len() < 100_000, "{path}: {} bytes", a.html.len());
        }
        let day = get(
            &app,
            Some(&s),
            &format!("/me/book?centre=sundsvall&date={DAY}"),
            "",
        )
        .await;
        // The busy room's timeline is there, cut at every quarter hour.
        assert!(day.html.matches("<li class=").count() > 25, "{}", day.html);
        for path in ["/", "/centres/sundsvall"] {
            let a = get(&app, None, path, "").await;
            assert_eq!(a.status, 200, "{path}");
            assert!(a.html.len() < 100_000, "{path}: {} bytes", a.html.len());
        }
    }
);
