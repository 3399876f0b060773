//! `room_inactive`: nothing may be placed in a deactivated room.

use crate::conflicts::Room;

pub fn broken(room: &Room) -> bool {
    !room.active
}

pub fn message(room_name: &str) -> String {
    format!("Room '{room_name}' is not in use (inactive).")
}
