//! The study-booking write path without HTTP: `study::bookings::book` called
//! in a loop against the demo region, on one thread or several, as the
//! service calls it (its transaction, the check, the outbox message, the
//! audit row). Prints bookings per second and the p50/p99 of one call; run it
//! under callgrind with `BOOK_N=200` for instructions per booking.
//!
//! ```sh
//! cargo bench --bench book                      # SQLite file, 1 and 16 threads
//! BOOK_THREADS=16 BOOK_N=4000 cargo bench --bench book
//! BOOK_DB=postgres://postgres@127.0.0.1:5432/bench_book cargo bench --bench book
//! ```
//!
//! Bookings fill February 2027's weekdays at Lärcentrum Sundsvall half an
//! hour at a time, 36 to a half hour (its two study rooms' seats), each by one
//! of 1,000 students in turn, so nearly every call succeeds and each student
//! stays inside the centre's limits. Measured, not asserted: the figures go in
//! the report, never in a test.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, TimeZone, Weekday};
use diesel::prelude::*;

use skrivsal::accounts::actor::Caller;
use skrivsal::app::config::{DatabaseSettings, DatabaseUrl};
use skrivsal::clock::FixedClock;
use skrivsal::db::models::User;
use skrivsal::db::schema::users;
use skrivsal::db::Database;
use skrivsal::domain::{Language, Role};
use skrivsal::error::Error;
use skrivsal::study::bookings::{book, StudyInput};
use skrivsal::types::UserId;

const STUDENTS: usize = 1000;
const SEATS: usize = 36;

fn student(i: usize) -> User {
    let now = chrono::Utc::now().naive_utc();
    User {
        id: skrivsal::db::new_id(),
        email: format!("bench{i}@student.se"),
        name: format!("Bänk {i}"),
        role: Role::Student,
        institution_id: None,
        password_hash: None,
        personnummer: None,
        protected_identity: false,
        language: Language::Sv,
        municipality: Some("Sundsvall".into()),
        active: true,
        created_at: now,
        updated_at: now,
        last_sign_in_at: None,
    }
}

fn open(url: &str, pool: u32) -> Database {
    let settings = DatabaseSettings {
        url: DatabaseUrl::parse(url).expect("url"),
        pool_size: pool,
        pool_timeout_secs: 30,
        sqlite_busy_timeout_ms: 5000,
    };
    let now = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    Database::open(&settings)
        .expect("database")
        .with_clock(Arc::new(FixedClock(now)))
}

fn fixture(url: &str, pool: u32) -> (Database, Vec<Caller>) {
    let db = open(url, pool);
    db.migrate().expect("migrations");
    let mut conn = db.get().expect("connection");
    skrivsal::app::demo::load_for_week(&mut conn, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap())
        .expect("demo")
        .expect("an empty database");
    let rows: Vec<User> = (0..STUDENTS).map(student).collect();
    conn.transaction(|c| {
        for row in &rows {
            diesel::insert_into(users::table)
                .values(row.clone())
                .execute(c)?;
        }
        diesel::QueryResult::Ok(())
    })
    .expect("students");
    let callers = rows
        .into_iter()
        .map(|u| Caller {
            user_id: u.id as UserId,
            email: u.email,
            name: u.name,
            role: Role::Student,
            centre_ids: vec![],
            institution_id: None,
            session_id: None,
        })
        .collect();
    (db, callers)
}

/// The `i`th booking's local start and end: half-hour slots through each
/// February weekday, `SEATS` to a slot.
fn slot(i: usize) -> (String, String) {
    let days: Vec<NaiveDate> = NaiveDate::from_ymd_opt(2027, 2, 1)
        .unwrap()
        .iter_days()
        .take(28)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let n = i / SEATS;
    let (day, half) = (days[(n / 18) % days.len()], n % 18);
    let start = day
        .and_hms_opt(8 + (half / 2) as u32, 30 * (half % 2) as u32, 0)
        .unwrap();
    let end = start + chrono::Duration::minutes(30);
    let f = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    (f(start), f(end))
}

fn run(db: &Database, callers: &[Caller], threads: usize, n: usize, first: usize) {
    let next = AtomicUsize::new(first);
    let took = Mutex::new(Vec::with_capacity(n));
    let outcomes = Mutex::new((0usize, 0usize, 0usize));
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= first + n {
                    return;
                }
                let (starts_at, ends_at) = slot(i);
                let input = StudyInput {
                    centre: "sundsvall".into(),
                    room: None,
                    starts_at,
                    ends_at,
                };
                let t = Instant::now();
                let result = db
                    .get()
                    .map_err(Error::from)
                    .and_then(|mut c| book(&mut c, &callers[i % STUDENTS], "bench", input));
                let d = t.elapsed();
                took.lock().unwrap().push(d);
                let mut o = outcomes.lock().unwrap();
                match result {
                    Ok(_) => o.0 += 1,
                    Err(Error::Conflict { .. }) => o.1 += 1,
                    Err(e) => {
                        o.2 += 1;
                        if o.2 <= 3 {
                            eprintln!("booking {i}: {e}");
                        }
                    }
                }
            });
        }
    });
    let wall = started.elapsed();
    let mut took = took.into_inner().unwrap();
    took.sort();
    let pct = |p: usize| took[(took.len() * p / 100).min(took.len() - 1)];
    let (ok, refused, failed) = outcomes.into_inner().unwrap();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{threads:>2} thread(s), {n} calls: {:.0} bookings/s ({ok} booked, {refused} refused, {failed} failed), p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ok as f64 / wall.as_secs_f64(),
        ms(pct(50)),
        ms(pct(99)),
        ms(took[took.len() - 1]),
    );
}

fn main() {
    let n: usize = std::env::var("BOOK_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let threads: Vec<usize> = match std::env::var("BOOK_THREADS") {
        Ok(v) => v.split(',').filter_map(|t| t.parse().ok()).collect(),
        Err(_) => vec![1, 16],
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let url = std::env::var("BOOK_DB")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("book.db").display()));
    let (db, callers) = fixture(&url, 17);
    let mut first = 0;
    for t in threads {
        run(&db, &callers, t, n, first);
        first += n;
    }
}
