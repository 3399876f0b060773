//! The booking core's database side: lock, load a snapshot, ask the pure
//! conflict checker (or the placement), write the result, all in one
//! transaction.
//!
//! Serialising conflicting writers: every booking write first locks its
//! centre (PostgreSQL: `SELECT … FOR UPDATE` on the centre row; SQLite: the
//! transaction is `BEGIN IMMEDIATE`, one writer at a time) and then the
//! students involved (a student's bookings at two centres must not race),
//! always in that order and students sorted by id, so two writers never wait
//! for each other in a cycle. Only then is the snapshot read, so the check
//! still holds when the write commits.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::centres::versions::{self, Versions};
use crate::conflicts::{self, ItemKind, ItemRef, Snapshot, SnapshotData, Violation};
use crate::db::models::{
    AccessCard, Centre, ExamRequest, Institution, Invigilator, InvigilatorAssignment, Room,
    Sitting, StudyBooking, User,
};
use crate::db::schema::{
    access_cards, exam_requests, institutions, invigilator_assignments, invigilators, rooms,
    sittings, study_bookings, users,
};
use crate::db::DbConn;
use crate::error::{Conflict, Context, Error};
use crate::types::{CentreId, ExamRequestId, RoomId, SittingStatus, StudyBookingStatus, UserId};
use crate::{
    centres::calendar as centre_calendar, centres::invigilators as inv_mod, mail::notify, timefmt,
};

/// Sitting states that hold a place.
pub const PLACED_STATES: [SittingStatus; 2] = [SittingStatus::Confirmed, SittingStatus::CheckedIn];

pub use crate::db::backend::lock_students;

