//! Building the application: the one `app()` that `serve` and the tests share.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage, HttpServer};
use tracing::Instrument;

use crate::app::config::Settings;
use crate::db::Database;
use crate::error::Error;
use crate::web::routes;
use crate::web::{AppState, RequestId, JSON_LIMIT_BYTES};

pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(json_config())
        // Raw bodies (forms, JSON read by hand) get the same limit as JSON.
        .app_data(web::PayloadConfig::new(JSON_LIMIT_BYTES))
        .app_data(query_config())
        .app_data(path_config())
        // Innermost: it sees the handler's error before anything else does.
        .wrap(from_fn(crate::web::language::problem_language))
        .wrap(from_fn(refuse_nul))
        .wrap(security_headers())
        .wrap(from_fn(no_store))
        .wrap(from_fn(log_request))
        .configure(routes::configure)
        .default_service(web::to(not_found))
}

/// Sent on every response. The CSP allows only our own scripts, styles and
/// images, and no framing (clickjacking); pages carry no inline script.
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
}

/// Answers that carry someone's data or a credential must not be kept by
/// the browser or any cache on the way: everything asked with an API token
/// or a session cookie, everything under `/auth/` (sign-in answers, the
/// pages that hold an e-mailed link's token) and every answer that sets a
/// cookie. A handler that chose its own `Cache-Control` (the stylesheets,
/// which a browser sends the cookie for too; a calendar feed) keeps it.
async fn no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    use actix_web::http::header;
    let personal = req.headers().contains_key(header::AUTHORIZATION)
        || req.cookie(crate::accounts::sessions::COOKIE).is_some()
        || req.path().starts_with("/auth/");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if (personal || headers.contains_key(header::SET_COOKIE))
        && !headers.contains_key(header::CACHE_CONTROL)
    {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// No id, slug or filter holds a NUL, and PostgreSQL cannot even compare
/// text with one (it answers with an error, which was a 500), so an address
/// with `%00` is refused before any handler: in the path it names nothing
/// (404), in the query it is a parameter to fix (422 naming it). Bodies are
/// checked where they are parsed (`web::extract`).
async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let refusal = if req.path().contains("%00") {
        Some(Error::NotFound)
    } else if req.query_string().contains("%00") {
        let fields = crate::web::extract::nul_parameters(req.query_string());
        (!fields.is_empty()).then_some(Error::Invalid(fields))
    } else {
        None
    };
    match refusal {
        Some(e) => {
            let res = actix_web::ResponseError::error_response(&e);
            Ok(req.into_response(res).map_into_right_body())
        }
        None => Ok(next.call(req).await?.map_into_left_body()),
    }
}

async fn not_found() -> Result<actix_web::HttpResponse, Error> {
    Err(Error::NotFound)
}

fn json_config() -> web::JsonConfig {
    use actix_web::error::JsonPayloadError;
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|err, _req| {
            let api = match &err {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => Error::PayloadTooLarge {
                    limit: JSON_LIMIT_BYTES,
                },
                JsonPayloadError::ContentType => {
                    Error::UnsupportedMediaType("send the body as application/json".into())
                }
                JsonPayloadError::Deserialize(e) => {
                    Error::BadRequest(format!("the JSON body could not be read: {e}"))
                }
                other => Error::BadRequest(format!("the request body could not be read: {other}")),
            };
            api.into()
        })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        Error::BadRequest(format!("the query string could not be read: {err}")).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _req| {
        Error::BadRequest(format!("the path could not be read: {err}")).into()
    })
}

/// One log line per request, with its id, inside a span carrying the same id
/// so that whatever the handler logs can be matched to the request.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = uuid::Uuid::now_v7();
    req.extensions_mut().insert(RequestId(id));
    let method = req.method().to_string();
    // The path only (a query may hold a link's token), and even then with
    // the secret of a feed or coordinator address taken out.
    let path = crate::app::telemetry::redact_secrets(req.path()).into_owned();
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %id);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _enter = span.enter();
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            if let Some(err) = res.response().error() {
                if status >= 500 {
                    tracing::error!(error = %err, debug = ?err, "request failed");
                }
            }
            tracing::info!(%method, %path, status, elapsed_ms, "request");
            if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
                res.headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), value);
            }
            Ok(res)
        }
        Err(err) => {
            tracing::warn!(%method, %path, error = %err, elapsed_ms, "request");
            Err(err)
        }
    }
}

/// Starts the HTTP server on a listener the caller bound (port 0 in tests).
/// actix stops gracefully on SIGTERM and SIGINT: it stops accepting, lets
/// in-flight requests finish within `shutdown_timeout_secs`, then exits.
pub fn run(
    listener: TcpListener,
    db: Database,
    settings: Arc<Settings>,
) -> std::io::Result<Server> {
    let workers = settings.server.workers;
    let shutdown_timeout = settings.server.shutdown_timeout_secs;
    let state = web::Data::new(AppState {
        clock: db.clock().clone(),
        db,
        throttle: crate::web::throttle::Throttle::new(&settings.server, &settings.auth),
        reads: Arc::default(),
        settings,
    });
    let mut server = HttpServer::new(move || app(state.clone()))
        .listen(listener)?
        .shutdown_timeout(shutdown_timeout);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
