//! Mail delivery: the worker that takes messages from the outbox and sends
//! them (SMTP, or .eml files when no SMTP server is configured), with retries.
//!
//! Claiming: a worker marks a batch `sending` with a lease
//! (`claimed_until`) in one transaction; on PostgreSQL with `FOR UPDATE SKIP
//! LOCKED`, so several workers (in several processes) take disjoint batches
//! without waiting for each other; on SQLite the transaction is `BEGIN
//! IMMEDIATE`. A message whose worker died is claimable again once its lease
//! has run out. Sending and recording "sent" cannot be one atomic step, so
//! the guarantee is at-least-once in that crash window and exactly-once
//! otherwise; each message keeps its Message-ID on every attempt, so a
//! receiving server or client can recognise a repeat.

pub mod ics;
pub mod notify;
pub mod outbox;
pub mod reminders;
pub mod templates;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use rand::Rng;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::app::config::MailSettings;
use crate::db::models::OutboxMessage;
use crate::db::schema::mail_outbox;
use crate::db::{self, Database, DbConn};
use crate::error::Error;
use crate::types::MailStatus;

/// How long a claimed message stays reserved for its worker.
const LEASE_SECS: i64 = 300;

pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Mailer> {
        match &settings.smtp_url {
            Some(url) => {
                // Plain SMTP to a relay (config refuses other schemes), with
                // optional credentials in the URL.
                let parsed = url::Url::parse(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("mail.smtp_url: {e}"))?;
                let host = parsed
                    .host_str()
                    .ok_or_else(|| anyhow::anyhow!("mail.smtp_url: no host"))?;
                let mut builder = SmtpTransport::builder_dangerous(host)
                    .port(parsed.port().unwrap_or(25))
                    .timeout(Some(Duration::from_secs(20)));
                if !parsed.username().is_empty() {
                    builder = builder.credentials(
                        lettre::transport::smtp::authentication::Credentials::new(
                            parsed.username().to_string(),
                            parsed.password().unwrap_or_default().to_string(),
                        ),
                    );
                }
                Ok(Mailer::Smtp(Box::new(builder.build())))
            }
            None => {
                std::fs::create_dir_all(&settings.dir).map_err(|e| {
                    anyhow::anyhow!("mail.dir: cannot create {}: {e}", settings.dir.display())
                })?;
                Ok(Mailer::Files(FileTransport::new(&settings.dir)))
            }
        }
    }

    fn send(&self, message: &Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// What a message says, as it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The calendar invite (.ics) to attach.
    pub ics: Option<String>,
}

/// A row's invite: its stored text (rows queued before the outbox kept
/// facts) or its facts rendered now.
fn invite_of(row: &OutboxMessage) -> Result<Option<String>, String> {
    match (&row.ics, &row.invite) {
        (Some(ics), _) => Ok(Some(ics.clone())),
        (None, Some(facts)) => {
            let facts: ics::InviteFacts = serde_json::from_str(facts)
                .map_err(|e| format!("the {} message's invite facts: {e}", row.kind))?;
            Ok(Some(ics::render(&facts.invite())))
        }
        (None, None) => Ok(None),
    }
}

/// A row's template context, from the JSON kept at the time of the change.
fn context_of(row: &OutboxMessage) -> Result<minijinja::Value, String> {
    let json = row
        .context
        .as_deref()
        .ok_or_else(|| format!("the {} message has neither text nor facts", row.kind))?;
    templates::context_from_json(json).map_err(|e| format!("the {} message's facts: {e}", row.kind))
}

fn render_error(row: &OutboxMessage, e: minijinja::Error) -> String {
    format!(
        "rendering the {} message ({}): {e}",
        row.kind,
        row.language.as_str()
    )
}

/// What a row says: its stored text if it has any (rows queued before the
/// outbox kept facts), else its facts rendered now. An error is for good:
/// the same facts render the same way every time.
pub fn content(row: &OutboxMessage) -> Result<Content, String> {
    let ics = invite_of(row)?;
    if let (Some(subject), Some(text)) = (&row.subject, &row.body_text) {
        return Ok(Content {
            subject: subject.clone(),
            text: text.clone(),
            html: row.body_html.clone(),
            ics,
        });
    }
    let rendered = templates::render(&row.kind, row.language, context_of(row)?)
        .map_err(|e| render_error(row, e))?;
    Ok(Content {
        subject: rendered.subject,
        text: rendered.text,
        html: Some(rendered.html),
        ics,
    })
}

/// A row's subject, rendering only that line when the row holds facts.
pub fn subject(row: &OutboxMessage) -> Result<String, String> {
    match &row.subject {
        Some(subject) => Ok(subject.clone()),
        None => templates::subject(&row.kind, row.language, context_of(row)?)
            .map_err(|e| render_error(row, e)),
    }
}

