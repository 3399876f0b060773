//! CSV exports for people's own tools (Excel above all): sittings and study
//! bookings of a centre, and an institution's sittings across centres.
//!
//! The format is what Swedish Excel opens without a wizard: UTF-8 with a
//! byte-order mark, semicolon as separator, CRLF line ends, dates and times
//! in the centre's local time. Never a personal identity number; students
//! with protected identity appear by booking code only.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use serde::Deserialize;

use crate::accounts::actor::Caller;
use crate::centres::centre as centres;
use crate::db::models::{Centre, ExamRequest, Institution, Room, Sitting, StudyBooking, User};
use crate::db::schema::{
    centres as centres_t, exam_requests, institutions, rooms, sittings, study_bookings, users,
};
use crate::db::DbConn;
use crate::domain::bounds;
use crate::error::Error;
use crate::timefmt;
use crate::types::{CentreId, InstitutionId, RoomId};
use crate::validate::Validator;

/// The longest range one export covers, days inclusive.
pub const MAX_DAYS: i64 = bounds::MAX_RANGE_DAYS;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First local date (YYYY-MM-DD, 2000–2100); default today.
    pub from: Option<String>,
    /// Last local date, inclusive; default 30 days after `from`; at most
    /// 366 days from `from`.
    pub to: Option<String>,
}

fn range(q: &RangeQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Error> {
    let mut v = Validator::new();
    let range = v.date_range(
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        today,
        30,
        MAX_DAYS,
    );
    v.finish()?;
    range.ok_or_else(|| anyhow::anyhow!("validated dates missing").into())
}

/// UTC bounds of the local dates `from..=to` in `tz`, with a day of margin
/// (the rows are filtered by local date afterwards).
fn bounds(from: NaiveDate, to: NaiveDate) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
    let a = (from - Duration::days(1)).and_time(chrono::NaiveTime::MIN);
    let b = (to + Duration::days(2)).and_time(chrono::NaiveTime::MIN);
    (a, b)
}

/// The one CSV writer every export uses, so that no cell reaches Excel
/// without [`neutralise`].
struct Csv(csv::Writer<Vec<u8>>);

impl Csv {
    fn new() -> Csv {
        let mut out = Vec::new();
        // The BOM tells Excel the file is UTF-8, so å ä ö survive.
        out.extend_from_slice("\u{feff}".as_bytes());
        Csv(csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(out))
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
        self.0
            .write_record(cells.into_iter().map(|c| neutralise(c).into_owned()))
            .map_err(|e| anyhow::anyhow!("writing CSV: {e}").into())
    }

    fn finish(self) -> Result<Vec<u8>, Error> {
        self.0
            .into_inner()
            .map_err(|e| anyhow::anyhow!("writing CSV: {e}").into())
    }
}

/// A cell Excel would read as a formula (it starts with `=`, `+`, `-`, `@`,
/// TAB or CR, or their full-width forms, which Excel also accepts) gets a
/// leading `'`, as OWASP advises against CSV injection: a course code
/// `=1+2` or a name `=HYPERLINK(…)` is then shown as typed, never run. No
/// export has a genuinely negative number (percent, minutes and hours are
/// never below zero), so nothing numeric is changed.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    const TRIGGERS: [char; 10] = [
        '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
    ];
    match cell.chars().next() {
        Some(c) if TRIGGERS.contains(&c) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nej"
    }
}

const SITTING_HEADER: [&str; 17] = [
    "bokningskod",
    "datum",
    "start",
    "slut",
    "lärcentrum",
    "sal",
    "kurskod",
    "kurs",
    "prov",
    "lärosäte",
    "student",
    "e-post",
    "status",
    "förlängd_tid_procent",
    "eget_rum",
    "dator",
    "pauser_minuter",
];

type SittingRow = (
    Sitting,
    ExamRequest,
    User,
    Centre,
    Institution,
    Option<Room>,
);

fn write_sittings(rows: Vec<SittingRow>, from: NaiveDate, to: NaiveDate) -> Result<Vec<u8>, Error> {
    let mut w = Csv::new();
    w.row(SITTING_HEADER)?;
    for (s, r, u, c, i, room) in rows {
        let tz = c.timezone.tz();
        let Some(start) = s.starts_at.or(r.starts_at).or(r.window_start) else {
            continue;
        };
        let local_start = timefmt::local(start, tz);
        if local_start.date_naive() < from || local_start.date_naive() > to {
            continue;
        }
        let end = s
            .ends_at
            .map(|e| timefmt::local(e, tz).format("%H:%M").to_string())
            .unwrap_or_default();
        let (name, email) = if u.protected_identity {
            (String::new(), String::new())
        } else {
            (u.name.clone(), u.email.clone())
        };
        w.row([
            s.booking_code.as_str(),
            &local_start.format("%Y-%m-%d").to_string(),
            &local_start.format("%H:%M").to_string(),
            &end,
            &c.name,
            room.as_ref().map(|r| r.name.as_str()).unwrap_or(""),
            &r.course_code,
            &r.course_name,
            &r.title,
            &i.name,
            &name,
            &email,
            s.status.as_str(),
            &s.extra_time_percent.to_string(),
            yes_no(s.separate_room),
            yes_no(s.computer),
            &s.breaks_minutes.to_string(),
        ])?;
    }
    w.finish()
}

