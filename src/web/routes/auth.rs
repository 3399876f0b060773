//! Browser sign-in: `/auth/…`. Every endpoint takes JSON (answering JSON) or a
//! form post from the pages here (answering with a redirect), so the same
//! flows serve a script and a person. A refused form post (or a request
//! preferring HTML) gets a page in the visitor's language with the status
//! kept (`pages::signin`); JSON callers get problem+json.

use std::future::Future;

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Endpoint, Reply, State};
use crate::accounts::sessions::{self, Client, LinkPurpose, NewSession};
use crate::app::config::Settings;
use crate::db::DbConn;
use crate::error::Error;
use crate::web::extract::{Query, RawBody};
use crate::web::openapi::problems as p;
use crate::web::pages::signin::{self, SignInForm};
use crate::web::pages::Viewer;
use crate::web::problem::ApiError;
use crate::web::throttle::Account;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        public: login,
        logout,
        request_link,
        request_reset,
        link_page,
        consume_link,
        reset_page,
        confirm_reset,
        login_page
    ]
}

fn client(req: &HttpRequest, state: &State) -> Client {
    Client {
        ip: state.throttle.client_ip(req).map(|ip| ip.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

/// Counts the request against the client's and, if named, the account's
/// limits (429 when spent), at the app's clock.
async fn throttle(
    req: &HttpRequest,
    state: &State,
    account: Option<Account<'_>>,
) -> Result<(), ApiError> {
    let ip = state.throttle.client_ip(req);
    let now_ms = state.clock.now().timestamp_millis();
    state.throttle.check(&state.db, now_ms, ip, account).await
}

fn is_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Reads a JSON or form body into `T`.
fn parse_body<T: DeserializeOwned>(req: &HttpRequest, body: &web::Bytes) -> Result<T, ApiError> {
    if is_form(req) {
        serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::BadRequest(format!("the form could not be read: {e}")))
    } else {
        crate::web::extract::parse(body)
    }
}

/// The handler's answer: a refusal of a browser's form is a page, with the
/// form again and the reason beside its field.
async fn answer(req: &HttpRequest, body: &[u8], form: SignInForm, result: Reply) -> Reply {
    match result {
        Err(e) if signin::wants_page(req) => signin::refused(req, body, form, e).await,
        other => other,
    }
}

/// Sign-in forms may only be posted from our own pages: a form on another
/// site could otherwise sign a visitor into an account of the attacker's
/// (login CSRF), and these posts carry no session whose CSRF token could
/// prove where they come from.
///
/// The `Origin` header decides when present (every current browser sends it
/// on a POST); without it the `Referer`'s origin does. A post with neither is
/// refused when its body is one an HTML form can send (urlencoded, multipart,
/// text/plain): it could come from a page anywhere, in a browser that strips
/// both headers. Scripts and API clients post JSON (which a page on another
/// site cannot send without a CORS preflight, never granted here) or nothing,
/// and need neither header.
fn check_origin(req: &HttpRequest, state: &State) -> Result<(), ApiError> {
    let header_text = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let claimed = match (header_text(header::ORIGIN), header_text(header::REFERER)) {
        (Some(origin), _) => url::Url::parse(origin).ok().map(|u| u.origin()),
        (None, Some(referer)) => url::Url::parse(referer).ok().map(|u| u.origin()),
        (None, None) if !is_form_encoded(req) => return Ok(()),
        (None, None) => None,
    };
    let ours = |origin: &url::Origin| {
        if !origin.is_tuple() {
            // `Origin: null` (sandboxed frames, some redirects): not ours.
            return false;
        }
        let text = origin.ascii_serialization();
        let info = req.connection_info();
        text == state
            .settings
            .server
            .public_url
            .origin()
            .ascii_serialization()
            || text == format!("{}://{}", info.scheme(), info.host())
    };
    match claimed {
        Some(origin) if ours(&origin) => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// A body an HTML form could have sent, from any site.
fn is_form_encoded(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    ]
    .iter()
    .any(|form| essence.eq_ignore_ascii_case(form))
}

fn session_cookie(session: &NewSession, hours: u32) -> Cookie<'static> {
    Cookie::build(sessions::COOKIE, session.secret.clone())
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(hours as i64))
        .finish()
}

/// The answer to a JSON sign-in.
// Fields of both structs in alphabetical order: the order of the `json!`
// answer they replaced, so the bytes on the wire are unchanged.
#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    /// Send it as `X-CSRF-Token` on requests that change state.
    csrf_token: String,
    expires_at: chrono::DateTime<chrono::FixedOffset>,
    user: SignedInUser,
}

