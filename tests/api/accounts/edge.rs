//! What the HTTP edge does for every sign-in and every personal answer:
//! sign-in forms only from our own pages, no caching of personal answers,
//! no secret of an address in the request log.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::json;

use super::*;
use crate::app_test;

app_test!(
    sign_in_posts_from_another_site_are_refused,
    |app| async move {
        create_staff(&app, "ops@example.se", "system_admin", &[]);
        let no_redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let ours = app.url("/login");
        let form = |headers: &[(&str, &str)]| {
            let mut req = no_redirect
                .post(app.url("/auth/login"))
                .form(&[("email", "ops@example.se"), ("password", PASSWORD)]);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            req.send()
        };
        let refused: [&[(&str, &str)]; 5] = [
            // The case: a form on another site, its Referer, no Origin.
            &[("referer", "https://evil.example/login.html")],
            &[("origin", "https://evil.example")],
            &[("origin", "null")],
            // Origin decides over a Referer that looks like ours.
            &[("origin", "https://evil.example"), ("referer", &ours)],
            // Neither: a browser that strips both could have been anywhere.
            &[],
        ];
        for headers in refused {
            let res = form(headers).await.unwrap();
            assert_eq!(res.status(), 403, "{headers:?}");
            assert!(res.headers().get("set-cookie").is_none(), "{headers:?}");
        }
        for headers in [
            &[("referer", ours.as_str())][..],
            &[("origin", &app.address)],
        ] {
            let res = form(headers).await.unwrap();
            assert_eq!(res.status(), 303, "{headers:?}");
        }
        // A JSON post needs neither header (a page elsewhere cannot send one
        // without a preflight), but a foreign Origin still refuses it.
        assert_eq!(sign_in(&app, "ops@example.se", PASSWORD).await.0, 200);
        let res = app
            .client
            .post(app.url("/auth/login"))
            .header("referer", "https://evil.example/")
            .json(&json!({"email": "ops@example.se", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // A text/plain form can carry a JSON-looking body from anywhere.
        let res = app
            .client
            .post(app.url("/auth/login"))
            .header("content-type", "text/plain")
            .body(json!({"email": "ops@example.se", "password": PASSWORD}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The other sign-in forms follow the same rule.
        for path in ["/auth/link", "/auth/password-reset"] {
            let res = no_redirect
                .post(app.url(path))
                .header("referer", "https://evil.example/")
                .form(&[("email", "ops@example.se")])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{path}");
        }
    }
);

app_test!(personal_answers_are_never_stored, |app| async move {
    create_staff(&app, "ops@example.se", "system_admin", &[]);
    let no_store = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
    };
    let res = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"email": "ops@example.se", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(no_store(&res).as_deref(), Some("no-store"), "sign-in");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let bearer = app.token("root@example.se", "system_admin", &[], None);
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&bearer)
        .json(&json!({"name": "script"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        no_store(&res).as_deref(),
        Some("no-store"),
        "token creation"
    );
    for (what, req) in [
        (
            "me by token",
            app.client.get(app.url("/api/v1/me")).bearer_auth(&bearer),
        ),
        (
            "me by session",
            app.client
                .get(app.url("/api/v1/me"))
                .header("cookie", &cookie),
        ),
        (
            "a wrong password",
            app.client
                .post(app.url("/auth/login"))
                .json(&json!({"email": "ops@example.se", "password": "nope"})),
        ),
        (
            "an e-mailed link's page",
            app.client.get(app.url("/auth/link?token=abc")),
        ),
    ] {
        let res = req.send().await.unwrap();
        assert_eq!(no_store(&res).as_deref(), Some("no-store"), "{what}");
    }
    // Anonymous public answers are not affected, and a stylesheet keeps its
    // own caching even when the browser sends the cookie along.
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(no_store(&res), None);
    let res = app
        .client
        .get(app.url("/static/print.css"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(no_store(&res).as_deref(), Some("public, max-age=3600"));
});

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The request log of every server in this test binary, as the servers
/// write it: one global subscriber, installed by the first test that asks,
/// keeps the request lines (a test's own subscriber would not see the
/// servers' worker threads).
fn request_log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "skrivsal::app::startup=info",
            ))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("the request log is the test binary's only global subscriber");
        log
    })
}

app_test!(secrets_in_addresses_never_reach_the_log, |app| async move {
    let log = request_log();
    // A real feed, to ask for by its secret address.
    let student = app.token("s@example.se", "student", &[], None);
    let r = app
        .post_as(&student, "/api/v1/feeds", json!({"kind": "student"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let url = r.body["url"].as_str().unwrap().to_string();
    let feed_path = format!("/feeds/{}", url.rsplit_once("/feeds/").unwrap().1);
    let secret = feed_path
        .trim_start_matches("/feeds/")
        .trim_end_matches(".ics")
        .to_string();
    let mut asked = Vec::new();
    for (uri, logged) in [
        (feed_path.as_str(), "path=/feeds/[redacted].ics "),
        (
            "/coordinator/SECRETcoordinator1",
            "path=/coordinator/[redacted] ",
        ),
        (
            "/api/v1/coordinator/SECRETcoordinator2/paper",
            "path=/api/v1/coordinator/[redacted]/paper ",
        ),
        ("/auth/link?token=SECRETlink3", "path=/auth/link "),
        (
            "/auth/password-reset?token=SECRETreset4",
            "path=/auth/password-reset ",
        ),
    ] {
        let res = app.client.get(app.url(uri)).send().await.unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        asked.push((id, logged));
    }
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    for (id, logged) in asked {
        let line = text
            .lines()
            .find(|l| l.contains(&id))
            .unwrap_or_else(|| panic!("request {id} is not in the log"));
        assert!(line.contains(logged), "{line}");
    }
    assert!(!text.contains(&secret), "the feed's secret is in the log");
    assert!(!text.contains("SECRET"), "a secret is in the log");
});
