//! skrivsal: exam-service booking and room scheduling for Swedish municipal
//! learning centres. See README.md for the architecture.

pub mod access_cards;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod booking;
pub mod calendar;
pub mod centres;
pub mod cli;
pub mod config;
pub mod conflicts;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod exams;
pub mod extract;
pub mod institutions;
pub mod invigilators;
pub mod itc2007;
pub mod notify;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod placement;
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