#[derive(Serialize, ToSchema)]
pub struct SignedInUser {
    email: String,
    id: String,
    name: String,
    #[schema(example = "centre_admin")]
    role: String,
}

/// The same answer whether or not the address has an account.
#[derive(Serialize, ToSchema)]
pub struct LinkSent {
    #[schema(example = "sent if the account exists")]
    status: &'static str,
}

/// Runs a sign-in `op` for the request's client and answers as `signed_in`.
/// Not `async`, so that `#[track_caller]` reaches `Database::run` and the
/// span names the sign-in's handler.
#[track_caller]
fn sign_in<F>(req: HttpRequest, state: State, op: F) -> impl Future<Output = Reply>
where
    F: FnOnce(&mut DbConn, &Settings, &Client) -> Result<NewSession, Error> + Send + 'static,
{
    let (client, st) = (client(&req, &state), state.clone());
    let work = state.db.run(move |c| op(c, &st.settings, &client));
    async move { Ok(signed_in(&req, &state, work.await?)) }
}

/// JSON callers get the user and the CSRF token; form posts are sent home.
fn signed_in(req: &HttpRequest, state: &State, session: NewSession) -> HttpResponse {
    let cookie = session_cookie(&session, state.settings.auth.session_hours);
    if is_form(req) {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/"))
            .cookie(cookie)
            .finish()
    } else {
        HttpResponse::Ok().cookie(cookie).json(SignedIn {
            csrf_token: session.csrf_token,
            expires_at: crate::timefmt::utc(session.expires_at),
            user: SignedInUser {
                email: session.user.email,
                id: session.user.id,
                name: session.user.name,
                role: session.user.role,
            },
        })
    }
}

#[derive(Deserialize, ToSchema)]
struct LoginInput {
    email: String,
    #[schema(format = Password)]
    password: String,
}

#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    summary = "Sign in with e-mail and password",
    description = "Throttled per account (a burst, then one a minute) and per client IP. \
A form post from another origin is refused (403).",
    request_body(content(
        (LoginInput = "application/json"),
        (LoginInput = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Signed in (JSON request)", body = SignedIn, headers(("Set-Cookie" = String, description = "The session: `skrivsal_session`, Secure, HttpOnly, SameSite=Lax"))),
        (status = 303, description = "Signed in (form post): sent to `/`", headers(("Set-Cookie" = String, description = "The session: `skrivsal_session`, Secure, HttpOnly, SameSite=Lax"), ("Location" = String))),
        (status = 401, description = "Wrong e-mail or password, or an inactive account: a problem, or for a form post the sign-in page again", content(
            (crate::web::problem::Problem = "application/problem+json"),
            (String = "text/html"),
        )),
        p::SignInErrors,
    ),
)]
async fn login(req: HttpRequest, state: State, RawBody(body): RawBody) -> Reply {
    let result = login_with(&req, &state, &body).await;
    answer(&req, &body, SignInForm::Password, result).await
}

