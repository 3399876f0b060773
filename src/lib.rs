//! skrivsal: exam-service booking and room scheduling for Swedish municipal
//! learning centres. See README.md for the architecture.

// The pure core lives in its own crates; re-exported so `crate::calendar::…` and
// `skrivsal::conflicts::…` keep working.
pub use skrivsal_core::{calendar, conflicts, domain, policy, scheduler};
pub use skrivsal_itc2007 as itc2007;

pub mod access_cards;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod booking;
pub mod centres;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod exams;
pub mod exports;
pub mod extract;
pub mod feeds;
pub mod institutions;
pub mod invigilators;
pub mod mail;
pub mod notify;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod pdf;
pub mod print;
pub mod reminders;
pub mod replan;
pub mod rooms;
pub mod routes;
pub mod sessions;
pub mod sittings;
pub mod startup;
pub mod study;
pub mod telemetry;
pub mod throttle;
pub mod timefmt;
pub mod validate;
