//! E-mail: delivery over real SMTP, invites, retries after an outage,
//! several workers, reminders once, failed messages and their retry.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::json;
use skrivsal::db::schema::mail_outbox;
use skrivsal::mail::{self, Mailer};

use crate::booking::{request_body, students, world};
use crate::helpers::{mail_settings, SmtpSink, TestApp};
use crate::{app_test, db_test};

/// The decoded subject (RFC 2047 encoded words and all).
fn subject(message: &str) -> String {
    mail_parser::MessageParser::default()
        .parse(message.as_bytes())
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_default()
}

/// The decoded plain-text body.
fn body(message: &str) -> String {
    mail_parser::MessageParser::default()
        .parse(message.as_bytes())
        .and_then(|m| m.body_text(0).map(|b| b.into_owned()))
        .unwrap_or_default()
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

/// The invite attached to a message, decoded and unfolded (lines joined
/// where RFC 5545 folded them).
fn ics(message: &str) -> Option<String> {
    use mail_parser::MimeHeaders;
    let parsed = mail_parser::MessageParser::default().parse(message.as_bytes())?;
    let invite = parsed
        .attachments()
        .find(|a| a.attachment_name() == Some("invite.ics"))?;
    let text = String::from_utf8(invite.contents().to_vec()).ok()?;
    Some(text.replace("\r\n ", "").replace("\n ", ""))
}

fn status_counts(app: &TestApp) -> HashMap<String, i64> {
    let mut conn = app.db.get().unwrap();
    let rows: Vec<String> = mail_outbox::table
        .select(mail_outbox::status)
        .load(&mut *conn)
        .unwrap();
    let mut m = HashMap::new();
    for r in rows {
        *m.entry(r).or_insert(0) += 1;
    }
    m
}

app_test!(
    confirmations_arrive_over_smtp_with_invites,
    |app| async move {
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let w = world(&app).await;
        let mut list = students(2);
        list[1]["language"] = json!("en");
        list[0]["personnummer"] = json!("19811218-9876");
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, list),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let sitting0 = r.body["sittings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["student"]["email"] == "student0@example.se")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            app.post_as(
                &w.admin,
                &format!("/api/v1/exam-requests/{id}/approve"),
                json!({})
            )
            .await
            .status,
            200
        );
        let settings = mail_settings(&sink.url(), &[]);
        let mailer = Mailer::from_settings(&settings).unwrap();
        let sent = mail::drain(&app.db, &mailer, &settings).unwrap();
        let messages = sink.messages();
        assert_eq!(messages.len(), sent, "every attempted message arrived");
        assert_eq!(status_counts(&app).get("sent").copied(), Some(sent as i64));

        let to = |m: &String, addr: &str| header(m, "X-Envelope-To") == Some(addr);
        let confirmed_sv = messages
            .iter()
            .find(|m| to(m, "student0@example.se") && subject(m).starts_with("Bekräftad: MA051G"))
            .expect("Swedish confirmation");
        let confirmed_en = messages
            .iter()
            .find(|m| to(m, "student1@example.se") && subject(m).starts_with("Confirmed: MA051G"))
            .expect("English confirmation");
        assert!(
            messages.iter().any(|m| to(m, "tentamen@miun.se")),
            "the institution hears too"
        );
        // Facts in the body; no identity number anywhere, no accommodation in a subject.
        let text = body(confirmed_en);
        assert!(
            text.contains("Skrivsal A")
                && text.contains("Miniräknare")
                && text.contains("photo ID"),
            "{text}"
        );
        assert!(body(confirmed_sv).contains("fotolegitimation"));
        assert!(messages
            .iter()
            .all(|m| !m.contains("9876") && !body(m).contains("9876")));
        assert!(
            messages
                .iter()
                .all(|m| !subject(m).to_lowercase().contains("extra")),
            "no accommodation in a subject"
        );
        // The invite: stable UID per sitting, first sequence, local time in Stockholm.
        let invite = ics(confirmed_sv).expect("an invite is attached");
        assert!(invite.contains("METHOD:REQUEST"), "{invite}");
        assert!(
            invite.contains(&format!("UID:sitting-{sitting0}@127.0.0.1")),
            "{invite}"
        );
        assert!(invite.contains("SEQUENCE:1"), "{invite}");
        assert!(
            invite.contains(&format!(
                "DTSTART;TZID=Europe/Stockholm:{}T090000",
                w.day.format("%Y%m%d")
            )),
            "{invite}"
        );
        assert!(invite.contains("BEGIN:VTIMEZONE"));
        let message_ids: Vec<&str> = messages
            .iter()
            .filter_map(|m| header(m, "Message-ID"))
            .collect();
        assert_eq!(message_ids.len(), messages.len());

        // Cancelling sends a CANCEL for the same calendar entry, one sequence on.
        let r = app
            .post_as(
                &w.admin,
                &format!("/api/v1/exam-sittings/{sitting0}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        mail::drain(&app.db, &mailer, &settings).unwrap();
        let after = sink.messages();
        let cancel = after
            .iter()
            .filter_map(|m| ics(m))
            .find(|i| i.contains("METHOD:CANCEL"))
            .expect("a cancellation invite");
        assert!(cancel.contains(&format!("UID:sitting-{sitting0}@127.0.0.1")));
        assert!(cancel.contains("SEQUENCE:2"), "{cancel}");
        assert!(cancel.contains("STATUS:CANCELLED"));
    }
);

app_test!(
    an_smtp_outage_loses_nothing_and_duplicates_nothing,
    |app| async move {
        let Some(mut sink) = SmtpSink::start() else {
            return;
        };
        sink.pause();
        let w = world(&app).await;
        let day = w.day + chrono::Duration::days(1);
        // Fifty study places confirmed while the mail server is down.
        for i in 0..50 {
            let token = app.token(&format!("outage{i}@student.se"), "student", &[], None);
            let from = 8 + i % 9;
            let r = app
            .post_as(&token, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T{from:02}:00"), "ends_at": format!("{day}T{from:02}:30")}))
            .await;
            if r.status == 409 {
                // The 3-seat room is full at that hour: use the next day.
                let d2 = day + chrono::Duration::days(1 + (i / 27) as i64);
                let r = app
                .post_as(&token, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{d2}T{:02}:{:02}", 8 + i % 9, (i % 2) * 30), "ends_at": format!("{d2}T{:02}:{:02}", 8 + i % 9, (i % 2) * 30 + 29)}))
                .await;
                assert!(matches!(r.status, 201 | 409), "{r:?}");
            }
        }
        let settings = mail_settings(&sink.url(), &[("SKRIVSAL__MAIL__BATCH_SIZE", "1000")]);
        let mailer = Mailer::from_settings(&settings).unwrap();
        let queued = status_counts(&app).get("pending").copied().unwrap_or(0);
        assert!(queued >= 50, "{queued}");
        // One round against the dead server: everything is tried, nothing lost.
        let tried = mail::deliver_batch(&app.db, &mailer, &settings).unwrap();
        assert_eq!(tried as i64, queued);
        assert_eq!(status_counts(&app).get("pending").copied(), Some(queued));
        {
            let mut conn = app.db.get().unwrap();
            let errors: Vec<Option<String>> = mail_outbox::table
                .select(mail_outbox::last_error)
                .load(&mut *conn)
                .unwrap();
            assert!(errors.iter().all(|e| e.is_some()));
        }
        // The server comes back: every message arrives exactly once.
        assert!(sink.resume());
        mail::drain(&app.db, &mailer, &settings).unwrap();
        let messages = sink.messages();
        assert_eq!(messages.len() as i64, queued);
        let mut ids: Vec<&str> = messages
            .iter()
            .filter_map(|m| header(m, "Message-ID"))
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len() as i64, queued, "no message twice");
        assert_eq!(status_counts(&app).get("sent").copied(), Some(queued));
    }
);

fn enqueue_many(app: &TestApp, n: usize) {
    let mut conn = app.db.get().unwrap();
    for i in 0..n {
        skrivsal::mail::outbox::enqueue(
            &mut conn,
            skrivsal::mail::outbox::Mail {
                kind: "test",
                to_address: &format!("bulk{i}@example.se"),
                to_name: "",
                language: skrivsal::domain::Language::Sv,
                subject: format!("Meddelande {i}"),
                body_text: "Hej".into(),
                body_html: None,
                ics: None,
                related: None,
            },
            "skrivsal.test",
        )
        .unwrap();
    }
}

app_test!(
    two_workers_deliver_each_message_exactly_once,
    |app| async move {
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        enqueue_many(&app, 500);
        let settings = mail_settings(&sink.url(), &[("SKRIVSAL__MAIL__BATCH_SIZE", "25")]);
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (db, settings) = (app.db.clone(), settings.clone());
                std::thread::spawn(move || {
                    let mailer = Mailer::from_settings(&settings).unwrap();
                    mail::drain(&db, &mailer, &settings).unwrap()
                })
            })
            .collect();
        let attempted: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_eq!(attempted.iter().sum::<usize>(), 500, "{attempted:?}");
        let messages = sink.messages();
        assert_eq!(messages.len(), 500);
        let mut ids: Vec<&str> = messages
            .iter()
            .filter_map(|m| header(m, "Message-ID"))
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 500);
        assert_eq!(status_counts(&app).get("sent").copied(), Some(500));
    }
);

