//! Single-use sign-in links for students, and password reset for staff.

use diesel::prelude::*;
use serde_json::json;

use super::*;
use crate::app_test;

app_test!(students_sign_in_by_single_use_link, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app.post_as(&admin, "/api/v1/centres/sundsvall/access-cards", json!({"student_email": "alva@student.se", "valid_from": "2026-01-01", "valid_to": "2026-12-31"})).await;
    assert_eq!(r.status, 201);
    // Same answer for a known and an unknown address; mail only for the known.
    for email in ["alva@student.se", "nobody@student.se"] {
        let r = post_anonymous(&app, "/auth/link", json!({"email": email})).await;
        assert_eq!(r.status, 202, "{r:?}");
    }
    assert!(app.last_mailed_token("nobody@student.se").is_none());
    let (subject, token) = app.last_mailed_token("alva@student.se").unwrap();
    assert_eq!(subject, "Din inloggningslänk till skrivsal");
    // Opening the link shows a button; it does not sign in by itself.
    let page = app
        .client
        .get(app.url(&format!("/auth/link?token={token}")))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("/auth/link/consume"));
    let first = post_anonymous(&app, "/auth/link/consume", json!({"token": token})).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["user"]["role"], "student");
    let second = post_anonymous(&app, "/auth/link/consume", json!({"token": token})).await;
    assert_eq!(second.status, 422);
    assert_eq!(second.error_fields(), ["token"]);

    // An expired link does not work.
    post_anonymous(&app, "/auth/link", json!({"email": "alva@student.se"})).await;
    let (_, token) = app.last_mailed_token("alva@student.se").unwrap();
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
    let expired = post_anonymous(&app, "/auth/link/consume", json!({"token": token})).await;
    assert_eq!(expired.status, 422);

    // Staff do not get sign-in links (they have passwords).
    create_staff(&app, "ops@example.se", "system_admin", &[]);
    post_anonymous(&app, "/auth/link", json!({"email": "ops@example.se"})).await;
    assert!(app.last_mailed_token("ops@example.se").is_none());
    // A malformed address is a 422 naming it.
    let r = post_anonymous(&app, "/auth/link", json!({"email": "not-an-address"})).await;
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
        let r = post_anonymous(
            &app,
            "/auth/password-reset",
            json!({"email": "ops@example.se"}),
        )
        .await;
        assert_eq!(r.status, 202);
        let (subject, token) = app.last_mailed_token("ops@example.se").unwrap();
        assert!(subject.contains("lösenord"));
        let short = post_anonymous(
            &app,
            "/auth/password-reset/confirm",
            json!({"token": token, "password": "kort"}),
        )
        .await;
        assert_eq!(
            (short.status, short.error_fields()),
            (422, vec!["password".to_string()])
        );
        let ok = post_anonymous(
            &app,
            "/auth/password-reset/confirm",
            json!({"token": token, "password": "ett nytt långt lösenord"}),
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
        let (status, _) = get_me(&app, &cookie).await;
        assert_eq!(status, 401, "the old session ended");
    }
);
