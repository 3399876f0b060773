//! HTTP routes. Handlers are thin: they parse input, call the area's module
//! in one blocking task, and render the result; errors are `ApiError`.
//!
//! Every endpoint is declared once, by its handler's `#[utoipa::path]`: the
//! method, the full path and the OpenAPI description, whose `responses` name
//! the success and one group of problems (`openapi::problems`). Each area lists
//! its handlers with `endpoints![…]`, under who may call them (`Access`);
//! `configure` builds the app from those lists,
//! `describe_all` adds them to the OpenAPI document, and `route_list()` gives the
//! same (method, path) pairs to the tests that must cover every route (the
//! authorization matrix, the OpenAPI check).

/// `endpoints![signed_in: handler, …; public: handler, …]`: the endpoints of
/// handlers annotated with `#[utoipa::path]`, each served at the method and
/// path its annotation names, under the `Access` it is listed with. (The
/// annotation generates a `__path_<handler>` type carrying them.)
macro_rules! endpoints {
    ($($access:ident: $($handler:ident),+);+ $(;)?) => {
        vec![$($(
            pastey::paste! {
                $crate::web::routes::Endpoint::of::<[<__path_ $handler>], _, _>(
                    $handler,
                    $crate::web::routes::Access::[<$access:camel>],
                )
            }
        ),+),+]
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

// Referred to by `auth::LinkRequested`, whose derived `IntoResponses` does not
// add the schemas it names to the document as `#[utoipa::path]` does: the
// OpenAPI document lists it among its components.
pub(crate) use auth::LinkSent;

use std::future::Future;

use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, Handler, HttpResponse, Responder, ResponseError, Route};
use serde::Serialize;
// `__dev` is the glue utoipa's own `#[derive(OpenApi)]` (and utoipa-axum's
// `routes!`) use to read what `#[utoipa::path]` generated.
use utoipa::__dev::{SchemaReferences, Tags};
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::OpenApi;

use crate::db::DbConn;
use crate::error::Error;
use crate::pagination::{Page, PageQuery};
use crate::web::openapi::{problems, BEARER, COOKIE, CSRF};
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

/// Answers a page (`?limit=&cursor=`) of a small list that `load` reads whole
/// (a centre's rooms, a user's tokens), in id order like the lists the
/// database pages. `#[track_caller]` as for `run`.
#[track_caller]
fn paged<T, F, I>(state: &State, page: PageQuery, load: F, id: I) -> impl Future<Output = Reply>
where
    F: FnOnce(&mut DbConn) -> Result<Vec<T>, Error> + Send + 'static,
    I: Fn(&T) -> String + Send + 'static,
    T: Serialize + Send + 'static,
{
    run(state, ok, move |c| Page::of_all(load(c)?, &page, id))
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

/// Who may call an endpoint, which decides its security requirements in the
/// OpenAPI document (and that it can answer 401).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Anyone; the endpoint checks whatever it needs itself (sign-in pages,
    /// feeds at secret addresses, health, the docs).
    Public,
    /// A `Caller`: an API token or the session cookie, which on a method that
    /// changes state needs its CSRF token too (see `web::auth`).
    SignedIn,
}

/// One endpoint: the method and full path its handler's `#[utoipa::path]`
/// declares, the handler bound to them (and to HEAD, for a GET), and how it
/// adds itself to the OpenAPI document.
pub(crate) struct Endpoint {
    method: Method,
    path: String,
    route: Route,
    /// The same handler for HEAD, for a GET: HTTP says HEAD is GET without the
    /// body, which the server leaves out.
    head: Option<Route>,
    describe: fn(&mut OpenApi, Access),
    access: Access,
}

impl Endpoint {
    /// `P` is the type `#[utoipa::path]` generates for `handler`; use
    /// `endpoints!` rather than naming it.
    pub(crate) fn of<P, F, Args>(handler: F, access: Access) -> Endpoint
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
            head: (method == Method::GET).then(|| web::head().to(handler.clone())),
            route: web::method(method.clone()).to(handler),
            method,
            path: P::path(),
            describe: describe::<P>,
            access,
        }
    }
}

/// What `#[derive(OpenApi)]` does for each handler named in `paths(...)`: the
/// operation under its path, and the schemas its bodies refer to; and what
/// its `access` means for the operation: its security requirements, and 401.
fn describe<P: utoipa::Path + SchemaReferences + Tags<'static>>(doc: &mut OpenApi, access: Access) {
    let mut operation = P::operation();
    let tags = P::tags();
    if !tags.is_empty() {
        let operation_tags = operation.tags.get_or_insert_with(Vec::new);
        operation_tags.extend(tags.into_iter().map(String::from));
    }
    if access == Access::SignedIn {
        let safe = P::methods() == [HttpMethod::Get];
        operation.security = Some(signed_in_security(safe));
        operation.responses.responses.extend(problems::refs(&[401]));
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

/// A token, or the session cookie, which needs its CSRF token on a method
/// that is not `safe`.
fn signed_in_security(safe: bool) -> Vec<SecurityRequirement> {
    let none = Vec::<String>::new;
    let cookie = SecurityRequirement::new(COOKIE, none());
    vec![
        SecurityRequirement::new(BEARER, none()),
        if safe {
            cookie
        } else {
            cookie.add(CSRF, none())
        },
    ]
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
        (endpoint.describe)(doc, endpoint.access);
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // One resource per path, so that a known path with an unsupported
    // method answers 405 (naming the methods it has) instead of 404.
    let mut by_path: Vec<(String, Vec<(Method, Route)>)> = Vec::new();
    for endpoint in all_endpoints() {
        let Endpoint {
            method,
            path,
            route,
            head,
            ..
        } = endpoint;
        let index = match by_path.iter().position(|(p, _)| *p == path) {
            Some(index) => index,
            None => {
                by_path.push((path.clone(), Vec::new()));
                by_path.len() - 1
            }
        };
        let routes = &mut by_path[index].1;
        // Only the first would ever answer.
        assert!(
            routes.iter().all(|(m, _)| *m != method),
            "{method} {path} is declared by two handlers"
        );
        routes.push((method, route));
        routes.extend(head.map(|head| (Method::HEAD, head)));
    }
    for (path, routes) in by_path {
        let allow: Vec<&str> = routes.iter().map(|(m, _)| m.as_str()).collect();
        let allow = allow.join(", ");
        let mut resource = web::resource(path).default_service(web::to(move || {
            std::future::ready(method_not_allowed(&allow))
        }));
        for (_, route) in routes {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
    // The pages for people: HTML, not part of the API or its description.
    crate::web::pages::configure(cfg);
}

/// 405 with `Allow`, which HTTP requires of it: the methods the path has.
fn method_not_allowed(allow: &str) -> HttpResponse {
    let mut response = ApiError::MethodNotAllowed.error_response();
    if let Ok(value) = header::HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}
