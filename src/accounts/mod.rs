//! Accounts: who is acting (`actor`), what they may do and see (`policy`),
//! users (`users`), API tokens (`tokens`), sign-in sessions (`sessions`), the sign-in throttle's
//! buckets (`throttle`) and the audit log (`audit`).

pub mod actor;
pub mod audit;
pub mod policy;
pub mod preferences;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;
