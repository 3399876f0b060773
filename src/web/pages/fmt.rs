//! Instants the operations give in the centre's local time (with its
//! offset), written for people: `tis 9 dec`, `13:00–16:00`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::calendar::humanfmt;
use crate::domain::Language;
use crate::exams::requests::Accommodations;

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

/// The catalogue keys of a sitting's accommodations (extra time is shown
/// with the times, free text as written).
pub fn accommodation_keys(a: &Accommodations) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.separate_room {
        out.push("acc-separate-room");
    }
    if a.computer {
        out.push("acc-computer");
    }
    if a.breaks_minutes > 0 {
        out.push("acc-breaks");
    }
    if a.accessible_room {
        out.push("acc-accessible-room");
    }
    out
}
