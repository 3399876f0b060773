//! CSV exports.

use std::collections::BTreeMap;
use std::future::Future;

use actix_web::{web, HttpResponse};
use utoipa::openapi::content::Content;
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

use super::{run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::db::DbConn;
use crate::documents::exports::{self, RangeQuery};
use crate::error::Error;
use crate::web::extract::Query;
use crate::web::openapi::{problems as p, CentreKey, InstitutionKey};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: centre_sittings, centre_study_bookings, institution_sittings]
}

/// What every export reads: the caller, the centre or institution named in the
/// path, and the date range.
type ExportRequest = (State, Caller, web::Path<String>, Query<RangeQuery>);

/// One of `exports`' functions: the file's name and bytes for the caller, the
/// key and the range.
type Export = fn(&mut DbConn, &Caller, &str, &RangeQuery) -> Result<(String, Vec<u8>), Error>;

/// Every export answers the same way and can fail the same ways, so the
/// handlers differ only in which `Export` they run (and their description).
/// Not `async`, so that `#[track_caller]` reaches `Database::run` and the
/// span names the export's handler.
#[track_caller]
fn download(
    (state, caller, path, q): ExportRequest,
    export: Export,
) -> impl Future<Output = Reply> {
    run(&state, csv, move |c| export(c, &caller, &path, &q))
}

/// The success of every CSV export.
struct CsvFile;

impl IntoResponses for CsvFile {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let file = ResponseBuilder::new()
            .description("The CSV file")
            .content(
                "text/csv",
                Content::new(Some(Object::with_type(Type::String))),
            )
            .build();
        BTreeMap::from([("200".to_string(), file.into())])
    }
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
    responses(CsvFile, p::StaffReadErrors)
)]
pub(crate) async fn centre_sittings(request: ExportRequest) -> Reply {
    download(request, exports::centre_sittings).await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/exports/study-bookings.csv",
    tag = "exports",
    summary = "A centre's study bookings as CSV (centre staff)",
    params(CentreKey, RangeQuery),
    responses(CsvFile, p::StaffReadErrors)
)]
pub(crate) async fn centre_study_bookings(request: ExportRequest) -> Reply {
    download(request, exports::centre_study_bookings).await
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions/{institution}/exports/sittings.csv",
    tag = "exports",
    summary = "An institution's sittings at every centre as CSV (the institution, system admins)",
    params(InstitutionKey, RangeQuery),
    responses(CsvFile, p::StaffReadErrors)
)]
pub(crate) async fn institution_sittings(request: ExportRequest) -> Reply {
    download(request, exports::institution_sittings).await
}
