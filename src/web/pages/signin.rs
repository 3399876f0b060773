//! Sign-in refusals as pages. A browser's form post to `/auth/…` that is
//! turned down (a wrong password, a used or expired link, too many attempts,
//! an address that is not one) is answered with the form again and the
//! reason beside its field, in the visitor's language, keeping the status
//! code; a script posting JSON keeps its problem+json. `web::routes::auth`
//! decides which (`wants_page`), this module draws the page.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};

use super::errors::{messages, PageError};
use super::{i18n, Viewer};
use crate::accounts::users::MIN_PASSWORD_LEN;
use crate::error::Error;

/// The sign-in form a post came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInForm {
    /// Staff and institutions: e-mail and password.
    Password,
    /// Students: ask for an e-mailed sign-in link.
    Link,
    /// Ask for an e-mailed password-reset link.
    Reset,
    /// Sign in with an e-mailed link.
    UseLink,
    /// Set a new password with a reset link.
    NewPassword,
}

/// What the page shows; the template chooses its forms by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Shown {
    /// The sign-in forms: password, reset link, sign-in link.
    SignIn,
    NewPassword,
    /// A sign-in link that is used, expired or wrong: ask for a new one.
    SpentLink,
    /// The same for a reset link.
    SpentReset,
    Throttled,
}

impl Shown {
    fn title_key(self) -> &'static str {
        match self {
            Shown::SignIn => "title-sign-in",
            Shown::NewPassword => "title-new-password",
            Shown::SpentLink | Shown::SpentReset => "title-link-spent",
            Shown::Throttled => "title-throttled",
        }
    }
}

/// A browser wants a page back: it posted a form, or it prefers HTML to
/// JSON in `Accept`.
pub fn wants_page(req: &HttpRequest) -> bool {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let form = header(header::CONTENT_TYPE).is_some_and(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    form || header(header::ACCEPT).is_some_and(prefers_html)
}

/// `text/html` ranked above every JSON type in an `Accept` header (equal
/// weights: the first named wins, as browsers list what they want first).
fn prefers_html(accept: &str) -> bool {
    let rank = |wanted: &dyn Fn(&str) -> bool| {
        accept
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let kind = it.next()?.trim().to_ascii_lowercase();
                let q: f32 = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                (wanted(&kind) && q > 0.0).then_some((q, i))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
    };
    let html = rank(&|k| k == "text/html");
    let json = rank(&|k| k == "application/json" || k.ends_with("+json"));
    match (html, json) {
        (Some(_), None) => true,
        (Some(h), Some(j)) => h.0 > j.0 || (h.0 == j.0 && h.1 < j.1),
        _ => false,
    }
}

/// What was posted, as far as the page shows it again (never the password).
#[derive(Deserialize, Default)]
struct Posted {
    email: Option<String>,
    token: Option<String>,
}

fn posted(body: &[u8]) -> Posted {
    serde_urlencoded::from_bytes(body)
        .or_else(|_| serde_json::from_slice(body))
        .unwrap_or_default()
}

/// The page for `error`, refused on `form`; errors a page cannot help with
/// (a foreign origin, an unreadable form) are the general error page.
pub async fn refused(
    req: &HttpRequest,
    body: &[u8],
    form: SignInForm,
    error: Error,
) -> Result<HttpResponse, Error> {
    // Without a viewer (the database did not answer) the problem stands.
    let Ok(viewer) = Viewer::extract(req).await else {
        return Err(error);
    };
    let Some((shown, alert, errors)) = explain(&viewer, form, &error) else {
        return Ok(PageError::new(viewer.lang, error).error_response());
    };
    let Posted { email, token } = posted(body);
    let page = minijinja::context! {
        shown,
        alert,
        errors,
        email,
        token,
        min_password_len => MIN_PASSWORD_LEN,
    };
    let mut response = match viewer.render("pages/sign_in.html", shown.title_key(), page) {
        Ok(response) => response,
        Err(failed) => return Ok(failed.error_response()),
    };
    *response.status_mut() = error.status_code();
    if let Error::TooManyRequests { retry_after_secs } = error {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(retry_after_secs),
        );
    }
    Ok(response)
}

type Explained = (Shown, String, BTreeMap<String, String>);

/// Which page, its message for the live region, and a message per field
/// (named `<form>_<field>`, as the template's controls are).
fn explain(viewer: &Viewer, form: SignInForm, error: &Error) -> Option<Explained> {
    let lang = viewer.lang;
    let prefix = match form {
        SignInForm::Password => "login",
        SignInForm::Link | SignInForm::UseLink => "link",
        SignInForm::Reset => "reset",
        SignInForm::NewPassword => "new",
    };
    let mut fields = BTreeMap::new();
    match error {
        Error::TooManyRequests { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1) as i64;
            let alert = i18n::t(
                lang,
                "signin-throttled",
                &[("minutes", FluentValue::from(minutes))],
            );
            Some((Shown::Throttled, alert, fields))
        }
        Error::Unauthorized if form == SignInForm::Password => {
            let alert = viewer.t("signin-wrong-password");
            fields.insert("login_password".to_string(), alert.clone());
            Some((Shown::SignIn, alert, fields))
        }
        Error::Invalid(invalid) if invalid.iter().any(|f| f.field == "token") => {
            let shown = match form {
                SignInForm::NewPassword | SignInForm::Reset => Shown::SpentReset,
                _ => Shown::SpentLink,
            };
            Some((shown, viewer.t("signin-link-spent"), fields))
        }
        Error::Invalid(_) => {
            for (field, message) in messages(lang, error).fields {
                fields.insert(format!("{prefix}_{field}"), message);
            }
            let shown = match form {
                SignInForm::NewPassword => Shown::NewPassword,
                _ => Shown::SignIn,
            };
            Some((shown, viewer.t("signin-check-fields"), fields))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::prefers_html;

    #[test]
    fn html_is_preferred_only_over_json() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(prefers_html(browser));
        assert!(prefers_html("text/html"));
        assert!(!prefers_html("application/json"));
        assert!(!prefers_html("application/json, text/html"));
        assert!(prefers_html("application/json;q=0.5, text/html"));
        assert!(!prefers_html("text/html;q=0, application/json"));
        assert!(!prefers_html("*/*"));
    }
}
