//! Every CHECK, foreign key and uniqueness rule refuses a breaking insert,
//! and the connection enforces foreign keys.

use diesel::result::{DatabaseErrorKind, Error};

use super::*;
use crate::db_test;

use DatabaseErrorKind::{
    CheckViolation as Check, ForeignKeyViolation as Fk, UniqueViolation as Unique,
};

/// (table, broken columns, expected refusal). Every CHECK and foreign key of
/// the schema appears here at least once.
fn cases() -> Vec<(&'static str, Changes, DatabaseErrorKind)> {
    vec![
        ("institutions", vec![("kind", "'school'")], Check),
        ("institutions", vec![("slug", "'x'")], Check),
        ("institutions", vec![("slug", "'miun'")], Unique),
        ("institutions", vec![("name", "''")], Check),
        ("institutions", vec![("email", "'nobody'")], Check),
        ("institutions", vec![("start_offset_minutes", "-1")], Check),
        ("institutions", vec![("min_stay_minutes", "-1")], Check),
        ("institutions", vec![("late_entry_minutes", "-5")], Check),
        (
            "institutions",
            vec![("registration_deadline_days", "-1")],
            Check,
        ),
        ("institutions", vec![("answer_return", "'pigeon'")], Check),
        ("institutions", vec![("id", "'short'")], Check),
        ("centres", vec![("slug", "'sundsvall'")], Unique),
        ("centres", vec![("name", "''")], Check),
        ("centres", vec![("email", "'x'")], Check),
        ("centres", vec![("language", "'de'")], Check),
        ("centres", vec![("invigilator_ratio", "0")], Check),
        ("centres", vec![("max_future_study_bookings", "-1")], Check),
        ("centres", vec![("max_study_hours_per_week", "-1")], Check),
        ("centres", vec![("exam_fee_ore", "-100")], Check),
        ("centres", vec![("fee_payment_days", "-1")], Check),
        ("centres", vec![("retention_days", "-1")], Check),
        ("fee_exemptions", vec![("centre_id", MISSING)], Fk),
        ("fee_exemptions", vec![("municipality", "''")], Check),
        ("rooms", vec![("centre_id", MISSING)], Fk),
        ("rooms", vec![("name", "'Skrivsal A'")], Unique),
        ("rooms", vec![("name", "''")], Check),
        ("rooms", vec![("kind", "'kitchen'")], Check),
        (
            "rooms",
            vec![("seats", "-1"), ("computer_seats", "0")],
            Check,
        ),
        ("rooms", vec![("computer_seats", "-1")], Check),
        ("rooms", vec![("computer_seats", "21")], Check),
        ("centre_hours", vec![("centre_id", MISSING)], Fk),
        ("centre_hours", vec![("kind", "'lunch'")], Check),
        ("centre_hours", vec![("weekday", "7")], Check),
        ("centre_hours", vec![("weekday", "-1")], Check),
        ("centre_hours", vec![("opens", "'17:00:00'")], Check),
        ("closures", vec![("centre_id", MISSING)], Fk),
        ("closures", vec![("from_date", "'2026-08-02'")], Check),
        ("closures", vec![("reason", "''")], Check),
        ("users", vec![("email", "'anna@example.se'")], Unique),
        ("users", vec![("email", "'Anna@Example.se'")], Check),
        ("users", vec![("email", "'anna'")], Check),
        ("users", vec![("role", "'superuser'")], Check),
        ("users", vec![("role", "'institution'")], Check),
        (
            "users",
            vec![("institution_id", id_static(INSTITUTION))],
            Check,
        ),
        (
            "users",
            vec![("role", "'institution'"), ("institution_id", MISSING)],
            Fk,
        ),
        ("users", vec![("personnummer", "'9001011239'")], Check),
        ("users", vec![("language", "'fi'")], Check),
        ("user_centres", vec![("user_id", MISSING)], Fk),
        ("user_centres", vec![("centre_id", MISSING)], Fk),
        ("api_tokens", vec![("user_id", MISSING)], Fk),
        ("api_tokens", vec![("token_hash", "'abc'")], Check),
        ("access_cards", vec![("centre_id", MISSING)], Fk),
        ("access_cards", vec![("student_id", MISSING)], Fk),
        ("access_cards", vec![("valid_to", "'2025-12-31'")], Check),
        ("invigilators", vec![("centre_id", MISSING)], Fk),
        ("invigilators", vec![("user_id", MISSING)], Fk),
        (
            "invigilators",
            vec![("email", "'karin@sundsvall.se'")],
            Unique,
        ),
        ("invigilators", vec![("name", "''")], Check),
        ("invigilators", vec![("email", "'karin'")], Check),
        ("invigilator_weekly", vec![("invigilator_id", MISSING)], Fk),
        ("invigilator_weekly", vec![("weekday", "9")], Check),
        ("invigilator_weekly", vec![("to_time", "'08:00:00'")], Check),
        (
            "invigilator_exceptions",
            vec![("invigilator_id", MISSING)],
            Fk,
        ),
        ("invigilator_exceptions", vec![("to_time", "NULL")], Check),
        (
            "invigilator_exceptions",
            vec![("to_time", "'12:00:00'")],
            Check,
        ),
        (
            "invigilator_exceptions",
            vec![("from_time", "NULL"), ("to_time", "NULL")],
            Check,
        ),
        ("exam_requests", vec![("institution_id", MISSING)], Fk),
        ("exam_requests", vec![("centre_id", MISSING)], Fk),
        ("exam_requests", vec![("created_by", MISSING)], Fk),
        ("exam_requests", vec![("course_code", "''")], Check),
        ("exam_requests", vec![("title", "''")], Check),
        ("exam_requests", vec![("duration_minutes", "0")], Check),
        ("exam_requests", vec![("status", "'pending'")], Check),
        ("exam_requests", vec![("paper_delivery", "'fax'")], Check),
        ("exam_requests", vec![("answer_return", "'fax'")], Check),
        (
            "exam_requests",
            vec![("window_start", TS), ("window_end", TS_LATER)],
            Check,
        ),
        ("exam_requests", vec![("starts_at", "NULL")], Check),
        (
            "exam_requests",
            vec![
                ("starts_at", "NULL"),
                ("window_start", TS_LATER),
                ("window_end", TS),
            ],
            Check,
        ),
        ("sittings", vec![("exam_request_id", MISSING)], Fk),
        ("sittings", vec![("centre_id", MISSING)], Fk),
        ("sittings", vec![("student_id", MISSING)], Fk),
        ("sittings", vec![("room_id", MISSING)], Fk),
        ("sittings", vec![("booking_code", "'ABC-234'")], Unique),
        ("sittings", vec![("student_id", id_static(STUDENT))], Unique),
        ("sittings", vec![("booking_code", "'AB'")], Check),
        ("sittings", vec![("status", "'booked'")], Check),
        ("sittings", vec![("extra_time_percent", "-10")], Check),
        ("sittings", vec![("extra_time_percent", "400")], Check),
        ("sittings", vec![("breaks_minutes", "-1")], Check),
        ("sittings", vec![("sequence", "-1")], Check),
        ("sittings", vec![("starts_at", "NULL")], Check),
        ("sittings", vec![("ends_at", TS)], Check),
        (
            "sittings",
            vec![("status", "'requested'"), ("room_id", "NULL")],
            Check,
        ),
        (
            "sittings",
            vec![
                ("room_id", "NULL"),
                ("starts_at", "NULL"),
                ("ends_at", "NULL"),
            ],
            Check,
        ),
        ("study_bookings", vec![("centre_id", MISSING)], Fk),
        ("study_bookings", vec![("room_id", MISSING)], Fk),
        ("study_bookings", vec![("student_id", MISSING)], Fk),
        (
            "study_bookings",
            vec![("booking_code", "'XYZ-789'")],
            Unique,
        ),
        ("study_bookings", vec![("booking_code", "'X'")], Check),
        ("study_bookings", vec![("ends_at", TS)], Check),
        ("study_bookings", vec![("status", "'maybe'")], Check),
        ("study_bookings", vec![("status", "'cancelled'")], Check),
        ("study_bookings", vec![("cancelled_at", TS)], Check),
        ("study_bookings", vec![("sequence", "-1")], Check),
        (
            "invigilator_assignments",
            vec![("invigilator_id", MISSING)],
            Fk,
        ),
        ("invigilator_assignments", vec![("room_id", MISSING)], Fk),
        ("invigilator_assignments", vec![("ends_at", TS)], Check),
        ("exam_papers", vec![("exam_request_id", MISSING)], Fk),
        ("exam_papers", vec![("uploaded_by", MISSING)], Fk),
        ("exam_papers", vec![("filename", "''")], Check),
        ("exam_papers", vec![("size_bytes", "-1")], Check),
        ("exam_papers", vec![("sha256", "'abc'")], Check),
        (
            "exam_papers",
            vec![("storage_key", "'papers/seed'")],
            Unique,
        ),
        ("exam_paper_accesses", vec![("exam_paper_id", MISSING)], Fk),
        ("exam_paper_accesses", vec![("user_id", MISSING)], Fk),
        ("answer_returns", vec![("sitting_id", MISSING)], Fk),
        ("answer_returns", vec![("sent_by", MISSING)], Fk),
        ("answer_returns", vec![("method", "'pigeon'")], Check),
        ("answer_returns", vec![("tracking_number", "NULL")], Check),
        (
            "answer_returns",
            vec![("received_at", "'2026-03-30 06:00:00'")],
            Check,
        ),
        ("incidents", vec![("sitting_id", MISSING)], Fk),
        ("incidents", vec![("recorded_by", MISSING)], Fk),
        ("incidents", vec![("kind", "'noise'")], Check),
        ("incidents", vec![("minutes", "-1")], Check),
        ("fees", vec![("sitting_id", MISSING)], Fk),
        (
            "fees",
            vec![("sitting_id", "NULL"), ("study_booking_id", MISSING)],
            Fk,
        ),
        ("fees", vec![("sitting_id", "NULL")], Check),
        (
            "fees",
            vec![("study_booking_id", id_static(BOOKING))],
            Check,
        ),
        ("fees", vec![("payer", "'parent'")], Check),
        ("fees", vec![("amount_ore", "-1")], Check),
        ("fees", vec![("status", "'overdue'")], Check),
        ("fees", vec![("paid_at", "NULL")], Check),
        (
            "mail_outbox",
            vec![("message_id", "'<seed@skrivsal>'")],
            Unique,
        ),
        ("mail_outbox", vec![("to_address", "'nobody'")], Check),
        ("mail_outbox", vec![("language", "'de'")], Check),
        ("mail_outbox", vec![("status", "'lost'")], Check),
        ("mail_outbox", vec![("attempts", "-1")], Check),
        ("mail_outbox", vec![("sent_at", "NULL")], Check),
        // Neither text nor facts: nothing to send.
        ("mail_outbox", vec![("body_text", "NULL")], Check),
        ("sessions", vec![("user_id", MISSING)], Fk),
        ("sessions", vec![("token_hash", "'short'")], Check),
        ("sessions", vec![("csrf_token", "'short'")], Check),
        ("sessions", vec![("expires_at", TS)], Check),
        ("login_tokens", vec![("user_id", MISSING)], Fk),
        ("login_tokens", vec![("purpose", "'admin'")], Check),
        ("login_tokens", vec![("token_hash", "'short'")], Check),
        ("login_tokens", vec![("expires_at", TS)], Check),
        ("calendar_feeds", vec![("created_by", MISSING)], Fk),
        ("calendar_feeds", vec![("kind", "'everything'")], Check),
        ("calendar_feeds", vec![("token_hash", "'short'")], Check),
        ("calendar_feeds", vec![("subject_id", "'x'")], Check),
        ("audit_log", vec![("actor_user_id", MISSING)], Fk),
        ("audit_log", vec![("action", "''")], Check),
    ]
}

