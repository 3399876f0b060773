//! Sign-in, sessions, CSRF, links, password reset, tokens, throttling, audit.

use diesel::prelude::*;
use serde_json::{json, Value};
use skrivsal::db::schema::{audit_log, mail_outbox, users};

use crate::app_test;
use crate::helpers::TestApp;

const PASSWORD: &str = "korrekt hästbatteri";

fn create_staff(app: &TestApp, email: &str, role: &str, centres: &[&str]) {
    use skrivsal::accounts::users::{create_user, NewAccount};
    use skrivsal::domain::{Email, Language};
    let mut conn = app.db.get().unwrap();
    create_user(
        &mut conn,
        NewAccount {
            email: Email::parse(email).unwrap(),
            role: role.parse().unwrap(),
            name: "Test".into(),
            centres: centres.iter().map(|s| s.to_string()).collect(),
            institution: None,
            password: Some(PASSWORD.into()),
            language: Language::Sv,
        },
        "test",
    )
    .unwrap();
}

/// Signs in with a password; returns (cookie header value, csrf token).
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Option<(String, String)>) {
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("skrivsal_session="))
        .map(str::to_string);
    let body: Value = res.json().await.unwrap_or(Value::Null);
    match cookie {
        Some(c) => {
            assert!(
                c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Lax"),
                "{c}"
            );
            let pair = c.split(';').next().unwrap().to_string();
            (
                status,
                Some((pair, body["csrf_token"].as_str().unwrap().to_string())),
            )
        }
        None => (status, None),
    }
}

