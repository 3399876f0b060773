//! `invigilator_availability` (PRODUCT.md rule 6): an assignment lies inside the
//! invigilator's availability, and the invigilator is active.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::calendar::{available_set, Availability, Interval};

/// Broken for an inactive invigilator or an assignment not wholly inside availability.
pub fn broken(active: bool, inside_availability: bool) -> bool {
    !active || !inside_availability
}

/// The message for a broken assignment: inactive wins over unavailable.
pub fn message(name: &str, active: bool, when: &str) -> String {
    if active {
        format!("Invigilator '{name}' is not available for the whole of {when}.")
    } else {
        format!("Invigilator '{name}' is inactive.")
    }
}

/// The positions of the `assignments` that `availability` (a pattern not yet
/// saved, say) would leave broken: what an invigilator is warned of before
/// changing their availability.
pub fn uncovered(
    tz: Tz,
    active: bool,
    availability: &Availability,
    assignments: &[Interval<DateTime<Utc>>],
) -> Vec<usize> {
    let local_date = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    let (Some(first), Some(last)) = (
        assignments.iter().map(|a| a.start()).min(),
        assignments.iter().map(|a| a.end()).max(),
    ) else {
        return Vec::new();
    };
    // A day either side: a span may run past a local midnight.
    let set = available_set(
        tz,
        availability,
        local_date(first) - Duration::days(1),
        local_date(last) + Duration::days(1),
    );
    assignments
        .iter()
        .enumerate()
        .filter(|(_, a)| broken(active, set.covers(a)))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime, TimeZone, Weekday};
    use chrono_tz::Europe::Stockholm;

    use super::*;
    use crate::calendar::{Exception, WeeklyHours};

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Stockholm
            .with_ymd_and_hms(2026, 12, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_changed_pattern_names_the_assignments_it_leaves_outside() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let tuesday = WeeklyHours {
            weekday: Weekday::Tue,
            opens: t(8),
            closes: t(17),
        };
        let mut availability = Availability {
            weekly: vec![tuesday],
            exceptions: vec![],
        };
        // Tue 8 Dec 09–12 and Wed 9 Dec 09–12.
        let spans = [
            Interval::new(at(8, 9), at(8, 12)).unwrap(),
            Interval::new(at(9, 9), at(9, 12)).unwrap(),
        ];
        assert_eq!(uncovered(Stockholm, true, &availability, &spans), [1]);
        availability.exceptions.push(Exception {
            date: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
            from: Some(t(11)),
            to: Some(t(13)),
            available: false,
        });
        assert_eq!(uncovered(Stockholm, true, &availability, &spans), [0, 1]);
        assert_eq!(
            uncovered(Stockholm, false, &availability, &[]),
            Vec::<usize>::new()
        );
    }
}
