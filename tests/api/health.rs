use crate::app_test;

app_test!(healthz_answers_ok, |app| async move {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
});

app_test!(
    readyz_reports_the_backend_after_migrations,
    |app| async move {
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ready");
        assert_eq!(body["database"], app.db.backend().name());
    }
);

app_test!(unknown_route_is_a_json_404_problem, |app| async move {
    let res = app.get("/api/v1/no-such-thing").await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert_eq!(body["title"], "Not found");
    assert!(body["errors"].as_array().unwrap().is_empty());
    assert!(body["conflicts"].as_array().unwrap().is_empty());
});

app_test!(landing_page_is_html, |app| async move {
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // The developer page is gone (its links are in the README): visitors
    // get the region's centres and the sign-in forms.
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"action="/auth/login""#), "{html}");
    assert!(!html.contains("/readyz"), "{html}");
});

app_test!(every_request_gets_its_own_id, |app| async move {
    let a = app.get("/healthz").await;
    let b = app.get("/healthz").await;
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(id(&a), id(&b));
    assert!(uuid::Uuid::parse_str(&id(&a)).is_ok());
});

mod readyz_without_migrations {
    use std::net::TcpListener;
    use std::sync::Arc;

    use skrivsal::db::{Backend, Database};

    use crate::helpers::{fresh_database, settings_for, skipped};

    async fn check(backend: Backend) {
        let Some(guard) = fresh_database(backend) else {
            return skipped("readyz_without_migrations", backend);
        };
        let settings = settings_for(&guard.url);
        // Opened but never migrated: the process is healthy, not ready.
        let db = Database::open(&settings.database).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = skrivsal::app::startup::run(listener, db, Arc::new(settings)).unwrap();
        actix_web::rt::spawn(server);
        let base = format!("http://127.0.0.1:{port}");
        let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
        assert_eq!(health.status(), 200);
        let ready = reqwest::get(format!("{base}/readyz")).await.unwrap();
        assert_eq!(ready.status(), 503);
        let body: serde_json::Value = ready.json().await.unwrap();
        assert!(
            body["detail"].as_str().unwrap().contains("migration"),
            "{body}"
        );
    }

    #[actix_web::test]
    async fn sqlite() {
        check(Backend::Sqlite).await
    }

    #[actix_web::test]
    async fn postgres() {
        check(Backend::Postgres).await
    }
}