/// Locks a centre for a booking write (see `centres::versions`): every
/// booking write at the centre takes it first, so a snapshot read after it
/// still holds when the write commits.
pub fn lock_centre(conn: &mut DbConn, centre_id: &CentreId) -> Result<Versions, Error> {
    versions::lock(conn, centre_id, versions::Change::Data)?.ok_or(Error::NotFound)
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The violations as the API's `conflicts`.
pub fn to_conflicts(violations: Vec<Violation>) -> Vec<Conflict> {
    violations
        .into_iter()
        .map(|v| Conflict {
            rule: v.rule.code().to_string(),
            message: v.message,
            with: v.with.map(|w| crate::error::ItemRef {
                kind: w.kind.code().to_string(),
                id: w.id,
            }),
            words: v.words,
        })
        .collect()
}

pub fn refused(detail: &str, violations: Vec<Violation>) -> Error {
    Error::conflict(detail, to_conflicts(violations))
}

fn exam_of(r: &ExamRequest, institution: &Institution) -> conflicts::Exam {
    let timing = match (r.starts_at, r.window_start, r.window_end) {
        (Some(s), _, _) => conflicts::ExamTiming::Fixed { starts_at: utc(s) },
        (None, Some(a), Some(b)) => conflicts::ExamTiming::Window {
            earliest_start: utc(a),
            latest_end: utc(b),
        },
        // The database's CHECK makes this unreachable; an impossible window
        // refuses every placement rather than inventing one.
        _ => conflicts::ExamTiming::Window {
            earliest_start: DateTime::<Utc>::MIN_UTC,
            latest_end: DateTime::<Utc>::MIN_UTC,
        },
    };
    conflicts::Exam {
        id: r.id.clone().into(),
        timing,
        duration_minutes: r.duration_minutes.max(0) as u32,
        start_offset_minutes: institution.start_offset_minutes.max(0) as u32,
    }
}

/// Everything the checker needs about `centre` for the local dates
/// `from..=to` (a day of margin either side is loaded, since items cross
/// midnight and the checker refuses changes outside its dates).
#[tracing::instrument(skip_all, fields(centre = %centre.id, from = %from, to = %to))]
pub fn snapshot(
    conn: &mut DbConn,
    centre: &Centre,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Snapshot, Error> {
    let tz = centre.timezone.tz();
    let (from, to) = (from - Duration::days(1), to + Duration::days(1));
    let start = timefmt::local_midnight(tz, from) - Duration::hours(12);
    let end = timefmt::local_midnight(tz, to + Duration::days(1)) + Duration::hours(12);
    let (start_n, end_n) = (start.naive_utc(), end.naive_utc());
    let calendar = centre_calendar::calendar_input(conn, centre)?;
    let room_rows: Vec<Room> = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .select(Room::as_select())
        .load(conn)?;
    let room_ids: Vec<RoomId> = room_rows.iter().map(|r| r.id.clone()).collect();
    let sitting_rows: Vec<Sitting> = sittings::table
        .filter(sittings::centre_id.eq(&centre.id))
        .filter(placed())
        .filter(sittings::starts_at.lt(end_n))
        .filter(sittings::ends_at.gt(start_n))
        .select(Sitting::as_select())
        .load(conn)
        .with_context(|| format!("loading sittings for centre {}", centre.id))?;
    let exam_ids: HashSet<ExamRequestId> = sitting_rows
        .iter()
        .map(|s| s.exam_request_id.clone())
        .collect();
    let exam_rows: Vec<(ExamRequest, Institution)> = exam_requests::table
        .inner_join(institutions::table)
        .filter(exam_requests::centre_id.eq(&centre.id))
        .filter(
            exam_requests::id
                .eq_any(exam_ids.into_iter().collect::<Vec<_>>())
                .or(exam_requests::starts_at.between(start_n, end_n))
                .or(exam_requests::window_start
                    .lt(end_n)
                    .and(exam_requests::window_end.gt(start_n))),
        )
        .select((ExamRequest::as_select(), Institution::as_select()))
        .load(conn)
        .with_context(|| format!("loading exam requests for centre {}", centre.id))?;
    let booking_rows: Vec<StudyBooking> = study_bookings::table
        .filter(study_bookings::centre_id.eq(&centre.id))
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(study_bookings::starts_at.lt(end_n))
        .filter(study_bookings::ends_at.gt(start_n))
        .select(StudyBooking::as_select())
        .load(conn)?;
    let assignment_rows: Vec<InvigilatorAssignment> = invigilator_assignments::table
        .filter(invigilator_assignments::room_id.eq_any(&room_ids))
        .filter(invigilator_assignments::starts_at.lt(end_n))
        .filter(invigilator_assignments::ends_at.gt(start_n))
        .select(InvigilatorAssignment::as_select())
        .load(conn)?;
    let inv_rows: Vec<Invigilator> = invigilators::table
        .filter(invigilators::centre_id.eq(&centre.id))
        .select(Invigilator::as_select())
        .load(conn)?;
    let mut invs = Vec::new();
    for i in inv_rows {
        let availability = inv_mod::load_availability(conn, &i.id)?;
        invs.push(conflicts::Invigilator {
            availability: crate::calendar::available_set(tz, &availability, from, to),
            id: i.id.into(),
            name: i.name,
            active: i.active,
        });
    }
    let cards: Vec<AccessCard> = access_cards::table
        .filter(access_cards::centre_id.eq(&centre.id))
        .filter(access_cards::revoked_at.is_null())
        .filter(access_cards::valid_to.ge(from))
        .filter(access_cards::valid_from.le(to))
        .select(AccessCard::as_select())
        .load(conn)?;
    let data = SnapshotData {
        centre: conflicts::CentreRules {
            calendar,
            invigilator_ratio: centre.invigilator_ratio.max(1) as u32,
        },
        from,
        to,
        rooms: room_rows
            .into_iter()
            .map(|r| conflicts::Room {
                id: r.id.into(),
                name: r.name,
                seats: r.seats.max(0) as u32,
                computer_seats: r.computer_seats.max(0) as u32,
                bookable_exam: r.bookable_exam,
                bookable_study: r.bookable_study,
                active: r.active,
            })
            .collect(),
        exams: exam_rows.iter().map(|(r, i)| exam_of(r, i)).collect(),
        sittings: sitting_rows.into_iter().filter_map(sitting_model).collect(),
        study_bookings: booking_rows.into_iter().map(study_model).collect(),
        assignments: assignment_rows
            .into_iter()
            .map(|a| conflicts::InvigilatorAssignment {
                id: a.id,
                invigilator_id: a.invigilator_id.into(),
                room_id: a.room_id.into(),
                start: utc(a.starts_at),
                end: utc(a.ends_at),
            })
            .collect(),
        invigilators: invs,
        access_cards: cards
            .into_iter()
            .map(|c| conflicts::AccessCard {
                student_id: c.student_id.into(),
                valid_from: c.valid_from,
                valid_to: c.valid_to,
            })
            .collect(),
    };
    Ok(Snapshot::new(data))
}

pub fn sitting_model(s: Sitting) -> Option<conflicts::Sitting> {
    Some(conflicts::Sitting {
        room_id: s.room_id?.into(),
        start: utc(s.starts_at?),
        end: utc(s.ends_at?),
        id: s.id.into(),
        exam_request_id: s.exam_request_id.into(),
        student_id: s.student_id.into(),
        computer: s.computer,
        separate_room: s.separate_room,
    })
}

fn study_model(b: StudyBooking) -> conflicts::StudyBooking {
    conflicts::StudyBooking {
        id: b.id.into(),
        student_id: b.student_id.into(),
        room_id: b.room_id.into(),
        start: utc(b.starts_at),
        end: utc(b.ends_at),
        computer: false,
    }
}

/// A student's live items at other centres overlapping `[start, end)`:
/// rule 5 holds across centres, which one centre's snapshot cannot see.
pub fn busy_elsewhere(
    conn: &mut DbConn,
    student_id: &UserId,
    centre_id: &CentreId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<crate::scheduler::BusySpan>, Error> {
    let (a, b) = (start.naive_utc(), end.naive_utc());
    let s: Vec<(String, Option<NaiveDateTime>, Option<NaiveDateTime>)> = sittings::table
        .filter(sittings::student_id.eq(student_id))
        .filter(sittings::centre_id.ne(centre_id))
        .filter(placed())
        .filter(sittings::starts_at.lt(b))
        .filter(sittings::ends_at.gt(a))
        .select((sittings::id, sittings::starts_at, sittings::ends_at))
        .load(conn)?;
    let mut out: Vec<_> = s
        .into_iter()
        .filter_map(|(id, s, e)| Some((utc(s?), utc(e?), ItemRef::new(ItemKind::Sitting, id))))
        .collect();
    let bks: Vec<(String, NaiveDateTime, NaiveDateTime)> = study_bookings::table
        .filter(study_bookings::student_id.eq(student_id))
        .filter(study_bookings::centre_id.ne(centre_id))
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(study_bookings::starts_at.lt(b))
        .filter(study_bookings::ends_at.gt(a))
        .select((
            study_bookings::id,
            study_bookings::starts_at,
            study_bookings::ends_at,
        ))
        .load(conn)?;
    for (id, s, e) in bks {
        out.push((utc(s), utc(e), ItemRef::new(ItemKind::StudyBooking, id)));
    }
    Ok(out)
}

/// A sitting holds a place ([`PLACED_STATES`]), written as two comparisons:
/// diesel prepares `eq_any`'s `IN (…)` anew for every call, this once per
/// connection.
pub fn placed() -> diesel::dsl::Or<
    diesel::dsl::Eq<sittings::status, SittingStatus>,
    diesel::dsl::Eq<sittings::status, SittingStatus>,
> {
    let [a, b] = PLACED_STATES;
    sittings::status.eq(a).or(sittings::status.eq(b))
}

/// `s` (a sitting of `r`) as the scheduler sees it: its own length, its
/// needs, where it is if `current`, and the student's commitments at other
/// centres during `[from, to)`.
pub fn task(
    conn: &mut DbConn,
    s: &Sitting,
    r: &ExamRequest,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    current: Option<(String, DateTime<Utc>)>,
) -> Result<crate::scheduler::Task, Error> {
    Ok(crate::scheduler::Task {
        id: s.id.clone().into(),
        exam_id: r.id.clone().into(),
        student_id: s.student_id.clone().into(),
        length: conflicts::personal_duration(
            r.duration_minutes.max(0) as u32,
            s.extra_time_percent.max(0) as u32,
            s.breaks_minutes.max(0) as u32,
        ),
        computer: s.computer || r.computer_required,
        separate_room: s.separate_room,
        accessible_room: s.accessible_room,
        current,
        busy_elsewhere: busy_elsewhere(conn, &s.student_id, &s.centre_id, from, to)?,
    })
}

/// Writes one invigilator assignment the checker has accepted.
pub fn insert_assignment(
    conn: &mut DbConn,
    a: &conflicts::InvigilatorAssignment,
    now: NaiveDateTime,
) -> Result<(), Error> {
    diesel::insert_into(invigilator_assignments::table)
        .values(&InvigilatorAssignment {
            id: a.id.clone(),
            invigilator_id: a.invigilator_id.clone().into(),
            room_id: a.room_id.clone().into(),
            starts_at: a.start.naive_utc(),
            ends_at: a.end.naive_utc(),
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}

/// The centre's wheelchair-accessible rooms, which the scheduler prefers for
/// sittings that ask for one.
pub fn accessible_rooms(conn: &mut DbConn, centre_id: &CentreId) -> Result<Vec<String>, Error> {
    Ok(rooms::table
        .filter(rooms::centre_id.eq(centre_id))
        .filter(rooms::accessible.eq(true))
        .select(rooms::id)
        .load(conn)?)
}

/// Cancels one sitting, drops invigilator assignments that no longer cover
/// anyone, and tells the student (with the calendar sequence bumped).
pub fn cancel_sitting_row(
    conn: &mut DbConn,
    host: &str,
    s: &Sitting,
    reason: &str,
) -> Result<(), Error> {
    diesel::update(sittings::table.find(&s.id))
        .set((
            sittings::status.eq(SittingStatus::Cancelled),
            sittings::status_reason.eq(Some(reason.to_string())),
            sittings::sequence.eq(s.sequence + 1),
            sittings::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    if let (Some(room), Some(a), Some(b)) = (&s.room_id, s.starts_at, s.ends_at) {
        prune_assignments(conn, room, a, b)?;
    }
    notify::sitting_cancelled(conn, host, s, reason)
}

/// Removes assignments in `room` overlapping `[from, to)` that overlap no
/// placed sitting any more. Assignments still covering someone stay whole.
pub fn prune_assignments(
    conn: &mut DbConn,
    room: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<(), Error> {
    let candidates: Vec<InvigilatorAssignment> = invigilator_assignments::table
        .filter(invigilator_assignments::room_id.eq(room))
        .filter(invigilator_assignments::starts_at.lt(to))
        .filter(invigilator_assignments::ends_at.gt(from))
        .select(InvigilatorAssignment::as_select())
        .load(conn)?;
    for a in candidates {
        let still: i64 = sittings::table
            .filter(sittings::room_id.eq(room))
            .filter(placed())
            .filter(sittings::starts_at.lt(a.ends_at))
            .filter(sittings::ends_at.gt(a.starts_at))
            .count()
            .get_result(conn)?;
        if still == 0 {
            diesel::delete(invigilator_assignments::table.find(&a.id)).execute(conn)?;
        }
    }
    Ok(())
}

/// Where [`placed_sittings`] looks.
#[derive(Debug, Clone, Copy)]
pub enum PlacedIn<'a> {
    Centre(&'a str),
    Room(&'a str),
}

/// The sittings placed (confirmed, or with their outcome) in a centre or a
/// room overlapping `[from, to)`, by start and booking code, with their
/// request and student: what the day's documents and the run sheet show.
pub fn placed_sittings(
    conn: &mut DbConn,
    within: PlacedIn<'_>,
    (from, to): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Vec<(Sitting, ExamRequest, User)>> {
    let mut q = sittings::table
        .inner_join(exam_requests::table)
        .inner_join(users::table)
        .filter(sittings::status.eq_any([
            SittingStatus::Confirmed,
            SittingStatus::CheckedIn,
            SittingStatus::Completed,
            SittingStatus::NoShow,
        ]))
        .filter(sittings::starts_at.lt(to))
        .filter(sittings::ends_at.gt(from))
        .into_boxed();
    q = match within {
        PlacedIn::Centre(id) => q.filter(sittings::centre_id.eq(id)),
        PlacedIn::Room(id) => q.filter(sittings::room_id.eq(id)),
    };
    q.order((sittings::starts_at, sittings::booking_code))
        .select((
            Sitting::as_select(),
            ExamRequest::as_select(),
            User::as_select(),
        ))
        .load(conn)
}
