//! The application shell: configuration, building the HTTP server, the
//! command line, logging and the demo region. It depends on every area; no
//! area depends on it except for the settings types in `config`.

pub mod cli;
pub mod config;
pub mod demo;
pub mod startup;
pub mod telemetry;
