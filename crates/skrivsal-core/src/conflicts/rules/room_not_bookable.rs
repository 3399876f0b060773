//! `room_not_bookable`: a sitting only in a room bookable for exams, a study booking
//! only in one bookable for study (PRODUCT.md "Room", "bookable for"). Invigilators
//! need no flag: they go where the sittings are.

use crate::conflicts::Room;

/// What an item uses a room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Exam,
    Study,
    Staff,
}

pub fn bookable(room: &Room, purpose: Purpose) -> bool {
    match purpose {
        Purpose::Exam => room.bookable_exam,
        Purpose::Study => room.bookable_study,
        Purpose::Staff => true,
    }
}

pub fn message(room_name: &str, purpose: Purpose) -> String {
    let what = match purpose {
        Purpose::Exam => "exams",
        Purpose::Study => "study places",
        Purpose::Staff => "invigilation",
    };
    format!("Room '{room_name}' is not bookable for {what}.")
}