pub fn build(row: &OutboxMessage, from: &str) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("sender: {e}"))?;
    let to_address = row
        .to_address
        .parse()
        .map_err(|e| format!("recipient {}: {e}", row.to_address))?;
    let to = Mailbox::new(
        (!row.to_name.is_empty()).then(|| row.to_name.clone()),
        to_address,
    );
    let Content {
        subject,
        text,
        html,
        ics,
    } = content(row)?;
    let text = SinglePart::plain(text);
    let content = match html {
        Some(html) => MultiPart::alternative()
            .singlepart(text)
            .singlepart(SinglePart::html(html)),
        None => MultiPart::mixed().singlepart(text),
    };
    let body = match ics {
        Some(ics) => {
            let method = if ics.contains("METHOD:CANCEL") {
                "CANCEL"
            } else {
                "REQUEST"
            };
            let kind =
                ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                    .map_err(|e| e.to_string())?;
            MultiPart::mixed()
                .multipart(content)
                .singlepart(Attachment::new("invite.ics".to_string()).body(ics, kind))
        }
        None => content,
    };
    Message::builder()
        .message_id(Some(row.message_id.clone()))
        .from(from)
        .to(to)
        .subject(subject)
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// Exponential backoff with jitter: about base × 2^(attempt-1), between half
/// and one and a half of that, capped.
pub fn backoff_secs(settings: &MailSettings, attempts: i32, rng: &mut impl Rng) -> i64 {
    let exp = settings
        .retry_base_secs
        .saturating_mul(1i64 << (attempts.clamp(1, 30) - 1));
    let capped = exp.min(settings.retry_max_secs);
    if capped == 0 {
        return 0;
    }
    rng.gen_range(capped / 2..=capped + capped / 2)
}

/// Claims up to `limit` due messages for this worker.
#[tracing::instrument(skip_all, fields(limit))]
fn claim(conn: &mut DbConn, limit: i64) -> Result<Vec<OutboxMessage>, Error> {
    db::write_tx(conn, |conn| {
        let now = db::now();
        let ids = db::backend::claim_due_mail(conn, now, limit)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)))
            .set((
                mail_outbox::status.eq(MailStatus::Sending),
                mail_outbox::claimed_until.eq(Some(now + chrono::Duration::seconds(LEASE_SECS))),
            ))
            .execute(conn)?;
        Ok(mail_outbox::table
            .filter(mail_outbox::id.eq_any(&ids))
            .select(OutboxMessage::as_select())
            .load(conn)?)
    })
}

#[tracing::instrument(skip_all, fields(message = %row.id))]
fn record(
    conn: &mut DbConn,
    row: &OutboxMessage,
    outcome: Result<(), String>,
    settings: &MailSettings,
) -> Result<(), Error> {
    let now = db::now();
    let attempts = row.attempts + 1;
    let update = mail_outbox::table.filter(mail_outbox::id.eq(&row.id));
    db::write_tx(conn, |conn| match outcome {
        Ok(()) => diesel::update(update)
            .set((
                mail_outbox::status.eq(MailStatus::Sent),
                mail_outbox::sent_at.eq(Some(now)),
                mail_outbox::attempts.eq(attempts),
                mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                mail_outbox::last_error.eq(None::<String>),
            ))
            .execute(conn),
        Err(error) => {
            let give_up = attempts >= settings.max_attempts || error.starts_with("permanent:");
            let wait = backoff_secs(settings, attempts, &mut rand::thread_rng());
            tracing::warn!(message_id = %row.message_id, attempts, give_up, %error, "mail not delivered");
            diesel::update(update)
                .set((
                    mail_outbox::status.eq(if give_up {
                        MailStatus::Failed
                    } else {
                        MailStatus::Pending
                    }),
                    mail_outbox::attempts.eq(attempts),
                    mail_outbox::next_attempt_at.eq(now + chrono::Duration::seconds(wait)),
                    mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                    mail_outbox::last_error.eq(Some(error.chars().take(1000).collect::<String>())),
                ))
                .execute(conn)
        }
    })?;
    Ok(())
}

/// One round: claim a batch, send it, record each outcome. Returns how many
/// messages were attempted (0: nothing was due).
#[tracing::instrument(skip_all)]
pub fn deliver_batch(
    db: &Database,
    mailer: &Mailer,
    settings: &MailSettings,
) -> Result<usize, Error> {
    let mut conn = db.get()?;
    let batch = claim(&mut conn, settings.batch_size)?;
    for row in &batch {
        // A message that cannot be built never will be: permanent.
        let outcome = build(row, &settings.from)
            .map_err(|e| format!("permanent: {e}"))
            .and_then(|message| mailer.send(&message));
        record(&mut conn, row, outcome, settings)?;
    }
    Ok(batch.len())
}

