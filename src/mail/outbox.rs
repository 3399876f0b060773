//! The mail outbox: messages are written here in the same transaction as the
//! change that causes them, so a change and its e-mail land together or not
//! at all. Delivery (SMTP or .eml files, with retries) reads from here.

use diesel::prelude::*;

use crate::db::models::OutboxMessage;
use crate::db::schema::mail_outbox;
use crate::db::{self, DbConn};
use crate::domain::Language;
use crate::types::MailStatus;

/// A message to queue.
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
        subject: mail.subject,
        body_text: mail.body_text,
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
    };
    let id = row.id.clone();
    diesel::insert_into(mail_outbox::table)
        .values(row)
        .execute(conn)?;
    Ok(id)
}