async fn login_with(req: &HttpRequest, state: &State, body: &web::Bytes) -> Reply {
    check_origin(req, state)?;
    let input: LoginInput = parse_body(req, body)?;
    throttle(req, state, Some(Account::SignIn(&input.email))).await?;
    sign_in(req.clone(), state.clone(), move |c, settings, client| {
        sessions::sign_in_with_password(c, settings, &input.email, &input.password, client)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    summary = "End the session",
    responses(
        (status = 204, description = "Signed out; the cookie is removed", headers(("Set-Cookie" = String))),
        (status = 403, response = p::Forbidden),
    ),
)]
async fn logout(req: HttpRequest, state: State) -> Reply {
    check_origin(&req, &state)?;
    if let Some(cookie) = req.cookie(sessions::COOKIE) {
        let secret = cookie.value().to_string();
        state
            .db
            .run(move |c| sessions::sign_out(c, &secret))
            .await?;
    }
    let mut gone = Cookie::build(sessions::COOKIE, "").path("/").finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

#[derive(Deserialize, ToSchema)]
struct EmailInput {
    email: String,
}

/// The answers of a request for an e-mailed link: the same whether or not the
/// address has an account.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum LinkRequested {
    /// Sent if the account exists (JSON request)
    #[response(status = 202)]
    Sent(LinkSent),
    /// A page saying so (form post)
    #[response(status = 200, content_type = "text/html")]
    Page(String),
}

async fn request_link_of(
    req: HttpRequest,
    state: State,
    body: web::Bytes,
    purpose: LinkPurpose,
) -> Reply {
    let form = match purpose {
        LinkPurpose::SignIn => SignInForm::Link,
        LinkPurpose::PasswordReset => SignInForm::Reset,
    };
    let result = send_link(&req, &state, &body, purpose).await;
    answer(&req, &body, form, result).await
}

async fn send_link(
    req: &HttpRequest,
    state: &State,
    body: &web::Bytes,
    purpose: LinkPurpose,
) -> Reply {
    check_origin(req, state)?;
    let input: EmailInput = parse_body(req, body)?;
    throttle(req, state, Some(Account::Link(&input.email))).await?;
    let st = state.clone();
    state
        .db
        .run(move |c| sessions::request_link(c, &st.settings, &input.email, purpose))
        .await?;
    // The same answer whether or not the address has an account.
    if is_form(req) {
        page(
            "pages/link_sent.html",
            "Kolla din e-post",
            minijinja::context! {},
        )
    } else {
        Ok(HttpResponse::Accepted().json(LinkSent {
            status: "sent if the account exists",
        }))
    }
}

#[utoipa::path(
    post,
    path = "/auth/link",
    tag = "auth",
    summary = "E-mail a one-time sign-in link (students)",
    description = "The link is valid 15 minutes. The answer does not reveal whether the address has an account.",
    request_body(content((EmailInput = "application/json"), (EmailInput = "application/x-www-form-urlencoded"))),
    responses(LinkRequested, p::SignInErrors),
)]
async fn request_link(req: HttpRequest, state: State, RawBody(body): RawBody) -> Reply {
    request_link_of(req, state, body, LinkPurpose::SignIn).await
}

#[utoipa::path(
    post,
    path = "/auth/password-reset",
    tag = "auth",
    summary = "E-mail a one-time password-reset link",
    description = "The answer does not reveal whether the address has an account.",
    request_body(content((EmailInput = "application/json"), (EmailInput = "application/x-www-form-urlencoded"))),
    responses(LinkRequested, p::SignInErrors),
)]
async fn request_reset(req: HttpRequest, state: State, RawBody(body): RawBody) -> Reply {
    request_link_of(req, state, body, LinkPurpose::PasswordReset).await
}

/// The secret of an e-mailed link.
#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
    token: String,
}

