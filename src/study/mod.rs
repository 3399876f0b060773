//! Study places: booking, cancelling, availability, a student's own bookings
//! and a centre's day schedule.

pub mod bookings;