enum Scope<'a> {
    Centre(&'a str),
    Institution(&'a str),
}

/// Sittings placed (or, unplaced, scheduled) between two instants, with
/// their centre, institution and room.
fn sittings_between(
    conn: &mut DbConn,
    scope: Scope<'_>,
    a: chrono::NaiveDateTime,
    b: chrono::NaiveDateTime,
) -> Result<Vec<SittingRow>, Error> {
    let mut q = sittings::table
        .inner_join(exam_requests::table)
        .inner_join(users::table)
        .filter(
            sittings::starts_at
                .between(a, b)
                .or(sittings::starts_at
                    .is_null()
                    .and(exam_requests::starts_at.between(a, b)))
                .or(sittings::starts_at
                    .is_null()
                    .and(exam_requests::window_start.between(a, b))),
        )
        .order((sittings::starts_at, sittings::booking_code))
        .select((
            Sitting::as_select(),
            ExamRequest::as_select(),
            User::as_select(),
        ))
        .into_boxed();
    q = match scope {
        Scope::Centre(id) => q.filter(sittings::centre_id.eq(id.to_string())),
        Scope::Institution(id) => q.filter(exam_requests::institution_id.eq(id.to_string())),
    };
    let base: Vec<(Sitting, ExamRequest, User)> = q.load(conn)?;
    with_places(conn, base)
}

/// Adds each row's centre, institution and room, loaded once per id.
fn with_places(
    conn: &mut DbConn,
    base: Vec<(Sitting, ExamRequest, User)>,
) -> Result<Vec<SittingRow>, Error> {
    use std::collections::HashMap;
    let centre_ids: Vec<CentreId> = base.iter().map(|(s, _, _)| s.centre_id.clone()).collect();
    let institution_ids: Vec<InstitutionId> = base
        .iter()
        .map(|(_, r, _)| r.institution_id.clone())
        .collect();
    let room_ids: Vec<RoomId> = base
        .iter()
        .filter_map(|(s, _, _)| s.room_id.clone())
        .collect();
    let centre_map: HashMap<CentreId, Centre> = centres_t::table
        .filter(centres_t::id.eq_any(&centre_ids))
        .select(Centre::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let institution_map: HashMap<InstitutionId, Institution> = institutions::table
        .filter(institutions::id.eq_any(&institution_ids))
        .select(Institution::as_select())
        .load(conn)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let room_map: HashMap<RoomId, Room> = rooms::table
        .filter(rooms::id.eq_any(&room_ids))
        .select(Room::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    Ok(base
        .into_iter()
        .filter_map(|(s, r, u)| {
            let centre = centre_map.get(&s.centre_id)?.clone();
            let institution = institution_map.get(&r.institution_id)?.clone();
            let room = s.room_id.as_ref().and_then(|id| room_map.get(id)).cloned();
            Some((s, r, u, centre, institution, room))
        })
        .collect())
}

/// A centre's sittings for its staff.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn centre_sittings(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &RangeQuery,
) -> Result<(String, Vec<u8>), Error> {
    let centre = centres::find_visible(conn, caller, key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    let (from, to) = range(q, crate::centres::calendar::today_in(centre.timezone.tz()))?;
    let (a, b) = bounds(from, to);
    let rows = sittings_between(conn, Scope::Centre(&centre.id), a, b)?;
    Ok((
        format!("provtillfallen-{}-{from}-{to}.csv", centre.slug),
        write_sittings(rows, from, to)?,
    ))
}

/// An institution's sittings across every centre.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, institution = %key))]
pub fn institution_sittings(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &RangeQuery,
) -> Result<(String, Vec<u8>), Error> {
    let institution: Institution = institutions::table
        .filter(institutions::slug.eq(key).or(institutions::id.eq(key)))
        .select(Institution::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let id = &institution.id;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ExportInstitution,
        crate::accounts::policy::Resource::Institution { id },
    )?;
    let (from, to) = range(
        q,
        crate::centres::calendar::today_in(chrono_tz::Europe::Stockholm),
    )?;
    let (a, b) = bounds(from, to);
    let rows = sittings_between(conn, Scope::Institution(&institution.id), a, b)?;
    Ok((
        format!("provtillfallen-{}-{from}-{to}.csv", institution.slug),
        write_sittings(rows, from, to)?,
    ))
}

/// A centre's study bookings for its staff (booking codes, no names).
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn centre_study_bookings(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    q: &RangeQuery,
) -> Result<(String, Vec<u8>), Error> {
    let centre = centres::find_visible(conn, caller, key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    let tz = centre.timezone.tz();
    let (from, to) = range(q, crate::centres::calendar::today_in(tz))?;
    let (a, b) = bounds(from, to);
    let rows: Vec<(StudyBooking, Room)> = study_bookings::table
        .inner_join(rooms::table)
        .filter(study_bookings::centre_id.eq(&centre.id))
        .filter(study_bookings::starts_at.between(a, b))
        .order(study_bookings::starts_at)
        .select((StudyBooking::as_select(), Room::as_select()))
        .load(conn)?;
    let mut w = Csv::new();
    w.row([
        "bokningskod",
        "datum",
        "start",
        "slut",
        "rum",
        "timmar",
        "status",
    ])?;
    for (bk, room) in rows {
        let (s, e) = (
            timefmt::local(bk.starts_at, tz),
            timefmt::local(bk.ends_at, tz),
        );
        if s.date_naive() < from || s.date_naive() > to {
            continue;
        }
        let hours = (bk.ends_at - bk.starts_at).num_minutes() as f64 / 60.0;
        w.row([
            bk.booking_code.as_str(),
            &s.format("%Y-%m-%d").to_string(),
            &s.format("%H:%M").to_string(),
            &e.format("%H:%M").to_string(),
            &room.name,
            // Swedish Excel reads a decimal comma.
            &format!("{hours:.2}").replace('.', ","),
            bk.status.as_str(),
        ])?;
    }
    Ok((
        format!("studieplatser-{}-{from}-{to}.csv", centre.slug),
        w.finish()?,
    ))
}
