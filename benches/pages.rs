//! Boka studieplats rendered server-side for a busy day: the demo region
//! in a SQLite file, and 200 study bookings at Lärcentrum Sundsvall on the
//! Tuesday (places of 30–90 minutes starting unevenly at quarter
//! hours 08:00–15:00, so the day's timeline is cut at every quarter hour).
//!
//! Two cases: the data load from SQLite plus the render (what a request
//! costs apart from HTTP and the session lookup), and the render alone.
//! Before criterion runs, the p50 and p95 of 500 plain runs of each are
//! printed, the figure the budget (p50 < 5 ms) is about.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use diesel::prelude::*;

use skrivsal::accounts::actor::Caller;
use skrivsal::app::config::{DatabaseSettings, DatabaseUrl};
use skrivsal::clock::FixedClock;
use skrivsal::db::models::{Room, StudyBooking, User};
use skrivsal::db::schema::{centres, rooms, study_bookings, users};
use skrivsal::db::Database;
use skrivsal::domain::{Language, Role};
use skrivsal::types::{CentreId, StudyBookingStatus, UserId};
use skrivsal::web::pages::book_day_context;
use skrivsal::web::pages::context::render_template;

const BOOKINGS: usize = 200;
const MONDAY: (i32, u32, u32) = (2026, 12, 7);

struct Fixture {
    db: Database,
    caller: Caller,
    date: String,
    _dir: tempfile::TempDir,
}

fn user(id: &UserId, email: &str, name: &str) -> User {
    let now = chrono::Utc::now().naive_utc();
    User {
        id: id.clone(),
        email: email.into(),
        name: name.into(),
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

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let settings = DatabaseSettings {
        url: DatabaseUrl::parse(&url).expect("url"),
        pool_size: 2,
        pool_timeout_secs: 10,
        sqlite_busy_timeout_ms: 5000,
    };
    // The Tuesday before: every booking is ahead, whatever today is.
    let now = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let db = Database::open(&settings)
        .expect("sqlite")
        .with_clock(Arc::new(FixedClock(now)));
    db.migrate().expect("migrations");
    let monday = NaiveDate::from_ymd_opt(MONDAY.0, MONDAY.1, MONDAY.2).unwrap();
    let tuesday = monday.succ_opt().unwrap();
    let mut conn = db.get().expect("connection");
    skrivsal::app::demo::load_for_week(&mut conn, monday)
        .expect("demo")
        .expect("empty database");
    let centre: CentreId = centres::table
        .filter(centres::slug.eq("sundsvall"))
        .select(centres::id)
        .first(&mut *conn)
        .unwrap();
    let hall: Room = rooms::table
        .filter(rooms::centre_id.eq(&centre))
        .filter(rooms::name.eq("Studiehallen"))
        .select(Room::as_select())
        .first(&mut *conn)
        .unwrap();
    let me = user(&skrivsal::db::new_id(), "bench@student.se", "Bänk Student");
    diesel::insert_into(users::table)
        .values(me.clone())
        .execute(&mut *conn)
        .unwrap();
    let tz = chrono_tz::Europe::Stockholm;
    for i in 0..BOOKINGS {
        let id: UserId = skrivsal::db::new_id();
        diesel::insert_into(users::table)
            .values(user(
                &id,
                &format!("s{i}@student.se"),
                &format!("Student {i}"),
            ))
            .execute(&mut *conn)
            .unwrap();
        let minute = 8 * 60 + ((i * i + i / 29) % 29) as u32 * 15;
        // 30 to 90 minutes: the seats taken change at every quarter hour.
        let length = chrono::Duration::minutes(30 + (i % 5) as i64 * 15);
        let start = tz
            .from_local_datetime(&tuesday.and_hms_opt(minute / 60, minute % 60, 0).unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
            .naive_utc();
        diesel::insert_into(study_bookings::table)
            .values(&StudyBooking {
                id: skrivsal::db::new_id(),
                centre_id: centre.clone(),
                room_id: hall.id.clone(),
                student_id: id,
                booking_code: format!("B{i:03}-BNK"),
                starts_at: start,
                ends_at: start + length,
                status: StudyBookingStatus::Confirmed,
                sequence: 0,
                created_at: now.naive_utc(),
                cancelled_at: None,
            })
            .execute(&mut *conn)
            .unwrap();
    }
    drop(conn);
    let caller = Caller {
        user_id: me.id.clone(),
        email: me.email,
        name: me.name,
        role: Role::Student,
        centre_ids: vec![],
        institution_id: None,
        session_id: None,
    };
    Fixture {
        db,
        caller,
        date: tuesday.to_string(),
        _dir: dir,
    }
}

fn load_and_render(f: &Fixture) -> String {
    let mut conn = f.db.get().expect("connection");
    let ctx = book_day_context(&mut conn, &f.caller, Language::Sv, "sundsvall", &f.date)
        .expect("the day loads");
    render_template("pages/book.html", ctx).expect("renders")
}

fn percentiles(label: &str, mut run: impl FnMut()) {
    let mut took: Vec<Duration> = (0..500)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    took.sort();
    println!(
        "{label}: p50 {:.2} ms, p95 {:.2} ms",
        took[took.len() / 2].as_secs_f64() * 1e3,
        took[took.len() * 95 / 100].as_secs_f64() * 1e3
    );
}

fn pages(c: &mut Criterion) {
    let f = fixture();
    let html = load_and_render(&f);
    assert!(
        html.contains("Studiehallen") && html.matches("<li class=").count() > 25,
        "the busy day renders its timeline"
    );
    println!(
        "Boka studieplats, {BOOKINGS} bookings that day: {} bytes",
        html.len()
    );
    let ctx = {
        let mut conn = f.db.get().expect("connection");
        book_day_context(&mut conn, &f.caller, Language::Sv, "sundsvall", &f.date).unwrap()
    };
    percentiles("load from SQLite + render", || {
        black_box(load_and_render(&f));
    });
    percentiles("render alone", || {
        black_box(render_template("pages/book.html", ctx.clone()).unwrap());
    });
    let mut group = c.benchmark_group("booking page, 200 bookings that day");
    group.bench_function("load from SQLite + render", |b| {
        b.iter(|| black_box(load_and_render(&f)))
    });
    group.bench_function("render alone", |b| {
        b.iter(|| black_box(render_template("pages/book.html", ctx.clone()).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
