//! Policy: decisions the service takes on plain data it has loaded (counts, dates),
//! kept here so that they are pure and unit-tested without a database.
//!
//! * [`study_limits`]: a centre's per-student limits on study bookings.
//! * [`registration_deadline`]: the last day an institution takes exam requests.

pub mod registration_deadline;
pub mod study_limits;
