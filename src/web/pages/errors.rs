//! Errors on pages: an `error::Error` becomes a page in the person's
//! language (never problem+json), and a refused form shows each broken rule
//! or invalid field in words beside the form.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use fluent_bundle::FluentValue;
use serde::Serialize;

use super::context::render_template;
use super::i18n;
use crate::domain::Language;
use crate::error::Error;

/// Every rule code the operations can refuse with (README, "The rules"),
/// each with a message `rule-CODE` in both catalogues.
pub const RULES: &[&str] = &[
    "opening_hours",
    "access_card_required",
    "closed_day",
    "room_capacity",
    "computer_seats",
    "separate_room",
    "exam_and_study_mixed",
    "student_double_booked",
    "invigilator_coverage",
    "invigilator_ratio",
    "invigilator_double_booked",
    "invigilator_availability",
    "exam_start",
    "exam_window",
    "exam_duration",
    "room_not_bookable",
    "room_inactive",
    "study_limit",
    "state",
    "already_registered",
];

#[derive(Debug)]
pub struct PageError {
    lang: Language,
    error: Error,
}

impl PageError {
    pub fn new(lang: Language, error: Error) -> Self {
        PageError { lang, error }
    }

    pub fn status(&self) -> StatusCode {
        self.error.status_code()
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.error.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        // Not signed in (or the session ended): the sign-in page, which
        // is the landing page.
        if let Error::Unauthorized = self.error {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/"))
                .finish();
        }
        let key = match &self.error {
            Error::NotFound => "error-not-found",
            Error::Forbidden => "error-forbidden",
            Error::CsrfRejected => "error-csrf",
            Error::TooManyRequests { .. } => "error-too-many",
            Error::BadRequest(_) | Error::Invalid(_) | Error::UnsupportedMediaType(_) => {
                "error-bad-request"
            }
            Error::Conflict { .. } => "error-conflict",
            _ => "error-internal",
        };
        let lang = self.lang;
        let ctx = minijinja::context! {
            lang => lang.as_str(),
            title => i18n::t(lang, "error-title", &[]),
            message => i18n::t(lang, key, &[]),
            conflicts => messages(lang, &self.error).conflicts,
        };
        let body =
            render_template("pages/error.html", ctx).unwrap_or_else(|_| i18n::t(lang, key, &[]));
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
}

/// What a refused form shows: a message per field, and the broken rules.
#[derive(Debug, Default, Serialize)]
pub struct FormMessages {
    /// field name → message in the person's language
    pub fields: std::collections::BTreeMap<String, String>,
    pub conflicts: Vec<String>,
}

/// Extra words for a rule message: what the operation's English message
/// cannot give in Swedish (the reason a day is closed, the time of the
/// booking collided with), found by the page that knows the context.
pub type RuleArgs<'a> = &'a dyn Fn(&crate::error::Conflict) -> Vec<(&'static str, String)>;

pub fn messages(lang: Language, error: &Error) -> FormMessages {
    messages_with(lang, error, &|_| Vec::new())
}

pub fn messages_with(lang: Language, error: &Error, args: RuleArgs<'_>) -> FormMessages {
    let mut out = FormMessages::default();
    match error {
        Error::Invalid(fields) => {
            for f in fields {
                // The field's last segment names the form control
                // (`accommodations.extra_time_percent` → extra_time_percent).
                let name = f.field.rsplit('.').next().unwrap_or(&f.field).to_string();
                out.fields
                    .entry(name)
                    .or_insert_with(|| field_message(lang, &f.rule));
            }
        }
        Error::Conflict { conflicts, .. } => {
            for c in conflicts {
                let text = rule_message(lang, &c.rule, &args(c));
                if !out.conflicts.contains(&text) {
                    out.conflicts.push(text);
                }
            }
        }
        _ => {}
    }
    out
}

/// A field's rule in words; a rule without its own message asks to check
/// the field.
pub fn field_message(lang: Language, rule: &str) -> String {
    let key = format!("field-{rule}");
    if i18n::has(lang, &key) {
        i18n::t(lang, &key, &[])
    } else {
        i18n::t(lang, "field-invalid", &[])
    }
}

/// A broken rule in words; with the values `words` gives (a closed day's
/// reason, the other booking's time), the fuller message.
pub fn rule_message(lang: Language, rule: &str, words: &[(&'static str, String)]) -> String {
    let detailed = format!("rule-{rule}-detail");
    let key = if !words.is_empty() && i18n::has(lang, &detailed) {
        detailed
    } else {
        format!("rule-{rule}")
    };
    let fargs: Vec<(&str, FluentValue<'_>)> = words
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
        .collect();
    if i18n::has(lang, &key) {
        i18n::t(lang, &key, &fargs)
    } else {
        i18n::t(lang, "rule-other", &[])
    }
}

/// Whether a form should be shown again with messages (the person can fix
/// the input) rather than an error page.
pub fn is_refusal(e: &Error) -> bool {
    matches!(e, Error::Invalid(_) | Error::Conflict { .. })
}
