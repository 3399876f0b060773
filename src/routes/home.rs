use actix_web::HttpResponse;

const INDEX_HTML: &str = include_str!("../../templates/index.html");

/// A landing page, so that the address printed by `serve` shows something
/// useful in a browser.
pub async fn index() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(INDEX_HTML)
}