const TABLES: &[&str] = &[
    "institutions",
    "centres",
    "fee_exemptions",
    "rooms",
    "centre_hours",
    "closures",
    "users",
    "user_centres",
    "api_tokens",
    "access_cards",
    "invigilators",
    "invigilator_weekly",
    "invigilator_exceptions",
    "exam_requests",
    "sittings",
    "study_bookings",
    "invigilator_assignments",
    "exam_papers",
    "exam_paper_accesses",
    "answer_returns",
    "incidents",
    "fees",
    "mail_outbox",
    "audit_log",
    "sessions",
    "login_tokens",
    "calendar_feeds",
];

db_test!(every_constraint_refuses_a_breaking_insert, |db, _url| {
    let mut conn = db.get().unwrap();
    seed(&mut conn);
    // The valid row of every table is accepted, so each refusal below is
    // caused by the one broken column and nothing else.
    for (i, table) in TABLES.iter().enumerate() {
        let sql = insert_sql(table, &row(table, 100 + i as u32, 100 + i as u32));
        if let Err(e) = attempt(&mut conn, &sql) {
            panic!("valid {table} row refused: {e}\n{sql}");
        }
    }
    let mut failures = Vec::new();
    for (n, (table, changes, expected)) in cases().into_iter().enumerate() {
        let pk = 1000 + n as u32;
        let sql = insert_sql(table, &with_override(row(table, pk, pk), &changes));
        match attempt(&mut conn, &sql) {
            Err(Error::DatabaseError(kind, _)) if kind == expected => {}
            other => failures.push(format!(
                "{table} {changes:?}: expected {expected:?}, got {other:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) not refused as expected:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

db_test!(every_table_has_constraint_cases, |_db, _url| {
    // Guards the table above: a new table must come with its cases.
    let covered: std::collections::HashSet<&str> = cases().iter().map(|c| c.0).collect();
    for table in TABLES {
        assert!(covered.contains(table), "{table} has no constraint case");
    }
});

db_test!(foreign_keys_are_enforced_by_the_connection, |db, _url| {
    // SQLite checks foreign keys only when the connection asks for it; the
    // pool's connections must all have it on.
    let mut conns: Vec<_> = (0..3).map(|_| db.get().unwrap()).collect();
    for conn in conns.iter_mut() {
        let sql = insert_sql(
            "rooms",
            &with_override(row("rooms", 50, 50), &[("centre_id", MISSING)]),
        );
        assert!(matches!(
            attempt(conn, &sql),
            Err(Error::DatabaseError(
                DatabaseErrorKind::ForeignKeyViolation,
                _
            ))
        ));
    }
});
