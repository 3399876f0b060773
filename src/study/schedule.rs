//! Read views over the bookings: a student's own (`mine`) and a centre's
//! day schedule for its staff.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::availability::{query_date, DateQuery};
use super::bookings::{out, StudyBookingOut};
use crate::accounts::actor::Caller;
use crate::centres::centre as centres;
use crate::db::models::{
    Centre, ExamRequest, Invigilator, InvigilatorAssignment, Room, Sitting, StudyBooking,
};
use crate::db::schema::{
    centres as centres_t, exam_requests, invigilator_assignments, invigilators, rooms, sittings,
    study_bookings,
};
use crate::db::DbConn;
use crate::documents::cache::{Answer, Audience, DayCache, Key, Kind};
use crate::error::Error;
use crate::exams::requests::{accommodations_of, Accommodations};
use crate::timefmt;
use crate::types::{RoomId, SittingStatus, StudyBookingStatus};

#[derive(Debug, Serialize, ToSchema)]
pub struct MyBookings {
    pub study_bookings: Vec<StudyBookingOut>,
    pub sittings: Vec<MySitting>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MySitting {
    pub id: String,
    pub booking_code: String,
    pub status: String,
    pub exam_request: String,
    pub course_code: String,
    pub title: String,
    pub centre: String,
    pub room_name: Option<String>,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub accommodations: Accommodations,
}

/// The caller's own study bookings and sittings, newest first.
pub fn mine(conn: &mut DbConn, caller: &Caller) -> Result<MyBookings, Error> {
    let rows: Vec<(StudyBooking, Centre, String)> = study_bookings::table
        .inner_join(centres_t::table)
        .inner_join(rooms::table)
        .filter(study_bookings::student_id.eq(&caller.user_id))
        .order(study_bookings::starts_at.desc())
        .select((StudyBooking::as_select(), Centre::as_select(), rooms::name))
        .load(conn)?;
    let study = rows
        .into_iter()
        .map(|(b, c, name)| out(b, &c, name))
        .collect();
    let rows: Vec<(Sitting, ExamRequest, Centre, Option<String>)> = sittings::table
        .inner_join(exam_requests::table)
        .inner_join(centres_t::table)
        .left_join(rooms::table)
        .filter(sittings::student_id.eq(&caller.user_id))
        .order(sittings::id.desc())
        .select((
            Sitting::as_select(),
            ExamRequest::as_select(),
            Centre::as_select(),
            rooms::name.nullable(),
        ))
        .load(conn)?;
    let sittings_out = rows
        .into_iter()
        .map(|(s, r, c, room_name)| {
            let tz = c.timezone.tz();
            MySitting {
                accommodations: accommodations_of(&s),
                id: s.id.into(),
                booking_code: s.booking_code,
                status: s.status.as_str().into(),
                exam_request: r.id.into(),
                course_code: r.course_code,
                title: r.title,
                centre: c.slug,
                room_name,
                starts_at: s.starts_at.map(|t| timefmt::local(t, tz)),
                ends_at: s.ends_at.map(|t| timefmt::local(t, tz)),
            }
        })
        .collect();
    Ok(MyBookings {
        study_bookings: study,
        sittings: sittings_out,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleOut {
    pub centre: String,
    pub date: NaiveDate,
    pub rooms: Vec<ScheduleRoom>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleRoom {
    pub room: String,
    pub name: String,
    pub kind: String,
    pub sittings: Vec<ScheduleSitting>,
    pub study_bookings: Vec<ScheduleStudy>,
    pub invigilators: Vec<ScheduleInvigilator>,
}

/// A sitting on the schedule: booking code, never a name or identity number.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleSitting {
    pub id: String,
    pub booking_code: String,
    pub status: String,
    pub course_code: String,
    pub title: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub accommodations: Accommodations,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleStudy {
    pub booking_code: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleInvigilator {
    pub id: String,
    pub name: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

/// A schedule request that passed authorisation: what its key and its load
/// need.
#[derive(Debug)]
pub struct ScheduleDay {
    pub centre: Centre,
    pub date: NaiveDate,
}

/// Checks that the caller is the centre's staff and reads the date: the part
/// of a schedule request that runs on every request, cached or not.
pub fn authorize(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &DateQuery,
) -> Result<ScheduleDay, Error> {
    let centre = centres::find_visible(conn, caller, key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    let date = query_date(q, centre.timezone.tz())?;
    Ok(ScheduleDay { centre, date })
}

/// The schedule through the cache: authorised on every request, then
/// answered from the centre's counter (304 or the cached JSON) where it can
/// be, else loaded, serialised and kept.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn cached(
    conn: &mut DbConn,
    cache: &DayCache,
    caller: &Caller,
    key: &str,
    q: &DateQuery,
    if_none_match: Option<&str>,
) -> Result<Answer, Error> {
    let day = authorize(conn, caller, key, q)?;
    // The counter before the data it keys (`versions::read`).
    let version = crate::centres::versions::read(conn, &day.centre.id)?.ok_or(Error::NotFound)?;
    let key = Key {
        centre: day.centre.id.clone(),
        date: day.date,
        data_version: version.data,
        kind: Kind::ScheduleJson,
        audience: Audience::CentreStaff,
        printed_at: None,
    };
    cache.answer(key, if_none_match, || {
        let out = load(conn, day)?;
        serde_json::to_vec(&out).map_err(|e| Error::from(anyhow::anyhow!("schedule JSON: {e}")))
    })
}

/// The day at a centre, room by room, for its staff.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn schedule(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &DateQuery,
) -> Result<ScheduleOut, Error> {
    let day = authorize(conn, caller, key, q)?;
    load(conn, day)
}

/// The authorised day, read in four queries whatever the number of rooms:
/// the rooms, then the day's sittings, study bookings and invigilators of
/// all of them, grouped here.
pub fn load(conn: &mut DbConn, day: ScheduleDay) -> Result<ScheduleOut, Error> {
    let ScheduleDay { centre, date } = day;
    let tz = centre.timezone.tz();
    let (day_start, day_end) = timefmt::day_bounds(tz, date);
    let room_rows: Vec<Room> = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?;
    let room_ids: Vec<&str> = room_rows.iter().map(|r| r.id.as_str()).collect();
    let mut sittings_in: HashMap<RoomId, Vec<ScheduleSitting>> = HashMap::new();
    let rows: Vec<(Sitting, ExamRequest)> = sittings::table
        .inner_join(exam_requests::table)
        .filter(sittings::centre_id.eq(&centre.id))
        .filter(sittings::status.ne(SittingStatus::Cancelled))
        .filter(sittings::starts_at.lt(day_end))
        .filter(sittings::ends_at.gt(day_start))
        .order((sittings::starts_at, sittings::id))
        .select((Sitting::as_select(), ExamRequest::as_select()))
        .load(conn)?;
    for (s, r) in rows {
        let (Some(room), Some(starts_at), Some(ends_at)) =
            (s.room_id.clone(), s.starts_at, s.ends_at)
        else {
            continue;
        };
        sittings_in.entry(room).or_default().push(ScheduleSitting {
            accommodations: accommodations_of(&s),
            starts_at: timefmt::local(starts_at, tz),
            ends_at: timefmt::local(ends_at, tz),
            id: s.id.into(),
            booking_code: s.booking_code,
            status: s.status.as_str().into(),
            course_code: r.course_code,
            title: r.title,
        });
    }
    let mut study_in: HashMap<RoomId, Vec<ScheduleStudy>> = HashMap::new();
    let rows: Vec<StudyBooking> = study_bookings::table
        .filter(study_bookings::room_id.eq_any(&room_ids))
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(study_bookings::starts_at.lt(day_end))
        .filter(study_bookings::ends_at.gt(day_start))
        .order((study_bookings::starts_at, study_bookings::id))
        .select(StudyBooking::as_select())
        .load(conn)?;
    for b in rows {
        study_in.entry(b.room_id).or_default().push(ScheduleStudy {
            booking_code: b.booking_code,
            starts_at: timefmt::local(b.starts_at, tz),
            ends_at: timefmt::local(b.ends_at, tz),
        });
    }
    let mut invigilators_in: HashMap<RoomId, Vec<ScheduleInvigilator>> = HashMap::new();
    let rows: Vec<(InvigilatorAssignment, Invigilator)> = invigilator_assignments::table
        .inner_join(invigilators::table)
        .filter(invigilator_assignments::room_id.eq_any(&room_ids))
        .filter(invigilator_assignments::starts_at.lt(day_end))
        .filter(invigilator_assignments::ends_at.gt(day_start))
        .order((
            invigilator_assignments::starts_at,
            invigilator_assignments::id,
        ))
        .select((InvigilatorAssignment::as_select(), Invigilator::as_select()))
        .load(conn)?;
    for (a, i) in rows {
        invigilators_in
            .entry(a.room_id)
            .or_default()
            .push(ScheduleInvigilator {
                id: i.id.into(),
                name: i.name,
                starts_at: timefmt::local(a.starts_at, tz),
                ends_at: timefmt::local(a.ends_at, tz),
            });
    }
    let mut out_rooms = Vec::new();
    for room in room_rows {
        let id = &room.id;
        let sittings_out = sittings_in.remove(id).unwrap_or_default();
        let study = study_in.remove(id).unwrap_or_default();
        let invigilators_out = invigilators_in.remove(id).unwrap_or_default();
        if sittings_out.is_empty() && study.is_empty() && invigilators_out.is_empty() {
            continue;
        }
        out_rooms.push(ScheduleRoom {
            room: room.id.into(),
            name: room.name,
            kind: room.kind.as_str().into(),
            sittings: sittings_out,
            study_bookings: study,
            invigilators: invigilators_out,
        });
    }
    Ok(ScheduleOut {
        centre: centre.slug,
        date,
        rooms: out_rooms,
    })
}

/// The student's home centre, listed and chosen first on their pages: the
/// active centre of the municipality they live in, or else the centre of
/// their most recent booking or registration.
pub fn home_centre(conn: &mut DbConn, caller: &Caller) -> Result<Option<Centre>, Error> {
    let municipality: Option<String> = crate::db::schema::users::table
        .find(caller.user_id.as_str())
        .select(crate::db::schema::users::municipality)
        .first(conn)
        .optional()?
        .flatten();
    let active = crate::centres::public::list(conn)?;
    if let Some(m) = municipality.map(|m| m.trim().to_lowercase()) {
        if let Some(c) = active.iter().find(|c| c.municipality.to_lowercase() == m) {
            return Ok(Some(c.clone()));
        }
    }
    let study: Option<(chrono::NaiveDateTime, String)> = study_bookings::table
        .filter(study_bookings::student_id.eq(caller.user_id.as_str()))
        .order(study_bookings::created_at.desc())
        .select((study_bookings::created_at, study_bookings::centre_id))
        .first(conn)
        .optional()?;
    let sitting: Option<(chrono::NaiveDateTime, String)> = sittings::table
        .filter(sittings::student_id.eq(caller.user_id.as_str()))
        .order(sittings::created_at.desc())
        .select((sittings::created_at, sittings::centre_id))
        .first(conn)
        .optional()?;
    let latest = match (study, sitting) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Ok(latest.and_then(|(_, id)| active.into_iter().find(|c| c.id == id)))
}
