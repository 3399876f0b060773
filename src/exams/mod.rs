//! Exams: requests from institutions (`requests`), the sittings they hold
//! (`sittings`), re-planning a centre (`replan`), and what every booking write
//! shares with study places (`booking`: the snapshot the conflict checker
//! judges, the scheduler's task).

pub mod booking;
pub mod replan;
pub mod requests;
pub mod sittings;
