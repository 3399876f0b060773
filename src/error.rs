//! The one error type of the HTTP layer, rendered as RFC 9457 problem details.
//!
//! Handlers and services return `ApiError`; this file alone decides status codes
//! and bodies, so the contract in API.md ("400 malformed, 422 invalid field
//! values, 409 a rule or state conflict …") holds everywhere by construction.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field: which, by what rule, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"field": "opening[0].closes", "rule": "after_opens", "message": "must be after opens"}))]
pub struct FieldError {
    pub field: String,
    pub rule: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}

/// The item a conflicting write collides with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemRef {
    #[schema(example = "sitting")]
    pub kind: String,
    pub id: String,
}

/// One broken rule of PRODUCT.md, or a state conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Conflict {
    pub rule: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with: Option<ItemRef>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("missing or wrong X-CSRF-Token header for a request made with a session cookie")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed on this path")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict {
        detail: String,
        conflicts: Vec<Conflict>,
    },
    #[error("request body too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError::new(field, rule, message)])
    }

    pub fn conflict(detail: impl Into<String>, conflicts: Vec<Conflict>) -> Self {
        ApiError::Conflict {
            detail: detail.into(),
            conflicts,
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => ("malformed-request", "Malformed request"),
            ApiError::Invalid(_) => ("validation-failed", "Invalid field values"),
            ApiError::Unauthorized => ("unauthorized", "Authentication required"),
            ApiError::Forbidden => ("forbidden", "Not allowed"),
            ApiError::CsrfRejected => ("csrf", "Cross-site request refused"),
            ApiError::NotFound => ("not-found", "Not found"),
            ApiError::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict { .. } => ("conflict", "Conflict"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal error"),
        }
    }
}

/// The problem+json body. `errors` and `conflicts` are always present (possibly
/// empty) so that clients can iterate them without checking first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation-failed", "title": "Invalid field values", "status": 422,
    "detail": "1 invalid field(s)",
    "errors": [{"field": "seats", "rule": "type", "message": "invalid type: string \"many\", expected i64"}],
    "conflicts": []
}))]
pub struct Problem {
    /// A relative URI naming the kind of problem, e.g. `/problems/not-found`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub conflicts: Vec<Conflict>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::CsrfRejected => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (slug, title) = self.slug_and_title();
        let detail = match self {
            // The cause of an internal error is logged with the request id by
            // the request logger; the client only learns that it happened.
            ApiError::Internal(_) => {
                "an internal error occurred; it has been logged with this request's id".to_string()
            }
            other => other.to_string(),
        };
        let problem = Problem {
            kind: format!("/problems/{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::Invalid(errors) => errors.clone(),
                _ => Vec::new(),
            },
            conflicts: match self {
                ApiError::Conflict { conflicts, .. } => conflicts.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::Unauthorized = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(problem)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            // Handlers check uniqueness first and answer with a field error;
            // this is the backstop for two writers racing past that check.
            Error::DatabaseError(Kind::UniqueViolation, info) => ApiError::conflict(
                "the item already exists",
                vec![Conflict {
                    rule: "unique".into(),
                    message: info.message().to_string(),
                    with: None,
                }],
            ),
            // PostgreSQL's exclusion constraints back up rules 5 and 6.
            Error::DatabaseError(Kind::ExclusionViolation, info) => {
                let rule = match info.constraint_name() {
                    Some(c) if c.starts_with("no_student") => "student_double_booked",
                    Some(c) if c.starts_with("no_invigilator") => "invigilator_double_booked",
                    _ => "exclusion",
                };
                ApiError::conflict(
                    "the change collides with an existing booking",
                    vec![Conflict {
                        rule: rule.into(),
                        message: info.message().to_string(),
                        with: None,
                    }],
                )
            }
            Error::DatabaseError(Kind::SerializationFailure, _) => ApiError::Unavailable(
                "the database was busy with a conflicting change; try again".into(),
            ),
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Unavailable(format!("no database connection available: {e}"))
    }
}
