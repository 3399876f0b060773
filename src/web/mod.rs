//! The HTTP edge: routes and handlers, extractors, the OpenAPI description and
//! sign-in throttling. Only this area knows actix-web.

pub mod auth;
pub mod extract;
pub mod language;
pub mod openapi;
pub mod pages;
pub mod problem;
pub mod routes;
pub mod throttle;

use std::sync::Arc;

use crate::app::config::Settings;
use crate::db::Database;

/// Largest JSON body accepted; larger ones get 413.
pub const JSON_LIMIT_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
pub struct AppState {
    pub db: Database,
    /// The database's clock, for handlers that tell time outside a connection.
    pub clock: Arc<dyn crate::clock::Clock>,
    pub settings: Arc<Settings>,
    pub throttle: crate::web::throttle::Throttle,
    /// Rendered day documents (schedule, print views), this server's own.
    pub reads: Arc<crate::documents::cache::DayCache>,
}

/// The request id, available to handlers as a request extension and returned
/// to the client in `x-request-id` so a support question can name the log line.
#[derive(Debug, Clone, Copy)]
pub struct RequestId(pub uuid::Uuid);
