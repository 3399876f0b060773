//! Invigilator availability: a weekly pattern plus dated exceptions, resolved to real
//! time with the same wall-clock rules as the centre calendar (see
//! [`super::localtime`]), so "available 08:00–17:00" and "open 08:00–17:00" always
//! produce identical instants, DST days included.
//!
//! Per local date, in this order:
//! 1. start from the weekly pattern, unless a whole-day "off" exception replaces it
//!    with nothing;
//! 2. add every "available" exception (extra time);
//! 3. remove every timed "off" exception.
//!
//! So "off all day, but can do 13–15" is expressible (steps 1 and 2), and when an
//! extra span and an off span overlap, off wins: booking someone who said they cannot
//! come is worse than missing a slot.
//!
//! Exception times: a missing `from` means 00:00, a missing `to` (or `to == 00:00`)
//! means the end of the day. Exceptions whose wall-clock `to` is not after `from` are
//! ignored, like inverted weekly hours; rejecting them is the input layer's job.
//! Centre closures and holidays are deliberately *not* applied here: the conflict
//! checker intersects availability with the centre's staffed set.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::engine::{dates, weekly_set, WeeklyHours};
use super::intervals::IntervalSet;
use super::localtime::wall_clock_span;

/// A dated deviation from the weekly pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Exception {
    pub date: NaiveDate,
    pub from: Option<NaiveTime>,
    pub to: Option<NaiveTime>,
    /// `false` with no times: whole day off; `false` with times: off in that span;
    /// `true`: extra availability in that span (whole day without times).
    pub available: bool,
}

impl Exception {
    fn is_whole_day_off(&self) -> bool {
        !self.available && self.from.is_none() && self.to.is_none()
    }

    fn set(&self, tz: Tz) -> IntervalSet<DateTime<Utc>> {
        let from = self.from.unwrap_or(NaiveTime::MIN);
        let to = self.to.unwrap_or(NaiveTime::MIN);
        wall_clock_span(tz, self.date, from, to)
            .map(IntervalSet::from)
            .unwrap_or_default()
    }
}

/// One invigilator's availability as entered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub weekly: Vec<WeeklyHours>,
    pub exceptions: Vec<Exception>,
}

/// Available time on one local date (may end at the next local midnight).
pub fn available_on(
    tz: Tz,
    availability: &Availability,
    date: NaiveDate,
) -> IntervalSet<DateTime<Utc>> {
    let todays = || {
        availability
            .exceptions
            .iter()
            .filter(move |e| e.date == date)
    };

    let base = if todays().any(Exception::is_whole_day_off) {
        IntervalSet::new()
    } else {
        weekly_set(tz, &availability.weekly, date)
    };
    let extra = todays()
        .filter(|e| e.available)
        .fold(base, |acc, e| acc.union(&e.set(tz)));
    todays()
        .filter(|e| !e.available && !e.is_whole_day_off())
        .fold(extra, |acc, e| acc.difference(&e.set(tz)))
}

