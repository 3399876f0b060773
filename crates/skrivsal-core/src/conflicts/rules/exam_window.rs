//! `exam_window` (PRODUCT.md rule 7): a sitting of an on-demand exam starts and ends
//! (extended time included) inside the exam's window.

use chrono::{DateTime, Utc};

pub fn broken(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    earliest_start: DateTime<Utc>,
    latest_end: DateTime<Utc>,
) -> bool {
    start < earliest_start || end > latest_end
}

/// `sitting` and `window` as local spans.
pub fn message(sitting: &str, window: &str) -> String {
    format!("The sitting {sitting} is not inside the exam's window {window}.")
}
