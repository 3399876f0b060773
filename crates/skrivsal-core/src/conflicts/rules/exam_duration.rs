//! `exam_duration` (PRODUCT.md rule 7): a sitting is at least as long as the exam.

use chrono::TimeDelta;

pub fn broken(length: TimeDelta, duration_minutes: u32) -> bool {
    length < TimeDelta::minutes(i64::from(duration_minutes))
}

pub fn message(length: TimeDelta, duration_minutes: u32) -> String {
    format!(
        "The sitting lasts {} minutes, shorter than the exam's {duration_minutes} minutes.",
        length.num_minutes()
    )
}
