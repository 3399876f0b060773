//! Reminders before sittings, queued once per sitting however many server
//! processes run: each sitting is claimed by a conditional update of
//! `reminded_at`, and only the process whose update changed the row queues
//! the message, in the same transaction.

use diesel::prelude::*;

use crate::db::models::{ExamRequest, Sitting};
use crate::db::schema::{exam_requests, sittings};
use crate::db::{self, Database};
use crate::error::Error;
use crate::mail::notify;
use crate::types::SittingStatus;

/// Queues reminders for confirmed sittings that start within `hours`.
pub fn queue_due(db: &Database, host: &str, hours: i64) -> Result<usize, Error> {
    let mut conn = db.get()?;
    db::write_tx(&mut conn, |conn| {
        let now = db::now();
        let due: Vec<(Sitting, ExamRequest)> = sittings::table
            .inner_join(exam_requests::table)
            .filter(sittings::status.eq(SittingStatus::Confirmed))
            .filter(sittings::reminded_at.is_null())
            .filter(sittings::starts_at.gt(now))
            .filter(sittings::starts_at.le(now + chrono::Duration::hours(hours)))
            .limit(200)
            .select((Sitting::as_select(), ExamRequest::as_select()))
            .load(conn)?;
        let mut queued = 0;
        for (s, r) in due {
            let claimed = diesel::update(
                sittings::table
                    .filter(sittings::id.eq(&s.id))
                    .filter(sittings::reminded_at.is_null()),
            )
            .set(sittings::reminded_at.eq(Some(now)))
            .execute(conn)?;
            if claimed == 1 {
                notify::sitting_reminder(conn, host, &r, &s)?;
                queued += 1;
            }
        }
        Ok(queued)
    })
}
