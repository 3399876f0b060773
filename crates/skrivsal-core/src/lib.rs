//! skrivsal's pure core: everything that decides, with nothing that does I/O.
//!
//! * [`calendar`]: opening hours, holidays, closures, availability, local time.
//! * [`conflicts`]: the rules (one file each under `conflicts/rules/`), the
//!   incremental checker and the independent audit.
//! * [`scheduler`]: the centre's placement engine, judged by the checker.
//! * [`domain`]: identifiers and value types (personnummer, booking codes).
//! * [`policy`]: decisions the service takes on loaded data (study limits, the
//!   registration deadline).
//!
//! This crate must not depend on the database, HTTP, mail or OpenAPI crates, nor on
//! the service; `.ci/check-layering` enforces it.

pub mod calendar;
pub mod conflicts;
pub mod domain;
pub mod policy;
pub mod scheduler;
