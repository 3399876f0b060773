use actix_web::HttpResponse;

const INDEX_HTML: &str = include_str!("../../templates/index.html");

/// A landing page, so that the address printed by `serve` shows something
/// useful in a browser.
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(INDEX_HTML)
}

const SITE_CSS: &str = include_str!("../../static/site.css");

pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SITE_CSS)
}
