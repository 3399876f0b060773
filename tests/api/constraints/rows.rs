//! One valid row of every table.

use super::*;

/// One valid row of `table`, with primary key `pk` and unique values derived
/// from `n` so that it collides with nothing seeded.
pub(super) fn row(table: &str, pk: u32, n: u32) -> Vec<(&'static str, String)> {
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
