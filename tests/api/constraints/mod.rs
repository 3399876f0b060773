//! The database enforces what it can, on both backends: every CHECK, foreign
//! key and uniqueness rule of the schema refuses a breaking insert.
//!
//! Each table has one valid row. The test first proves that row is accepted,
//! then inserts it again with one column broken and expects the matching
//! error kind. Every attempt runs in a transaction that is rolled back, so the
//! cases cannot influence each other.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use skrivsal::db::DbConn;

use crate::db_test;

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

/// One valid row of `table`, with primary key `pk` and unique values derived
/// from `n` so that it collides with nothing seeded.
fn row(table: &str, pk: u32, n: u32) -> Vec<(&'static str, String)> {
    let s = |v: &str| format!("'{v}'");
    let common_times = || {
        vec![
            ("created_at", TS.to_string()),
            ("updated_at", TS.to_string()),
        ]
    };
    let mut cols: Vec<(&'static str, String)> = match table {
        "institutions" => {
            let mut c = vec![
                ("slug", s(&format!("inst-{n}"))),
                ("name", s("Mittuniversitetet")),
                ("kind", s("university")),
                ("email", s("tenta@miun.se")),
                ("start_offset_minutes", "60".into()),
                ("min_stay_minutes", "30".into()),
                ("late_entry_minutes", "30".into()),
                ("registration_deadline_days", "10".into()),
                ("answer_return", s("scan_email")),
            ];
            c.extend(common_times());
            c
        }
        "centres" => {
            let mut c = vec![
                ("slug", s(&format!("centre-{n}"))),
                ("name", s("Lärcentrum Sundsvall")),
                ("municipality", s("Sundsvall")),
                ("address", s("Storgatan 1")),
                ("email", s("lc@sundsvall.se")),
                ("timezone", s("Europe/Stockholm")),
                ("language", s("sv")),
                ("invigilator_ratio", "20".into()),
                ("closed_on_de_facto_holidays", "TRUE".into()),
                ("max_future_study_bookings", "5".into()),
                ("max_study_hours_per_week", "20".into()),
                ("exam_fee_ore", "50000".into()),
                ("fee_payment_days", "10".into()),
                ("retention_days", "365".into()),
                ("active", "TRUE".into()),
            ];
            c.extend(common_times());
            c
        }
        "fee_exemptions" => vec![
            ("centre_id", id(CENTRE)),
            ("municipality", s(&format!("Kommun {n}"))),
        ],
        "rooms" => {
            let mut c = vec![
                ("centre_id", id(CENTRE)),
                ("name", s(&format!("Sal {n}"))),
                ("kind", s("exam_hall")),
                ("seats", "20".into()),
                ("computer_seats", "5".into()),
                ("accessible", "TRUE".into()),
                ("bookable_exam", "TRUE".into()),
                ("bookable_study", "FALSE".into()),
                ("active", "TRUE".into()),
            ];
            c.extend(common_times());
            c
        }
        "centre_hours" => vec![
            ("centre_id", id(CENTRE)),
            ("kind", s("opening")),
            ("weekday", "0".into()),
            ("opens", s("08:00:00")),
            ("closes", s("17:00:00")),
        ],
        "closures" => vec![
            ("centre_id", id(CENTRE)),
            ("from_date", s("2026-07-01")),
            ("to_date", s("2026-08-01")),
            ("reason", s("Sommar")),
            ("created_at", TS.into()),
        ],
        "users" => {
            let mut c = vec![
                ("email", s(&format!("user{n}@example.se"))),
                ("name", s("Anna")),
                ("role", s("student")),
                ("institution_id", "NULL".into()),
                ("password_hash", "NULL".into()),
                ("personnummer", s("199001011239")),
                ("protected_identity", "FALSE".into()),
                ("language", s("sv")),
                ("municipality", "NULL".into()),
                ("active", "TRUE".into()),
                ("last_sign_in_at", "NULL".into()),
            ];
            c.extend(common_times());
            c
        }
        "user_centres" => vec![("user_id", id(ADMIN)), ("centre_id", id(CENTRE))],
        "api_tokens" => vec![
            ("user_id", id(ADMIN)),
            ("name", s("ci")),
            ("token_hash", s(&format!("{n:064}"))),
            ("prefix", s("sks_abc")),
            ("created_at", TS.into()),
        ],
        "access_cards" => vec![
            ("centre_id", id(CENTRE)),
            ("student_id", id(STUDENT)),
            ("valid_from", s("2026-01-01")),
            ("valid_to", s("2026-12-31")),
            ("created_at", TS.into()),
        ],
        "invigilators" => {
            let mut c = vec![
                ("centre_id", id(CENTRE)),
                ("name", s("Karin")),
                ("email", s(&format!("vakt{n}@sundsvall.se"))),
                ("active", "TRUE".into()),
            ];
            c.extend(common_times());
            c
        }
        "invigilator_weekly" => vec![
            ("invigilator_id", id(INVIGILATOR)),
            ("weekday", "1".into()),
            ("from_time", s("08:00:00")),
            ("to_time", s("12:00:00")),
        ],
        "invigilator_exceptions" => vec![
            ("invigilator_id", id(INVIGILATOR)),
            ("date", s("2026-04-01")),
            ("from_time", s("13:00:00")),
            ("to_time", s("15:00:00")),
            ("available", "TRUE".into()),
        ],
        "exam_requests" => {
            let mut c = vec![
                ("institution_id", id(INSTITUTION)),
                ("centre_id", id(CENTRE)),
                ("course_code", s("MA051G")),
                ("course_name", s("Matematik")),
                ("title", s("Tentamen")),
                ("starts_at", TS.into()),
                ("window_start", "NULL".into()),
                ("window_end", "NULL".into()),
                ("duration_minutes", "180".into()),
                ("status", s("submitted")),
                ("open", "FALSE".into()),
                ("paper_delivery", s("email")),
            ];
            c.extend(common_times());
            c
        }
        "sittings" => {
            let mut c = vec![
                ("exam_request_id", id(REQUEST)),
                ("centre_id", id(CENTRE)),
                ("student_id", id(STUDENT2)),
                ("booking_code", s(&format!("K{n:05}"))),
                ("status", s("confirmed")),
                ("extra_time_percent", "50".into()),
                ("separate_room", "TRUE".into()),
                ("computer", "FALSE".into()),
                ("breaks_minutes", "15".into()),
                ("room_id", id(ROOM)),
                ("starts_at", TS.into()),
                ("ends_at", TS_LATER.into()),
                ("sequence", "0".into()),
            ];
            c.extend(common_times());
            c
        }
        "study_bookings" => vec![
            ("centre_id", id(CENTRE)),
            ("room_id", id(ROOM)),
            ("student_id", id(STUDENT2)),
            ("booking_code", s(&format!("B{n:05}"))),
            ("starts_at", TS.into()),
            ("ends_at", TS_LATER.into()),
            ("status", s("confirmed")),
            ("cancelled_at", "NULL".into()),
            ("created_at", TS.into()),
        ],
        "invigilator_assignments" => vec![
            ("invigilator_id", id(INVIGILATOR)),
            ("room_id", id(ROOM)),
            ("starts_at", TS.into()),
            ("ends_at", TS_LATER.into()),
            ("created_at", TS.into()),
        ],
        "exam_papers" => vec![
            ("exam_request_id", id(REQUEST)),
            ("filename", s("tenta.pdf")),
            ("content_type", s("application/pdf")),
            ("size_bytes", "1024".into()),
            ("sha256", s(&"a".repeat(64))),
            ("storage_key", s(&format!("papers/{n}"))),
            ("readable_from", TS.into()),
            ("uploaded_at", TS.into()),
        ],
        "exam_paper_accesses" => vec![
            ("exam_paper_id", id(PAPER)),
            ("user_id", id(ADMIN)),
            ("accessed_at", TS.into()),
        ],
        "answer_returns" => vec![
            ("sitting_id", id(SITTING)),
            ("method", s("post")),
            ("tracking_number", s("RR123456789SE")),
            ("sent_at", TS.into()),
            ("received_at", TS_LATER.into()),
        ],
        "incidents" => vec![
            ("sitting_id", id(SITTING)),
            ("kind", s("late_arrival")),
            ("occurred_at", TS.into()),
            ("minutes", "10".into()),
            ("created_at", TS.into()),
        ],
        "fees" => vec![
            ("sitting_id", id(SITTING)),
            ("study_booking_id", "NULL".into()),
            ("payer", s("student")),
            ("amount_ore", "60000".into()),
            ("status", s("paid")),
            ("paid_at", TS.into()),
            ("created_at", TS.into()),
        ],
        "mail_outbox" => vec![
            ("message_id", s(&format!("<{n}@skrivsal>"))),
            ("kind", s("sitting_confirmed")),
            ("to_address", s("anna@example.se")),
            ("subject", s("Bokning bekräftad")),
            ("body_text", s("Hej")),
            ("status", s("sent")),
            ("attempts", "1".into()),
            ("next_attempt_at", TS.into()),
            ("sent_at", TS.into()),
            ("created_at", TS.into()),
        ],
        "sessions" => vec![
            ("user_id", id(ADMIN)),
            ("token_hash", s(&format!("{n:064}"))),
            ("csrf_token", s(&"c".repeat(43))),
            ("created_at", TS.into()),
            ("expires_at", TS_LATER.into()),
            ("last_seen_at", TS.into()),
        ],
        "login_tokens" => vec![
            ("user_id", id(STUDENT)),
            ("purpose", s("sign_in")),
            ("token_hash", s(&format!("{n:064}"))),
            ("created_at", TS.into()),
            ("expires_at", TS_LATER.into()),
        ],
        "calendar_feeds" => vec![
            ("token_hash", s(&format!("{n:064}"))),
            ("kind", s("student")),
            ("subject_id", id(STUDENT)),
            ("created_by", id(STUDENT)),
            ("created_at", TS.into()),
        ],
        "audit_log" => vec![
            ("at", TS.into()),
            ("actor_label", s("cli")),
            ("action", s("user.create")),
        ],
        other => panic!("no valid row for {other}"),
    };
    if !matches!(table, "fee_exemptions" | "user_centres") {
        cols.insert(0, ("id", id(pk)));
    }
    cols
}

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

