use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::db;
use crate::error::ApiError;
use crate::startup::AppState;

/// The process is up and serving HTTP; says nothing about the database, so a
/// load balancer does not restart a healthy process for a database outage.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready to serve traffic: the database answers and every migration this
/// binary knows of has been applied.
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
    Ok(HttpResponse::Ok().json(json!({
        "status": "ready",
        "database": backend,
    })))
}
