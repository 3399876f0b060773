//! The test harness: a real server on a random port over a fresh database of
//! either backend.
//!
//! PostgreSQL: `SKRIVSAL_TEST_DATABASE_URL` names a server (any database on
//! it); each test gets its own schema there, dropped afterwards, so tests run
//! in parallel without seeing each other. Without the variable the harness
//! tries the local default; when no server answers, the PostgreSQL half of each
//! test prints that it was skipped. Under CI (`CI` set) a missing server fails
//! instead, so CI can never silently skip.

use std::future::Future;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use skrivsal::app::config::{Settings, Sources};
use skrivsal::clock::SettableClock;
use skrivsal::db::models::OutboxMessage;
use skrivsal::db::{Backend, Database};

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The PostgreSQL server to test against, found once per test binary.
fn postgres_base() -> Option<&'static str> {
    static BASE: OnceLock<Option<String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let explicit = std::env::var("SKRIVSAL_TEST_DATABASE_URL").ok();
        let url = explicit.clone().unwrap_or_else(|| DEFAULT_PG.to_string());
        match diesel::PgConnection::establish(&url) {
            Ok(_) => Some(url),
            Err(e) if explicit.is_some() || std::env::var_os("CI").is_some() => {
                panic!("PostgreSQL for tests at {url} is not reachable: {e}")
            }
            Err(_) => None,
        }
    })
    .as_deref()
}

/// What a test gets: the server's address, a client, and the database.
pub struct TestApp {
    pub address: String,
    server: actix_web::dev::ServerHandle,
    pub client: reqwest::Client,
    pub db: Database,
    /// The app's clock: real time until a test sets it (`at`).
    pub clock: SettableClock,
    _guard: DbGuard,
}

impl TestApp {
    /// The database this app runs on, for starting more server processes on it.
    pub fn database_url(&self) -> &str {
        &self._guard.url
    }

    /// From now on the app runs as if it were `instant` (RFC 3339), and time
    /// goes on from there.
    pub fn at(&self, instant: &str) -> &TestApp {
        self.clock.set(instant_at(instant));
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }
}

/// A fresh, empty database of one backend, with the URL to reach it. Dropping
/// it removes the PostgreSQL schema or the SQLite folder.
pub struct DbGuard {
    pub url: String,
    // Kept alive for the SQLite file's folder.
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema {
            if let Ok(mut conn) = diesel::PgConnection::establish(base) {
                let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

pub fn fresh_database(backend: Backend) -> Option<DbGuard> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path: PathBuf = dir.path().join("test.db");
            Some(DbGuard {
                url: format!("sqlite://{}", path.display()),
                _dir: Some(dir),
                pg_schema: None,
            })
        }
        Backend::Postgres => {
            let base = postgres_base()?;
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
            let mut conn =
                diesel::PgConnection::establish(base).expect("connect to test PostgreSQL");
            conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .expect("create test schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            Some(DbGuard {
                url: format!("{base}{sep}options=-csearch_path%3D{schema}%2Cpublic"),
                _dir: None,
                pg_schema: Some((base.to_string(), schema)),
            })
        }
    }
}

pub fn settings_for(url: &str) -> Settings {
    settings_with(url, &[])
}

/// The test settings with some keys changed (`SKRIVSAL__SECTION__KEY`, value).
pub fn settings_with(url: &str, changes: &[(&str, &str)]) -> Settings {
    let mut env = vec![
        ("DATABASE_URL".to_string(), url.to_string()),
        ("SKRIVSAL__DATABASE__POOL_SIZE".to_string(), "8".to_string()),
        ("SKRIVSAL__LOG__FILTER".to_string(), "warn".to_string()),
    ];
    env.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Settings::load_from(Sources {
        local_file: None,
        env,
    })
    .expect("test settings")
}

/// A migrated database of one backend without a server, for tests of the
/// database layer itself.
pub fn test_database(backend: Backend) -> Option<(Database, DbGuard)> {
    let guard = fresh_database(backend)?;
    let settings = settings_for(&guard.url);
    let db = Database::open(&settings.database).expect("open test database");
    db.migrate().expect("migrate test database");
    Some((db, guard))
}

/// An RFC 3339 instant, for tests' clocks.
pub fn instant_at(instant: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(instant)
        .expect("an RFC 3339 instant")
        .with_timezone(&chrono::Utc)
}

/// The same database, telling time as if it were `instant` (RFC 3339), for
/// database tests that must not depend on the day they run.
pub fn database_at(db: &Database, instant: &str) -> Database {
    db.clone()
        .with_clock(Arc::new(SettableClock::new(instant_at(instant))))
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let guard = fresh_database(backend)?;
    let settings = settings_for(&guard.url);
    let clock = SettableClock::default();
    let db = Database::open(&settings.database)
        .expect("open test database")
        .with_clock(Arc::new(clock.clone()));
    db.migrate().expect("migrate test database");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind random port");
    let port = listener.local_addr().expect("local addr").port();
    let server = skrivsal::app::startup::run(listener, db.clone(), Arc::new(settings))
        .expect("start server");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    Some(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        server: handle,
        // Below the server's 5 s keep-alive: a connection idle while a test
        // prepares data directly in the database must not be reused just as
        // the server closes it (hyper's IncompleteMessage).
        client: reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("an HTTP client"),
        db,
        clock,
        _guard: guard,
    })
}

