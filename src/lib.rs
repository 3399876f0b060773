//! skrivsal: exam-service booking and room scheduling for Swedish municipal
//! learning centres. See README.md ("Architecture") for the map.

// The pure core lives in its own crates; re-exported so `crate::calendar::…` and
// `skrivsal::conflicts::…` keep working.
pub use skrivsal_core::{calendar, conflicts, domain, policy, scheduler};
pub use skrivsal_itc2007 as itc2007;

// Shared by every area.
pub mod clock;
pub mod error;
pub mod pagination;
pub mod templates;
pub mod timefmt;
pub mod types;
pub mod validate;

// Persistence.
pub mod db;

// The areas.
pub mod accounts;
pub mod centres;
pub mod documents;
pub mod exams;
pub mod institutions;
pub mod mail;
pub mod study;

// The edges.
pub mod app;
pub mod web;
