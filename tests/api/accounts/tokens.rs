//! API tokens, shown once and revocable, and accounts created by system
//! admins without echoing passwords.

use diesel::prelude::*;
use serde_json::json;

use super::*;
use crate::app_test;

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