/// Another server over the app's database and clock, with its own state as a
/// second process would have, and settings changed by `changes`. Returns its
/// handle (stop it before the test ends) and address.
pub fn another_server(
    app: &TestApp,
    changes: &[(&str, &str)],
) -> (actix_web::dev::ServerHandle, String) {
    let settings = settings_with(app.database_url(), changes);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind random port");
    let port = listener.local_addr().expect("local addr").port();
    let server = skrivsal::app::startup::run(listener, app.db.clone(), Arc::new(settings))
        .expect("start server");
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (handle, format!("http://127.0.0.1:{port}"))
}

pub fn skipped(test: &str, backend: Backend) {
    eprintln!(
        "SKIPPED {test} on {}: no PostgreSQL server (set SKRIVSAL_TEST_DATABASE_URL)",
        backend.name()
    );
}

/// Runs a test body against a fresh app on the given backend.
pub async fn with_app<F, Fut>(test: &str, backend: Backend, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    match spawn_app(backend).await {
        Some(app) => {
            // Stop the server's worker threads before the test ends: left
            // running, they keep database connections open until the process
            // exits, when libpq's and OpenSSL's exit handlers race them.
            let server = app.server.clone();
            body(app).await;
            server.stop(true).await;
        }
        None => skipped(test, backend),
    }
}

/// Runs a blocking test body against a fresh migrated database.
pub fn with_database<F>(test: &str, backend: Backend, body: F)
where
    F: FnOnce(&Database, &str),
{
    match test_database(backend) {
        Some((db, guard)) => body(&db, &guard.url),
        None => skipped(test, backend),
    }
}

/// Declares an async test that runs once per backend:
/// `app_test!(name, |app| async move { ... });`
#[macro_export]
macro_rules! app_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[actix_web::test]
            async fn sqlite() {
                $crate::helpers::with_app(
                    concat!(module_path!(), "::sqlite"),
                    skrivsal::db::Backend::Sqlite,
                    $body,
                )
                .await
            }
            #[actix_web::test]
            async fn postgres() {
                $crate::helpers::with_app(
                    concat!(module_path!(), "::postgres"),
                    skrivsal::db::Backend::Postgres,
                    $body,
                )
                .await
            }
        }
    };
}

/// Declares a blocking database test that runs once per backend:
/// `db_test!(name, |db, url| { ... });`
#[macro_export]
macro_rules! db_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                $crate::helpers::with_database(
                    concat!(module_path!(), "::sqlite"),
                    skrivsal::db::Backend::Sqlite,
                    $body,
                )
            }
            #[test]
            fn postgres() {
                $crate::helpers::with_database(
                    concat!(module_path!(), "::postgres"),
                    skrivsal::db::Backend::Postgres,
                    $body,
                )
            }
        }
    };
}