app_test!(
    reminders_are_queued_once_whatever_runs_them,
    |app| async move {
        let w = world(&app).await;
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, students(3)),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
        // The exam is five weeks away: a reminder window that reaches it.
        let hours = 24 * 60;
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let db = app.db.clone();
                std::thread::spawn(move || {
                    skrivsal::mail::reminders::queue_due(&db, "skrivsal.test", hours).unwrap()
                })
            })
            .collect();
        let queued: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(queued, 3);
        assert_eq!(
            skrivsal::mail::reminders::queue_due(&app.db, "skrivsal.test", hours).unwrap(),
            0
        );
        let reminders: Vec<String> = app
            .mails()
            .into_iter()
            .filter(|(m, _)| m.kind == "sitting_reminder")
            .map(|(_, c)| c.subject)
            .collect();
        assert_eq!(reminders.len(), 3);
        assert!(
            reminders.iter().all(|s| s.starts_with("Påminnelse:")),
            "{reminders:?}"
        );
        // With a 48-hour window nothing is due yet.
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day + chrono::Duration::days(1), students(1)),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
        assert_eq!(
            skrivsal::mail::reminders::queue_due(&app.db, "skrivsal.test", 48).unwrap(),
            0
        );
    }
);

app_test!(failed_messages_are_listed_and_retried, |app| async move {
    let admin = app.token("root@example.se", "system_admin", &[], None);
    enqueue_many(&app, 1);
    // Nothing listens on port 1: with one attempt allowed the message fails.
    let settings = mail_settings(
        "smtp://127.0.0.1:1",
        &[("SKRIVSAL__MAIL__MAX_ATTEMPTS", "1")],
    );
    let mailer = Mailer::from_settings(&settings).unwrap();
    mail::drain(&app.db, &mailer, &settings).unwrap();
    let failed = app.get_as(&admin, "/api/v1/mail?status=failed").await;
    assert_eq!(failed.status, 200, "{failed:?}");
    let items = failed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0]["last_error"].as_str().is_some());
    let id = items[0]["id"].as_str().unwrap();
    assert_eq!(
        app.post_as(&admin, &format!("/api/v1/mail/{id}/retry"), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_as(&admin, "/api/v1/mail?status=pending").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Only failed messages can be retried.
    let r = app
        .post_as(&admin, &format!("/api/v1/mail/{id}/retry"), json!({}))
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        app.get_as(&admin, "/api/v1/mail?status=lost")
            .await
            .error_fields(),
        ["status"]
    );
});

