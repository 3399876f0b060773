//! The pages people use in a browser: server-rendered HTML from the one
//! template environment, in Swedish or English (`i18n`), working with
//! JavaScript off and enhanced by htmx where a partial update helps.
//!
//! Pages call the same operations as the API (`study::…`, `exams::…`,
//! `documents::feeds`, `centres::public`) with the same `Caller` and policy,
//! so a rule is never judged twice. They are HTML for people, not part of the
//! API: they are registered here, not in the OpenAPI document.
//!
//! Forms post and redirect (303) with a status message; a refused form is
//! shown again with each message beside its field. Form posts carry the
//! session's CSRF token as a hidden `csrf` field (the API's `X-CSRF-Token`
//! rule is unchanged).

pub mod context;
pub mod errors;
pub mod fmt;
pub mod i18n;
pub mod signin;

mod calendar;
mod centre;
mod invigilator;
mod landing;
mod start;
mod student;

use actix_web::web;
use serde::de::DeserializeOwned;

use crate::domain::Language;
use crate::error::Error;
use crate::web::routes::host;
use crate::web::AppState;
pub use context::Viewer;
pub use errors::PageError;
#[doc(hidden)]
pub use student::book::day_context as book_day_context;

type State = web::Data<AppState>;
type Page = Result<actix_web::HttpResponse, PageError>;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/start", web::get().to(start::start))
        .route("/lang", web::post().to(landing::switch_language))
        .route("/sign-out", web::post().to(landing::sign_out))
        .route("/static/htmx.min.js", web::get().to(htmx))
        .route("/centres/{slug}", web::get().to(centre::page))
        .route("/me/bookings", web::get().to(student::bookings::bookings))
        .route(
            "/me/study-bookings/{id}/cancel",
            web::post().to(student::bookings::cancel_study),
        )
        .route(
            "/me/sittings/{id}/cancel",
            web::post().to(student::bookings::cancel_sitting),
        )
        .route("/me/book", web::get().to(student::book::book_page))
        .route("/me/book", web::post().to(student::book::book))
        .route("/me/exams", web::get().to(student::exams::exams))
        .route("/me/exams", web::post().to(student::exams::register))
        .route("/me/calendar", web::get().to(calendar::calendar))
        .route("/me/calendar", web::post().to(calendar::create_feed))
        .route(
            "/me/calendar/{id}/revoke",
            web::post().to(calendar::revoke_feed),
        )
        .configure(invigilator::configure);
}

/// `/`: the landing page for visitors, the role's start page for the
/// signed in. (Registered by `routes::home`, which declares the path.)
pub async fn landing(state: State, viewer: Viewer) -> Page {
    landing::landing(state, viewer).await
}

const HTMX: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/htmx.min.js"));

/// htmx 2 from the npm package `htmx.org`, served by us: no page makes a
/// request to another site. It changes only with a release.
async fn htmx() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(HTMX)
}

/// A form body, read by hand so an unreadable one is a page, not JSON.
fn form<T: DeserializeOwned>(lang: Language, body: &web::Bytes) -> Result<T, PageError> {
    serde_urlencoded::from_bytes(body).map_err(|e| {
        PageError::new(
            lang,
            Error::BadRequest(format!("the form could not be read: {e}")),
        )
    })
}

/// Runs `op` on the database in one blocking task, its error a page in the
/// viewer's language.
#[track_caller]
fn run<T, F>(
    state: &State,
    lang: Language,
    op: F,
) -> impl std::future::Future<Output = Result<T, PageError>>
where
    F: FnOnce(&mut crate::db::DbConn) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let work = state.db.run(op);
    async move { work.await.map_err(|e| PageError::new(lang, e)) }
}
