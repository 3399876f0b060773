//! `invigilator_double_booked` (PRODUCT.md rule 6): an invigilator is in one room at a
//! time. Overlapping assignments of one invigilator in the *same* room are merged, not
//! a double booking.

/// Two assignments clash when they are the same invigilator's, in different rooms,
/// at overlapping times. `overlap` is asked last, as in `student_double_booked`.
pub fn clash(
    a_invigilator: &str,
    a_room: &str,
    b_invigilator: &str,
    b_room: &str,
    overlap: impl FnOnce() -> bool,
) -> bool {
    a_invigilator == b_invigilator && a_room != b_room && overlap()
}

/// `room` as the message shows it (`'Name'`, or the bare id of an unknown room).
pub fn message(room: &str, other_assignment_id: &str, when: &str) -> String {
    format!(
        "The invigilator is also assigned to room {room} (assignment {other_assignment_id}) from \
         {when}."
    )
}
