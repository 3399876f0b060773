//! Study places: booking (confirmed at once when every rule holds) and
//! cancelling.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::policy::{Action, Resource};
use crate::calendar;
use crate::centres::centre as centres;
use crate::centres::rules::{self, Rules};
use crate::conflicts::{self, Change, ItemKind, ItemRef, Rule, Snapshot, SnapshotData, Violation};
use crate::db::models::{Centre, Room, StudyBooking};
use crate::db::schema::{rooms, sittings, study_bookings};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::exams::booking::{self, refused};
use crate::policy::study_limits;
use crate::types::{
    CentreId, ExamRequestId, RoomId, RoomKind, SittingId, StudyBookingId, StudyBookingStatus,
    UserId,
};
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify, timefmt};

pub const MAX_BOOKING_HOURS: i64 = 16;

/// No study booking lasts longer: `span` counts whole hours, so it lets
/// minutes past the last hour through. Every write of a booking's times goes
/// through `span`; the queries for bookings overlapping a span start their
/// index range this much before it.
pub(super) fn longest_booking() -> Duration {
    Duration::hours(MAX_BOOKING_HOURS + 1)
}

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

/// The centre's per-student limits over the student's bookings there
/// (`own`: those not yet ended or in the week of the span, the one being
/// moved left out), as violations.
fn limits(
    centre: &Centre,
    own: &[LiveBooking],
    except: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    let item = ItemRef::new(ItemKind::StudyBooking, except);
    let violation = |message| Violation {
        rule: Rule::InvalidItem,
        message,
        item: item.clone(),
        with: None,
        span: None,
        words: Vec::new(),
    };
    if let Some(max) = centre.max_future_study_bookings {
        let now = db::now();
        let future = own.iter().filter(|b| b.ends_at > now).count() as i64;
        if let Some(message) = study_limits::future_bookings(i64::from(max), future) {
            out.push(violation(message));
        }
    }
    if let Some(max_hours) = centre.max_study_hours_per_week {
        let (a, b) = week_of(centre.timezone.tz(), start);
        let booked: i64 = own
            .iter()
            .filter(|x| x.starts_at < b && x.ends_at > a)
            .map(|x| (x.ends_at - x.starts_at).num_minutes())
            .sum();
        let asked = (end - start).num_minutes();
        if let Some(message) = study_limits::weekly_hours(i64::from(max_hours), booked, asked) {
            out.push(violation(message));
        }
    }
    out
}

/// The week (Monday to Sunday, local) of `t`, as stored times.
fn week_of(tz: Tz, t: DateTime<Utc>) -> (NaiveDateTime, NaiveDateTime) {
    let (a, b) = week_bounds(tz, t.with_timezone(&tz).date_naive());
    (a.naive_utc(), b.naive_utc())
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
    rules: &Rules,
    v: &mut Validator,
    named: Option<&str>,
    preferred: Option<&str>,
) -> Vec<Room> {
    let room_rows = rules.study_rooms();
    match named {
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
    }
}

/// A booking's `[start, end)`.
pub(super) type Span = (DateTime<Utc>, DateTime<Utc>);

/// The asked span and the rooms to try, or every bad field at once.
pub(super) fn asked(
    rules: &Rules,
    (starts_at, ends_at): (&str, &str),
    named: Option<&str>,
    preferred: Option<&str>,
) -> Result<(Span, Vec<Room>), Error> {
    let mut v = Validator::new();
    let span = span(&mut v, rules.centre.timezone.tz(), starts_at, ends_at);
    let rooms = candidates(rules, &mut v, named, preferred);
    v.finish()?;
    match span {
        Some(span) => Ok((span, rooms)),
        None => Err(anyhow::anyhow!("validated times missing").into()),
    }
}

/// Locks the centre and the student for a study booking's write, in the
/// house's order, and gives the centre's rules as of now.
pub(super) fn lock(
    conn: &mut DbConn,
    centre: &CentreId,
    student: &UserId,
) -> Result<Arc<Rules>, Error> {
    let versions = booking::lock_centre(conn, centre)?;
    booking::lock_students(conn, std::slice::from_ref(student))?;
    rules::under_lock(conn, centre, versions)
}

