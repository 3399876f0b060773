//! Mail in the write path: what one `notify::study_booking` costs inside a
//! booking's transaction (issue 15), what building the message from its
//! outbox row costs at delivery (`mail::build`), and what its subject alone
//! costs (`mail::subject`, per row of the admin list; what storing the
//! subject at queue time would add to the transaction).
//!
//! The demo region in a SQLite file; the first of its study bookings is
//! confirmed again and again, each call in an open transaction as the
//! booking write has it.
//!
//! With `SKRIVSAL_BENCH_CALLS=N` the bench skips criterion and makes N plain
//! calls of each, each through a function that callgrind can count alone:
//!
//! ```sh
//! SKRIVSAL_BENCH_CALLS=1000 valgrind --tool=callgrind \
//!     --toggle-collect='*bench_study_booking_call*' <bench binary> --bench
//! ```
//!
//! (and `*bench_build_call*`, `*bench_subject_call*`); the total divided by
//! N is the instructions per call.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone};
use criterion::{black_box, criterion_group, Criterion};
use diesel::prelude::*;

use skrivsal::app::config::{DatabaseSettings, DatabaseUrl};
use skrivsal::clock::FixedClock;
use skrivsal::db::models::{OutboxMessage, StudyBooking};
use skrivsal::db::schema::{mail_outbox, study_bookings};
use skrivsal::db::{Database, DbConn};
use skrivsal::mail::notify::{self, StudyNotice};

const MONDAY: (i32, u32, u32) = (2026, 12, 7);
const HOST: &str = "skrivsal.bench";
const FROM: &str = "skrivsal <noreply@skrivsal.bench>";

struct Fixture {
    db: Database,
    booking: StudyBooking,
    _dir: tempfile::TempDir,
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
    let now = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let db = Database::open(&settings)
        .expect("sqlite")
        .with_clock(Arc::new(FixedClock(now)));
    db.migrate().expect("migrations");
    let monday = NaiveDate::from_ymd_opt(MONDAY.0, MONDAY.1, MONDAY.2).unwrap();
    let mut conn = db.get().expect("connection");
    skrivsal::app::demo::load_for_week(&mut conn, monday)
        .expect("demo")
        .expect("empty database");
    let booking = study_bookings::table
        .order(study_bookings::id)
        .select(StudyBooking::as_select())
        .first(&mut *conn)
        .expect("the demo has study bookings");
    drop(conn);
    Fixture {
        db,
        booking,
        _dir: dir,
    }
}

#[inline(never)]
fn bench_study_booking_call(conn: &mut DbConn, booking: &StudyBooking) {
    notify::study_booking(conn, HOST, booking, StudyNotice::Confirmed).expect("queued");
}

#[inline(never)]
fn bench_build_call(row: &OutboxMessage) -> lettre::Message {
    skrivsal::mail::build(row, FROM).expect("builds")
}

#[inline(never)]
fn bench_subject_call(row: &OutboxMessage) -> String {
    skrivsal::mail::subject(row).expect("renders")
}

/// Runs `f` in one open transaction and rolls it back, so the outbox does
/// not grow from run to run.
fn in_transaction(db: &Database, f: impl FnOnce(&mut DbConn)) {
    let mut conn = db.get().expect("connection");
    let _ = skrivsal::db::write_tx(&mut conn, |conn| {
        f(conn);
        Err::<(), _>(diesel::result::Error::RollbackTransaction)
    });
}

/// The newest message queued, as the worker would claim it.
fn queued_row(f: &Fixture) -> OutboxMessage {
    let mut conn = f.db.get().expect("connection");
    notify::study_booking(&mut conn, HOST, &f.booking, StudyNotice::Confirmed).expect("queued");
    mail_outbox::table
        .order(mail_outbox::created_at.desc())
        .select(OutboxMessage::as_select())
        .first(&mut *conn)
        .expect("a row")
}

fn mail(c: &mut Criterion) {
    let f = fixture();
    let row = queued_row(&f);
    let message = String::from_utf8(bench_build_call(&row).formatted()).expect("utf-8");
    assert!(message.contains("invite.ics"), "{message}");
    let mut group = c.benchmark_group("mail");
    group.bench_function("notify::study_booking in a transaction", |b| {
        in_transaction(&f.db, |conn| {
            b.iter(|| bench_study_booking_call(conn, black_box(&f.booking)))
        })
    });
    group.bench_function("mail::build of its row", |b| {
        b.iter(|| black_box(bench_build_call(black_box(&row))))
    });
    group.bench_function("mail::subject of its row", |b| {
        b.iter(|| black_box(bench_subject_call(black_box(&row))))
    });
    group.finish();
}

criterion_group!(benches, mail);

fn main() {
    match std::env::var("SKRIVSAL_BENCH_CALLS") {
        Ok(n) => {
            let n: usize = n.parse().expect("SKRIVSAL_BENCH_CALLS is a count");
            let f = fixture();
            in_transaction(&f.db, |conn| {
                for _ in 0..n {
                    bench_study_booking_call(conn, black_box(&f.booking));
                }
            });
            let row = queued_row(&f);
            for _ in 0..n {
                black_box(bench_build_call(black_box(&row)));
            }
            for _ in 0..n {
                black_box(bench_subject_call(black_box(&row)));
            }
            println!("{n} calls of each");
        }
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
