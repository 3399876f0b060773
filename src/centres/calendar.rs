//! A centre's calendar as the pure engine computes it from hours, closures
//! and holidays: per day, and at one instant.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::centre::find_visible;
use super::hours::load_hours;
use crate::accounts::actor::Caller;
use crate::calendar::{self, CentreCalendarInput, HolidayOptions, WeeklyHours};
use crate::db::models::{Centre, Closure};
use crate::db::schema::closures;
use crate::db::DbConn;
use crate::error::Error;
use crate::types::HoursKind;
use crate::validate::{weekday_from_index, weekday_name, Validator};

/// Loads what the calendar engine needs for a centre.
pub fn calendar_input(conn: &mut DbConn, centre: &Centre) -> QueryResult<CentreCalendarInput> {
    let hours = load_hours(conn, &centre.id)?;
    let weekly = |kind: HoursKind| -> Vec<WeeklyHours> {
        hours
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| WeeklyHours {
                weekday: weekday_from_index(h.weekday),
                opens: h.opens,
                closes: h.closes,
            })
            .collect()
    };
    let closures = closures::table
        .filter(closures::centre_id.eq(&centre.id))
        .select(Closure::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| calendar::Closure {
            from: c.from_date,
            to: c.to_date,
            reason: c.reason,
        })
        .collect();
    Ok(CentreCalendarInput {
        tz: centre.timezone.tz(),
        opening: weekly(HoursKind::Opening),
        access_card: weekly(HoursKind::AccessCard),
        closures,
        holidays: HolidayOptions {
            de_facto_closed: centre.closed_on_de_facto_holidays,
            ..HolidayOptions::default()
        },
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day, `YYYY-MM-DD`; today in the centre's zone when absent.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (inclusive, at most 366 days after `from`); `from` + 6 days when absent.
    #[param(format = Date)]
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    pub centre: String,
    pub timezone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<DayOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    pub date: NaiveDate,
    #[schema(example = "mon")]
    pub weekday: &'static str,
    pub closed: Option<ClosedOut>,
    pub staffed: Vec<SpanOut>,
    pub access_card: Vec<SpanOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedOut {
    pub reason: String,
    pub holiday: Option<HolidayOut>,
    pub closure: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayOut {
    pub name_sv: &'static str,
    pub name_en: &'static str,
    #[schema(value_type = crate::web::openapi::schemas::HolidayKind)]
    pub kind: calendar::HolidayKind,
}

/// A span of real time, given in the centre's local time with its offset.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpanOut {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// The longest range one calendar or availability answer covers, days inclusive.
pub const MAX_CALENDAR_DAYS: i64 = crate::domain::bounds::MAX_RANGE_DAYS;

fn span_out(s: &calendar::Span) -> SpanOut {
    SpanOut {
        start: s.start_local,
        end: s.end_local,
    }
}

pub fn today_in(tz: Tz) -> NaiveDate {
    crate::clock::now().with_timezone(&tz).date_naive()
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn calendar(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    query: &CalendarQuery,
) -> Result<CalendarOut, Error> {
    let centre = find_visible(conn, caller, key)?;
    let tz = centre.timezone.tz();
    let mut v = Validator::new();
    let range = v.date_range(
        ("from", query.from.as_deref()),
        ("to", query.to.as_deref()),
        today_in(tz),
        6,
        MAX_CALENDAR_DAYS,
    );
    v.finish()?;
    let (from, to) = range.ok_or_else(|| anyhow::anyhow!("validated dates missing"))?;
    let input = calendar_input(conn, &centre)?;
    let days = calendar::days(&input, from, to)
        .into_iter()
        .map(|d| DayOut {
            date: d.date,
            weekday: weekday_name(d.weekday),
            closed: d.closed.map(|c| ClosedOut {
                reason: c.reason,
                holiday: c.holiday.map(|h| HolidayOut {
                    name_sv: h.name_sv,
                    name_en: h.name_en,
                    kind: h.kind,
                }),
                closure: c.closure,
            }),
            staffed: d.staffed.iter().map(span_out).collect(),
            access_card: d.access_card.iter().map(span_out).collect(),
        })
        .collect();
    Ok(CalendarOut {
        centre: centre.slug,
        timezone: centre.timezone.to_string(),
        from,
        to,
        days,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// RFC 3339; without an offset it is the centre's wall-clock time, and
    /// must exist and be unambiguous there (422 `local_time_nonexistent`,
    /// `local_time_ambiguous`).
    #[param(example = "2026-03-30T09:00")]
    pub time: String,
}

/// Whether the centre is staffed or open to card holders at one instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct AtOut {
    pub time: DateTime<FixedOffset>,
    pub staffed: bool,
    pub access_card: bool,
    pub closed: Option<String>,
}

/// Reads a time as API.md says: with an offset it is exact; without one it is
/// the centre's wall-clock time and must exist and be unambiguous there.
pub fn parse_time_field(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>, Error> {
    calendar::parse_instant(value, tz).map_err(|e| Error::invalid(field, e.rule(), e.to_string()))
}

pub fn at(conn: &mut DbConn, caller: &Caller, key: &str, query: &AtQuery) -> Result<AtOut, Error> {
    let centre = find_visible(conn, caller, key)?;
    let tz = centre.timezone.tz();
    let instant = parse_time_field("time", &query.time, tz)?;
    let input = calendar_input(conn, &centre)?;
    let date = instant.with_timezone(&tz).date_naive();
    let day = calendar::days(&input, date, date).into_iter().next();
    let in_spans = |spans: &[calendar::Span]| {
        spans
            .iter()
            .any(|s| s.start_utc <= instant && instant < s.end_utc)
    };
    let staffed = day.as_ref().is_some_and(|d| in_spans(&d.staffed));
    let access_card = staffed || day.as_ref().is_some_and(|d| in_spans(&d.access_card));
    Ok(AtOut {
        time: instant.with_timezone(&tz).fixed_offset(),
        staffed,
        access_card,
        closed: day.and_then(|d| d.closed).map(|c| c.reason),
    })
}
