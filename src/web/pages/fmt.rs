//! Instants the operations give in the centre's local time (with its
//! offset), written for people: `tis 9 dec`, `13:00–16:00`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::calendar::humanfmt;
use crate::domain::Language;

pub fn day(lang: Language, date: NaiveDate) -> String {
    humanfmt::day(lang, date)
}

/// `13:00–16:00` from a local span (the offset already applied).
pub fn span(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"))
}

/// `tis 9 dec 13:00–16:00` from a local span.
pub fn day_span(
    lang: Language,
    start: &DateTime<FixedOffset>,
    end: &DateTime<FixedOffset>,
) -> String {
    let tz = chrono_tz::Tz::UTC;
    // The offset is already applied; formatting the local wall clock in UTC
    // terms keeps humanfmt's day logic (and its midnight rule) in one place.
    let as_utc = |t: &DateTime<FixedOffset>| -> DateTime<Utc> { t.naive_local().and_utc() };
    humanfmt::day_and_span(lang, as_utc(start), as_utc(end), tz)
}
