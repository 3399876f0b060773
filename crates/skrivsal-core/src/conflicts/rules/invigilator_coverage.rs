//! `invigilator_coverage` (PRODUCT.md rule 6): at every instant a room holds
//! examinees, it holds at least one invigilator (relays count; see the module docs
//! of [`crate::conflicts`]).

/// Broken at an instant with `examinees` and `invigilators` (distinct people).
pub fn broken(examinees: i64, invigilators: i64) -> bool {
    examinees > 0 && invigilators == 0
}

pub fn message(room_name: &str, examinees: i64, when: &str) -> String {
    format!(
        "No invigilator covers room '{room_name}' from {when} while {examinees} examinee(s) \
         write there."
    )
}

/// Told to an assignment whose removal (or move) uncovers the room.
pub fn without_message(assignment_id: &str, room_name: &str, examinees: i64, when: &str) -> String {
    format!(
        "Without assignment {assignment_id}, room '{room_name}' has {examinees} examinee(s) and \
         no invigilator from {when}."
    )
}
