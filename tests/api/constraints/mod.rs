//! The database enforces what it can, on both backends: every CHECK, foreign
//! key and uniqueness rule of the schema refuses a breaking insert.
//!
//! Each table has one valid row. The test first proves that row is accepted,
//! then inserts it again with one column broken and expects the matching
//! error kind. Every attempt runs in a transaction that is rolled back, so the
//! cases cannot influence each other.

use diesel::prelude::*;
use diesel::result::Error;
use skrivsal::db::DbConn;

mod refusals;
mod rows;
mod schema;

use rows::row;

const TS: &str = "'2026-03-30 07:00:00'";
const TS_LATER: &str = "'2026-03-30 10:00:00'";
const MISSING: &str = "'99999999-9999-7999-8999-999999999999'";

/// Column overrides applied to a table's valid row.
type Changes = Vec<(&'static str, &'static str)>;

fn id(n: u32) -> String {
    format!("'00000000-0000-7000-8000-{n:012}'")
}

// Ids of the seeded parent rows.
const INSTITUTION: u32 = 1;
const CENTRE: u32 = 2;
const ROOM: u32 = 3;
const STUDENT: u32 = 4;
const STUDENT2: u32 = 5;
const INVIGILATOR: u32 = 6;
const REQUEST: u32 = 7;
const SITTING: u32 = 8;
const BOOKING: u32 = 9;
const PAPER: u32 = 10;
const ADMIN: u32 = 11;

fn insert_sql(table: &str, cols: &[(&'static str, String)]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let values: Vec<&str> = cols.iter().map(|c| c.1.as_str()).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        values.join(", ")
    )
}

fn with_override(
    mut cols: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (name, value) in changes {
        match cols.iter_mut().find(|c| c.0 == *name) {
            Some(c) => c.1 = value.to_string(),
            None => cols.push((name, value.to_string())),
        }
    }
    cols
}

/// Runs one statement inside a transaction that is always rolled back.
fn attempt(conn: &mut DbConn, sql: &str) -> Result<usize, Error> {
    let mut outcome = None;
    let _ = conn.transaction::<(), Error, _>(|c| {
        outcome = Some(diesel::sql_query(sql).execute(c));
        Err(Error::RollbackTransaction)
    });
    outcome.expect("transaction body ran")
}

/// Parent rows every case refers to, in dependency order.
fn seed(conn: &mut DbConn) {
    let rows: Vec<(&str, u32, Changes)> = vec![
        ("institutions", INSTITUTION, vec![("slug", "'miun'")]),
        ("centres", CENTRE, vec![("slug", "'sundsvall'")]),
        ("rooms", ROOM, vec![("name", "'Skrivsal A'")]),
        ("users", STUDENT, vec![("email", "'anna@example.se'")]),
        (
            "users",
            STUDENT2,
            vec![("email", "'bo@example.se'"), ("personnummer", "NULL")],
        ),
        (
            "users",
            ADMIN,
            vec![
                ("email", "'admin@example.se'"),
                ("role", "'centre_admin'"),
                ("personnummer", "NULL"),
            ],
        ),
        (
            "invigilators",
            INVIGILATOR,
            vec![("email", "'karin@sundsvall.se'")],
        ),
        ("exam_requests", REQUEST, vec![]),
        (
            "sittings",
            SITTING,
            vec![
                ("student_id", id_static(STUDENT)),
                ("booking_code", "'ABC-234'"),
            ],
        ),
        (
            "study_bookings",
            BOOKING,
            vec![
                ("booking_code", "'XYZ-789'"),
                ("student_id", id_static(STUDENT)),
            ],
        ),
        ("exam_papers", PAPER, vec![("storage_key", "'papers/seed'")]),
        (
            "api_tokens",
            12,
            vec![(
                "token_hash",
                "'seedseedseedseedseedseedseedseedseedseedseedseedseedseedseedseed'",
            )],
        ),
        ("mail_outbox", 13, vec![("message_id", "'<seed@skrivsal>'")]),
    ];
    for (table, pk, changes) in rows {
        let sql = insert_sql(table, &with_override(row(table, pk, pk), &changes));
        diesel::sql_query(&sql)
            .execute(conn)
            .unwrap_or_else(|e| panic!("seeding {table}: {e}\n{sql}"));
    }
}

fn id_static(n: u32) -> &'static str {
    Box::leak(id(n).into_boxed_str())
}
