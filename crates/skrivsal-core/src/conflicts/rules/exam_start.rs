//! `exam_start` (PRODUCT.md rule 7): a sitting of a fixed-time exam starts at most the
//! institution's `start_offset_minutes` from the exam's start, either way.

use chrono::{DateTime, TimeDelta, Utc};

pub fn broken(
    sitting_start: DateTime<Utc>,
    exam_start: DateTime<Utc>,
    offset_minutes: u32,
) -> bool {
    (sitting_start - exam_start).abs() > TimeDelta::minutes(i64::from(offset_minutes))
}

/// `sitting_start` and `exam_start` as local times.
pub fn message(sitting_start: &str, exam_start: &str, offset_minutes: u32) -> String {
    format!(
        "The sitting starts at {sitting_start}, but the exam starts at {exam_start} and the \
         institution allows at most {offset_minutes} minutes either way."
    )
}
