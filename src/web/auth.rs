//! The `Caller` extractor: an API token (Bearer) or a browser session cookie
//! becomes the user with their role and tenancy (`accounts::actor`).
//!
//! No valid credentials: 401. A request that changes state with a session
//! cookie must also carry the session's CSRF token in `X-CSRF-Token` (a cookie
//! is sent by the browser on its own; the header is not); bearer tokens are
//! never sent implicitly, so they need none.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::accounts::actor::{caller_for_session, caller_for_token, Caller};
use crate::accounts::sessions;
use crate::web::language::CallerAccount;
use crate::web::problem::ApiError;
use crate::web::AppState;

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let cookie = req.cookie(sessions::COOKIE).map(|c| c.value().to_string());
        let unsafe_method = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
        let csrf = req
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("application state missing"))?;
            let caller = match (token, cookie) {
                (Some(token), _) => {
                    state
                        .db
                        .run(move |conn| caller_for_token(conn, &token))
                        .await
                }
                (None, Some(secret)) => {
                    state
                        .db
                        .run(move |conn| {
                            let found =
                                caller_for_session(conn, &secret)?.ok_or(ApiError::Unauthorized)?;
                            if unsafe_method && csrf.as_deref() != Some(found.csrf_token.as_str()) {
                                return Err(ApiError::CsrfRejected);
                            }
                            Ok(found.caller)
                        })
                        .await
                }
                (None, None) => Err(ApiError::Unauthorized),
            }?;
            // So that a refusal can be worded in the account's language.
            req.extensions_mut()
                .insert(CallerAccount(caller.user_id.clone()));
            Ok(caller)
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_string())
}
