//! The start pages of staff and institutions (issue 14): each role lands on
//! a page over what it can already do, in its language.

use serde_json::json;

use super::*;
use crate::app_test;

/// An institution account at `institution` (a slug) that signs in with
/// `PASSWORD`.
pub(crate) fn institution_person(app: &TestApp, email: &str, name: &str, institution: &str) {
    use skrivsal::accounts::users::{create_user, NewAccount};
    use skrivsal::domain::{Email, Language};
    let mut conn = app.db.get().unwrap();
    create_user(
        &mut conn,
        NewAccount {
            email: Email::parse(email).unwrap(),
            role: "institution".parse().unwrap(),
            name: name.into(),
            centres: Vec::new(),
            institution: Some(institution.into()),
            password: Some(PASSWORD.into()),
            language: Language::Sv,
        },
        "test",
    )
    .unwrap();
}

/// Sundsvall with a study room and two open exam requests from Miun, a
/// study place booked on `DAY`, and the clock on the morning of `DAY`.
pub(crate) async fn a_day_at_sundsvall(app: &TestApp) {
    let (_, room) = centre_with_study_room(app).await;
    open_exams(app, &["Tentamen 1", "Omtentamen"]).await;
    let student = app.token("stina@example.se", "student", &[], None);
    let r = app
        .post_as(
            &student,
            "/api/v1/study-bookings",
            json!({"centre": "sundsvall", "room": room, "starts_at": format!("{DAY}T09:00"), "ends_at": format!("{DAY}T12:00")}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    app.at(&format!("{DAY}T07:30:00+01:00"));
}

async fn page(app: &TestApp, who: &Session, lang: &str) -> (u16, String) {
    let res = app
        .client
        .get(app.url("/start"))
        .header("cookie", &who.cookie)
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

app_test!(
    a_centre_admin_starts_with_the_day_at_their_centre,
    |app| async move {
        a_day_at_sundsvall(&app).await;
        create_person(
            &app,
            "chef@example.se",
            "Cecilia Chef",
            "centre_admin",
            &["sundsvall"],
        );
        let chef = sign_in(&app, "chef@example.se").await;
        let (status, html) = page(&app, &chef, "sv").await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<h1>Idag</h1>"), "{html}");
        assert!(html.contains("Lärcentrum sundsvall, tis 8 dec"), "{html}");
        assert!(
            html.contains("Inga prov i dag. En bokad studieplats."),
            "{html}"
        );
        // Both requests wait for approval.
        assert!(
            html.contains("<strong>MA051G Tentamen 1</strong> · <span class=\"nowrap\">tis 8 dec 09:00–12:00</span>"),
            "{html}"
        );
        assert!(html.contains("MA051G Omtentamen"), "{html}");
        // The day's print-outs, which the admin may already fetch.
        let schedule = format!("/print/centres/sundsvall/schedule?date={DAY}&amp;lang=sv");
        assert!(html.contains(&schedule), "{html}");
        assert!(html.contains("Schema som PDF"), "{html}");
        let print = app
            .client
            .get(app.url(&format!(
                "/print/centres/sundsvall/schedule?date={DAY}&lang=sv"
            )))
            .header("cookie", &chef.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(print.status(), 200);
        assert!(html.contains(r#"href="/centres/sundsvall""#));
        // In English when the account chooses it.
        let switched = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(app.url("/lang"))
            .header("cookie", &chef.cookie)
            .form(&[
                ("lang", "en"),
                ("csrf", chef.csrf.as_str()),
                ("back", "/start"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(switched.status(), 303);
        let (_, html) = page(&app, &chef, "sv").await;
        assert!(html.contains("<h1>Today</h1>"), "{html}");
        assert!(html.contains("Exam requests to approve"), "{html}");

        // An admin of another centre sees none of it.
        let root = app.token("root-harnosand@example.se", "system_admin", &[], None);
        let r = app
            .post_as(&root, "/api/v1/centres", json!({"slug": "harnosand", "name": "Lärcentrum Härnösand", "municipality": "Härnösand", "address": "Torget 1", "email": "lc@harnosand.se"}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        create_person(
            &app,
            "other@example.se",
            "Otto",
            "centre_admin",
            &["harnosand"],
        );
        let other = sign_in(&app, "other@example.se").await;
        let (status, html) = page(&app, &other, "sv").await;
        assert_eq!(status, 200);
        assert!(html.contains("Lärcentrum Härnösand"), "{html}");
        assert!(!html.contains("Tentamen 1"), "{html}");
        assert!(
            html.contains("Inga förfrågningar väntar på godkännande."),
            "{html}"
        );
    }
);

app_test!(
    an_institution_and_a_system_admin_start_with_their_lists,
    |app| async move {
        a_day_at_sundsvall(&app).await;
        institution_person(&app, "kansli@miun.se", "Kansliet", "miun");
        let miun = sign_in(&app, "kansli@miun.se").await;
        let (status, html) = page(&app, &miun, "sv").await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("<h1>Provförfrågningar</h1>"), "{html}");
        assert!(html.contains("MA051G Tentamen 1"), "{html}");
        assert!(html.contains("Inskickad, väntar på godkännande"), "{html}");

        create_person(&app, "ops@example.se", "Ops", "system_admin", &[]);
        let ops = sign_in(&app, "ops@example.se").await;
        let (status, html) = page(&app, &ops, "en").await;
        assert_eq!(status, 200, "{html}");
        // The account's language (Swedish) decides over the browser's.
        assert!(html.contains("<h1>Lärcentrum</h1>"), "{html}");
        assert!(
            html.contains(r#"<a href="/centres/sundsvall">Lärcentrum sundsvall</a>"#),
            "{html}"
        );

        // Not signed in: to the sign-in.
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url("/start"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
    }
);
