//! Study places: booking (confirmed at once when every rule holds) and
//! cancelling.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::policy::{Action, Resource};
use crate::calendar;
use crate::centres::centre as centres;
use crate::conflicts::{self, Change, ItemKind, ItemRef, Rule, Violation};
use crate::db::models::{Centre, Room, StudyBooking};
use crate::db::schema::{rooms, study_bookings};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::exams::booking::{self, refused};
use crate::policy::study_limits;
use crate::types::{RoomKind, StudyBookingId, StudyBookingStatus, UserId};
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify, timefmt};

pub const MAX_BOOKING_HOURS: i64 = 16;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudyInput {
    /// The centre's slug or id.
    pub centre: String,
    /// A room id; any study room with a free seat when absent.
    pub room: Option<String>,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T10:00")]
    pub starts_at: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T12:00")]
    pub ends_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudyBookingOut {
    pub id: String,
    pub booking_code: String,
    pub centre: String,
    pub room: String,
    pub room_name: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub status: String,
}

pub(super) fn out(b: StudyBooking, centre: &Centre, room_name: String) -> StudyBookingOut {
    let tz = centre.timezone.tz();
    StudyBookingOut {
        starts_at: timefmt::local(b.starts_at, tz),
        ends_at: timefmt::local(b.ends_at, tz),
        id: b.id.into(),
        booking_code: b.booking_code,
        centre: centre.slug.clone(),
        room: b.room_id.into(),
        room_name,
        status: b.status.as_str().into(),
    }
}

/// The Monday-to-Sunday week of a local date, as UTC bounds.
fn week_bounds(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    (
        timefmt::local_midnight(tz, monday),
        timefmt::local_midnight(tz, monday + Duration::days(7)),
    )
}

/// The centre's per-student limits, as violations; `except` (a booking
/// being moved, or the new id) does not count.
fn limits(
    conn: &mut DbConn,
    centre: &Centre,
    student: &str,
    except: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<Violation>, Error> {
    let mut out = Vec::new();
    let item = ItemRef::new(ItemKind::StudyBooking, except);
    if let Some(max) = centre.max_future_study_bookings {
        let future: i64 = study_bookings::table
            .filter(study_bookings::centre_id.eq(&centre.id))
            .filter(study_bookings::student_id.eq(student))
            .filter(study_bookings::id.ne(except))
            .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
            .filter(study_bookings::ends_at.gt(db::now()))
            .count()
            .get_result(conn)?;
        if let Some(message) = study_limits::future_bookings(i64::from(max), future) {
            out.push(Violation {
                rule: Rule::InvalidItem,
                message,
                item: item.clone(),
                with: None,
                span: None,
                words: Vec::new(),
            });
        }
    }
    if let Some(max_hours) = centre.max_study_hours_per_week {
        let tz = centre.timezone.tz();
        let (a, b) = week_bounds(tz, start.with_timezone(&tz).date_naive());
        let rows: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime)> = study_bookings::table
            .filter(study_bookings::centre_id.eq(&centre.id))
            .filter(study_bookings::student_id.eq(student))
            .filter(study_bookings::id.ne(except))
            .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
            .filter(study_bookings::starts_at.lt(b.naive_utc()))
            .filter(study_bookings::ends_at.gt(a.naive_utc()))
            .select((study_bookings::starts_at, study_bookings::ends_at))
            .load(conn)?;
        let booked: i64 = rows.iter().map(|(s, e)| (*e - *s).num_minutes()).sum();
        let asked = (end - start).num_minutes();
        if let Some(message) = study_limits::weekly_hours(i64::from(max_hours), booked, asked) {
            out.push(Violation {
                rule: Rule::InvalidItem,
                message,
                item,
                with: None,
                span: None,
                words: Vec::new(),
            });
        }
    }
    Ok(out)
}

fn limit_conflicts(v: Vec<Violation>) -> Error {
    Error::conflict(
        "the centre's booking limits do not allow this booking",
        v.into_iter()
            .map(|v| crate::error::Conflict {
                rule: study_limits::CODE.into(),
                message: v.message,
                with: None,
                words: Vec::new(),
            })
            .collect(),
    )
}

/// The asked span, each bad time a field error in `v`.
fn span(v: &mut Validator, tz: Tz, starts_at: &str, ends_at: &str) -> Option<Span> {
    let start = calendar::parse_instant(starts_at, tz)
        .map_err(|e| v.error("starts_at", e.rule(), e.to_string()))
        .ok();
    let end = calendar::parse_instant(ends_at, tz)
        .map_err(|e| v.error("ends_at", e.rule(), e.to_string()))
        .ok();
    let (s, e) = (start?, end?);
    if v.check(s < e, "ends_at", "after_start", "must be after starts_at") {
        v.check(
            (e - s).num_hours() <= MAX_BOOKING_HOURS,
            "ends_at",
            "max_length",
            format!("a booking lasts at most {MAX_BOOKING_HOURS} hours"),
        );
    }
    v.check(
        s > crate::clock::now(),
        "starts_at",
        "future",
        "must be in the future",
    );
    Some((s, e))
}

/// A centre's active rooms bookable for study, by name.
pub(super) fn study_rooms(conn: &mut DbConn, centre_id: &str) -> Result<Vec<Room>, Error> {
    Ok(rooms::table
        .filter(rooms::centre_id.eq(centre_id))
        .filter(rooms::active.eq(true))
        .filter(rooms::bookable_study.eq(true))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?)
}

/// The study rooms to try, in order: the one named, or else `preferred`
/// (a moved booking's own room) and then the room meant for study, then the
/// largest. A group room or a video room is where a group meets, and a lone
/// student there takes it from them.
fn candidates(
    conn: &mut DbConn,
    v: &mut Validator,
    centre: &Centre,
    named: Option<&str>,
    preferred: Option<&str>,
) -> Result<Vec<Room>, Error> {
    let room_rows = study_rooms(conn, &centre.id)?;
    Ok(match named {
        Some(r) => {
            let found: Vec<Room> = room_rows
                .into_iter()
                .filter(|x| x.id == r || x.name == r)
                .collect();
            if found.is_empty() {
                v.error(
                    "room",
                    "exists",
                    "no study room with that id at this centre",
                );
            }
            found
        }
        None => {
            let mut rows = room_rows;
            rows.sort_by_key(|r| {
                (
                    Some(r.id.as_str()) != preferred,
                    r.kind != RoomKind::StudyArea,
                    std::cmp::Reverse(r.seats),
                )
            });
            rows
        }
    })
}

/// A booking's `[start, end)`.
pub(super) type Span = (DateTime<Utc>, DateTime<Utc>);

/// The asked span and the rooms to try, or every bad field at once.
pub(super) fn asked(
    conn: &mut DbConn,
    centre: &Centre,
    (starts_at, ends_at): (&str, &str),
    named: Option<&str>,
    preferred: Option<&str>,
) -> Result<(Span, Vec<Room>), Error> {
    let mut v = Validator::new();
    let span = span(&mut v, centre.timezone.tz(), starts_at, ends_at);
    let rooms = candidates(conn, &mut v, centre, named, preferred)?;
    v.finish()?;
    match span {
        Some(span) => Ok((span, rooms)),
        None => Err(anyhow::anyhow!("validated times missing").into()),
    }
}

/// Booking `id` for `student` at `[start, end)`: the first candidate room
/// where every rule holds, or the refusal. A booking being moved keeps its
/// id, so the checker and the limits count its old span as gone.
pub(super) fn place(
    conn: &mut DbConn,
    centre: &Centre,
    student: &UserId,
    id: &StudyBookingId,
    (start, end): Span,
    candidates: &[Room],
) -> Result<Room, Error> {
    booking::lock_centre(conn, &centre.id)?;
    booking::lock_students(conn, std::slice::from_ref(student))?;
    let over = limits(conn, centre, student, id, start, end)?;
    if !over.is_empty() {
        return Err(limit_conflicts(over));
    }
    let elsewhere = booking::busy_elsewhere(conn, student, &centre.id, start, end)?;
    if let Some((_, _, with)) = elsewhere.into_iter().next() {
        return Err(refused(
            "the booking breaks a rule",
            vec![Violation {
                rule: Rule::StudentDoubleBooked,
                message: "you have another booking at that time at another centre".into(),
                item: ItemRef::new(ItemKind::StudyBooking, id.as_str()),
                with: Some(with),
                span: None,
                words: Vec::new(),
            }],
        ));
    }
    let tz = centre.timezone.tz();
    let snapshot = booking::snapshot(
        conn,
        centre,
        start.with_timezone(&tz).date_naive(),
        end.with_timezone(&tz).date_naive(),
    )?;
    let mut first_refusal = None;
    for room in candidates {
        let change = Change::BookStudy(conflicts::StudyBooking {
            id: id.to_string(),
            student_id: student.to_string(),
            room_id: room.id.clone().into(),
            start,
            end,
            computer: false,
        });
        match conflicts::check(&snapshot, &[change]) {
            Ok(()) => return Ok(room.clone()),
            Err(v) => {
                first_refusal.get_or_insert(v);
            }
        }
    }
    Err(refused(
        "no study place is free for that time",
        first_refusal.unwrap_or_else(|| {
            vec![Violation {
                rule: Rule::RoomNotBookable,
                message: "the centre has no room bookable for study".into(),
                item: ItemRef::new(ItemKind::StudyBooking, id.as_str()),
                with: None,
                span: None,
                words: Vec::new(),
            }]
        }),
    ))
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn book(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    input: StudyInput,
) -> Result<StudyBookingOut, Error> {
    crate::accounts::policy::authorize(caller, Action::Book, Resource::Service)?;
    db::write_tx(conn, |conn| {
        let centre = match centres::find_visible(conn, caller, &input.centre) {
            Ok(c) if c.active => c,
            _ => {
                return Err(Error::invalid(
                    "centre",
                    "exists",
                    format!("no active centre `{}`", input.centre),
                ))
            }
        };
        let ((start, end), candidates) = asked(
            conn,
            &centre,
            (&input.starts_at, &input.ends_at),
            input.room.as_deref(),
            None,
        )?;
        let id: StudyBookingId = db::new_id();
        let room = place(
            conn,
            &centre,
            &caller.user_id,
            &id,
            (start, end),
            &candidates,
        )?;
        let row = StudyBooking {
            id,
            centre_id: centre.id.clone(),
            room_id: room.id.clone(),
            student_id: caller.user_id.clone(),
            booking_code: crate::exams::requests::fresh_booking_code(conn, &centre.id)?,
            starts_at: start.naive_utc(),
            ends_at: end.naive_utc(),
            status: StudyBookingStatus::Confirmed,
            sequence: 0,
            created_at: db::now(),
            cancelled_at: None,
        };
        diesel::insert_into(study_bookings::table)
            .values(&row)
            .execute(conn)?;
        notify::study_booking(conn, host, &row, notify::StudyNotice::Confirmed)?;
        audit::record_by(
            conn,
            caller,
            "study_booking.create",
            "study_booking",
            &row.id,
        )?;
        Ok(out(row, &centre, room.name))
    })
}

/// Booking `id`, if `caller` may do `action` to it and it is confirmed.
pub(super) fn confirmed_booking(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    action: Action,
    verb: &str,
) -> Result<StudyBooking, Error> {
    let b: StudyBooking = study_bookings::table
        .find(id)
        .select(StudyBooking::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let resource = Resource::StudyBooking {
        student: &b.student_id,
        centre: &b.centre_id,
    };
    crate::accounts::policy::authorize(caller, action, resource)?;
    crate::error::require_state(
        "study booking",
        b.status,
        &[StudyBookingStatus::Confirmed],
        verb,
    )?;
    Ok(b)
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, booking = %id))]
pub fn cancel(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &StudyBookingId,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let b = confirmed_booking(conn, caller, id, Action::CancelBooking, "cancel")?;
        crate::centres::versions::data_changed(conn, &b.centre_id)?;
        // Again under the centre's lock: a cancel racing this one has won.
        let b = confirmed_booking(conn, caller, id, Action::CancelBooking, "cancel")?;
        let now = db::now();
        diesel::update(study_bookings::table.find(&b.id))
            .set((
                study_bookings::status.eq(StudyBookingStatus::Cancelled),
                study_bookings::cancelled_at.eq(Some(now)),
                study_bookings::sequence.eq(b.sequence + 1),
            ))
            .execute(conn)?;
        notify::study_booking(conn, host, &b, notify::StudyNotice::Cancelled)?;
        audit::record_by(conn, caller, "study_booking.cancel", "study_booking", &b.id)?;
        Ok(())
    })
}
