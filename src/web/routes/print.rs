//! Print views for a centre's day, for browsers (session cookie) and scripts.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use super::{Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::documents::cache::{Answer, Format, Rendered};
use crate::documents::pdf;
use crate::documents::print::{self, Prepared, PrintQuery};
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
        ), headers(("ETag" = String, description = "Strong tag of the document as it is now (not on the attendance sheet, which is built afresh every time): send it back in `If-None-Match`"))),
        (status = 304, description = "The document is unchanged since the `If-None-Match` tag (checked after authorisation)"),
        p::StaffReadErrors,
    ),
)]
pub(crate) async fn document(
    state: State,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    q: Query<PrintQuery>,
) -> Reply {
    let ((key, name), q) = (path.into_inner(), q.into_inner());
    let inm = if_none_match(&req);
    let cache = state.reads.clone();
    let printed = state
        .db
        .run(move |c| print::prepare(c, &cache, &caller, &key, &name, &q, inm.as_deref()))
        .await?;
    let answer = match printed.prepared {
        Prepared::Ready(answer) => answer,
        Prepared::Pdf { key, day } => {
            // Laying out and subsetting the font is CPU work: off the async
            // workers.
            let bytes = web::block(move || pdf::render(&day))
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("PDF task failed: {e}")))?
                .map_err(|e| ApiError::Internal(e.into()))?;
            Answer::Document(match key {
                Some(key) => state.reads.store(key, bytes),
                None => Rendered::uncached(bytes),
            })
        }
    };
    let mut res = day_document(
        answer,
        match printed.format {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        },
    );
    if printed.format == Format::Pdf {
        let disposition = format!("inline; filename=\"{}\"", printed.filename);
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(res)
}

/// The `If-None-Match` header, when it is readable text.
pub(super) fn if_none_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A day document's answer: 304 or the bytes, with the tag when it has one.
/// Staff data: a browser may keep it, but only for this user
/// (`private`) and asking again every time (`no-cache`), which costs a 304
/// while the day is unchanged.
pub(super) fn day_document(answer: Answer, content_type: &'static str) -> HttpResponse {
    let (mut res, etag, body) = match answer {
        Answer::NotModified { etag } => (HttpResponse::NotModified(), Some(etag), None),
        Answer::Document(Rendered { body, etag }) => (HttpResponse::Ok(), etag, Some(body)),
    };
    res.insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if let Some(tag) = etag {
        res.insert_header((header::ETAG, tag));
    }
    match body {
        Some(body) => res.content_type(content_type).body(body),
        None => res.finish(),
    }
}