/// Delivers until nothing is due. For the command line and tests.
pub fn drain(db: &Database, mailer: &Mailer, settings: &MailSettings) -> Result<usize, Error> {
    let mut total = 0;
    loop {
        let n = deliver_batch(db, mailer, settings)?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// The worker loop: deliver what is due, queue due reminders, sleep when
/// idle, stop when `stop` is set.
pub fn run_worker(
    db: Database,
    mailer: Mailer,
    settings: MailSettings,
    host: String,
    stop: Arc<AtomicBool>,
) {
    let poll = Duration::from_secs(settings.poll_interval_secs);
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = crate::mail::reminders::queue_due(&db, &host, settings.reminder_hours) {
            tracing::error!(error = %e, "queueing reminders failed");
        }
        let worked = match deliver_batch(&db, &mailer, &settings) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "mail delivery round failed");
                0
            }
        };
        if worked == 0 {
            // Sleep in small steps so a shutdown is noticed quickly.
            let mut slept = Duration::ZERO;
            while slept < poll && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                slept += Duration::from_millis(100);
            }
        }
    }
}

// ------------------------------------------------------------ admin API

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// pending, sending, sent or failed.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxOut {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: chrono::DateTime<chrono::FixedOffset>,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub sent_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

pub fn list(
    conn: &mut DbConn,
    caller: &crate::accounts::actor::Caller,
    q: &OutboxQuery,
) -> Result<crate::pagination::Page<OutboxOut>, Error> {
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::RetryMail,
        crate::accounts::policy::Resource::Service,
    )?;
    let page = crate::pagination::PageQuery {
        limit: q.limit,
        cursor: q.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut query = mail_outbox::table
        .select(OutboxMessage::as_select())
        .order(mail_outbox::id)
        .into_boxed();
    if let Some(c) = page.cursor()? {
        query = query.filter(mail_outbox::id.gt(c));
    }
    if let Some(s) = &q.status {
        let Ok(status) = s.parse::<MailStatus>() else {
            return Err(Error::invalid(
                "status",
                "status",
                format!("use one of {}", MailStatus::names().join(", ")),
            ));
        };
        query = query.filter(mail_outbox::status.eq(status));
    }
    let rows = query.limit(limit + 1).load(conn)?;
    use crate::timefmt::utc;
    Ok(crate::pagination::Page::from_rows(
        rows,
        limit,
        |r| r.id.clone(),
        |r| OutboxOut {
            // Rendered from the facts for rows that keep them; a message
            // that cannot be rendered shows none (delivery records why).
            subject: subject(&r).unwrap_or_else(|error| {
                tracing::warn!(message = %r.id, %error, "mail subject not rendered");
                String::new()
            }),
            id: r.id,
            message_id: r.message_id,
            kind: r.kind,
            to: r.to_address,
            status: r.status.as_str().into(),
            attempts: r.attempts,
            next_attempt_at: utc(r.next_attempt_at),
            last_error: r.last_error,
            created_at: utc(r.created_at),
            sent_at: r.sent_at.map(utc),
        },
    ))
}

