//! `separate_room` (PRODUCT.md rule 3): a sitting with the separate-room accommodation
//! has its room to itself: no other sitting and no study booking may be in the room
//! at any instant of it.

use super::ItemKind;

/// Two sittings overlapping in one room clash when either needs the room to itself.
pub fn sittings_clash(a_separate: bool, b_separate: bool) -> bool {
    a_separate || b_separate
}

/// A sitting and a study booking overlapping in one room clash under this rule when
/// the sitting needs the room to itself (they always clash under
/// [`super::exam_and_study_mixed`]).
pub fn study_clashes(sitting_separate: bool) -> bool {
    sitting_separate
}

/// Of two clashing sittings, the one whose accommodation is broken.
pub fn alone<'a, T>(a: &'a T, a_separate: bool, b: &'a T) -> (&'a T, &'a T) {
    if a_separate {
        (a, b)
    } else {
        (b, a)
    }
}

/// Told to the separate-room sitting itself: `other` is in its room too.
pub fn message(
    separate_id: &str,
    room_name: &str,
    other_kind: ItemKind,
    other_id: &str,
    when: &str,
) -> String {
    format!(
        "Sitting {separate_id} needs room '{room_name}' to itself, but {} {other_id} is there \
         too from {when}.",
        other_kind.code().replace('_', " ")
    )
}

/// Told to an item (of `my_kind`) entering the room of separate-room sitting
/// `separate_id`.
pub fn entering_message(
    separate_id: &str,
    room_name: &str,
    my_kind: ItemKind,
    when: &str,
) -> String {
    format!(
        "Sitting {separate_id} needs room '{room_name}' to itself, but this {} would be there \
         too from {when}.",
        my_kind.code().replace('_', " ")
    )
}
