//! Institutions (universities and colleges) that send exam requests.

pub mod registry;