/// Settings that write messages as .eml files into `dir`, no SMTP server.
fn file_settings(dir: &std::path::Path) -> skrivsal::app::config::MailSettings {
    let mut settings = mail_settings("smtp://127.0.0.1:1", &[]);
    settings.smtp_url = None;
    settings.dir = dir.to_path_buf();
    settings
}

/// Every .eml file the file mailer wrote into `dir`.
fn eml_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

fn outbox(db: &skrivsal::db::Database) -> Vec<skrivsal::db::models::OutboxMessage> {
    let mut conn = db.get().unwrap();
    mail_outbox::table
        .order(mail_outbox::id)
        .select(skrivsal::db::models::OutboxMessage::as_select())
        .load(&mut *conn)
        .unwrap()
}

app_test!(
    queued_messages_keep_the_facts_of_their_time,
    |app| async move {
        use skrivsal::db::schema::{centres, rooms, users};
        let w = world(&app).await;
        let student = app.token("facts@student.se", "student", &[], None);
        let day = w.day + chrono::Duration::days(1);
        let r = app
            .post_as(&student, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T10:00"), "ends_at": format!("{day}T11:00")}))
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        // The booking's transaction queued facts, not text.
        let queued = outbox(&app.db).pop().unwrap();
        assert_eq!(queued.kind, "study_confirmed");
        assert!(queued.subject.is_none() && queued.body_text.is_none() && queued.ics.is_none());
        assert!(queued.context.is_some() && queued.invite.is_some());
        let centre_name: String = {
            let mut conn = app.db.get().unwrap();
            let name = centres::table
                .filter(centres::slug.eq("sundsvall"))
                .select(centres::name)
                .first(&mut *conn)
                .unwrap();
            // Everything the message names changes before it is sent.
            diesel::update(centres::table)
                .set((
                    centres::name.eq("Omdöpt centrum"),
                    centres::address.eq("Nygatan 1"),
                ))
                .execute(&mut *conn)
                .unwrap();
            diesel::update(rooms::table.filter(rooms::name.eq("Studiehallen")))
                .set(rooms::name.eq("Omdöpt sal"))
                .execute(&mut *conn)
                .unwrap();
            diesel::update(users::table.filter(users::email.eq("facts@student.se")))
                .set(users::name.eq("Omdöpt Student"))
                .execute(&mut *conn)
                .unwrap();
            name
        };
        let dir = tempfile::tempdir().unwrap();
        let settings = file_settings(dir.path());
        let mailer = Mailer::from_settings(&settings).unwrap();
        mail::drain(&app.db, &mailer, &settings).unwrap();
        let sent = eml_files(dir.path());
        let message = sent
            .iter()
            .find(|m| m.contains("facts@student.se"))
            .expect("the confirmation was sent");
        let text = body(message);
        assert!(
            text.contains(&centre_name) && text.contains("Studiehallen"),
            "{text}"
        );
        assert!(
            subject(message).starts_with("Studieplats bokad"),
            "{}",
            subject(message)
        );
        let invite = ics(message).expect("an invite");
        assert!(invite.contains("Studiehallen"), "{invite}");
        assert!(
            !message.contains("Omdöpt") && !text.contains("Omdöpt") && !invite.contains("Omdöpt"),
            "{text}\n{invite}"
        );
    }
);

app_test!(
    a_message_that_cannot_be_rendered_fails_for_good_and_says_why,
    |app| async move {
        use skrivsal::domain::Language;
        use skrivsal::mail::outbox::{enqueue_facts, Facts};
        let admin = app.token("root@example.se", "system_admin", &[], None);
        let facts = |kind: &'static str, to: &'static str, context: &str| Facts {
            kind,
            to_address: to,
            to_name: "",
            language: Language::Sv,
            context: context.to_string(),
            invite: None,
            related: None,
        };
        {
            let mut conn = app.db.get().unwrap();
            let link = r#"{"name": "Alva", "minutes": 15, "link": "https://skrivsal.test/auth/link?token=abc"}"#;
            for f in [
                facts("sign_in_link", "good@example.se", link),
                facts("no_such_message", "nobody@example.se", "{}"),
                facts("sign_in_link", "garbled@example.se", "{not json"),
                facts("sign_in_link", "after@example.se", link),
            ] {
                enqueue_facts(&mut conn, f, "skrivsal.test").unwrap();
            }
        }
        enqueue_many(&app, 1);
        let dir = tempfile::tempdir().unwrap();
        let settings = file_settings(dir.path());
        let mailer = Mailer::from_settings(&settings).unwrap();
        assert_eq!(mail::drain(&app.db, &mailer, &settings).unwrap(), 5);
        // The others went out; the two that cannot be rendered failed at their
        // first attempt (rendering again would fail again), kept and explained.
        assert_eq!(eml_files(dir.path()).len(), 3);
        let rows = outbox(&app.db);
        let row = |to: &str| rows.iter().find(|r| r.to_address == to).unwrap();
        for to in ["good@example.se", "after@example.se", "bulk0@example.se"] {
            assert_eq!(row(to).status.as_str(), "sent", "{to}");
        }
        let missing = row("nobody@example.se");
        assert_eq!((missing.status.as_str(), missing.attempts), ("failed", 1));
        let error = missing.last_error.as_deref().unwrap();
        assert!(
            error.starts_with("permanent: rendering the no_such_message message (sv): ")
                && error.contains("email/no_such_message.sv.txt"),
            "{error}"
        );
        let garbled = row("garbled@example.se");
        assert_eq!((garbled.status.as_str(), garbled.attempts), ("failed", 1));
        assert!(
            garbled
                .last_error
                .as_deref()
                .unwrap()
                .starts_with("permanent: the sign_in_link message's facts: "),
            "{garbled:?}"
        );
        // The admin list shows them, without a subject, with the reason.
        let failed = app.get_as(&admin, "/api/v1/mail?status=failed").await;
        assert_eq!(failed.status, 200, "{failed:?}");
        let items = failed.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{failed:?}");
        assert!(items
            .iter()
            .all(|i| i["subject"] == "" && i["last_error"].is_string()));
        let sent = app.get_as(&admin, "/api/v1/mail?status=sent").await;
        let subjects: Vec<&str> = sent.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["subject"].as_str().unwrap())
            .collect();
        assert_eq!(subjects.len(), 3);
        assert!(subjects.contains(&"Meddelande 0"), "{subjects:?}");
        assert!(
            subjects
                .iter()
                .filter(|s| !s.is_empty() && **s != "Meddelande 0")
                .count()
                == 2,
            "rendered from the facts: {subjects:?}"
        );
    }
);

