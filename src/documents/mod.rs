//! What leaves the system as a document: print views and their PDFs, CSV
//! exports and iCalendar feeds. Read-only over the other areas.

pub mod cache;
pub mod exports;
pub mod feeds;
pub mod pdf;
pub mod print;
