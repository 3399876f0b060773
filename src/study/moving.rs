//! Giving a study booking a new time (and perhaps room): one transaction
//! that checks the new span as a new booking would be checked, with the
//! booking's own old span counted as gone, and frees the old span only when
//! the new one is accepted. The booking keeps its id and code; the student
//! gets the invite again under the same UID at a higher sequence.

use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::bookings::{asked, confirmed_booking, lock, out, place, StudyBookingOut};
use crate::accounts::actor::Caller;
use crate::accounts::policy::Action;
use crate::db::models::StudyBooking;
use crate::db::schema::study_bookings;
use crate::db::{self, DbConn};
use crate::error::{Conflict, Error};
use crate::mail::notify::{self, StudyNotice};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// A room id or name at the booking's centre; when absent, the
    /// booking's own room if it is free then, else any study room.
    pub room: Option<String>,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T13:00")]
    pub starts_at: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T15:00")]
    pub ends_at: String,
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, booking = %id))]
pub fn move_booking(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &str,
    input: MoveInput,
) -> Result<StudyBookingOut, Error> {
    db::write_tx(conn, |conn| {
        let b = confirmed_booking(conn, caller, id, Action::MoveStudyBooking, "move")?;
        // What is over is a record of what happened, not a plan to change.
        if b.ends_at <= db::now() {
            return Err(Error::conflict(
                "a study booking that is over cannot be moved",
                vec![Conflict {
                    rule: "state".into(),
                    message: "the booking has already ended".into(),
                    with: None,
                    words: Vec::new(),
                }],
            ));
        }
        let rules = lock(conn, &b.centre_id, &b.student_id)?;
        // Again under the centre's lock: a cancel or move racing this one
        // has won.
        let b = confirmed_booking(conn, caller, id, Action::MoveStudyBooking, "move")?;
        let ((start, end), rooms) = asked(
            &rules,
            (&input.starts_at, &input.ends_at),
            input.room.as_deref().filter(|r| !r.is_empty()),
            Some(&b.room_id),
        )?;
        let room = place(conn, &rules, &b.student_id, &b.id, (start, end), &rooms)?;
        let moved = StudyBooking {
            room_id: room.id.clone(),
            starts_at: start.naive_utc(),
            ends_at: end.naive_utc(),
            sequence: b.sequence + 1,
            ..b
        };
        diesel::update(study_bookings::table.find(&moved.id))
            .set((
                study_bookings::room_id.eq(&moved.room_id),
                study_bookings::starts_at.eq(moved.starts_at),
                study_bookings::ends_at.eq(moved.ends_at),
                study_bookings::sequence.eq(moved.sequence),
            ))
            .execute(conn)?;
        notify::study_booking(conn, host, &moved, StudyNotice::Moved)?;
        crate::accounts::audit::record_by(
            conn,
            caller,
            "study_booking.move",
            "study_booking",
            &moved.id,
        )?;
        Ok(out(moved, &rules.centre, room.name))
    })
}
