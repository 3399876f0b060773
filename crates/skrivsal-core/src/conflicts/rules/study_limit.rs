//! `study_limit`: a student's study bookings stay within the centre's limits (PRODUCT.md
//! "Study place" limits). Not a checker rule (the service refuses with a validation
//! error before any snapshot is loaded); the decision and its message live in
//! [`crate::policy::study_limits`] and are found here by name.

pub use crate::policy::study_limits::*;
