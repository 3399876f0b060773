//! The centre calendar: which real-time spans a centre is staffed or reachable with an
//! access card, day by day, after holidays and closures.
//!
//! Decisions:
//! * Wall-clock hours become UTC spans with the lenient rules of
//!   [`super::localtime`] (gap → first instant after it; fold → earliest start,
//!   latest end; `closes == 00:00` → end of day). Entries whose `closes` is otherwise
//!   not after `opens` produce nothing: validating them is the input layer's job, and
//!   skipping is the only panic-free reading that never invents opening time.
//! * A day's spans belong to the local date they start on; `closes == 00:00` ends at
//!   the next local midnight, so a span never reaches past its day.
//! * On a closed day (holiday selected by [`HolidayOptions`], or inside a [`Closure`])
//!   both staffed and access-card lists are empty: a closed building is closed to card
//!   holders too.
//! * [`Day::access_card`] lists the configured access-card hours as given (normalised);
//!   the *effective* card set, [`access_set`], is their union with the staffed hours,
//!   because whenever staff are in, candidates can get in, whether or not the admin
//!   repeated the opening hours under card hours.
//! * A weekday without entries is simply not open; `closed` only records exceptional
//!   closures, so the UI can tell "closed for juldagen" from "never open on Sundays".

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::holidays::{holidays, Holiday, HolidayOptions};
use super::intervals::{Interval, IntervalSet};
use super::localtime::{wall_clock, wall_clock_span};

/// One recurring wall-clock span on a weekday. Several per weekday are allowed (e.g.
/// 08:00–12:00 and 13:00–17:00 around lunch); overlapping entries are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub weekday: Weekday,
    pub opens: NaiveTime,
    /// Must be after `opens`, except that 00:00 means midnight at the end of the day.
    pub closes: NaiveTime,
}

impl WeeklyHours {
    /// This entry's real-time span on `date`, regardless of whether `date` is on
    /// `self.weekday`.
    pub fn span_on(&self, tz: Tz, date: NaiveDate) -> Option<Interval<DateTime<Utc>>> {
        wall_clock_span(tz, date, self.opens, self.closes)
    }
}

/// The union of the entries of `hours` that apply to `date`'s weekday.
pub fn weekly_set(tz: Tz, hours: &[WeeklyHours], date: NaiveDate) -> IntervalSet<DateTime<Utc>> {
    let weekday = date.weekday();
    hours
        .iter()
        .filter(|h| h.weekday == weekday)
        .filter_map(|h| h.span_on(tz, date))
        .collect()
}

/// A dated closure, e.g. summer closing or a renovation. `from > to` closes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Closure {
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub reason: String,
}

impl Closure {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// Everything the engine needs, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreCalendarInput {
    pub tz: Tz,
    pub opening: Vec<WeeklyHours>,
    pub access_card: Vec<WeeklyHours>,
    pub closures: Vec<Closure>,
    pub holidays: HolidayOptions,
}

/// Why a day is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedReason {
    /// For display: the first covering closure's reason if any, else the holiday's
    /// Swedish name. A closure wins because the admin wrote it for this centre.
    pub reason: String,
    /// The holiday on that day, if any, even when a closure supplied `reason`.
    pub holiday: Option<Holiday>,
    /// Whether an explicit [`Closure`] covers the day.
    pub closure: bool,
}

/// A real-time span with its local rendering (offsets differ across DST changes, so
/// each end carries its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub start_local: DateTime<FixedOffset>,
    pub end_local: DateTime<FixedOffset>,
}

impl Span {
    pub fn new(tz: Tz, interval: Interval<DateTime<Utc>>) -> Self {
        Self {
            start_utc: interval.start(),
            end_utc: interval.end(),
            start_local: interval.start().with_timezone(&tz).fixed_offset(),
            end_local: interval.end().with_timezone(&tz).fixed_offset(),
        }
    }

    pub fn interval(&self) -> Option<Interval<DateTime<Utc>>> {
        Interval::new(self.start_utc, self.end_utc)
    }
}

/// One local calendar day of a centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub weekday: Weekday,
    pub closed: Option<ClosedReason>,
    /// Sorted, disjoint, adjacent entries merged.
    pub staffed: Vec<Span>,
    /// Configured access-card hours, normalised like `staffed`; see [`access_set`] for
    /// the effective set.
    pub access_card: Vec<Span>,
}

/// Holidays by date, computed once per year touched rather than once per day.
#[derive(Default)]
struct HolidayCache {
    years: BTreeMap<i32, Vec<Holiday>>,
}

impl HolidayCache {
    fn on(&mut self, date: NaiveDate, opts: HolidayOptions) -> Option<Holiday> {
        self.years
            .entry(date.year())
            .or_insert_with(|| holidays(date.year(), opts))
            .iter()
            .find(|h| h.date == date)
            .copied()
    }
}

