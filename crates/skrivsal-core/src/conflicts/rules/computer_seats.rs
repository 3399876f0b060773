//! `computer_seats` (PRODUCT.md rule 2): at no instant may a room hold more computer
//! users (computer sittings + computer study bookings) than computer seats.

/// Broken when `users` at one instant exceed `computer_seats`.
pub fn broken(users: i64, computer_seats: impl Into<i64>) -> bool {
    users > computer_seats.into()
}

pub fn message(room_name: &str, users: i64, computer_seats: u32, when: &str) -> String {
    format!(
        "Room '{room_name}' would need {users} computer seats but has {computer_seats}, from {when}."
    )
}
