//! Password sign-in: sessions and CSRF, forms and foreign origins,
//! throttling, hash upgrades, oversized bodies, and the security headers on
//! every response.

use diesel::prelude::*;
use serde_json::json;
use skrivsal::db::schema::{audit_log, users};

use super::*;
use crate::app_test;

app_test!(password_sign_in_sessions_and_csrf, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    create_staff(&app, "Admin@Sundsvall.se", "centre_admin", &["sundsvall"]);
    // The address is matched case-insensitively.
    let (status, session) = sign_in(&app, "admin@SUNDSVALL.se", PASSWORD).await;
    assert_eq!(status, 200);
    let (cookie, csrf) = session.unwrap();

    let (status, me) = get_me(&app, &cookie).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "centre_admin");
    assert_eq!(me["centres"], json!(["sundsvall"]));

    // A state change with the cookie needs the CSRF header, and the right one.
    let patch = json!({"name": "LC Sundsvall"});
    let (status, body) = with_cookie(
        &app,
        reqwest::Method::PATCH,
        "/api/v1/centres/sundsvall",
        &cookie,
        None,
        Some(patch.clone()),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["type"], "/problems/csrf");
    let (status, _) = with_cookie(
        &app,
        reqwest::Method::PATCH,
        "/api/v1/centres/sundsvall",
        &cookie,
        Some("wrong"),
        Some(patch.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = with_cookie(
        &app,
        reqwest::Method::PATCH,
        "/api/v1/centres/sundsvall",
        &cookie,
        Some(&csrf),
        Some(patch),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Sign-out ends the session.
    let res = app
        .client
        .post(app.url("/auth/logout"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, _) = get_me(&app, &cookie).await;
    assert_eq!(status, 401);

    // Wrong password and unknown account look the same.
    assert_eq!(
        sign_in(&app, "admin@sundsvall.se", "fel lösenord här")
            .await
            .0,
        401
    );
    assert_eq!(sign_in(&app, "nobody@sundsvall.se", PASSWORD).await.0, 401);
    // Both are audited, success too; no password anywhere in the log.
    let audit = app
        .get_as(&admin, "/api/v1/audit?action=sign_in.failure")
        .await;
    assert_eq!(
        audit.body["items"].as_array().unwrap().len(),
        2,
        "{audit:?}"
    );
    let all = app.get_as(&admin, "/api/v1/audit?limit=500").await;
    assert!(all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "sign_in.success"));
    assert!(!all.body.to_string().contains(PASSWORD));
    assert!(!all.body.to_string().contains("fel lösenord"));
    // The stored hash is argon2id.
    let mut conn = app.db.get().unwrap();
    let hash: Option<String> = users::table
        .filter(users::email.eq("admin@sundsvall.se"))
        .select(users::password_hash)
        .first(&mut *conn)
        .unwrap();
    assert!(hash.unwrap().starts_with("$argon2id$v=19$"));
});

app_test!(
    forms_sign_in_with_a_redirect_and_foreign_origins_are_refused,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        let res = app.client.get(app.url("/login")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("action=\"/auth/login\""));
        let no_redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        // As a browser posts our own form: with our Origin.
        let res = no_redirect
            .post(app.url("/auth/login"))
            .header("origin", &app.address)
            .form(&[("email", "ops@example.se"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/");
        assert!(res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("skrivsal_session="));
        let res = no_redirect
            .post(app.url("/auth/login"))
            .header("origin", "https://evil.example")
            .form(&[("email", "ops@example.se"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
);

app_test!(
    the_eleventh_wrong_password_in_a_minute_is_throttled,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        for attempt in 1..=10 {
            assert_eq!(
                sign_in(&app, "ops@example.se", "wrong password!").await.0,
                401,
                "attempt {attempt}"
            );
        }
        let res = app
            .client
            .post(app.url("/auth/login"))
            .json(&json!({"email": "ops@example.se", "password": "wrong password!"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 429);
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry));
        // Even the right password waits; another account is not affected.
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 429);
        create_staff(&app, "other@example.se", "system_admin", &[]);
        assert_eq!(sign_in(&app, "other@example.se", PASSWORD).await.0, 200);
    }
);

app_test!(
    weaker_password_hashes_are_upgraded_on_sign_in,
    |app| async move {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        let weak = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let mut conn = app.db.get().unwrap();
        diesel::update(users::table.filter(users::email.eq("ops@example.se")))
            .set(users::password_hash.eq(Some(weak.clone())))
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 200);
        let stored: Option<String> = users::table
            .filter(users::email.eq("ops@example.se"))
            .select(users::password_hash)
            .first(&mut *conn)
            .unwrap();
        let stored = stored.unwrap();
        assert_ne!(stored, weak);
        assert!(stored.contains("m=19456"), "{stored}");
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 200);
    }
);

app_test!(security_headers_are_on_every_response, |app| async move {
    for path in [
        "/",
        "/healthz",
        "/api/v1/centres",
        "/no-such-page",
        "/login",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
    let _ = audit_log::table;
});

app_test!(
    oversized_sign_in_bodies_are_a_413_problem,
    |app| async move {
        let huge = format!("{{\"email\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
        let res = app
            .client
            .post(app.url("/auth/login"))
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 413);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
);
