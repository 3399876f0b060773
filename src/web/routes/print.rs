//! Print views for a centre's day, for browsers (session cookie) and scripts.

use actix_web::{web, HttpResponse};

use super::{Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::documents::pdf;
use crate::documents::print::{self, PrintQuery};
use crate::web::extract::Query;
use crate::web::openapi::{problems as p, CentreKey};
use crate::web::problem::ApiError;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: document]
}

/// A PDF file.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
// Never built: it only gives the PDF response its schema in the OpenAPI
// description (a plain `Vec<u8>` would be described as an array of integers).
#[allow(dead_code)]
pub(crate) struct PdfFile(Vec<u8>);

#[utoipa::path(
    get,
    path = "/print/centres/{centre}/{document}",
    tag = "print",
    summary = "A printable document for a centre's day, HTML or PDF (centre staff)",
    description = "`document`: schedule, invigilators, door-signs or attendance: HTML laid out for A4. With `.pdf` appended (`schedule.pdf`, …) the same document as an A4 PDF (`application/pdf`, shown inline): rows never split across pages, page numbers and the print time (centre's local time) in the footer, the font embedded. Swedish by default, `lang=en` for English. Booking codes identify students; names only on the attendance sheet and never for protected identities.",
    params(CentreKey, ("document" = String, Path, description = "schedule, invigilators, door-signs or attendance; with `.pdf` appended for the PDF"), PrintQuery),
    responses(
        (status = 200, description = "The document: HTML, or PDF for a name ending in `.pdf`", content(
            (String = "text/html"),
            (PdfFile = "application/pdf"),
        )),
        p::StaffReadErrors,
    ),
)]
pub(crate) async fn document(
    state: State,
    caller: Caller,
    path: web::Path<(String, String)>,
    q: Query<PrintQuery>,
) -> Reply {
    let ((key, name), q) = (path.into_inner(), q.into_inner());
    // One route for both formats, so the PDF is authorised exactly as the
    // HTML view it reproduces.
    let (name, as_pdf) = match name.strip_suffix(".pdf") {
        Some(document) => (document.to_string(), true),
        None => (name, false),
    };
    let day = state
        .db
        .run(move |c| print::load(c, &caller, &key, &name, &q))
        .await?;
    if !as_pdf {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(print::html(&day)?));
    }
    pdf_response(day).await
}

/// The day's document as an A4 PDF, shown inline.
async fn pdf_response(day: print::DayDocument) -> Reply {
    let filename = format!(
        "{}-{}-{}-{}.pdf",
        day.centre.slug,
        day.document.slug(),
        day.date,
        day.lang.as_str()
    );
    // Laying out and subsetting the font is CPU work: off the async workers.
    let bytes = web::block(move || pdf::render(&day))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("PDF task failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{filename}\""),
        ))
        .body(bytes))
}
