//! A centre and what it offers: the centre itself with its hours, closures and
//! calendar (`centre`), rooms, invigilators and their availability, and access
//! cards.

pub mod access_cards;
pub mod centre;
pub mod invigilators;
pub mod rooms;
