//! Rendering stored UTC instants as the centre's local time with its offset,
//! as API.md promises for every response.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

pub fn local(utc: NaiveDateTime, tz: Tz) -> DateTime<FixedOffset> {
    tz.from_utc_datetime(&utc).fixed_offset()
}

/// Instants not tied to a centre (created_at of an account) are given in UTC.
pub fn utc(utc: NaiveDateTime) -> DateTime<FixedOffset> {
    utc.and_utc().fixed_offset()
}

/// A stored zone name; the database only holds names validated on the way
/// in, so an unknown one means a hand-edited row and falls back to Sweden.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Europe::Stockholm)
}

/// The first instant of a local date: midnight, or the first instant after
/// it when midnight falls in a DST gap.
pub fn local_midnight(tz: Tz, date: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    crate::calendar::resolve_boundary(
        tz,
        date.and_time(chrono::NaiveTime::MIN),
        crate::calendar::Boundary::Start,
    )
    .unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// A local date as UTC bounds, from its midnight to the next: 23 or 25
/// hours on the days the clocks change.
pub fn day_bounds(tz: Tz, date: chrono::NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let next = date.succ_opt().unwrap_or(date);
    (
        local_midnight(tz, date).naive_utc(),
        local_midnight(tz, next).naive_utc(),
    )
}
