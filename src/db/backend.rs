//! Every statement that differs between the backends, so that the areas'
//! queries are written once against the shared schema.
//!
//! PostgreSQL serialises conflicting writers with row locks (`FOR UPDATE`)
//! and lets several mail workers claim disjoint batches (`SKIP LOCKED`).
//! SQLite has one writer at a time: `write_tx` starts every writing
//! transaction with `BEGIN IMMEDIATE`, which already serialises them, so the
//! row locks are no-ops there and a claim is a plain select.

use diesel::prelude::*;

use crate::db::schema::{mail_outbox, users};
use crate::db::DbConn;
use crate::types::{MailStatus, UserId};

/// Locks students (sorted, so two writers never wait for each other in a
/// cycle) after their centre: a student's bookings at two centres must not
/// race.
pub fn lock_students(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<()> {
    if let DbConn::Postgres(pg) = conn {
        let mut sorted: Vec<&UserId> = ids.iter().collect();
        sorted.sort();
        sorted.dedup();
        for id in sorted {
            users::table
                .find(id)
                .select(users::id)
                .for_update()
                .first::<String>(pg)
                .optional()?;
        }
    }
    Ok(())
}

/// The ids of up to `limit` outbox messages due at `now` (pending and due, or
/// claimed by a worker whose lease ran out), oldest due first, skipping (on
/// PostgreSQL) rows another worker has locked meanwhile.
pub fn claim_due_mail(
    conn: &mut DbConn,
    now: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let due = mail_outbox::status
        .eq(MailStatus::Pending)
        .and(mail_outbox::next_attempt_at.le(now))
        .or(mail_outbox::status
            .eq(MailStatus::Sending)
            .and(mail_outbox::claimed_until.lt(now)));
    match conn {
        DbConn::Postgres(pg) => mail_outbox::table
            .filter(due)
            .order(mail_outbox::next_attempt_at)
            .limit(limit)
            .select(mail_outbox::id)
            .for_update()
            .skip_locked()
            .load(pg),
        DbConn::Sqlite(lite) => mail_outbox::table
            .filter(due)
            .order(mail_outbox::next_attempt_at)
            .limit(limit)
            .select(mail_outbox::id)
            .load(lite),
    }
}