/// Puts a failed message back in line, due now, with a fresh set of attempts.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, message = %id))]
pub fn retry(
    conn: &mut DbConn,
    caller: &crate::accounts::actor::Caller,
    id: &str,
) -> Result<(), Error> {
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::RetryMail,
        crate::accounts::policy::Resource::Service,
    )?;
    db::write_tx(conn, |conn| {
        let status: MailStatus = mail_outbox::table
            .find(id)
            .select(mail_outbox::status)
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        crate::error::require_state("message", status, &[MailStatus::Failed], "retry")?;
        diesel::update(mail_outbox::table.find(id))
            .set((
                mail_outbox::status.eq(MailStatus::Pending),
                mail_outbox::attempts.eq(0),
                mail_outbox::next_attempt_at.eq(db::now()),
            ))
            .execute(conn)?;
        crate::accounts::audit::record_by(conn, caller, "mail.retry", "mail", id)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn settings() -> MailSettings {
        crate::app::config::Settings::load_from(crate::app::config::Sources {
            local_file: None,
            env: vec![],
        })
        .map(|s| s.mail)
        .unwrap()
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let s = settings();
        let mut rng = rand::rngs::SmallRng::seed_from_u64(1);
        for attempt in 1..=12 {
            let expected = (s.retry_base_secs << (attempt - 1)).min(s.retry_max_secs);
            for _ in 0..50 {
                let w = backoff_secs(&s, attempt, &mut rng);
                assert!(
                    w >= expected / 2 && w <= expected + expected / 2,
                    "attempt {attempt}: {w}"
                );
            }
        }
    }

    fn row(ics: Option<&str>) -> OutboxMessage {
        let now = db::now();
        OutboxMessage {
            id: db::new_id(),
            message_id: "<abc@skrivsal.test>".into(),
            kind: "sitting_confirmed".into(),
            to_address: "alva@example.se".into(),
            to_name: "Alva Eriksson".into(),
            language: crate::domain::Language::Sv,
            subject: Some("Bekräftad: MA051G".into()),
            body_text: Some("Hej Alva! Välkommen.".into()),
            body_html: Some("<p>Hej Alva! Välkommen.</p>".into()),
            ics: ics.map(str::to_string),
            related_kind: None,
            related_id: None,
            status: MailStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            claimed_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
            context: None,
            invite: None,
        }
    }

    #[test]
    fn messages_carry_their_id_parts_and_invite() {
        let m = build(
            &row(Some(
                "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
            )),
            "skrivsal <noreply@skrivsal.test>",
        )
        .unwrap();
        let text = String::from_utf8(m.formatted()).unwrap();
        assert!(text.contains("Message-ID: <abc@skrivsal.test>"), "{text}");
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/calendar; charset=utf-8; method=REQUEST"));
        assert!(text.contains("invite.ics"));
    }

    fn facts(kind: &str, context: &str, invite: Option<&ics::InviteFacts>) -> OutboxMessage {
        let mut r = row(None);
        r.kind = kind.into();
        (r.subject, r.body_text, r.body_html) = (None, None, None);
        r.context = Some(context.into());
        r.invite = invite.map(|i| serde_json::to_string(i).unwrap());
        r
    }

    #[test]
    fn facts_are_rendered_when_the_message_is_built() {
        let ctx = minijinja::context! {
            name => "Alva Eriksson", centre => "Lärcentrum Sundsvall", room => "Studiehallen",
            start => "2026-03-30 09:00", end => "2026-03-30 11:00", code => "K7M-4QX",
        };
        let invite = ics::InviteFacts {
            uid: "study-1@skrivsal.test".into(),
            sequence: 0,
            method: ics::Method::Request,
            summary: "Studieplats, Lärcentrum Sundsvall".into(),
            location: "Lärcentrum Sundsvall, Studiehallen".into(),
            description: "K7M-4QX".into(),
            start: chrono::DateTime::from_timestamp(1_774_854_000, 0).unwrap(),
            end: chrono::DateTime::from_timestamp(1_774_861_200, 0).unwrap(),
            tz: chrono_tz::Europe::Stockholm,
            organizer: "sundsvall@example.se".into(),
        };
        let r = facts(
            "study_confirmed",
            &templates::context_to_json(&ctx).unwrap(),
            Some(&invite),
        );
        let expected =
            templates::render("study_confirmed", crate::domain::Language::Sv, ctx).unwrap();
        let content = content(&r).unwrap();
        assert_eq!(content.subject, expected.subject);
        assert_eq!(content.text, expected.text);
        assert_eq!(content.html, Some(expected.html));
        assert_eq!(content.ics, Some(ics::render(&invite.invite())));
        assert_eq!(subject(&r).unwrap(), expected.subject);
        let text =
            String::from_utf8(build(&r, "noreply@skrivsal.test").unwrap().formatted()).unwrap();
        assert!(
            text.contains("multipart/alternative") && text.contains("invite.ics"),
            "{text}"
        );
    }

    #[test]
    fn stored_text_is_sent_as_it_is() {
        let r = row(Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"));
        let c = content(&r).unwrap();
        assert_eq!(c.subject, "Bekräftad: MA051G");
        assert_eq!(c.text, "Hej Alva! Välkommen.");
        assert_eq!(
            c.ics.as_deref(),
            Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        );
    }

    #[test]
    fn facts_that_do_not_render_say_why() {
        let no_template = facts("no_such_message", "{}", None);
        let e = build(&no_template, "noreply@skrivsal.test").unwrap_err();
        assert!(
            e.starts_with("rendering the no_such_message message (sv): "),
            "{e}"
        );
        assert!(e.contains("no_such_message.sv.txt"), "{e}");
        assert!(subject(&no_template).is_err());
        let garbled = facts("study_confirmed", "{not json", None);
        let e = build(&garbled, "noreply@skrivsal.test").unwrap_err();
        assert!(
            e.starts_with("the study_confirmed message's facts: "),
            "{e}"
        );
        let bad_invite = OutboxMessage {
            invite: Some("[]".into()),
            ..facts("study_confirmed", "{}", None)
        };
        let e = build(&bad_invite, "noreply@skrivsal.test").unwrap_err();
        assert!(
            e.starts_with("the study_confirmed message's invite facts: "),
            "{e}"
        );
    }

    #[test]
    fn a_bad_recipient_is_a_permanent_failure() {
        let mut r = row(None);
        r.to_address = "not an address".into();
        assert!(build(&r, "noreply@skrivsal.test")
            .unwrap_err()
            .contains("recipient"));
    }
}
