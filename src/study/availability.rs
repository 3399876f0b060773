//! Which study places are free: per study room, the day cut into intervals
//! with the seats free in each.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::actor::Caller;
use crate::calendar;
use crate::centres::calendar as centre_calendar;
use crate::centres::centre as centres;
use crate::db::schema::{sittings, study_bookings};
use crate::db::DbConn;
use crate::error::Error;
use crate::exams::booking::placed;
use crate::timefmt;
use crate::types::StudyBookingStatus;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// `YYYY-MM-DD`; today in the centre's zone when absent.
    #[param(format = Date)]
    pub date: Option<String>,
}

pub(super) fn query_date(q: &DateQuery, tz: Tz) -> Result<NaiveDate, Error> {
    crate::validate::query_date("date", q.date.as_deref(), || {
        crate::centres::calendar::today_in(tz)
    })
}

// Renamed in the API description: invigilators have an `AvailabilityOut` too.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StudyAvailability)]
pub struct AvailabilityOut {
    pub centre: String,
    pub date: NaiveDate,
    pub rooms: Vec<RoomAvailability>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoomAvailability {
    pub room: String,
    pub name: String,
    pub seats: i32,
    pub intervals: Vec<FreeInterval>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FreeInterval {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub free_seats: i32,
    /// Outside staffed hours: only students with a valid access card may book.
    pub card_holders_only: bool,
}

/// Per study room, the day cut into intervals at every opening, closing and
/// booking boundary, with the seats free in each.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn availability(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &DateQuery,
) -> Result<AvailabilityOut, Error> {
    let centre = centres::find_visible(conn, caller, key)?;
    let tz = centre.timezone.tz();
    let date = query_date(q, tz)?;
    let cal = centre_calendar::calendar_input(conn, &centre)?;
    let staffed = calendar::staffed_set(&cal, date, date);
    let open = calendar::access_set(&cal, date, date);
    let room_rows = super::bookings::study_rooms(conn, &centre.id)?;
    // Only the day's items (its spans never reach past its midnight); the
    // longest booking bounds the index range from below.
    let day_start = timefmt::local_midnight(tz, date).naive_utc();
    let day_end = timefmt::local_midnight(tz, date + chrono::Duration::days(1)).naive_utc();
    let earliest = day_start - super::bookings::longest_booking();
    let mut out_rooms = Vec::new();
    for room in room_rows {
        let bookings: Vec<(DateTime<Utc>, DateTime<Utc>)> = study_bookings::table
            .filter(study_bookings::room_id.eq(&room.id))
            .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
            .filter(study_bookings::starts_at.ge(earliest))
            .filter(study_bookings::starts_at.lt(day_end))
            .filter(study_bookings::ends_at.gt(day_start))
            .select((study_bookings::starts_at, study_bookings::ends_at))
            .load::<(chrono::NaiveDateTime, chrono::NaiveDateTime)>(conn)?
            .into_iter()
            .map(|(a, b)| (a.and_utc(), b.and_utc()))
            .collect();
        let exams: Vec<(DateTime<Utc>, DateTime<Utc>)> = sittings::table
            .filter(sittings::room_id.eq(&room.id))
            .filter(placed())
            .filter(sittings::starts_at.lt(day_end))
            .filter(sittings::ends_at.gt(day_start))
            .select((sittings::starts_at, sittings::ends_at))
            .load::<(Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>)>(conn)?
            .into_iter()
            .filter_map(|(a, b)| Some((a?.and_utc(), b?.and_utc())))
            .collect();
        let mut intervals = Vec::new();
        for span in open.iter() {
            let mut cuts = vec![span.start(), span.end()];
            for s in staffed.iter() {
                cuts.extend([s.start(), s.end()]);
            }
            for (a, b) in bookings.iter().chain(exams.iter()) {
                cuts.extend([*a, *b]);
            }
            cuts.retain(|t| *t >= span.start() && *t <= span.end());
            cuts.sort();
            cuts.dedup();
            for w in cuts.windows(2) {
                let (a, b) = (w[0], w[1]);
                let taken = bookings.iter().filter(|(x, y)| *x < b && a < *y).count() as i32;
                let exam_here = exams.iter().any(|(x, y)| *x < b && a < *y);
                let free = if exam_here {
                    0
                } else {
                    (room.seats - taken).max(0)
                };
                let card_only = !staffed.contains(a);
                match intervals.last_mut() {
                    Some(FreeInterval {
                        end,
                        free_seats,
                        card_holders_only,
                        ..
                    }) if *free_seats == free
                        && *card_holders_only == card_only
                        && *end == timefmt::local(a.naive_utc(), tz) =>
                    {
                        *end = timefmt::local(b.naive_utc(), tz);
                    }
                    _ => intervals.push(FreeInterval {
                        start: timefmt::local(a.naive_utc(), tz),
                        end: timefmt::local(b.naive_utc(), tz),
                        free_seats: free,
                        card_holders_only: card_only,
                    }),
                }
            }
        }
        out_rooms.push(RoomAvailability {
            room: room.id.into(),
            name: room.name,
            seats: room.seats,
            intervals,
        });
    }
    Ok(AvailabilityOut {
        centre: centre.slug,
        date,
        rooms: out_rooms,
    })
}
