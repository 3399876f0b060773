//! Print views for a centre's day, for browsers (session cookie) and scripts.

use actix_web::http::Method;
use actix_web::{web, HttpResponse, Route};

use super::{Reply, State};
use crate::auth::Caller;
use crate::openapi::{problems as p, CentreKey};
use crate::print::{self, PrintQuery};

pub(crate) fn routes() -> Vec<(Method, &'static str, Route)> {
    vec![(
        Method::GET,
        "/print/centres/{centre}/{document}",
        web::get().to(document),
    )]
}

#[utoipa::path(
    get,
    path = "/print/centres/{centre}/{document}",
    tag = "print",
    summary = "A printable document for a centre's day (centre staff)",
    description = "`document`: schedule, invigilators, door-signs or attendance. HTML laid out for A4 (print it, or save as PDF from the browser); Swedish by default, `lang=en` for English. Booking codes identify students; names only on the attendance sheet and never for protected identities.",
    params(CentreKey, ("document" = String, Path, description = "schedule, invigilators, door-signs or attendance"), PrintQuery),
    responses(
        (status = 200, description = "The document", body = String, content_type = "text/html"),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
pub(crate) async fn document(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    q: web::Query<PrintQuery>,
) -> Reply {
    let ((key, doc), q) = (path.into_inner(), q.into_inner());
    let html = state
        .db
        .run(move |c| print::render(c, &caller, &key, &doc, &q))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}
