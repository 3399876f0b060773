//! A centre and what it offers: the centre itself with its hours, closures and
//! calendar (`centre`), rooms, invigilators and their availability, and access
//! cards.

pub mod access_cards;
pub mod calendar;
pub mod centre;
pub mod closures;
pub mod hours;
pub mod invigilators;
pub mod public;
pub mod rooms;
pub mod rules;
pub mod shifts;
pub mod versions;
