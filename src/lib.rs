//! skrivsal: exam-service booking and room scheduling for Swedish municipal
//! learning centres. See README.md for the architecture.

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod routes;
pub mod startup;
pub mod telemetry;
