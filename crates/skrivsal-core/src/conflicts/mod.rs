//! The conflict checker: pure functions from a [`Snapshot`] of one centre and a batch
//! of [`Change`]s to "OK" or the list of every rule the batch would break.
//!
//! No database, no HTTP, no clock: the caller loads a snapshot (inside the same
//! transaction that will write the batch, so the answer still holds when it commits)
//! and maps [`Violation`]s to the API's `conflicts` array.
//!
//! # Rules (PRODUCT.md "Rules the conflict checker enforces")
//!
//! | code | PRODUCT.md | broken when |
//! |---|---|---|
//! | `opening_hours` | 1 | a sitting is not inside staffed hours; a study booking is inside neither staffed nor (for card holders) access-card hours |
//! | `access_card_required` | 1 | a study booking is inside access-card hours but not staffed hours, and the student holds no card valid on the booking's local start date |
//! | `closed_day` | 1 | an item touches a local date that is closed (closure or observed holiday); `with` names the day, the message the closure or holiday |
//! | `room_capacity` | 2 | at some instant a room holds more sittings + study bookings than seats |
//! | `computer_seats` | 2 | at some instant a room holds more computer sittings + computer study bookings than computer seats |
//! | `separate_room` | 3 | anyone else (sitting or study booking) is in the room of a separate-room sitting during it |
//! | `exam_and_study_mixed` | 4 | a sitting and a study booking overlap in one room |
//! | `student_double_booked` | 5 | two items of one student overlap (sitting/sitting, sitting/study, study/study) |
//! | `invigilator_coverage` | 6 | at some instant a room holds examinees and no invigilator |
//! | `invigilator_ratio` | 6 | at some instant a room with `n` examinees has fewer than `ceil(n / N)` (but at least one) invigilators |
//! | `invigilator_double_booked` | 6 | two assignments of one invigilator in different rooms overlap |
//! | `invigilator_availability` | 6 | an assignment is not inside the invigilator's availability, or the invigilator is inactive |
//! | `exam_start` | 7 | a fixed-time sitting starts more than `start_offset_minutes` from the exam's start |
//! | `exam_window` | 7 | a window sitting starts before the window or ends (extended time included) after it |
//! | `exam_duration` | 7 | a sitting is shorter than the exam's duration |
//! | `room_not_bookable` | – | a sitting in a room not bookable for exams, a study booking in one not bookable for study |
//! | `room_inactive` | – | any item in an inactive room |
//! | `invalid_item` | – | input error: empty span, unknown room/exam/invigilator, removing an unknown id, a change outside the snapshot's dates |
//!
//! # Coverage (rule 6)
//!
//! "Covered by at least one invigilator from the first start to the last end of each
//! continuous block of sittings" is checked pointwise: at every instant at which a room
//! holds `n ≥ 1` examinees, it must hold at least `max(1, ceil(n / N))` *distinct*
//! invigilators. A block is a maximal stretch during which the room is never empty of
//! examinees, so "covered from its first start to its last end" and "covered at every
//! instant in it" are the same thing; relays (A 09–11, B 11–13) count as covered.
//! Invigilators do not take seats. Overlapping assignments of one invigilator in the
//! same room are merged, not double-counted, and are not a double booking.
//!
//! # Batch semantics
//!
//! See [`check`].
//!
//! # Rounding
//!
//! See [`personal_duration`].

mod audit;
mod check;
mod model;
pub mod rules;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

pub use audit::{audit, audit_data};
pub use check::check;
pub use model::{
    apply, AccessCard, CentreRules, Change, Exam, ExamTiming, Invigilator, InvigilatorAssignment,
    Room, Sitting, Snapshot, SnapshotData, StudyBooking,
};
pub use rules::{ItemKind, ItemRef, Rule, Violation};

use chrono::TimeDelta;

/// A student's own length of a sitting: `duration × (1 + extra_time_percent / 100) +
/// breaks_minutes`, rounded **up** to a whole minute.
///
/// Up, because a student entitled to +50 % on a 45-minute exam is entitled to 67.5
/// minutes, and cutting half a minute would take away part of an accommodation; booking
/// half a minute too much costs nothing. The rounding applies to the extended part only
/// (breaks are whole minutes already). Computed in integers, so there is no
/// floating-point drift. Absurd inputs saturate at `TimeDelta::MAX` instead of
/// overflowing.
pub fn personal_duration(
    duration_minutes: u32,
    extra_time_percent: u32,
    breaks_minutes: u32,
) -> TimeDelta {
    let extended =
        (u128::from(duration_minutes) * (100 + u128::from(extra_time_percent))).div_ceil(100);
    let total = extended + u128::from(breaks_minutes);
    i64::try_from(total)
        .ok()
        .and_then(TimeDelta::try_minutes)
        .unwrap_or(TimeDelta::MAX)
}
