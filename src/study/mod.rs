//! Study places: booking and cancelling (`bookings`), a new time for a
//! booking (`moving`), what is free
//! (`availability`), a student's own bookings and a centre's day schedule
//! (`schedule`).

pub mod availability;
pub mod bookings;
pub mod moving;
pub mod schedule;
