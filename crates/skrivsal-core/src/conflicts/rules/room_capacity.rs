//! `room_capacity` (PRODUCT.md rule 2): at no instant may a room hold more people
//! (sittings + study bookings; invigilators take no seat) than it has seats.

/// Broken when `people` at one instant exceed `seats`.
pub fn broken(people: i64, seats: impl Into<i64>) -> bool {
    people > seats.into()
}

/// `when` is the local span of the (first) stretch over capacity.
pub fn message(room_name: &str, people: i64, seats: u32, when: &str) -> String {
    format!("Room '{room_name}' would hold {people} people but has {seats} seats, from {when}.")
}
