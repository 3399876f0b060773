//! `student_double_booked` (PRODUCT.md rule 5): a student is in one place at a time
//! (sitting/sitting, sitting/study, study/study, in any room).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::ItemKind;
use crate::calendar::{humanfmt, Interval};

/// Two items clash when they are the same student's and their spans overlap.
/// `overlap` is asked only for the same student's items: the audit tries every
/// pair of a day, and testing the spans first made it a third slower.
pub fn clash(a_student: &str, b_student: &str, overlap: impl FnOnce() -> bool) -> bool {
    a_student == b_student && overlap()
}

/// Told to one item about the student's `other` item.
pub fn message(other_kind: ItemKind, other_id: &str, when: &str) -> String {
    let what = if other_kind == ItemKind::Sitting {
        "sitting"
    } else {
        "study booking"
    };
    format!("The student already has {what} {other_id} from {when}.")
}

/// The words a translated message needs: which kind the other booking is,
/// and its local time (`09:00–13:00`).
pub fn words(
    other_kind: ItemKind,
    other: Interval<DateTime<Utc>>,
    tz: Tz,
) -> Vec<(&'static str, String)> {
    let kind = if other_kind == ItemKind::Sitting {
        "exam"
    } else {
        "study"
    };
    vec![
        ("kind", kind.to_string()),
        ("span", humanfmt::span(other.start(), other.end(), tz)),
    ]
}
