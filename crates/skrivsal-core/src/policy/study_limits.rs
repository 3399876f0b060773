//! A centre's per-student limits on study places (PRODUCT.md, centre settings): at most
//! `max_future_study_bookings` upcoming confirmed bookings, and at most
//! `max_study_hours_per_week` hours of confirmed bookings in the local week (Monday to
//! Monday) of the booking's start.
//!
//! The service loads the counts (by SQL) and asks here; a refusal is the message the
//! API returns under the conflict code [`CODE`].

/// The API's `conflicts[].rule` for a refused limit.
pub const CODE: &str = "study_limit";

/// A student with `upcoming` confirmed bookings that have not ended may book one more
/// while that stays within `max`: refused (with the message) once `upcoming >= max`.
pub fn future_bookings(max: i64, upcoming: i64) -> Option<String> {
    (upcoming >= max).then(|| {
        format!("you already have {upcoming} upcoming study bookings here; the centre allows {max}")
    })
}

/// A booking of `asked_minutes` on top of `booked_minutes` already booked that week:
/// refused (with the message) when the total is over `max_hours`.
pub fn weekly_hours(max_hours: i64, booked_minutes: i64, asked_minutes: i64) -> Option<String> {
    let total = booked_minutes.saturating_add(asked_minutes);
    (total > max_hours.saturating_mul(60)).then(|| {
        format!(
            "that would make {:.1} hours this week; the centre allows {max_hours}",
            total as f64 / 60.0
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn future_bookings_up_to_the_limit() {
        // Below the limit: the new booking is the max-th, allowed.
        assert_eq!(future_bookings(3, 2), None);
        // Exactly at the limit already: one more would be over.
        let refused = future_bookings(3, 3).expect("refused at the limit");
        assert_eq!(
            refused,
            "you already have 3 upcoming study bookings here; the centre allows 3"
        );
        assert!(future_bookings(3, 4).is_some());
        // A limit of zero allows none.
        assert!(future_bookings(0, 0).is_some());
    }

    #[test]
    fn weekly_hours_exactly_at_the_limit_is_allowed() {
        // 8 hours booked, 2 asked: exactly 10.
        assert_eq!(weekly_hours(10, 8 * 60, 2 * 60), None);
        // One minute over.
        let refused = weekly_hours(10, 8 * 60, 2 * 60 + 1).expect("one minute over");
        assert_eq!(
            refused,
            "that would make 10.0 hours this week; the centre allows 10"
        );
        // An hour over, message to one decimal.
        assert_eq!(
            weekly_hours(10, 9 * 60 + 30, 90).as_deref(),
            Some("that would make 11.0 hours this week; the centre allows 10")
        );
        assert_eq!(
            weekly_hours(4, 3 * 60, 75).as_deref(),
            Some("that would make 4.2 hours this week; the centre allows 4")
        );
    }

    #[test]
    fn weekly_hours_zero_and_huge() {
        assert!(weekly_hours(0, 0, 1).is_some());
        assert_eq!(weekly_hours(0, 0, 0), None);
        assert!(weekly_hours(i64::MAX, i64::MAX, i64::MAX).is_none());
    }
}
