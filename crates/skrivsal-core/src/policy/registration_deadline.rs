//! The registration deadline (PRODUCT.md "Institution": e.g. 10 working days): a
//! non-open exam request must arrive at least the institution's number of working days
//! before the exam. Working days are Monday to Friday that are not Swedish public
//! holidays or de-facto holidays ([`crate::calendar::holiday_on`] with the default
//! options), whatever the centre's own closures: the deadline is the institution's.

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use crate::calendar::{self, HolidayOptions};

/// A working day: Monday to Friday, not a holiday.
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && calendar::holiday_on(d, HolidayOptions::default()).is_none()
}

/// The date that lies `days` working days before `date`: the last day registrations
/// are taken. `0` is the exam day itself.
pub fn working_days_before(date: NaiveDate, days: u32) -> NaiveDate {
    let mut d = date;
    let mut left = days;
    while left > 0 {
        let Some(prev) = d.pred_opt() else {
            return d;
        };
        d = prev;
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// The local date of an exam starting at `start` in the centre's zone, the date the
/// deadline counts back from.
pub fn exam_date(start: DateTime<Utc>, tz: Tz) -> NaiveDate {
    start.with_timezone(&tz).date_naive()
}

/// The deadline of one exam request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The last day a request is taken (inclusive).
    pub last_day: NaiveDate,
    /// The institution's rule, in working days.
    pub working_days: u32,
}

impl Deadline {
    /// For an exam on `exam_date` at an institution requiring `working_days`
    /// (negative read as 0).
    pub fn for_exam(exam_date: NaiveDate, working_days: i32) -> Self {
        let working_days = u32::try_from(working_days).unwrap_or(0);
        Self {
            last_day: working_days_before(exam_date, working_days),
            working_days,
        }
    }

    /// A request made `today` (the centre's local date) is in time.
    pub fn accepts(&self, today: NaiveDate) -> bool {
        today <= self.last_day
    }

    /// `Err(message)` for a request made too late, naming `institution`.
    pub fn check(&self, today: NaiveDate, institution: &str) -> Result<(), String> {
        if self.accepts(today) {
            Ok(())
        } else {
            Err(format!(
                "{institution} requires requests {} working days ahead (last day was {})",
                self.working_days, self.last_day
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Stockholm;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn counts_back_over_a_weekend() {
        // Monday 2026-02-09, one working day before: Friday 2026-02-06.
        assert_eq!(working_days_before(d(2026, 2, 9), 1), d(2026, 2, 6));
        // An exam on a Friday, 5 working days: the Friday before.
        assert_eq!(working_days_before(d(2026, 2, 13), 5), d(2026, 2, 6));
        // From a Saturday, 1 working day: the Friday before it.
        assert_eq!(working_days_before(d(2026, 2, 14), 1), d(2026, 2, 13));
        // Ten working days: two weeks.
        assert_eq!(working_days_before(d(2026, 2, 20), 10), d(2026, 2, 6));
        assert_eq!(working_days_before(d(2026, 2, 20), 0), d(2026, 2, 20));
    }

    #[test]
    fn the_last_day_is_a_friday_before_a_weekend() {
        // Exam Monday 2026-03-16, 1 working day: last day Friday 13th; a request on
        // the Friday is in time, on the Saturday it is not.
        let deadline = Deadline::for_exam(d(2026, 3, 16), 1);
        assert_eq!(deadline.last_day, d(2026, 3, 13));
        assert!(deadline.accepts(d(2026, 3, 13)));
        assert!(!deadline.accepts(d(2026, 3, 14)));
        assert_eq!(
            deadline.check(d(2026, 3, 14), "Mittuniversitetet"),
            Err(
                "Mittuniversitetet requires requests 1 working days ahead (last day was 2026-03-13)"
                    .to_string()
            )
        );
        assert_eq!(deadline.check(d(2026, 3, 12), "Mittuniversitetet"), Ok(()));
    }

    #[test]
    fn holidays_are_not_working_days() {
        // Easter 2026: Good Friday 3 April, Easter Monday 6 April. An exam on Tuesday
        // 7 April, 1 working day: Thursday 2 April (skipping Mon, Sun, Sat, Fri).
        assert_eq!(working_days_before(d(2026, 4, 7), 1), d(2026, 4, 2));
        assert_eq!(working_days_before(d(2026, 4, 7), 2), d(2026, 4, 1));
        // Christmas: julafton (de facto), juldagen, annandag jul 2026 are Thu/Fri/Sat;
        // an exam on Monday 28 December, 1 working day: Wednesday 23 December.
        assert_eq!(working_days_before(d(2026, 12, 28), 1), d(2026, 12, 23));
        // National day on a Saturday (2026-06-06) changes nothing.
        assert_eq!(working_days_before(d(2026, 6, 8), 1), d(2026, 6, 5));
        assert!(!is_working_day(d(2026, 4, 3)));
        assert!(is_working_day(d(2026, 4, 2)));
    }

    #[test]
    fn daylight_saving_does_not_move_the_deadline() {
        // Summer time starts Sunday 29 March 2026. An exam at 00:30 local time on
        // Monday 30 March is 22:30 UTC on the Sunday; the deadline counts from the
        // local date.
        let start = Stockholm
            .with_ymd_and_hms(2026, 3, 30, 0, 30, 0)
            .single()
            .expect("unambiguous")
            .with_timezone(&Utc);
        assert_eq!(start.date_naive(), d(2026, 3, 29));
        assert_eq!(exam_date(start, Stockholm), d(2026, 3, 30));
        let deadline = Deadline::for_exam(exam_date(start, Stockholm), 1);
        assert_eq!(deadline.last_day, d(2026, 3, 27));
        // Autumn: winter time starts Sunday 25 October 2026; an exam on Monday 26th,
        // 5 working days: Monday 19th.
        assert_eq!(
            Deadline::for_exam(d(2026, 10, 26), 5).last_day,
            d(2026, 10, 19)
        );
    }

    #[test]
    fn negative_days_read_as_zero() {
        let deadline = Deadline::for_exam(d(2026, 2, 9), -3);
        assert_eq!(deadline.working_days, 0);
        assert_eq!(deadline.last_day, d(2026, 2, 9));
    }
}