/// Available time over the local dates `from..=to` (empty when `from > to`).
pub fn available_set(
    tz: Tz,
    availability: &Availability,
    from: NaiveDate,
    to: NaiveDate,
) -> IntervalSet<DateTime<Utc>> {
    dates(from, to)
        .flat_map(|date| available_on(tz, availability, date).into_vec())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::intervals::Interval;
    use crate::calendar::localtime::resolve_local;
    use chrono::{TimeDelta, Weekday};
    use chrono_tz::Europe::Stockholm;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    fn at(day: &str, h: u32) -> DateTime<Utc> {
        resolve_local(Stockholm, date(day).and_time(t(h))).unwrap()
    }

    fn span(day: &str, from: u32, to: u32) -> Interval<DateTime<Utc>> {
        Interval::new(at(day, from), at(day, to)).unwrap()
    }

    fn exc(day: &str, from: Option<u32>, to: Option<u32>, available: bool) -> Exception {
        Exception {
            date: date(day),
            from: from.map(t),
            to: to.map(t),
            available,
        }
    }

    fn total_hours(s: &IntervalSet<DateTime<Utc>>) -> i64 {
        s.iter().map(|iv| (iv.end() - iv.start()).num_hours()).sum()
    }

    /// Mon–Fri 08–12 and 13–17.
    fn pattern(exceptions: Vec<Exception>) -> Availability {
        let weekly = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .flat_map(|weekday| {
            [(8, 12), (13, 17)].map(|(o, c)| WeeklyHours {
                weekday,
                opens: t(o),
                closes: t(c),
            })
        })
        .collect();
        Availability { weekly, exceptions }
    }

    #[test]
    fn weekly_pattern_only() {
        // Week of 2026-02-02 (Mon).
        let s = available_set(
            Stockholm,
            &pattern(vec![]),
            date("2026-02-02"),
            date("2026-02-08"),
        );
        assert_eq!(s.len(), 10);
        assert_eq!(total_hours(&s), 40);
        assert!(s.covers(&span("2026-02-04", 8, 12)));
        assert!(!s.contains(at("2026-02-04", 12)));
        assert!(!s.contains(at("2026-02-07", 10)));
    }

    #[test]
    fn exceptions_apply() {
        let a = pattern(vec![
            exc("2026-02-03", None, None, false),        // Tue off
            exc("2026-02-04", Some(9), Some(10), false), // Wed off 09–10
            exc("2026-02-07", Some(10), Some(14), true), // Sat extra
            exc("2026-02-05", Some(17), None, true),     // Thu extra until midnight
            exc("2026-03-04", None, None, false),        // outside range: ignored
        ]);
        let s = available_set(Stockholm, &a, date("2026-02-02"), date("2026-02-08"));
        assert!(!s.overlaps(&span("2026-02-03", 0, 23)));
        assert!(!s.contains(at("2026-02-04", 9)));
        assert!(s.covers(&span("2026-02-04", 10, 12)));
        assert!(s.covers(&span("2026-02-07", 10, 14)));
        assert!(s.covers(&Interval::new(at("2026-02-05", 13), at("2026-02-06", 0)).unwrap()));
        assert_eq!(total_hours(&s), 40 - 8 - 1 + 4 + 7);
    }

    #[test]
    fn whole_day_off_with_extra_keeps_only_extra() {
        let a = pattern(vec![
            exc("2026-02-03", Some(13), Some(15), true),
            exc("2026-02-03", None, None, false),
        ]);
        let s = available_on(Stockholm, &a, date("2026-02-03"));
        assert_eq!(s, IntervalSet::from(span("2026-02-03", 13, 15)));
    }

    #[test]
    fn off_wins_over_overlapping_extra() {
        let a = pattern(vec![
            exc("2026-02-07", Some(9), Some(15), true),
            exc("2026-02-07", Some(11), Some(12), false),
        ]);
        let s = available_on(Stockholm, &a, date("2026-02-07"));
        assert_eq!(
            s,
            IntervalSet::from_intervals([span("2026-02-07", 9, 11), span("2026-02-07", 12, 15)])
        );
    }

    #[test]
    fn whole_day_extra_and_open_ended_off() {
        let a = pattern(vec![
            exc("2026-02-07", None, None, true),
            exc("2026-02-02", Some(15), None, false),
            exc("2026-02-04", None, Some(10), false),
        ]);
        assert_eq!(
            total_hours(&available_on(Stockholm, &a, date("2026-02-07"))),
            24
        );
        assert_eq!(
            total_hours(&available_on(Stockholm, &a, date("2026-02-02"))),
            6
        );
        assert_eq!(
            total_hours(&available_on(Stockholm, &a, date("2026-02-04"))),
            6
        );
    }

    #[test]
    fn inverted_exception_is_ignored() {
        let a = pattern(vec![exc("2026-02-04", Some(12), Some(9), false)]);
        assert_eq!(
            total_hours(&available_on(Stockholm, &a, date("2026-02-04"))),
            8
        );
    }

    #[test]
    fn dst_days_use_shared_rules() {
        // 2026-03-29 and 2026-10-25 are Sundays.
        let a = Availability {
            weekly: vec![WeeklyHours {
                weekday: Weekday::Sun,
                opens: t(0),
                closes: t(6),
            }],
            exceptions: vec![
                exc("2026-10-25", None, None, true),
                // Wholly inside the spring gap: removes nothing.
                exc("2026-03-29", Some(2), Some(3), false),
            ],
        };
        let spring = available_on(Stockholm, &a, date("2026-03-29"));
        assert_eq!(total_hours(&spring), 5);
        let autumn = available_on(Stockholm, &a, date("2026-10-25"));
        assert_eq!(autumn.len(), 1);
        let whole = autumn.as_slice()[0];
        assert_eq!(whole.end() - whole.start(), TimeDelta::hours(25));
    }

    #[test]
    fn empty_range() {
        assert!(available_set(
            Stockholm,
            &pattern(vec![]),
            date("2026-02-08"),
            date("2026-02-02")
        )
        .is_empty());
    }
}