async fn with_cookie(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method, app.url(path))
        .header("cookie", cookie);
    if let Some(t) = csrf {
        req = req.header("x-csrf-token", t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

app_test!(password_sign_in_sessions_and_csrf, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    create_staff(&app, "Admin@Sundsvall.se", "centre_admin", &["sundsvall"]);
    // The address is matched case-insensitively.
    let (status, session) = sign_in(&app, "admin@SUNDSVALL.se", PASSWORD).await;
    assert_eq!(status, 200);
    let (cookie, csrf) = session.unwrap();

    let (status, me) = with_cookie(
        &app,
        reqwest::Method::GET,
        "/api/v1/me",
        &cookie,
        None,
        None,
    )
    .await;
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
    let (status, _) = with_cookie(
        &app,
        reqwest::Method::GET,
        "/api/v1/me",
        &cookie,
        None,
        None,
    )
    .await;
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
        let res = no_redirect
            .post(app.url("/auth/login"))
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

fn last_link(app: &TestApp, to: &str) -> Option<(String, String)> {
    let mut conn = app.db.get().unwrap();
    let rows: Vec<(String, String)> = mail_outbox::table
        .filter(mail_outbox::to_address.eq(to))
        .order(mail_outbox::id.desc())
        .select((mail_outbox::subject, mail_outbox::body_text))
        .load(&mut *conn)
        .unwrap();
    rows.into_iter().next().map(|(subject, body)| {
        let token = body
            .split("token=")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        (subject, token)
    })
}

app_test!(students_sign_in_by_single_use_link, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app.post_as(&admin, "/api/v1/centres/sundsvall/access-cards", json!({"student_email": "alva@student.se", "valid_from": "2026-01-01", "valid_to": "2026-12-31"})).await;
    assert_eq!(r.status, 201);
    // Same answer for a known and an unknown address; mail only for the known.
    for email in ["alva@student.se", "nobody@student.se"] {
        let r = app
            .call(
                reqwest::Method::POST,
                "/auth/link",
                None,
                Some(json!({"email": email})),
            )
            .await;
        assert_eq!(r.status, 202, "{r:?}");
    }
    assert!(last_link(&app, "nobody@student.se").is_none());
    let (subject, token) = last_link(&app, "alva@student.se").unwrap();
    assert_eq!(subject, "Din inloggningslänk till skrivsal");
    // Opening the link shows a button; it does not sign in by itself.
    let page = app
        .client
        .get(app.url(&format!("/auth/link?token={token}")))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("/auth/link/consume"));
    let first = app
        .call(
            reqwest::Method::POST,
            "/auth/link/consume",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["user"]["role"], "student");
    let second = app
        .call(
            reqwest::Method::POST,
            "/auth/link/consume",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(second.status, 422);
    assert_eq!(second.error_fields(), ["token"]);

    // An expired link does not work.
    app.call(
        reqwest::Method::POST,
        "/auth/link",
        None,
        Some(json!({"email": "alva@student.se"})),
    )
    .await;
    let (_, token) = last_link(&app, "alva@student.se").unwrap();
    {
        use skrivsal::db::schema::login_tokens;
        let mut conn = app.db.get().unwrap();
        diesel::update(login_tokens::table.filter(login_tokens::used_at.is_null()))
            .set((
                login_tokens::created_at.eq(skrivsal::db::now() - chrono::Duration::minutes(20)),
                login_tokens::expires_at.eq(skrivsal::db::now() - chrono::Duration::minutes(5)),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
    let expired = app
        .call(
            reqwest::Method::POST,
            "/auth/link/consume",
            None,
            Some(json!({"token": token})),
        )
        .await;
    assert_eq!(expired.status, 422);

    // Staff do not get sign-in links (they have passwords).
    create_staff(&app, "ops@example.se", "system_admin", &[]);
    app.call(
        reqwest::Method::POST,
        "/auth/link",
        None,
        Some(json!({"email": "ops@example.se"})),
    )
    .await;
    assert!(last_link(&app, "ops@example.se").is_none());
    // A malformed address is a 422 naming it.
    let r = app
        .call(
            reqwest::Method::POST,
            "/auth/link",
            None,
            Some(json!({"email": "not-an-address"})),
        )
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["email".to_string()])
    );
});

app_test!(
    password_reset_sets_a_new_password_and_ends_sessions,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        let (_, session) = sign_in(&app, "ops@example.se", PASSWORD).await;
        let (cookie, _) = session.unwrap();
        let r = app
            .call(
                reqwest::Method::POST,
                "/auth/password-reset",
                None,
                Some(json!({"email": "ops@example.se"})),
            )
            .await;
        assert_eq!(r.status, 202);
        let (subject, token) = last_link(&app, "ops@example.se").unwrap();
        assert!(subject.contains("lösenord"));
        let short = app
            .call(
                reqwest::Method::POST,
                "/auth/password-reset/confirm",
                None,
                Some(json!({"token": token, "password": "kort"})),
            )
            .await;
        assert_eq!(
            (short.status, short.error_fields()),
            (422, vec!["password".to_string()])
        );
        let ok = app
            .call(
                reqwest::Method::POST,
                "/auth/password-reset/confirm",
                None,
                Some(json!({"token": token, "password": "ett nytt långt lösenord"})),
            )
            .await;
        assert_eq!(ok.status, 204, "{ok:?}");
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 401);
        assert_eq!(
            sign_in(&app, "ops@example.se", "ett nytt långt lösenord")
                .await
                .0,
            200
        );
        let (status, _) = with_cookie(
            &app,
            reqwest::Method::GET,
            "/api/v1/me",
            &cookie,
            None,
            None,
        )
        .await;
        assert_eq!(status, 401, "the old session ended");
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

app_test!(api_tokens_are_shown_once_and_revocable, |app| async move {
    let admin = app.token("root@example.se", "system_admin", &[], None);
    let student = app.token("s@example.se", "student", &[], None);
    let r = app
        .post_as(
            &student,
            "/api/v1/tokens",
            json!({"name": "my script", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let secret = r.body["token"].as_str().unwrap().to_string();
    let id = r.body["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sks_"));
    assert!(r.body["expires_at"].is_string());
    assert_eq!(
        app.get_as(&secret, "/api/v1/me").await.body["email"],
        "s@example.se"
    );
    // Listing never shows the secret again.
    let list = app.get_as(&student, "/api/v1/tokens").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    assert!(!list.body.to_string().contains(&secret));
    assert!(list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("token").is_none()));
    // Nobody stores it either.
    let mut conn = app.db.get().unwrap();
    use skrivsal::db::schema::api_tokens;
    let hashes: Vec<String> = api_tokens::table
        .select(api_tokens::token_hash)
        .load(&mut *conn)
        .unwrap();
    assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains(&secret)));
    // A student cannot create tokens for others, nor see or revoke theirs.
    assert_eq!(
        app.post_as(
            &student,
            "/api/v1/tokens",
            json!({"name": "x", "user": "root@example.se"})
        )
        .await
        .status,
        403
    );
    let admin_tokens = app.get_as(&admin, "/api/v1/tokens").await;
    let admin_token_id = admin_tokens.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["user_id"] != r.body["user_id"])
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.delete_as(&student, &format!("/api/v1/tokens/{admin_token_id}"))
            .await
            .status,
        404
    );
    // Revoked: 401 from then on; the revocation is audited.
    assert_eq!(
        app.delete_as(&student, &format!("/api/v1/tokens/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(app.get_as(&secret, "/api/v1/me").await.status, 401);
    let audit = app
        .get_as(&admin, "/api/v1/audit?action=token.revoke")
        .await;
    assert_eq!(audit.body["items"][0]["target_id"], id);
    assert!(!app
        .get_as(&admin, "/api/v1/audit?limit=500")
        .await
        .body
        .to_string()
        .contains(&secret));
    // An expired token stops working.
    diesel::update(api_tokens::table)
        .set(api_tokens::expires_at.eq(Some(skrivsal::db::now() - chrono::Duration::seconds(1))))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(app.get_as(&admin, "/api/v1/me").await.status, 401);
});

app_test!(
    system_admins_create_accounts_without_echoing_passwords,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let r = app.post_as(&admin, "/api/v1/users", json!({"email": "Ny@Sundsvall.se", "role": "centre_admin", "centres": ["sundsvall"], "password": "ett tillräckligt långt lösenord"})).await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["email"], "ny@sundsvall.se");
        let text = r.body.to_string();
        assert!(
            !text.contains("tillräckligt") && !text.contains("argon2"),
            "{text}"
        );
        assert_eq!(
            sign_in(&app, "ny@sundsvall.se", "ett tillräckligt långt lösenord")
                .await
                .0,
            200
        );
        let bad = app
            .post_as(
                &admin,
                "/api/v1/users",
                json!({"email": "x@sundsvall.se", "role": "centre_admin", "centres": ["nowhere"]}),
            )
            .await;
        assert_eq!(
            (bad.status, bad.error_fields()),
            (422, vec!["centres".to_string()])
        );
        let bad = app
            .post_as(
                &admin,
                "/api/v1/users",
                json!({"email": "ny@sundsvall.se", "role": "student"}),
            )
            .await;
        assert_eq!(
            (bad.status, bad.error_rules()),
            (422, vec!["unique".to_string()])
        );
        let bad = app
            .post_as(
                &admin,
                "/api/v1/users",
                json!({"email": "y@sundsvall.se", "role": "king", "password": "short"}),
            )
            .await;
        assert_eq!(bad.error_fields(), ["role", "password"]);
        let users = app.get_as(&admin, "/api/v1/users").await;
        assert!(users.body["items"].as_array().unwrap().len() >= 2);
        assert!(!users.body.to_string().contains("argon2"));
        // Audit entries record who created whom.
        let audit = app.get_as(&admin, "/api/v1/audit?action=user.create").await;
        assert!(audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "root-sundsvall@example.se"));
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
