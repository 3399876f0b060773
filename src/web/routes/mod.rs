//! HTTP routes. Handlers are thin: they parse input, call the area's module
//! in one blocking task, and render the result; errors are `ApiError`.
//!
//! Every endpoint is listed once, as (method, path, handler), in the areas'
//! `routes()` tables. `configure` builds the app from them, and
//! `route_list()` gives the same list to the tests that must cover every
//! route (the authorization matrix, the OpenAPI check).

// Visible to the crate so that `openapi::ApiDoc` can name each handler's
// `#[utoipa::path]`.
pub(crate) mod accounts;
pub(crate) mod auth;
pub(crate) mod bookings;
pub(crate) mod docs;
pub(crate) mod exports;
pub(crate) mod feeds;
pub(crate) mod health;
pub(crate) mod home;
pub(crate) mod print;
pub(crate) mod setup;

use actix_web::http::Method;
use actix_web::{web, HttpResponse, Route};
use serde::Serialize;

use crate::web::problem::ApiError;
use crate::web::AppState;

type State = web::Data<AppState>;
type Reply = Result<HttpResponse, ApiError>;

fn ok<T: Serialize>(value: T) -> Reply {
    Ok(HttpResponse::Ok().json(value))
}

fn created<T: Serialize>(value: T) -> Reply {
    Ok(HttpResponse::Created().json(value))
}

fn no_content(_: ()) -> Reply {
    Ok(HttpResponse::NoContent().finish())
}

pub const API_PREFIX: &str = "/api/v1";

/// Every route of the app: (method, full path, handler).
fn all_routes() -> Vec<(Method, String, Route)> {
    let mut routes: Vec<(Method, String, Route)> = vec![
        (Method::GET, "/".into(), web::get().to(home::index)),
        (
            Method::GET,
            "/static/site.css".into(),
            web::get().to(home::stylesheet),
        ),
        (
            Method::GET,
            "/static/print.css".into(),
            web::get().to(home::print_stylesheet),
        ),
        (
            Method::GET,
            "/healthz".into(),
            web::get().to(health::healthz),
        ),
        (Method::GET, "/readyz".into(), web::get().to(health::readyz)),
    ];
    routes.extend(
        auth::routes()
            .into_iter()
            .chain(docs::routes())
            .chain(feeds::public_routes())
            .chain(print::routes())
            .map(|(m, p, r)| (m, p.to_string(), r)),
    );
    for (m, p, r) in setup::routes()
        .into_iter()
        .chain(accounts::routes())
        .chain(bookings::routes())
        .chain(exports::routes())
        .chain(feeds::routes())
    {
        routes.push((m, format!("{API_PREFIX}{p}"), r));
    }
    routes
}

/// (method, path) of every route, in registration order.
pub fn route_list() -> Vec<(Method, String)> {
    all_routes().into_iter().map(|(m, p, _)| (m, p)).collect()
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // One resource per path, so that a known path with an unsupported
    // method answers 405 instead of 404.
    let mut by_path: Vec<(String, Vec<Route>)> = Vec::new();
    for (_, path, route) in all_routes() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push(route),
            None => by_path.push((path, vec![route])),
        }
    }
    for (path, routes) in by_path {
        let mut resource = web::resource(path).default_service(web::to(method_not_allowed));
        for route in routes {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
}

async fn method_not_allowed() -> Reply {
    Err(ApiError::MethodNotAllowed)
}
