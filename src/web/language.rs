//! The API's problems in the caller's language. `Accept-Language` decides
//! first (q-values respected, Swedish or English); without one of ours there,
//! the signed-in account's language does; with neither, the operations'
//! English, as before. A Swedish answer takes `title`, `detail` and every
//! `message` from the pages' catalogues (`templates/i18n/sv.ftl`); `type`,
//! `field`, `rule` and `with` are the same in every language, and
//! `Content-Language` names the one used.
//!
//! English stays the operations' own words: they name the item and the time
//! ("The student already has sitting … from 2026-12-08 09:00 …"), which the
//! catalogue's sentences for people cannot.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use fluent_bundle::FluentValue;

use crate::domain::Language;
use crate::types::ids::UserId;
use crate::web::pages::errors::{field_message, rule_message};
use crate::web::pages::i18n;
use crate::web::problem::{problem_of, ApiError, Problem};
use crate::web::AppState;

/// The account behind a request, put there by the `Caller` extractor so that
/// a refusal can be worded in the account's language.
#[derive(Debug, Clone)]
pub struct CallerAccount(pub UserId);

/// Rewrites a problem answer in the caller's language (see the module).
/// Pages are untouched: their errors are `PageError`s, already in words.
pub async fn problem_language<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error> {
    let asked = i18n::preferred(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let Some(error) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    else {
        return Ok(res.map_into_left_body());
    };
    let lang = match asked {
        Some(lang) => lang,
        None => account_language(&res, state).await.unwrap_or(Language::En),
    };
    if lang == Language::En {
        return Ok(res.map_into_left_body());
    }
    let Ok(body) = serde_json::to_vec(&translated(error, lang)) else {
        return Ok(res.map_into_left_body());
    };
    let mut res = res.map_body(|_, _| EitherBody::right(BoxBody::new(body)));
    res.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.as_str()),
    );
    Ok(res)
}

/// The signed-in account's language; `None` for an anonymous request or
/// when the database does not answer (the English problem then stands).
async fn account_language<B>(
    res: &ServiceResponse<B>,
    state: Option<web::Data<AppState>>,
) -> Option<Language> {
    let account = res.request().extensions().get::<CallerAccount>()?.clone();
    let state = state?;
    state
        .db
        .run(move |c| crate::accounts::preferences::language_of(c, &account.0))
        .await
        .ok()
        .flatten()
}

/// `error`'s problem with its words in `lang`.
pub fn translated(error: &ApiError, lang: Language) -> Problem {
    let mut problem = problem_of(error);
    let slug = problem
        .kind
        .strip_prefix("/problems/")
        .unwrap_or_default()
        .to_string();
    problem.title = i18n::t(lang, &format!("problem-title-{slug}"), &[]);
    problem.detail = detail(error, &slug, &problem, lang);
    for e in &mut problem.errors {
        e.message = field_message(lang, &e.rule);
    }
    for c in &mut problem.conflicts {
        c.message = rule_message(lang, &c.rule, &c.words);
    }
    problem
}

fn detail(error: &ApiError, slug: &str, problem: &Problem, lang: Language) -> String {
    let count = |n: usize| FluentValue::from(n as i64);
    let text = |s: &str| FluentValue::from(s.to_string());
    let args: Vec<(&str, FluentValue<'_>)> = match error {
        ApiError::Invalid(all) => vec![
            ("count", count(all.len())),
            ("more", count(problem.more_errors.unwrap_or(0))),
        ],
        ApiError::Conflict { conflicts, .. } if conflicts.iter().all(|c| c.rule == "state") => {
            return i18n::t(lang, "problem-detail-state", &[]);
        }
        ApiError::Conflict { conflicts, .. } => vec![("count", count(conflicts.len()))],
        // The parser's own words name what it could not read.
        ApiError::BadRequest(reason) => vec![("reason", text(reason))],
        ApiError::UnsupportedMediaType(media) => vec![("media", text(media))],
        ApiError::PayloadTooLarge { limit } => vec![("limit", count(*limit))],
        ApiError::TooManyRequests { retry_after_secs } => {
            vec![("seconds", FluentValue::from(*retry_after_secs as i64))]
        }
        _ => Vec::new(),
    };
    i18n::t(lang, &format!("problem-detail-{slug}"), &args)
}
