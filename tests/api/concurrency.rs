//! Never double-booked under load: many clients race for the last seats of a
//! room, on one server and on two server processes sharing one database.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::json;
use skrivsal::db::schema::study_bookings;

use crate::app_test;
use crate::helpers::TestApp;

const CLIENTS: usize = 64;
const SEATS: i64 = 10;

/// A working weekday a few weeks ahead.
fn workday() -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = chrono::Utc::now().date_naive() + chrono::Duration::days(21);
    while matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
        || skrivsal::calendar::holiday_on(d, skrivsal::calendar::HolidayOptions::default())
            .is_some()
    {
        d += chrono::Duration::days(1);
    }
    d
}

/// A centre with one 10-seat study room and 64 students; returns their tokens.
async fn race_setup(app: &TestApp) -> Vec<String> {
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app
        .post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Läsesalen", "kind": "study_area", "seats": SEATS, "bookable_for": ["study"]}))
        .await;
    assert_eq!(r.status, 201);
    (0..CLIENTS)
        .map(|i| app.token(&format!("racer{i}@student.se"), "student", &[], None))
        .collect()
}

/// Every client books an overlapping span (10:00–12:00, shifted by up to
/// 50 minutes) at the same moment, against the given servers in turn.
async fn race(client: &reqwest::Client, servers: &[String], tokens: &[String]) -> (usize, usize) {
    let day = workday();
    let calls = tokens.iter().enumerate().map(|(i, token)| {
        let server = &servers[i % servers.len()];
        let minute = (i % 6) * 10;
        let body = json!({
            "centre": "sundsvall",
            "starts_at": format!("{day}T10:{minute:02}"),
            "ends_at": format!("{day}T12:{minute:02}"),
        });
        client
            .post(format!("{server}/api/v1/study-bookings"))
            .bearer_auth(token)
            .json(&body)
            .send()
    });
    let mut ok = 0;
    let mut refused = 0;
    for res in join_all(calls).await {
        let res = res.expect("request failed");
        match res.status().as_u16() {
            201 => ok += 1,
            409 => {
                let body: serde_json::Value = res.json().await.unwrap();
                assert_eq!(body["conflicts"][0]["rule"], "room_capacity", "{body}");
                refused += 1;
            }
            other => panic!(
                "unexpected {other}: {}",
                res.text().await.unwrap_or_default()
            ),
        }
    }
    (ok, refused)
}

fn confirmed(app: &TestApp) -> i64 {
    let mut conn = app.db.get().unwrap();
    study_bookings::table
        .filter(study_bookings::status.eq("confirmed"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

app_test!(sixty_four_clients_race_for_ten_seats, |app| async move {
    let tokens = race_setup(&app).await;
    let (ok, refused) = race(&app.client, std::slice::from_ref(&app.address), &tokens).await;
    assert_eq!((ok, refused), (SEATS as usize, CLIENTS - SEATS as usize));
    assert_eq!(confirmed(&app), SEATS);
    // And the whole state obeys every rule.
    let snapshot = {
        use skrivsal::db::models::Centre;
        use skrivsal::db::schema::centres;
        let mut conn = app.db.get().unwrap();
        let centre: Centre = centres::table
            .select(Centre::as_select())
            .first(&mut *conn)
            .unwrap();
        skrivsal::exams::booking::snapshot(&mut conn, &centre, workday(), workday()).unwrap()
    };
    assert!(skrivsal::conflicts::audit(&snapshot).is_empty());
});

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A separate `skrivsal serve` process on the test database.
fn start_server(database_url: &str) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir();
    let child = Command::new(env!("CARGO_BIN_EXE_skrivsal"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("SKRIVSAL__LOG__FILTER", "warn")
        .env("SKRIVSAL__DATABASE__POOL_SIZE", "8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start skrivsal serve");
    (Server(child), format!("http://127.0.0.1:{port}"))
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{base} never became ready");
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

app_test!(
    two_server_processes_on_one_database_never_double_book,
    |app| async move {
        let tokens = race_setup(&app).await;
        let url = app.database_url().to_string();
        let (_a, base_a) = start_server(&url);
        let (_b, base_b) = start_server(&url);
        wait_ready(&app.client, &base_a).await;
        wait_ready(&app.client, &base_b).await;
        let (ok, refused) = race(&app.client, &[base_a, base_b], &tokens).await;
        assert_eq!((ok, refused), (SEATS as usize, CLIENTS - SEATS as usize));
        assert_eq!(confirmed(&app), SEATS);
    }
);