/// A response's status and JSON body (Null when there is none).
pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Reply {
    /// The fields named by a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn error_rules(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["rule"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl TestApp {
    /// Every message queued, oldest first, with what it says: rendered from
    /// its facts as the worker renders it.
    pub fn mails(&self) -> Vec<(OutboxMessage, skrivsal::mail::Content)> {
        use diesel::prelude::*;
        use skrivsal::db::schema::mail_outbox;
        let mut conn = self.db.get().unwrap();
        mail_outbox::table
            .order(mail_outbox::id)
            .select(OutboxMessage::as_select())
            .load(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|row| {
                let content = skrivsal::mail::content(&row).unwrap();
                (row, content)
            })
            .collect()
    }

    /// The subject and link token of the last mail queued to `to`.
    pub fn last_mailed_token(&self, to: &str) -> Option<(String, String)> {
        let last = self.mails().into_iter().rfind(|(m, _)| m.to_address == to);
        last.map(|(_, content)| {
            let token = content.text.split("token=").nth(1).unwrap();
            let token = token.split_whitespace().next().unwrap().to_string();
            (content.subject, token)
        })
    }

    /// Creates an account that signs in with `password`.
    pub fn person(&self, email: &str, name: &str, role: &str, centres: &[&str], password: &str) {
        use skrivsal::accounts::users::{create_user, NewAccount};
        use skrivsal::domain::{Email, Language};
        let mut conn = self.db.get().unwrap();
        create_user(
            &mut conn,
            NewAccount {
                email: Email::parse(email).unwrap(),
                role: role.parse().unwrap(),
                name: name.into(),
                centres: centres.iter().map(|s| s.to_string()).collect(),
                institution: None,
                password: Some(password.into()),
                language: Language::Sv,
            },
            "test",
        )
        .unwrap();
    }

    /// Creates an account and an API token for it; returns the token.
    pub fn token(
        &self,
        email: &str,
        role: &str,
        centres: &[&str],
        institution: Option<&str>,
    ) -> String {
        use skrivsal::accounts::tokens::create_token;
        use skrivsal::accounts::users::{create_user, AccountError, NewAccount};
        use skrivsal::domain::{Email, Language};
        let mut conn = self.db.get().unwrap();
        let email = Email::parse(email).unwrap();
        create_user(
            &mut conn,
            NewAccount {
                email: email.clone(),
                role: role.parse().unwrap(),
                name: email.as_str().to_string(),
                centres: centres.iter().map(|s| s.to_string()).collect(),
                institution: institution.map(str::to_string),
                password: None,
                language: Language::Sv,
            },
            "test",
        )
        .map(|_| ())
        .or_else(|e| match e {
            // An account the test created through the API already.
            AccountError::EmailTaken(_) => Ok(()),
            other => Err(other),
        })
        .unwrap();
        create_token(&mut conn, &email, "test", "test")
            .unwrap()
            .secret
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        // The test accounts' language is Swedish, which problems follow when
        // the request names none; these tests read the English words.
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("accept-language", "en");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request failed");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        Reply { status, body }
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Reply {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: serde_json::Value) -> Reply {
        self.call(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn put_as(&self, token: &str, path: &str, body: serde_json::Value) -> Reply {
        self.call(reqwest::Method::PUT, path, Some(token), Some(body))
            .await
    }

    pub async fn patch_as(&self, token: &str, path: &str, body: serde_json::Value) -> Reply {
        self.call(reqwest::Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn delete_as(&self, token: &str, path: &str) -> Reply {
        self.call(reqwest::Method::DELETE, path, Some(token), None)
            .await
    }

    /// A system admin's token and a centre `slug` with weekday hours
    /// 08:00-17:00 and access-card hours 06:00-22:00 every day.
    pub async fn admin_with_centre(&self, slug: &str) -> String {
        let admin = self.token(
            &format!("root-{slug}@example.se"),
            "system_admin",
            &[],
            None,
        );
        let r = self
            .post_as(
                &admin,
                "/api/v1/centres",
                serde_json::json!({
                    "slug": slug, "name": format!("Lärcentrum {slug}"), "municipality": "Sundsvall",
                    "address": "Storgatan 1", "email": "lc@example.se"
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let mut opening = Vec::new();
        let mut card = Vec::new();
        for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
            if !matches!(d, "sat" | "sun") {
                opening
                    .push(serde_json::json!({"weekday": d, "opens": "08:00", "closes": "17:00"}));
            }
            card.push(serde_json::json!({"weekday": d, "opens": "06:00", "closes": "22:00"}));
        }
        let r = self
            .put_as(
                &admin,
                &format!("/api/v1/centres/{slug}/hours"),
                serde_json::json!({"opening": opening, "access_card": card}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        admin
    }
}

/// A real SMTP server on 127.0.0.1 (aiosmtpd, `tests/smtp_sink.py`) that
/// keeps every message as a file. `None` when aiosmtpd is not installed
/// (the test then prints that it skipped); under CI that is a failure.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Option<std::process::Child>,
}

impl SmtpSink {
    pub fn start() -> Option<SmtpSink> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = tempfile::tempdir().ok()?;
        let mut sink = SmtpSink {
            port,
            dir,
            child: None,
        };
        if !sink.resume() {
            if std::env::var_os("CI").is_some() {
                panic!("aiosmtpd is not available: python3 -m pip install aiosmtpd");
            }
            eprintln!("SKIPPED: no aiosmtpd for the SMTP tests (python3 -m pip install aiosmtpd)");
            return None;
        }
        Some(sink)
    }

    /// Starts (again) listening on the same port; false if it could not.
    pub fn resume(&mut self) -> bool {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let Ok(mut child) = std::process::Command::new("python3")
            .arg(script)
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
        else {
            return false;
        };
        let mut line = String::new();
        let ready = child
            .stdout
            .take()
            .map(|out| {
                std::io::BufReader::new(out).read_line(&mut line).is_ok() && line.trim() == "ready"
            })
            .unwrap_or(false);
        if !ready {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        self.child = Some(child);
        true
    }

    /// Stops listening (the port refuses connections until `resume`).
    pub fn pause(&mut self) {
        if let Some(mut child) = self.child.take() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, as text.
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.path()) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "eml") {
                    if let Ok(text) = std::fs::read_to_string(e.path()) {
                        out.push(text);
                    }
                }
            }
        }
        out
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Mail settings that send to `smtp_url`, with immediate retries.
pub fn mail_settings(
    smtp_url: &str,
    extra: &[(&str, &str)],
) -> skrivsal::app::config::MailSettings {
    let mut env = vec![
        ("SKRIVSAL__MAIL__SMTP_URL".to_string(), smtp_url.to_string()),
        (
            "SKRIVSAL__MAIL__RETRY_BASE_SECS".to_string(),
            "0".to_string(),
        ),
        (
            "SKRIVSAL__MAIL__FROM".to_string(),
            "skrivsal <noreply@skrivsal.test>".to_string(),
        ),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Settings::load_from(Sources {
        local_file: None,
        env,
    })
    .expect("mail settings")
    .mail
}
