//! A busy database under concurrent writes: every write waits its turn
//! (`db::write_tx`), and one that still cannot get to the database answers
//! 503 with `Retry-After`, never a 500.

use std::net::TcpListener;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::json;
use skrivsal::app::config::{Settings, Sources};
use skrivsal::db::schema::{api_tokens, users};
use skrivsal::db::Database;

use crate::app_test;
use crate::helpers::{fresh_database, DbGuard, Reply};

const WRITERS: usize = 32;

/// Every answer of a burst is the success status or a 503 that says when to
/// try again; returns how many succeeded.
fn successes(replies: &[Reply], created: u16) -> usize {
    for r in replies {
        assert!(
            r.status == created || (r.status == 503 && r.body["type"] == "/problems/busy"),
            "{r:?}"
        );
    }
    replies.iter().filter(|r| r.status == created).count()
}

app_test!(thirty_two_accounts_created_at_once, |app| async move {
    let root = app.token("root@example.se", "system_admin", &[], None);
    let calls = (0..WRITERS).map(|i| {
        let body = json!({
            "email": format!("staff{i}@example.se"),
            "role": "system_admin",
            // Half with a password: argon2 runs outside the write lock.
            "password": (i % 2 == 0).then_some("ett långt lösenord"),
        });
        app.post_as(&root, "/api/v1/users", body)
    });
    let replies = join_all(calls).await;
    let ok = successes(&replies, 201);
    // Each writer waits its turn; none is refused with this little traffic.
    assert_eq!(ok, WRITERS, "{replies:?}");
    let mut conn = app.db.get().unwrap();
    let stored: i64 = users::table
        .filter(users::email.like("staff%@example.se"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(stored, ok as i64);
});

app_test!(thirty_two_tokens_created_at_once, |app| async move {
    let root = app.token("root@example.se", "system_admin", &[], None);
    // Between accounts being created, so that other writers hold the lock
    // while tokens are written.
    let calls = (0..WRITERS).flat_map(|i| {
        [
            app.post_as(
                &root,
                "/api/v1/tokens",
                json!({"name": format!("script {i}"), "expires_in_days": 30}),
            ),
            app.post_as(
                &root,
                "/api/v1/users",
                json!({"email": format!("bystander{i}@example.se"), "role": "student"}),
            ),
        ]
    });
    let replies = join_all(calls).await;
    assert_eq!(successes(&replies, 201), 2 * WRITERS, "{replies:?}");
    let mut conn = app.db.get().unwrap();
    // The expiry is written with the token, in its one transaction.
    let expiring: i64 = api_tokens::table
        .filter(api_tokens::name.like("script %"))
        .filter(api_tokens::expires_at.is_not_null())
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(expiring, WRITERS as i64);
});

/// A server on a fresh SQLite file whose writers wait at most 200 ms.
async fn impatient_server() -> (String, Database, actix_web::dev::ServerHandle, DbGuard) {
    let guard = fresh_database(skrivsal::db::Backend::Sqlite).unwrap();
    let settings = Settings::load_from(Sources {
        local_file: None,
        env: vec![
            ("DATABASE_URL".into(), guard.url.clone()),
            (
                "SKRIVSAL__DATABASE__SQLITE_BUSY_TIMEOUT_MS".into(),
                "200".into(),
            ),
            ("SKRIVSAL__LOG__FILTER".into(), "warn".into()),
        ],
    })
    .unwrap();
    let db = Database::open(&settings.database).unwrap();
    db.migrate().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = skrivsal::app::startup::run(listener, db.clone(), Arc::new(settings)).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (format!("http://127.0.0.1:{port}"), db, handle, guard)
}

#[actix_web::test]
async fn a_database_locked_by_another_process_answers_503_with_retry_after() {
    let (base, db, server, _guard) = impatient_server().await;
    let token = {
        use skrivsal::accounts::tokens::create_token;
        use skrivsal::accounts::users::{create_user, NewAccount};
        use skrivsal::domain::{Email, Language};
        let mut conn = db.get().unwrap();
        let email = Email::parse("root@example.se").unwrap();
        create_user(
            &mut conn,
            NewAccount {
                email: email.clone(),
                role: "system_admin".parse().unwrap(),
                name: "root".into(),
                centres: vec![],
                institution: None,
                password: None,
                language: Language::Sv,
            },
            "test",
        )
        .unwrap();
        create_token(&mut conn, &email, "test", "test")
            .unwrap()
            .secret
    };
    let client = reqwest::Client::new();
    let create = |name: &'static str| {
        client
            .post(format!("{base}/api/v1/tokens"))
            .bearer_auth(&token)
            .json(&json!({ "name": name }))
            .send()
    };
    // Once while the database is free (this also records the token's use,
    // so that the next request's only write is the token it creates).
    assert_eq!(create("first").await.unwrap().status(), 201);

    // Another process (here: another connection) holds the write lock.
    let skrivsal::app::config::DatabaseUrl::Sqlite { path } = db.url().clone() else {
        unreachable!()
    };
    let mut holder = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();

    let started = std::time::Instant::now();
    let res = create("while locked").await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["type"], "/problems/busy", "{body}");
    assert_eq!(body["status"], 503, "{body}");
    // It waited for the lock (the busy timeout), then gave up.
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));

    // Nothing of it was written; once the lock is released the same request works.
    holder.batch_execute("ROLLBACK").unwrap();
    let mut conn = db.get().unwrap();
    let named = |conn: &mut skrivsal::db::Conn, name: &str| -> i64 {
        api_tokens::table
            .filter(api_tokens::name.eq(name))
            .count()
            .get_result(&mut **conn)
            .unwrap()
    };
    assert_eq!(named(&mut conn, "while locked"), 0);
    drop(conn);
    assert_eq!(create("while locked").await.unwrap().status(), 201);
    server.stop(true).await;
}
