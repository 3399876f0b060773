//! Sign-in, sessions, CSRF, links, password reset, tokens, throttling, audit.
//! The shared sign-in helpers live here; the tests are in the topic modules.

use serde_json::{json, Value};

use crate::helpers::{Reply, TestApp};

mod edge;
mod links;
mod sign_in;
mod throttle;
mod tokens;

const PASSWORD: &str = "korrekt hästbatteri";

fn create_staff(app: &TestApp, email: &str, role: &str, centres: &[&str]) {
    app.person(email, "Test", role, centres, PASSWORD);
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

/// `GET /api/v1/me` with a session cookie and nothing else.
async fn get_me(app: &TestApp, cookie: &str) -> (u16, Value) {
    with_cookie(app, reqwest::Method::GET, "/api/v1/me", cookie, None, None).await
}

/// A POST without any credentials, as the sign-in forms send it.
async fn post_anonymous(app: &TestApp, path: &str, body: Value) -> Reply {
    app.call(reqwest::Method::POST, path, None, Some(body))
        .await
}