/// A confirmed study booking as a check reads it.
#[derive(Debug, Clone, Queryable)]
struct LiveBooking {
    id: StudyBookingId,
    centre_id: CentreId,
    room_id: RoomId,
    student_id: UserId,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
}

/// A placed sitting as a study booking's check reads it.
#[derive(Debug, Clone, Queryable)]
struct LiveSitting {
    id: SittingId,
    exam_request_id: ExamRequestId,
    centre_id: CentreId,
    student_id: UserId,
    room_id: RoomId,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    computer: bool,
    separate_room: bool,
}

/// What a study booking's check reads beyond the centre's rules, in two
/// statements: the centre's items overlapping the span and the student's
/// bookings that have not ended.
struct Around {
    snapshot: Snapshot,
    /// The student's first live item at another centre overlapping the span
    /// (rule 5 holds across centres).
    elsewhere: Option<ItemRef>,
    /// The student's confirmed bookings at this centre that have not ended
    /// or fall in the span's week, the one being moved left out: the limits.
    own: Vec<LiveBooking>,
}

/// Loads [`Around`] for booking `except` (new, or being moved) of `student`
/// over `[start, end)` under the centre's lock.
///
/// The snapshot holds only the items that can matter, and that is all a
/// study booking's check reads: rule 1 (opening hours, access cards, closed
/// days) reads the calendar of the span's own local dates and the student's
/// cards, which come from the rules; rules 2 (seats), 3 (separate room) and 4
/// (exams and study mixed) count the items in the booking's room at the
/// instants of the span, and the room is one bookable for study; rule 5
/// reads the student's items overlapping the span; `room_not_bookable` and
/// `room_inactive` the room itself. The rules that reach further (coverage
/// and ratio, invigilator availability and double booking, an exam's timing)
/// judge sittings and assignments, which a study booking does not change, so
/// no margin is needed. A moved booking's old row need not be loaded either:
/// the checker sets a changed id's old version aside.
fn around(
    conn: &mut DbConn,
    rules: &Rules,
    student: &UserId,
    except: &StudyBookingId,
    (start, end): Span,
) -> Result<Around, Error> {
    let centre = &rules.centre;
    let tz = centre.timezone.tz();
    let (a, b) = (start.naive_utc(), end.naive_utc());
    let (week_start, _) = week_of(tz, start);
    // A booking overlapping the span starts no earlier than this: the
    // index's range starts near the span instead of at the centre's first.
    let earliest = a - longest_booking();
    let not_ended = db::now().min(week_start).min(a);
    let bookings: Vec<LiveBooking> = crate::on_backend!(conn, |c| study_bookings::table
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(
            study_bookings::centre_id
                .eq(&centre.id)
                .and(study_bookings::starts_at.ge(earliest))
                .and(study_bookings::starts_at.lt(b))
                .and(study_bookings::ends_at.gt(a))
                .or(study_bookings::student_id
                    .eq(student)
                    .and(study_bookings::ends_at.gt(not_ended))),
        )
        .select((
            study_bookings::id,
            study_bookings::centre_id,
            study_bookings::room_id,
            study_bookings::student_id,
            study_bookings::starts_at,
            study_bookings::ends_at,
        ))
        .load(c))?;
    // The sittings in the centre's study rooms (an exam hall's many
    // sittings cannot share a room with a study place), and the student's.
    let study_rooms = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .filter(rooms::bookable_study.eq(true))
        .select(rooms::id.nullable());
    let sitting_rows: Vec<LiveSitting> = crate::on_backend!(conn, |c| sittings::table
        .filter(booking::placed())
        .filter(sittings::ends_at.gt(a))
        .filter(sittings::starts_at.lt(b))
        .filter(
            sittings::room_id
                .eq_any(study_rooms)
                .or(sittings::student_id.eq(student)),
        )
        .select((
            sittings::id,
            sittings::exam_request_id,
            sittings::centre_id,
            sittings::student_id,
            sittings::room_id.assume_not_null(),
            sittings::starts_at.assume_not_null(),
            sittings::ends_at.assume_not_null(),
            sittings::computer,
            sittings::separate_room,
        ))
        .load(c))?;
    let overlaps = |x: &LiveBooking| x.starts_at < b && x.ends_at > a;
    let here = |x: &LiveBooking| x.centre_id == centre.id;
    let elsewhere = sitting_rows
        .iter()
        .find(|s| s.centre_id != centre.id)
        .map(|s| ItemRef::new(ItemKind::Sitting, s.id.as_str()))
        .or_else(|| {
            bookings
                .iter()
                .find(|x| !here(x) && overlaps(x))
                .map(|x| ItemRef::new(ItemKind::StudyBooking, x.id.as_str()))
        });
    let own = bookings
        .iter()
        .filter(|x| here(x) && x.student_id == *student && x.id != *except)
        .cloned()
        .collect();
    let (from, to) = (
        start.with_timezone(&tz).date_naive(),
        end.with_timezone(&tz).date_naive(),
    );
    let mut calendar = rules.calendar.clone();
    calendar.closures.retain(|c| c.to >= from && c.from <= to);
    let data = SnapshotData {
        centre: conflicts::CentreRules {
            calendar,
            invigilator_ratio: rules.invigilator_ratio(),
        },
        from,
        to,
        rooms: rules.model_rooms.clone(),
        // Only a changed sitting reads its exam, an assignment its
        // invigilator.
        exams: Vec::new(),
        sittings: sitting_rows
            .into_iter()
            .filter(|s| s.centre_id == centre.id)
            .map(|s| conflicts::Sitting {
                id: s.id.into(),
                exam_request_id: s.exam_request_id.into(),
                student_id: s.student_id.into(),
                room_id: s.room_id.into(),
                start: s.starts_at.and_utc(),
                end: s.ends_at.and_utc(),
                computer: s.computer,
                separate_room: s.separate_room,
            })
            .collect(),
        study_bookings: bookings
            .into_iter()
            .filter(|x| here(x) && overlaps(x))
            .map(|x| conflicts::StudyBooking {
                id: x.id.into(),
                student_id: x.student_id.into(),
                room_id: x.room_id.into(),
                start: x.starts_at.and_utc(),
                end: x.ends_at.and_utc(),
                computer: false,
            })
            .collect(),
        assignments: Vec::new(),
        invigilators: Vec::new(),
        access_cards: rules
            .cards_during(from, to)
            .filter(|c| c.student_id == student.as_str())
            .collect(),
    };
    Ok(Around {
        snapshot: Snapshot::new(data),
        elsewhere,
        own,
    })
}

/// Booking `id` for `student` at `[start, end)` under the centre's lock
/// (see [`lock`]): the first candidate room where every rule holds, or the
/// refusal. A booking being moved keeps its id, so the checker and the
/// limits count its old span as gone.
pub(super) fn place(
    conn: &mut DbConn,
    rules: &Rules,
    student: &UserId,
    id: &StudyBookingId,
    (start, end): Span,
    candidates: &[Room],
) -> Result<Room, Error> {
    let around = around(conn, rules, student, id, (start, end))?;
    let over = limits(&rules.centre, &around.own, id, start, end);
    if !over.is_empty() {
        return Err(limit_conflicts(over));
    }
    if let Some(with) = around.elsewhere {
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
    let snapshot = around.snapshot;
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
        let rules = lock(conn, &centre.id, &caller.user_id)?;
        let ((start, end), candidates) = asked(
            &rules,
            (&input.starts_at, &input.ends_at),
            input.room.as_deref(),
            None,
        )?;
        let id: StudyBookingId = db::new_id();
        let room = place(
            conn,
            &rules,
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
        crate::on_backend!(conn, |c| diesel::insert_into(study_bookings::table)
            .values(&row)
            .execute(c))?;
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