db_test!(schema_rs_matches_both_databases, |db, _url| {
    // Selecting every column through diesel's schema proves that schema.rs and
    // the migrations agree on names and types for this backend.
    use skrivsal::db::models::*;
    use skrivsal::db::schema::*;
    let mut conn = db.get().unwrap();
    seed(&mut conn);
    let c = &mut *conn;
    institutions::table
        .select(Institution::as_select())
        .load(c)
        .unwrap();
    centres::table.select(Centre::as_select()).load(c).unwrap();
    fee_exemptions::table
        .select(FeeExemption::as_select())
        .load(c)
        .unwrap();
    rooms::table.select(Room::as_select()).load(c).unwrap();
    centre_hours::table
        .select(CentreHours::as_select())
        .load(c)
        .unwrap();
    closures::table
        .select(Closure::as_select())
        .load(c)
        .unwrap();
    assert_eq!(
        users::table
            .select(User::as_select())
            .load(c)
            .unwrap()
            .len(),
        3
    );
    user_centres::table
        .select(UserCentre::as_select())
        .load(c)
        .unwrap();
    api_tokens::table
        .select(ApiToken::as_select())
        .load(c)
        .unwrap();
    access_cards::table
        .select(AccessCard::as_select())
        .load(c)
        .unwrap();
    invigilators::table
        .select(Invigilator::as_select())
        .load(c)
        .unwrap();
    invigilator_weekly::table
        .select(InvigilatorWeekly::as_select())
        .load(c)
        .unwrap();
    invigilator_exceptions::table
        .select(InvigilatorException::as_select())
        .load(c)
        .unwrap();
    exam_requests::table
        .select(ExamRequest::as_select())
        .load(c)
        .unwrap();
    let s = sittings::table
        .select(Sitting::as_select())
        .load(c)
        .unwrap();
    assert_eq!(s[0].extra_time_percent, 50);
    assert_eq!(s[0].starts_at.unwrap().to_string(), "2026-03-30 07:00:00");
    study_bookings::table
        .select(StudyBooking::as_select())
        .load(c)
        .unwrap();
    invigilator_assignments::table
        .select(InvigilatorAssignment::as_select())
        .load(c)
        .unwrap();
    exam_papers::table
        .select(ExamPaper::as_select())
        .load(c)
        .unwrap();
    exam_paper_accesses::table
        .select(ExamPaperAccess::as_select())
        .load(c)
        .unwrap();
    answer_returns::table
        .select(AnswerReturn::as_select())
        .load(c)
        .unwrap();
    incidents::table
        .select(Incident::as_select())
        .load(c)
        .unwrap();
    fees::table.select(Fee::as_select()).load(c).unwrap();
    mail_outbox::table
        .select(OutboxMessage::as_select())
        .load(c)
        .unwrap();
    audit_log::table
        .select(AuditEntry::as_select())
        .load(c)
        .unwrap();
    let _ = c.batch_execute("SELECT 1");
});