db_test!(
    messages_rendered_before_the_outbox_kept_facts_still_deliver,
    |db, _url| {
        use diesel::connection::SimpleConnection;
        use diesel::migration::MigrationSource;
        use diesel_migrations::MigrationHarness;
        use skrivsal::db::DbConn;

        // Back to the schema before the facts, a message queued the old way
        // (rendered, with its invite), and forward again.
        let old_row = "INSERT INTO mail_outbox (id, message_id, kind, to_address, to_name, \
             language, subject, body_text, body_html, ics, status, attempts, next_attempt_at, \
             created_at) VALUES ('00000000-0000-7000-8000-000000000001', '<old@skrivsal.test>', \
             'study_confirmed', 'old@example.se', 'Gammal', 'sv', 'Bokad: studieplats', \
             'Hej! Din plats är bokad.', '<p>Hej! Din plats är bokad.</p>', \
             'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n', 'pending', 0, \
             '2000-01-01 00:00:00', '2000-01-01 00:00:00')";
        fn around<DB, C>(c: &mut C, source: impl MigrationSource<DB>, between: &str)
        where
            DB: diesel::backend::Backend,
            C: MigrationHarness<DB> + SimpleConnection,
        {
            let facts = source
                .migrations()
                .unwrap()
                .into_iter()
                .find(|m| m.name().to_string().ends_with("_outbox_facts"))
                .expect("the facts migration");
            c.revert_migration(&*facts).unwrap();
            c.batch_execute(between).unwrap();
            c.run_migration(&*facts).unwrap();
        }
        {
            let mut conn = db.get().unwrap();
            match &mut *conn {
                DbConn::Sqlite(c) => around(c, skrivsal::db::SQLITE_MIGRATIONS, old_row),
                DbConn::Postgres(c) => around(c, skrivsal::db::POSTGRES_MIGRATIONS, old_row),
            }
        }
        let rows = outbox(db);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].subject.as_deref(), Some("Bokad: studieplats"));
        assert!(rows[0].context.is_none());
        let dir = tempfile::tempdir().unwrap();
        let settings = file_settings(dir.path());
        let mailer = Mailer::from_settings(&settings).unwrap();
        assert_eq!(mail::drain(db, &mailer, &settings).unwrap(), 1);
        let sent = eml_files(dir.path());
        assert_eq!(sent.len(), 1);
        assert_eq!(subject(&sent[0]), "Bokad: studieplats");
        assert!(body(&sent[0]).contains("Din plats är bokad."));
        assert!(ics(&sent[0]).unwrap().contains("METHOD:REQUEST"));
        assert_eq!(header(&sent[0], "Message-ID"), Some("<old@skrivsal.test>"));
        assert_eq!(outbox(db)[0].status.as_str(), "sent");
    }
);
