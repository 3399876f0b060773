//! Sign-in refusals as pages (issue 14): a browser's form post that is
//! turned down gets the form again with the reason beside its field, in the
//! visitor's language and with the status kept; JSON callers keep
//! problem+json.

use reqwest::redirect::Policy;
use serde_json::json;

use super::*;
use crate::app_test;

struct Page {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    html: String,
}

/// Posts `form` to `path` as our own page does (with our Origin).
async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)], lang: &str) -> Page {
    let res = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .post(app.url(path))
        .header("origin", &app.address)
        .header("accept-language", lang)
        .form(form)
        .send()
        .await
        .unwrap();
    let header = |name| {
        res.headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_string())
    };
    Page {
        status: res.status().as_u16(),
        content_type: header("content-type").unwrap_or_default(),
        retry_after: header("retry-after"),
        html: res.text().await.unwrap(),
    }
}

app_test!(
    a_wrong_password_shows_the_form_again_in_the_visitors_language,
    |app| async move {
        create_person(&app, "ops@example.se", "Ops", "system_admin", &[]);
        let form = [
            ("email", "ops@example.se"),
            ("password", "not the password"),
        ];
        let sv = post_form(&app, "/auth/login", &form, "sv").await;
        assert_eq!(sv.status, 401, "{}", sv.html);
        assert!(
            sv.content_type.starts_with("text/html"),
            "{}",
            sv.content_type
        );
        assert!(sv.html.contains(r#"<html lang="sv">"#), "{}", sv.html);
        assert!(
            sv.html.contains(
                r#"<p class="error" id="login-password-error">Fel e-postadress eller lösenord.</p>"#
            ),
            "{}",
            sv.html
        );
        assert!(sv
            .html
            .contains(r#"aria-describedby="login-password-error""#));
        assert!(sv.html.contains(r#"role="alert""#));
        // The address typed stays; the password never comes back.
        assert!(sv.html.contains(r#"value="ops@example.se""#), "{}", sv.html);
        assert!(!sv.html.contains("not the password"));

        let en = post_form(&app, "/auth/login", &form, "en").await;
        assert_eq!(en.status, 401);
        assert!(
            en.html.contains("Wrong e-mail address or password."),
            "{}",
            en.html
        );

        // A script posting JSON keeps its problem.
        let json = app
            .client
            .post(app.url("/auth/login"))
            .json(&json!({"email": "ops@example.se", "password": "not the password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), 401);
        assert_eq!(json.headers()["content-type"], "application/problem+json");

        // An address that is not one: beside its field.
        let bad = post_form(&app, "/auth/link", &[("email", "not-an-address")], "sv").await;
        assert_eq!(bad.status, 422, "{}", bad.html);
        assert!(
            bad.html
                .contains(r#"<p class="error" id="link-email-error">Ange en giltig e-postadress"#),
            "{}",
            bad.html
        );

        // The sign-in page itself is in the visitor's language.
        let page = app
            .client
            .get(app.url("/login"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Staff and institutions"), "{page}");
    }
);

app_test!(a_used_link_says_so_and_offers_a_new_one, |app| async move {
    let used = post_form(
        &app,
        "/auth/link/consume",
        &[("token", "spent-or-never-sent")],
        "sv",
    )
    .await;
    assert_eq!(used.status, 422, "{}", used.html);
    assert!(used.content_type.starts_with("text/html"));
    assert!(
        used.html.contains("<h1>Länken går inte att använda</h1>"),
        "{}",
        used.html
    );
    assert!(used
        .html
        .contains("redan använd, för gammal eller felaktig"));
    assert!(
        used.html.contains(r#"action="/auth/link""#),
        "{}",
        used.html
    );
    assert!(!used.html.contains("spent-or-never-sent"));

    // A new password too short: the form again, the token kept.
    let short = post_form(
        &app,
        "/auth/password-reset/confirm",
        &[("token", "reset-secret"), ("password", "kort")],
        "sv",
    )
    .await;
    assert_eq!(short.status, 422, "{}", short.html);
    assert!(
        short.html.contains(r#"id="new-password-error">För kort."#),
        "{}",
        short.html
    );
    assert!(short.html.contains(r#"value="reset-secret""#));
    // A long enough one with a spent reset link: ask for a new reset link.
    let spent = post_form(
        &app,
        "/auth/password-reset/confirm",
        &[
            ("token", "reset-secret"),
            ("password", "en lång och bra fras"),
        ],
        "en",
    )
    .await;
    assert_eq!(spent.status, 422);
    assert!(
        spent.html.contains("<h1>The link cannot be used</h1>"),
        "{}",
        spent.html
    );
    assert!(spent.html.contains(r#"action="/auth/password-reset""#));
});

app_test!(too_many_attempts_say_when_to_try_again, |app| async move {
    create_person(&app, "ops@example.se", "Ops", "system_admin", &[]);
    let form = [("email", "ops@example.se"), ("password", "wrong password!")];
    let mut last = None;
    for _ in 0..11 {
        last = Some(post_form(&app, "/auth/login", &form, "sv").await);
    }
    let page = last.unwrap();
    assert_eq!(page.status, 429, "{}", page.html);
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.retry_after.is_some());
    assert!(
        page.html.contains("För många försök. Försök igen om"),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"href="/login""#));
});
