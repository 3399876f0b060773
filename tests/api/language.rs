//! Problems in the caller's language (issue 14): `Accept-Language` first,
//! then the account's language, else the operations' English; `type`,
//! `field`, `rule` and `with` the same in every language, and
//! `Content-Language` naming the one used.

use serde_json::{json, Value};

use crate::app_test;
use crate::helpers::TestApp;
use crate::pages::{centre_with_study_room, DAY};

struct Answer {
    status: u16,
    language: String,
    body: Value,
}

/// Posts a study booking as `token`, with `Accept-Language` if given.
async fn book(
    app: &TestApp,
    token: &str,
    accept_language: Option<&str>,
    day: &str,
    start: &str,
    end: &str,
) -> Answer {
    let mut req = app
        .client
        .post(app.url("/api/v1/study-bookings"))
        .bearer_auth(token)
        .json(&json!({"centre": "sundsvall", "starts_at": format!("{day}T{start}"), "ends_at": format!("{day}T{end}")}));
    if let Some(lang) = accept_language {
        req = req.header("accept-language", lang);
    }
    answer(req.send().await.unwrap()).await
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let language = res
        .headers()
        .get("content-language")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    Answer {
        status,
        language,
        body: res.json().await.unwrap_or(Value::Null),
    }
}

app_test!(
    a_refused_booking_is_told_in_the_callers_language,
    |app| async move {
        centre_with_study_room(&app).await;
        // The account's language is Swedish (the default).
        let student = app.token("stina@example.se", "student", &[], None);
        let first = book(&app, &student, Some("sv"), DAY, "09:00", "12:00").await;
        assert_eq!(first.status, 201, "{}", first.body);

        let sv = book(&app, &student, Some("sv-SE"), DAY, "11:00", "13:00").await;
        assert_eq!(
            (sv.status, sv.language.as_str()),
            (409, "sv"),
            "{}",
            sv.body
        );
        assert_eq!(sv.body["type"], "/problems/conflict");
        assert_eq!(sv.body["title"], "Konflikt");
        assert_eq!(
            sv.body["detail"],
            "En regel hindrar ändringen; inget har ändrats."
        );
        let conflict = &sv.body["conflicts"][0];
        assert_eq!(conflict["rule"], "student_double_booked", "{}", sv.body);
        assert_eq!(
            conflict["message"],
            "Du har redan en studieplats 09:00–12:00"
        );
        assert_eq!(conflict["with"]["kind"], "study_booking");
        assert!(conflict.get("words").is_none(), "{conflict}");

        // English as asked: the operation's own words, the same codes.
        let en = book(
            &app,
            &student,
            Some("en-GB,en;q=0.9"),
            DAY,
            "11:00",
            "13:00",
        )
        .await;
        assert_eq!((en.status, en.language.as_str()), (409, "en"));
        assert_eq!(en.body["title"], "Conflict");
        assert_eq!(en.body["conflicts"][0]["rule"], "student_double_booked");
        assert_eq!(en.body["conflicts"][0]["with"], conflict["with"]);
        let message = en.body["conflicts"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The student already has study booking"),
            "{message}"
        );

        // No header: the account's language.
        let mine = book(&app, &student, None, DAY, "11:00", "13:00").await;
        assert_eq!(mine.language, "sv");
        assert_eq!(mine.body["conflicts"], sv.body["conflicts"]);

        // q-values decide, and a language we do not have is passed over.
        let closed = book(
            &app,
            &student,
            Some("de-DE, en;q=0.5, sv;q=0.8"),
            "2026-12-24",
            "09:00",
            "10:00",
        )
        .await;
        assert_eq!((closed.status, closed.language.as_str()), (409, "sv"));
        let rules: Vec<&str> = closed.body["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["message"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&"Lärcentret är stängt på julafton"),
            "{}",
            closed.body
        );

        // A field's rule, in words.
        let invalid = book(&app, &student, Some("sv"), DAY, "13:00", "12:00").await;
        assert_eq!((invalid.status, invalid.language.as_str()), (422, "sv"));
        assert_eq!(invalid.body["title"], "Ogiltiga värden");
        assert_eq!(invalid.body["detail"], "Ett fält har ett ogiltigt värde.");
        assert_eq!(invalid.body["errors"][0]["field"], "ends_at");
        assert_eq!(invalid.body["errors"][0]["rule"], "after_start");
        assert_eq!(
            invalid.body["errors"][0]["message"],
            "Sluttiden måste vara efter starttiden."
        );
    }
);

app_test!(
    an_anonymous_caller_gets_english_unless_asking,
    |app| async move {
        let get = |lang: Option<&'static str>| {
            let mut req = app.client.get(app.url("/api/v1/me/bookings"));
            if let Some(lang) = lang {
                req = req.header("accept-language", lang);
            }
            req.send()
        };
        let en = answer(get(None).await.unwrap()).await;
        assert_eq!((en.status, en.language.as_str()), (401, "en"));
        assert_eq!(en.body["title"], "Authentication required");
        assert_eq!(en.body["detail"], "authentication required");
        let sv = answer(get(Some("sv")).await.unwrap()).await;
        assert_eq!((sv.status, sv.language.as_str()), (401, "sv"));
        assert_eq!(sv.body["type"], "/problems/unauthorized");
        assert_eq!(sv.body["title"], "Inloggning krävs");
        // An account that chose English gets English without asking.
        let admin = app.token("ops@example.se", "system_admin", &[], None);
        {
            use skrivsal::accounts::{actor, preferences};
            let mut conn = app.db.get().unwrap();
            let caller = actor::caller_for_token(&mut conn, &admin).unwrap();
            preferences::set_language(&mut conn, &caller, skrivsal::domain::Language::En).unwrap();
        }
        let r = app
            .client
            .get(app.url("/api/v1/exam-requests?limit=0"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        let r = answer(r).await;
        assert_eq!((r.status, r.language.as_str()), (422, "en"), "{}", r.body);
    }
);