/// A page of `templates/pages/`, escaped by the shared environment.
fn page(template: &str, title: &str, ctx: minijinja::Value) -> Reply {
    let body = crate::templates::environment()
        .get_template(template)
        .and_then(|t| t.render(minijinja::context! { title => title, ..ctx }))
        .map_err(|e| crate::error::Error::Internal(anyhow::anyhow!("rendering {template}: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// The link in the e-mail opens a page with a button rather than signing in
/// at once: mail scanners that fetch links would otherwise use it up.
#[utoipa::path(
    get,
    path = "/auth/link",
    tag = "auth",
    summary = "The page an e-mailed sign-in link opens",
    params(TokenQuery),
    responses(
        (status = 200, description = "A page with a button that posts the token to `/auth/link/consume`", body = String, content_type = "text/html"),
        p::QueryErrors,
    ),
)]
async fn link_page(query: Query<TokenQuery>) -> Reply {
    page(
        "pages/link.html",
        "Logga in",
        minijinja::context! { token => &query.token },
    )
}

#[utoipa::path(
    post,
    path = "/auth/link/consume",
    tag = "auth",
    summary = "Sign in with an e-mailed link, once",
    request_body(content(
        (TokenQuery = "application/json"),
        (TokenQuery = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Signed in (JSON request)", body = SignedIn, headers(("Set-Cookie" = String, description = "The session: `skrivsal_session`, Secure, HttpOnly, SameSite=Lax"))),
        (status = 303, description = "Signed in (form post): sent to `/`", headers(("Set-Cookie" = String, description = "The session: `skrivsal_session`, Secure, HttpOnly, SameSite=Lax"), ("Location" = String))),
        p::SignInErrors,
    ),
)]
async fn consume_link(req: HttpRequest, state: State, RawBody(body): RawBody) -> Reply {
    let result = use_link(&req, &state, &body).await;
    answer(&req, &body, SignInForm::UseLink, result).await
}

async fn use_link(req: &HttpRequest, state: &State, body: &web::Bytes) -> Reply {
    check_origin(req, state)?;
    throttle(req, state, None).await?;
    let input: TokenQuery = parse_body(req, body)?;
    sign_in(req.clone(), state.clone(), move |c, settings, client| {
        sessions::sign_in_with_link(c, settings, &input.token, client)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/auth/password-reset",
    tag = "auth",
    summary = "The page an e-mailed reset link opens",
    params(TokenQuery),
    responses(
        (status = 200, description = "A form for the new password that posts to `/auth/password-reset/confirm`", body = String, content_type = "text/html"),
        p::QueryErrors,
    ),
)]
async fn reset_page(query: Query<TokenQuery>) -> Reply {
    page(
        "pages/password_reset.html",
        "Nytt lösenord",
        minijinja::context! { token => &query.token, min_password_len => crate::accounts::users::MIN_PASSWORD_LEN },
    )
}

#[derive(Deserialize, ToSchema)]
struct ResetInput {
    token: String,
    /// At least 10 characters.
    #[schema(format = Password)]
    password: String,
}

#[utoipa::path(
    post,
    path = "/auth/password-reset/confirm",
    tag = "auth",
    summary = "Set a new password with an e-mailed reset link",
    description = "Ends the account's other sessions.",
    request_body(content(
        (ResetInput = "application/json"),
        (ResetInput = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 204, description = "Changed (JSON request)"),
        (status = 303, description = "Changed (form post): sent to `/login`", headers(("Location" = String))),
        p::SignInErrors,
    ),
)]
async fn confirm_reset(req: HttpRequest, state: State, RawBody(body): RawBody) -> Reply {
    let result = set_password(&req, &state, &body).await;
    answer(&req, &body, SignInForm::NewPassword, result).await
}

async fn set_password(req: &HttpRequest, state: &State, body: &web::Bytes) -> Reply {
    check_origin(req, state)?;
    throttle(req, state, None).await?;
    let input: ResetInput = parse_body(req, body)?;
    let client = client(req, state);
    state
        .db
        .run(move |c| sessions::reset_password(c, &input.token, &input.password, &client))
        .await?;
    if is_form(req) {
        Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login"))
            .finish())
    } else {
        Ok(HttpResponse::NoContent().finish())
    }
}

#[utoipa::path(
    get,
    path = "/login",
    tag = "pages",
    summary = "The sign-in page",
    responses(
        (status = 200, description = "Password sign-in for staff and institutions, e-mailed links for students", body = String, content_type = "text/html"),
    ),
)]
async fn login_page(viewer: Viewer) -> Result<HttpResponse, crate::web::pages::PageError> {
    viewer.render(
        "pages/sign_in.html",
        "title-sign-in",
        minijinja::context! { shown => "sign_in", errors => minijinja::context! {} },
    )
}
