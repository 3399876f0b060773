//! `exam_and_study_mixed` (PRODUCT.md rule 4): sittings and study bookings never share
//! a room at the same time.

/// Two items overlapping in one room clash when exactly one of them is a study booking.
pub fn clash(a_is_study: bool, b_is_study: bool) -> bool {
    a_is_study != b_is_study
}

pub fn message(sitting_id: &str, booking_id: &str, room_name: &str, when: &str) -> String {
    format!(
        "Sitting {sitting_id} and study booking {booking_id} would share room '{room_name}' \
         from {when}; exams and study places may not share a room."
    )
}
