//! skrivsal: exam-service booking and room scheduling for Swedish municipal
//! learning centres. See README.md ("Architecture") for the map.

// The pure core.
pub mod calendar;
pub mod conflicts;
pub mod domain;
pub mod itc2007;
pub mod scheduler;

// Shared by every area.
pub mod error;
pub mod pagination;
pub mod templates;
pub mod timefmt;
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
