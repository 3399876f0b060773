//! Study places: booking and cancelling (`bookings`), what is free
//! (`availability`), a student's own bookings and a centre's day schedule
//! (`schedule`).

pub mod availability;
pub mod bookings;
pub mod schedule;
