//! HTTP routes. Handlers are thin: they parse input, call the area's module
//! in one blocking task, and render the result; errors are `ApiError`.
//!
//! Every endpoint is declared once, by its handler's `#[utoipa::path]`: the
//! method, the full path and the OpenAPI description. Each area lists its
//! handlers with `endpoints![…]`; `configure` builds the app from those lists,
//! `describe_all` adds them to the OpenAPI document, and `route_list()` gives the
//! same (method, path) pairs to the tests that must cover every route (the
//! authorization matrix, the OpenAPI check).

/// `endpoints![handler, …]`: the endpoints of handlers annotated with
/// `#[utoipa::path]`, each served at the method and path its annotation names.
/// (The annotation generates a `__path_<handler>` type carrying them.)
macro_rules! endpoints {
    ($($handler:ident),* $(,)?) => {
        vec![$(
            pastey::paste! {
                $crate::web::routes::Endpoint::of::<[<__path_ $handler>], _, _>($handler)
            }
        ),*]
    };
}

mod access_cards;
mod accounts;
mod auth;
mod centres;
mod docs;
mod exams;
mod exports;
mod feeds;
mod health;
mod home;
mod institutions;
mod invigilators;
mod print;
mod rooms;
mod sittings;
mod study;

use std::future::Future;

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, HttpResponse, Responder, Route};
use serde::Serialize;
// `__dev` is the glue utoipa's own `#[derive(OpenApi)]` (and utoipa-axum's
// `routes!`) use to read what `#[utoipa::path]` generated.
use utoipa::__dev::{SchemaReferences, Tags};
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::OpenApi;

use crate::db::DbConn;
use crate::error::Error;
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

/// Runs `op` in one blocking task and answers with `render` (`ok`, `created`,
/// `no_content`, a file…) of its result: the whole body of most handlers,
/// which have nothing to do but call their area's module. The extractors move
/// into `op` as they are (`&path` reads as `&str`, `&query` as the query).
///
/// `#[track_caller]` passes on to `Database::run`, so the span of the work
/// still names the handler's line, not this one.
#[track_caller]
fn run<T, F>(state: &State, render: fn(T) -> Reply, op: F) -> impl Future<Output = Reply>
where
    F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let work = state.db.run(op);
    async move { render(work.await?) }
}

/// The host part of the public address, which names the service in mail and
/// calendar entries.
pub(crate) fn host(state: &State) -> String {
    state
        .settings
        .server
        .public_url
        .host_str()
        .unwrap_or("skrivsal.localhost")
        .to_string()
}

/// One endpoint: the method and full path its handler's `#[utoipa::path]`
/// declares, the handler bound to them, and how it adds itself to the OpenAPI
/// document.
pub(crate) struct Endpoint {
    method: Method,
    path: String,
    route: Route,
    describe: fn(&mut OpenApi),
}

impl Endpoint {
    /// `P` is the type `#[utoipa::path]` generates for `handler`; use
    /// `endpoints!` rather than naming it.
    pub(crate) fn of<P, F, Args>(handler: F) -> Endpoint
    where
        P: utoipa::Path + SchemaReferences + Tags<'static>,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        // One method per handler, so that each (method, path) has one
        // handler and `route_list` names it once.
        let method = match P::methods().as_slice() {
            [method] => actix_method(method),
            methods => panic!("{} declares {} methods, not one", P::path(), methods.len()),
        };
        Endpoint {
            route: web::method(method.clone()).to(handler),
            method,
            path: P::path(),
            describe: describe::<P>,
        }
    }
}

/// What `#[derive(OpenApi)]` does for each handler named in `paths(...)`: the
/// operation under its path, and the schemas its bodies refer to.
fn describe<P: utoipa::Path + SchemaReferences + Tags<'static>>(doc: &mut OpenApi) {
    let mut operation = P::operation();
    let tags = P::tags();
    if !tags.is_empty() {
        let operation_tags = operation.tags.get_or_insert_with(Vec::new);
        operation_tags.extend(tags.into_iter().map(String::from));
    }
    doc.paths
        .add_path_operation(P::path(), P::methods(), operation);
    let mut schemas = Vec::new();
    P::schemas(&mut schemas);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Post => Method::POST,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Every endpoint of the app.
fn all_endpoints() -> Vec<Endpoint> {
    [
        home::endpoints(),
        health::endpoints(),
        auth::endpoints(),
        docs::endpoints(),
        print::endpoints(),
        centres::endpoints(),
        rooms::endpoints(),
        invigilators::endpoints(),
        access_cards::endpoints(),
        institutions::endpoints(),
        accounts::endpoints(),
        exams::endpoints(),
        sittings::endpoints(),
        study::endpoints(),
        exports::endpoints(),
        feeds::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// (method, path) of every route, in registration order.
pub fn route_list() -> Vec<(Method, String)> {
    all_endpoints()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// Adds every endpoint's operation (and the schemas it refers to) to the
/// OpenAPI document.
pub(crate) fn describe_all(doc: &mut OpenApi) {
    for endpoint in all_endpoints() {
        (endpoint.describe)(doc);
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // One resource per path, so that a known path with an unsupported
    // method answers 405 instead of 404.
    let mut by_path: Vec<(String, Vec<(Method, Route)>)> = Vec::new();
    for Endpoint {
        method,
        path,
        route,
        ..
    } in all_endpoints()
    {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => {
                // Only the first would ever answer.
                assert!(
                    routes.iter().all(|(m, _)| *m != method),
                    "{method} {path} is declared by two handlers"
                );
                routes.push((method, route));
            }
            None => by_path.push((path, vec![(method, route)])),
        }
    }
    for (path, routes) in by_path {
        let mut resource = web::resource(path).default_service(web::to(method_not_allowed));
        for (_, route) in routes {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
    // The pages for people: HTML, not part of the API or its description.
    crate::web::pages::configure(cfg);
}

async fn method_not_allowed() -> Reply {
    Err(ApiError::MethodNotAllowed)
}
