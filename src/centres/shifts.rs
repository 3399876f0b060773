//! An invigilator's own shifts: their assignments with the sittings in the
//! room during each, a room's run sheet for a day, and what a new
//! availability would do to the assignments already made.
//!
//! Who may see and mark what is asked of `accounts::policy`, as the API's
//! operations do: the run sheet is staff data of the centre, marking
//! attendance is `MarkAttendance`, names follow `person_view`.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Action, Resource, Shown};
use crate::calendar::Interval;
use crate::centres::invigilators::{self as invigilator_ops, AvailabilityInput};
use crate::conflicts::rules::invigilator_availability;
use crate::db::models::{Centre, Invigilator, InvigilatorAssignment, Room};
use crate::db::schema::{centres, invigilator_assignments, invigilators, rooms};
use crate::db::DbConn;
use crate::error::Error;
use crate::exams::booking::{self, PlacedIn};
use crate::exams::requests::{accommodations_of, Accommodations};
use crate::timefmt;
use crate::types::{InvigilatorId, SittingStatus};

/// How far back "Mina pass" shows past shifts.
const PAST_DAYS: i64 = 30;

/// A sitting as the invigilator in the room sees it.
#[derive(Debug)]
pub struct RoomSitting {
    pub id: String,
    pub booking_code: String,
    /// The student's name where `policy::person_view` shows it.
    pub student: Option<String>,
    pub course_code: String,
    pub title: String,
    pub aids: String,
    /// Personal start and end (extra time included), in the centre's zone.
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub status: SittingStatus,
    pub accommodations: Accommodations,
    /// Whether the caller may check in, complete or mark a no-show.
    pub may_mark: bool,
}

/// One assignment: a room over a span.
#[derive(Debug)]
pub struct ShiftOut {
    pub id: String,
    pub centre: String,
    pub room: String,
    /// The local date the shift starts on.
    pub date: NaiveDate,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub sittings: Vec<RoomSitting>,
}

/// A room's day: every placed sitting there, by start, and who invigilates.
#[derive(Debug)]
pub struct RunSheet {
    pub centre: String,
    pub room: String,
    pub date: NaiveDate,
    pub sittings: Vec<RoomSitting>,
    /// `(name, start, end)` of each assignment in the room that day.
    pub invigilators: Vec<(String, DateTime<FixedOffset>, DateTime<FixedOffset>)>,
}

/// An assignment a new availability would leave uncovered.
#[derive(Debug)]
pub struct Uncovered {
    pub centre: String,
    pub room: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

/// The caller's own invigilator records (one per centre they work at), by
/// centre name. Matched by account or address, as the policy's "self" is.
pub fn own_records(
    conn: &mut DbConn,
    caller: &Caller,
) -> Result<Vec<(Invigilator, Centre)>, Error> {
    let rows: Vec<(Invigilator, Centre)> = invigilators::table
        .inner_join(centres::table)
        .filter(invigilators::active.eq(true))
        .filter(
            invigilators::user_id
                .eq(caller.user_id.as_str())
                .or(invigilators::email.eq(&caller.email)),
        )
        .order(centres::name)
        .select((Invigilator::as_select(), Centre::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(i, _)| {
            policy::permits(
                caller,
                Action::SetAvailability,
                Resource::Invigilator {
                    centre: &i.centre_id,
                    user_id: i.user_id.as_ref(),
                    email: &i.email,
                },
            )
        })
        .collect())
}

/// Placed sittings in `room` overlapping `[from, to)`, by start.
fn sittings_in(
    conn: &mut DbConn,
    caller: &Caller,
    centre: &Centre,
    room: &str,
    span: (NaiveDateTime, NaiveDateTime),
    shown: Shown,
) -> Result<Vec<RoomSitting>, Error> {
    let tz = centre.timezone.tz();
    let rows = booking::placed_sittings(conn, PlacedIn::Room(room), span)?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, r, u)| {
            let (start, end) = (s.starts_at?, s.ends_at?);
            let resource = Resource::Sitting {
                student: &s.student_id,
                centre: &r.centre_id,
                institution: &r.institution_id,
            };
            let view = policy::person_view(caller, &centre.id, u.protected_identity, shown);
            Some(RoomSitting {
                may_mark: policy::permits(caller, Action::MarkAttendance, resource),
                student: view.identity.then_some(u.name),
                accommodations: accommodations_of(&s),
                id: s.id.into(),
                booking_code: s.booking_code,
                course_code: r.course_code,
                title: r.title,
                aids: r.aids,
                starts_at: timefmt::local(start, tz),
                ends_at: timefmt::local(end, tz),
                status: s.status,
            })
        })
        .collect())
}

fn room_name(conn: &mut DbConn, id: &str) -> Result<String, Error> {
    Ok(rooms::table
        .find(id)
        .select(Room::as_select())
        .first(conn)?
        .name)
}

