//! Who is calling: the `Caller` extractor resolves an API token (Bearer) or a
//! browser session cookie to a user with their role and tenancy.
//!
//! What a caller may do is decided in `authz`; this module only establishes
//! identity. No valid credentials: 401. A request that changes state with a
//! session cookie must also carry the session's CSRF token in `X-CSRF-Token`
//! (a cookie is sent by the browser on its own; the header is not); bearer
//! tokens are never sent implicitly, so they need none.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use diesel::prelude::*;

use crate::accounts::token_hash;
use crate::db::schema::{api_tokens, user_centres, users};
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::ApiError;
use crate::sessions;
use crate::startup::AppState;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Centres a centre admin manages or an invigilator works at.
    pub centre_ids: Vec<String>,
    pub institution_id: Option<String>,
    /// Set when the caller came with a session cookie.
    pub session_id: Option<String>,
}

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
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("application state missing"))?;
            match (token, cookie) {
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
                            let (session, user) =
                                sessions::lookup(conn, &secret)?.ok_or(ApiError::Unauthorized)?;
                            if unsafe_method && csrf.as_deref() != Some(session.csrf_token.as_str())
                            {
                                return Err(ApiError::CsrfRejected);
                            }
                            let mut caller = caller_for_user(
                                conn,
                                user.id,
                                user.email,
                                user.name,
                                &user.role,
                                user.institution_id,
                            )?;
                            caller.session_id = Some(session.id);
                            Ok(caller)
                        })
                        .await
                }
                (None, None) => Err(ApiError::Unauthorized),
            }
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

/// Recording every use would turn each read into a write; once a minute is
/// enough to tell which tokens are alive.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

pub fn caller_for_token(conn: &mut DbConn, token: &str) -> Result<Caller, ApiError> {
    let now = db::now();
    let found = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((
            api_tokens::id,
            api_tokens::expires_at,
            api_tokens::last_used_at,
            users::id,
            users::email,
            users::name,
            users::role,
            users::institution_id,
        ))
        .first::<(
            String,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
            String,
            String,
            String,
            String,
            Option<String>,
        )>(conn)
        .optional()?;
    let Some((token_id, expires_at, last_used_at, user_id, email, name, role, institution_id)) =
        found
    else {
        return Err(ApiError::Unauthorized);
    };
    if expires_at.is_some_and(|e| e <= now) {
        return Err(ApiError::Unauthorized);
    }
    if last_used_at.is_none_or(|t| (now - t).num_seconds() >= LAST_USED_RESOLUTION_SECS) {
        diesel::update(api_tokens::table.find(&token_id))
            .set(api_tokens::last_used_at.eq(now))
            .execute(conn)?;
    }
    caller_for_user(conn, user_id, email, name, &role, institution_id)
}

fn caller_for_user(
    conn: &mut DbConn,
    user_id: String,
    email: String,
    name: String,
    role: &str,
    institution_id: Option<String>,
) -> Result<Caller, ApiError> {
    let role: Role = role
        .parse()
        .map_err(|e: String| anyhow::anyhow!("stored role: {e}"))?;
    let centre_ids = user_centres::table
        .filter(user_centres::user_id.eq(&user_id))
        .select(user_centres::centre_id)
        .load(conn)?;
    Ok(Caller {
        user_id,
        email,
        name,
        role,
        centre_ids,
        institution_id,
        session_id: None,
    })
}
