use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::Endpoint;
use crate::db;
use crate::web::openapi::problems as p;
use crate::web::problem::ApiError;
use crate::web::AppState;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![public: healthz, readyz]
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

// Fields in alphabetical order: the order of the `json!` answer this
// replaced, so the bytes on the wire are unchanged.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `sqlite` or `postgres`.
    #[schema(example = "postgres")]
    database: &'static str,
    #[schema(example = "ready")]
    status: &'static str,
}

/// The process is up and serving HTTP; says nothing about the database, so a
/// load balancer does not restart a healthy process for a database outage.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    summary = "Liveness",
    description = "200 while the process is up; says nothing about the database.",
    responses((status = 200, description = "Up", body = Health)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Ready to serve traffic: the database answers and every migration this
/// binary knows of has been applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    summary = "Readiness",
    description = "200 when the database answers and every migration is applied, 503 otherwise.",
    responses(
        (status = 200, description = "Ready", body = Ready),
        (status = 503, response = p::Unavailable),
    ),
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = state.db.backend().name();
    let pending = state
        .db
        .run(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1")
                .map_err(|e| ApiError::Unavailable(format!("database does not answer: {e}")))?;
            db::pending_migrations(conn).map_err(|e| ApiError::Unavailable(e.to_string()))
        })
        .await?;
    if pending > 0 {
        return Err(ApiError::Unavailable(format!(
            "{pending} database migration(s) not applied yet"
        )));
    }
    Ok(HttpResponse::Ok().json(Ready {
        database: backend,
        status: "ready",
    }))
}