/// The caller's assignments from `PAST_DAYS` ago on, soonest first, each
/// with the sittings in its room during it.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn mine(conn: &mut DbConn, caller: &Caller) -> Result<Vec<ShiftOut>, Error> {
    let since = crate::db::now() - Duration::days(PAST_DAYS);
    let mut out = Vec::new();
    for (inv, centre) in own_records(conn, caller)? {
        let tz = centre.timezone.tz();
        let rows: Vec<InvigilatorAssignment> = invigilator_assignments::table
            .filter(invigilator_assignments::invigilator_id.eq(&inv.id))
            .filter(invigilator_assignments::ends_at.gt(since))
            .order(invigilator_assignments::starts_at)
            .select(InvigilatorAssignment::as_select())
            .load(conn)?;
        for a in rows {
            let starts_at = timefmt::local(a.starts_at, tz);
            out.push(ShiftOut {
                sittings: sittings_in(
                    conn,
                    caller,
                    &centre,
                    &a.room_id,
                    (a.starts_at, a.ends_at),
                    Shown::Api,
                )?,
                room: room_name(conn, &a.room_id)?,
                centre: centre.name.clone(),
                date: starts_at.date_naive(),
                starts_at,
                ends_at: timefmt::local(a.ends_at, tz),
                id: a.id,
            });
        }
    }
    out.sort_by_key(|s| s.starts_at);
    Ok(out)
}

/// The run sheet of the room and local day of assignment `id`. The day
/// schedule is the centre's staff data: another centre's is a 404.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, assignment = %id))]
pub fn run_sheet(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<RunSheet, Error> {
    let (a, centre): (InvigilatorAssignment, Centre) = invigilator_assignments::table
        .inner_join(invigilators::table.inner_join(centres::table))
        .filter(invigilator_assignments::id.eq(id))
        .select((InvigilatorAssignment::as_select(), Centre::as_select()))
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    policy::authorize(
        caller,
        Action::ReadStaffData,
        Resource::StaffItem { centre: &centre.id },
    )?;
    let tz = centre.timezone.tz();
    let date = timefmt::local(a.starts_at, tz).date_naive();
    let day = timefmt::day_bounds(tz, date);
    let sittings = sittings_in(
        conn,
        caller,
        &centre,
        &a.room_id,
        day,
        Shown::AttendanceSheet,
    )?;
    let invigilators = invigilator_assignments::table
        .inner_join(invigilators::table)
        .filter(invigilator_assignments::room_id.eq(&a.room_id))
        .filter(invigilator_assignments::starts_at.lt(day.1))
        .filter(invigilator_assignments::ends_at.gt(day.0))
        .order(invigilator_assignments::starts_at)
        .select((
            invigilators::name,
            invigilator_assignments::starts_at,
            invigilator_assignments::ends_at,
        ))
        .load::<(String, NaiveDateTime, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(n, s, e)| (n, timefmt::local(s, tz), timefmt::local(e, tz)))
        .collect();
    Ok(RunSheet {
        room: room_name(conn, &a.room_id)?,
        centre: centre.name,
        date,
        sittings,
        invigilators,
    })
}

/// The invigilator's assignments from now on that `input` (if given; else
/// the saved availability) would leave outside their availability, judged
/// by the conflict rule itself.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, invigilator = %id))]
pub fn uncovered(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
    input: Option<&AvailabilityInput>,
) -> Result<Vec<Uncovered>, Error> {
    let (inv, centre) = invigilator_ops::find_settable(conn, caller, id)?;
    let availability = match input {
        Some(input) => invigilator_ops::parse_availability(input)?,
        None => invigilator_ops::load_availability(conn, &inv.id)?,
    };
    let rows: Vec<InvigilatorAssignment> = invigilator_assignments::table
        .filter(invigilator_assignments::invigilator_id.eq(&inv.id))
        .filter(invigilator_assignments::ends_at.gt(crate::db::now()))
        .order(invigilator_assignments::starts_at)
        .select(InvigilatorAssignment::as_select())
        .load(conn)?;
    let rows: Vec<(&InvigilatorAssignment, Interval<_>)> = rows
        .iter()
        .filter_map(|a| {
            Some((
                a,
                Interval::new(a.starts_at.and_utc(), a.ends_at.and_utc())?,
            ))
        })
        .collect();
    let spans: Vec<Interval<_>> = rows.iter().map(|(_, span)| *span).collect();
    let tz = centre.timezone.tz();
    let mut out = Vec::new();
    for i in invigilator_availability::uncovered(tz, inv.active, &availability, &spans) {
        let a = rows[i].0;
        out.push(Uncovered {
            centre: centre.name.clone(),
            room: room_name(conn, &a.room_id)?,
            starts_at: timefmt::local(a.starts_at, tz),
            ends_at: timefmt::local(a.ends_at, tz),
        });
    }
    Ok(out)
}
