//! The mail outbox: messages are written here in the same transaction as the
//! change that causes them, so a change and its e-mail land together or not
//! at all. Delivery (SMTP or .eml files, with retries) reads from here.
//!
//! A message is queued as its facts (`Facts`: the template context and the
//! invite's facts, JSON snapshots taken at the time of the change) and
//! rendered when it is sent, so templating costs nothing inside the
//! booking's transaction and centre lock (issue 15). A message with text of
//! its own (`Mail`) is kept as it is: rows written before the outbox kept
//! facts are of that kind, and so are messages without a template.

use diesel::prelude::*;

use crate::db::models::{NewOutboxFacts, OutboxMessage};
use crate::db::schema::mail_outbox;
use crate::db::{self, DbConn};
use crate::domain::Language;
use crate::types::MailStatus;

/// A message to queue with its text already written.
pub struct Mail<'a> {
    pub kind: &'a str,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub language: Language,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    /// A calendar invite (.ics) to attach.
    pub ics: Option<String>,
    pub related: Option<(&'a str, &'a str)>,
}

/// A message to queue as facts, rendered from `templates/email/` when sent.
pub struct Facts<'a> {
    pub kind: &'a str,
    pub to_address: &'a str,
    pub to_name: &'a str,
    pub language: Language,
    /// The template context as JSON (`templates::context_to_json`).
    pub context: String,
    /// The invite's facts as JSON (`ics::InviteFacts`).
    pub invite: Option<String>,
    pub related: Option<(&'a str, &'a str)>,
}

/// The domain used in Message-IDs: the public URL's host, so that ids are
/// unique per deployment.
pub fn message_id(host: &str) -> String {
    format!("<{}@{}>", uuid::Uuid::now_v7(), host)
}

pub fn enqueue(conn: &mut DbConn, mail: Mail<'_>, host: &str) -> QueryResult<String> {
    let now = db::now();
    let row = OutboxMessage {
        id: db::new_id(),
        message_id: message_id(host),
        kind: mail.kind.to_string(),
        to_address: mail.to_address.to_string(),
        to_name: mail.to_name.to_string(),
        language: mail.language,
        subject: Some(mail.subject),
        body_text: Some(mail.body_text),
        body_html: mail.body_html,
        ics: mail.ics,
        related_kind: mail.related.map(|r| r.0.to_string()),
        related_id: mail.related.map(|r| r.1.to_string()),
        status: MailStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        claimed_until: None,
        last_error: None,
        created_at: now,
        sent_at: None,
        context: None,
        invite: None,
    };
    let id = row.id.clone();
    diesel::insert_into(mail_outbox::table)
        .values(row)
        .execute(conn)?;
    Ok(id)
}

pub fn enqueue_facts(conn: &mut DbConn, facts: Facts<'_>, host: &str) -> QueryResult<String> {
    let now = db::now();
    let id: String = db::new_id();
    diesel::insert_into(mail_outbox::table)
        .values(NewOutboxFacts {
            id: id.clone(),
            message_id: message_id(host),
            kind: facts.kind,
            to_address: facts.to_address,
            to_name: facts.to_name,
            language: facts.language,
            related_kind: facts.related.map(|r| r.0),
            related_id: facts.related.map(|r| r.1),
            next_attempt_at: now,
            created_at: now,
            context: facts.context,
            invite: facts.invite,
        })
        .execute(conn)?;
    Ok(id)
}
