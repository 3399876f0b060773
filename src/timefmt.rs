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
