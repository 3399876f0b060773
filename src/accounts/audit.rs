//! The audit log: who did what to which item, written in the same transaction
//! as the change itself so that the log and the data never disagree.

use diesel::prelude::*;

use crate::accounts::actor::Actor;
use crate::db::models::AuditEntry;
use crate::db::schema::audit_log;
use crate::db::{self, DbConn};
use crate::types::UserId;

pub struct Entry {
    actor_label: String,
    actor_user_id: Option<UserId>,
    action: String,
    target: Option<(String, String)>,
    ip: Option<String>,
    detail: serde_json::Value,
}

impl Entry {
    /// `actor` is a readable label kept even if the user is deleted: an
    /// e-mail address, or "cli" for the command line.
    pub fn new(actor: &str, action: &str) -> Entry {
        Entry {
            actor_label: actor.to_string(),
            actor_user_id: None,
            action: action.to_string(),
            target: None,
            ip: None,
            detail: serde_json::json!({}),
        }
    }

    pub fn by_user(mut self, user_id: &UserId) -> Entry {
        self.actor_user_id = Some(user_id.clone());
        self
    }

    /// An entry by an actor: a user by e-mail and id, the operator as "cli".
    pub fn by<'a>(actor: impl Into<Actor<'a>>, action: &str) -> Entry {
        let actor = actor.into();
        let entry = Entry::new(actor.label(), action);
        match actor.user_id() {
            Some(id) => entry.by_user(id),
            None => entry,
        }
    }

    pub fn target(mut self, kind: &str, id: &str) -> Entry {
        self.target = Some((kind.to_string(), id.to_string()));
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Entry {
        self.ip = ip;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Entry {
        self.detail = detail;
        self
    }
}

pub fn record(conn: &mut DbConn, entry: Entry) -> QueryResult<()> {
    let (target_kind, target_id) = match entry.target {
        Some((k, i)) => (Some(k), Some(i)),
        None => (None, None),
    };
    diesel::insert_into(audit_log::table)
        .values(&AuditEntry {
            id: db::new_id(),
            at: db::now(),
            actor_user_id: entry.actor_user_id,
            actor_label: entry.actor_label,
            action: entry.action,
            target_kind,
            target_id,
            ip: entry.ip,
            detail: entry.detail.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

/// The common case: an actor did `action` to one item.
pub fn record_by<'a>(
    conn: &mut DbConn,
    actor: impl Into<Actor<'a>>,
    action: &str,
    target_kind: &str,
    target_id: &str,
) -> QueryResult<()> {
    record(
        conn,
        Entry::by(actor, action).target(target_kind, target_id),
    )
}
