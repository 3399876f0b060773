//! CSV exports.

use actix_web::{web, HttpResponse};

use super::{Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::documents::exports::{self, RangeQuery};
use crate::web::openapi::{problems as p, CentreKey, InstitutionKey};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![centre_sittings, centre_study_bookings, institution_sittings]
}

fn csv((name, bytes): (String, Vec<u8>)) -> Reply {
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/exports/sittings.csv",
    tag = "exports",
    summary = "A centre's sittings as CSV (centre staff)",
    description = "UTF-8 with BOM, semicolon-separated, CRLF, local dates and times; booking codes, never identity numbers; protected identities without name.",
    params(CentreKey, RangeQuery),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
pub(crate) async fn centre_sittings(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<RangeQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    csv(state
        .db
        .run(move |c| exports::centre_sittings(c, &caller, &key, &q))
        .await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/exports/study-bookings.csv",
    tag = "exports",
    summary = "A centre's study bookings as CSV (centre staff)",
    params(CentreKey, RangeQuery),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
pub(crate) async fn centre_study_bookings(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<RangeQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    csv(state
        .db
        .run(move |c| exports::centre_study_bookings(c, &caller, &key, &q))
        .await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions/{institution}/exports/sittings.csv",
    tag = "exports",
    summary = "An institution's sittings at every centre as CSV (the institution, system admins)",
    params(InstitutionKey, RangeQuery),
    responses(
        (status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
pub(crate) async fn institution_sittings(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<RangeQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    csv(state
        .db
        .run(move |c| exports::institution_sittings(c, &caller, &key, &q))
        .await?)
}
