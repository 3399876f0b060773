//! The API description (`/api/openapi.json`) and Swagger UI (`/api/docs/`).
//!
//! Swagger UI's files are served by our own handlers through
//! `utoipa_swagger_ui::serve` rather than by mounting its `SwaggerUi`
//! service: that service registers a catch-all `/api/docs/{_:.*}` (and its own
//! copy of the JSON) outside the `endpoints!` lists, so `route_list()`, the
//! authorization matrix and the OpenAPI completeness test would not see what
//! is really served. Its distribution is flat (index.html, swagger-ui.css,
//! swagger-ui-bundle.js, …), so one path segment matches every file and
//! `/api/docs/{file}` names exactly what the app answers.
//!
//! The page needs no change to the Content-Security-Policy: index.html loads
//! every script from a file of our origin (the configuration is in the
//! generated swagger-initializer.js, not inline), Swagger UI's inline styles
//! and `data:` images are already allowed, and the validator badge, the one
//! thing it would fetch from elsewhere, is switched off.

use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::Config;

use super::{Endpoint, Reply};
use crate::web::openapi::problems as p;
use crate::web::problem::ApiError;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![public: openapi_json, docs_redirect, docs_index, docs_file]
}

pub const OPENAPI_PATH: &str = "/api/openapi.json";

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "docs",
    summary = "This description (OpenAPI 3.1)",
    responses((status = 200, description = "The OpenAPI document", body = Object, content_type = "application/json")),
)]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(crate::web::openapi::json())
}

#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "docs",
    summary = "Redirects to Swagger UI",
    responses((status = 308, description = "To `/api/docs/`, so the page's relative asset links resolve", headers(("Location" = String)))),
)]
async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/api/docs/"))
        .finish()
}

#[utoipa::path(
    get,
    path = "/api/docs/",
    tag = "docs",
    summary = "Swagger UI: this description, browsable and callable",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
)]
async fn docs_index() -> Reply {
    swagger_file("index.html")
}

#[utoipa::path(
    get,
    path = "/api/docs/{file}",
    tag = "docs",
    summary = "Swagger UI's scripts, styles and images",
    params(("file" = String, Path, description = "A file of the Swagger UI distribution", example = "swagger-ui.css")),
    responses(
        (status = 200, description = "The file, with the content type its name gives (`mime_guess`, as `utoipa_swagger_ui::serve` answers)", content(
            (String = "text/css"),
            (String = "text/javascript"),
            (String = "text/html"),
            (String = "image/png"),
            (String = "text/plain"),
            (String = "application/octet-stream"),
        )),
        p::ItemErrors,
    ),
)]
async fn docs_file(file: web::Path<String>) -> Reply {
    swagger_file(&file)
}

fn swagger_config() -> Arc<Config<'static>> {
    static CONFIG: OnceLock<Arc<Config<'static>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| Arc::new(Config::new([OPENAPI_PATH]).validator_url("none")))
        .clone()
}

fn swagger_file(name: &str) -> Reply {
    match utoipa_swagger_ui::serve(name, swagger_config()) {
        Ok(Some(file)) => Ok(HttpResponse::Ok()
            .content_type(file.content_type)
            .body(file.bytes.into_owned())),
        Ok(None) => Err(ApiError::NotFound),
        Err(e) => Err(ApiError::Internal(anyhow::anyhow!(
            "Swagger UI file {name}: {e}"
        ))),
    }
}
