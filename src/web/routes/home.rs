use actix_web::HttpResponse;

use super::Endpoint;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![public: index, stylesheet, print_stylesheet]
}

/// The landing page (the region's centres and sign-in), or the signed-in
/// person's start page: `web::pages` renders it.
#[utoipa::path(
    get,
    path = "/",
    tag = "pages",
    summary = "The landing page",
    responses((status = 200, description = "HTML", body = String, content_type = "text/html")),
)]
pub async fn index(
    state: actix_web::web::Data<crate::web::AppState>,
    viewer: crate::web::pages::Viewer,
) -> Result<HttpResponse, crate::web::pages::PageError> {
    crate::web::pages::landing(state, viewer).await
}

const SITE_CSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/site.css"));

#[utoipa::path(
    get,
    path = "/static/site.css",
    tag = "pages",
    summary = "The pages' stylesheet",
    responses((status = 200, description = "CSS, cacheable for an hour", body = String, content_type = "text/css")),
)]
pub async fn stylesheet() -> HttpResponse {
    css(SITE_CSS)
}

const PRINT_CSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/print.css"));

#[utoipa::path(
    get,
    path = "/static/print.css",
    tag = "pages",
    summary = "The print views' stylesheet (A4)",
    responses((status = 200, description = "CSS, cacheable for an hour", body = String, content_type = "text/css")),
)]
pub async fn print_stylesheet() -> HttpResponse {
    css(PRINT_CSS)
}

/// Both stylesheets change only with a release: an hour in caches is safe.
fn css(text: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(text)
}