#[test]
fn postgres_exclusion_constraints_back_up_rules_5_and_6() {
    let Some((db, _guard)) = crate::helpers::test_database(skrivsal::db::Backend::Postgres) else {
        return crate::helpers::skipped(
            "postgres_exclusion_constraints",
            skrivsal::db::Backend::Postgres,
        );
    };
    let mut conn = db.get().unwrap();
    seed(&mut conn);
    // A second sitting of the seeded student overlapping the seeded one.
    let overlapping = with_override(
        row("sittings", 500, 500),
        &[
            ("student_id", id_static(STUDENT)),
            ("exam_request_id", id_static(REQUEST)),
        ],
    );
    let second_request = insert_sql("exam_requests", &row("exam_requests", 501, 501));
    diesel::sql_query(&second_request)
        .execute(&mut *conn)
        .unwrap();
    let overlapping = with_override(overlapping, &[("exam_request_id", id_static(501))]);
    match attempt(&mut conn, &insert_sql("sittings", &overlapping)) {
        Err(Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info)) => {
            assert_eq!(info.constraint_name(), Some("no_student_in_two_sittings"));
            let api: skrivsal::error::Error =
                Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info).into();
            assert!(matches!(api, skrivsal::error::Error::Conflict { .. }));
        }
        other => panic!("expected an exclusion violation, got {other:?}"),
    }
    // The same sitting cancelled does not collide.
    let cancelled = with_override(overlapping.clone(), &[("status", "'cancelled'")]);
    assert!(attempt(&mut conn, &insert_sql("sittings", &cancelled)).is_ok());
    // An invigilator in two rooms at once.
    let room2 = insert_sql("rooms", &row("rooms", 502, 502));
    diesel::sql_query(&room2).execute(&mut *conn).unwrap();
    let first = insert_sql(
        "invigilator_assignments",
        &row("invigilator_assignments", 503, 503),
    );
    diesel::sql_query(&first).execute(&mut *conn).unwrap();
    let other_room = with_override(
        row("invigilator_assignments", 504, 504),
        &[("room_id", id_static(502))],
    );
    assert!(matches!(
        attempt(
            &mut conn,
            &insert_sql("invigilator_assignments", &other_room)
        ),
        Err(Error::DatabaseError(
            DatabaseErrorKind::ExclusionViolation,
            _
        ))
    ));
    // The same room twice is a relay, not a double booking.
    let same_room = row("invigilator_assignments", 505, 505);
    assert!(attempt(
        &mut conn,
        &insert_sql("invigilator_assignments", &same_room)
    )
    .is_ok());
    // Two overlapping study bookings of one student.
    let b2 = with_override(
        row("study_bookings", 506, 506),
        &[("student_id", id_static(STUDENT))],
    );
    assert!(matches!(
        attempt(&mut conn, &insert_sql("study_bookings", &b2)),
        Err(Error::DatabaseError(
            DatabaseErrorKind::ExclusionViolation,
            _
        ))
    ));
}