struct DaySets {
    closed: Option<ClosedReason>,
    staffed: IntervalSet<DateTime<Utc>>,
    access_card: IntervalSet<DateTime<Utc>>,
}

fn closed_reason(
    input: &CentreCalendarInput,
    date: NaiveDate,
    cache: &mut HolidayCache,
) -> Option<ClosedReason> {
    let holiday = cache.on(date, input.holidays);
    let closure = input.closures.iter().find(|c| c.covers(date));
    match (closure, holiday) {
        (Some(c), holiday) => Some(ClosedReason {
            reason: c.reason.clone(),
            holiday,
            closure: true,
        }),
        (None, Some(h)) => Some(ClosedReason {
            reason: h.name_sv.to_owned(),
            holiday: Some(h),
            closure: false,
        }),
        (None, None) => None,
    }
}

fn day_sets(input: &CentreCalendarInput, date: NaiveDate, cache: &mut HolidayCache) -> DaySets {
    let closed = closed_reason(input, date, cache);
    if closed.is_some() {
        return DaySets {
            closed,
            staffed: IntervalSet::new(),
            access_card: IntervalSet::new(),
        };
    }
    DaySets {
        closed,
        staffed: weekly_set(input.tz, &input.opening, date),
        access_card: weekly_set(input.tz, &input.access_card, date),
    }
}

/// Local dates `from..=to` (empty when `from > to`).
pub(crate) fn dates(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    // Not `NaiveDate::iter_days`: it never yields `NaiveDate::MAX`.
    std::iter::successors(Some(from), |d| d.succ_opt()).take_while(move |d| *d <= to)
}

/// The centre's days `from..=to` (inclusive; empty when `from > to`).
pub fn days(input: &CentreCalendarInput, from: NaiveDate, to: NaiveDate) -> Vec<Day> {
    let mut cache = HolidayCache::default();
    let spans = |set: &IntervalSet<DateTime<Utc>>| -> Vec<Span> {
        set.iter().map(|iv| Span::new(input.tz, *iv)).collect()
    };
    dates(from, to)
        .map(|date| {
            let sets = day_sets(input, date, &mut cache);
            Day {
                date,
                weekday: date.weekday(),
                staffed: spans(&sets.staffed),
                access_card: spans(&sets.access_card),
                closed: sets.closed,
            }
        })
        .collect()
}

/// Staffed time over the local dates `from..=to`, for conflict checking.
pub fn staffed_set(
    input: &CentreCalendarInput,
    from: NaiveDate,
    to: NaiveDate,
) -> IntervalSet<DateTime<Utc>> {
    let mut cache = HolidayCache::default();
    dates(from, to)
        .flat_map(|date| day_sets(input, date, &mut cache).staffed.into_vec())
        .collect()
}

/// Effective access-card time over `from..=to`: card hours ∪ staffed hours.
pub fn access_set(
    input: &CentreCalendarInput,
    from: NaiveDate,
    to: NaiveDate,
) -> IntervalSet<DateTime<Utc>> {
    let mut cache = HolidayCache::default();
    dates(from, to)
        .flat_map(|date| {
            let sets = day_sets(input, date, &mut cache);
            sets.staffed
                .into_vec()
                .into_iter()
                .chain(sets.access_card.into_vec())
        })
        .collect()
}

/// Local dates whose spans could meet `[start, end)`. The day before is included
/// because a day's spans may run to the next local midnight.
fn date_window(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    // At chrono's range edges the local reading may not exist; the UTC date is then
    // within a day of it, which the extra leading day absorbs well enough.
    let first = wall_clock(tz, start).map_or(start.date_naive(), |l| l.date());
    let last = wall_clock(tz, end).map_or(end.date_naive(), |l| l.date());
    (first.pred_opt().unwrap_or(first), last)
}

/// Whether `[start, end)` lies entirely within staffed time (spanning several staffed
/// days is fine if they touch). An empty or inverted range is never covered, so that
/// a zero-length booking cannot slip through as vacuously valid.
pub fn covering(input: &CentreCalendarInput, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let Some(wanted) = Interval::new(start, end) else {
        return false;
    };
    let (from, to) = date_window(input.tz, start, end);
    staffed_set(input, from, to).covers(&wanted)
}

/// Like [`covering`], against the effective access-card set.
pub fn access_covering(
    input: &CentreCalendarInput,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    let Some(wanted) = Interval::new(start, end) else {
        return false;
    };
    let (from, to) = date_window(input.tz, start, end);
    access_set(input, from, to).covers(&wanted)
}

#[cfg(test)]
mod tests;
