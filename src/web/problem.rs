//! Problem details (RFC 9457): the one place that decides which status code
//! and body each `error::Error` becomes at the HTTP edge.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::error::Error as ApiError;
use crate::error::{Conflict, FieldError};

/// The most `errors` a problem lists. A body of 16,000 bad entries would
/// otherwise be answered with a megabyte of them; the first fifty say what
/// to fix, and `more_errors` how much more there is.
pub const MAX_LISTED_ERRORS: usize = 50;

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
    /// At most 50 (`MAX_LISTED_ERRORS`); see `more_errors`.
    pub errors: Vec<FieldError>,
    pub conflicts: Vec<Conflict>,
    /// How many invalid fields there are besides those in `errors`; absent
    /// when `errors` lists them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub more_errors: Option<usize>,
}

/// A busy database frees up as soon as the writers ahead finish, which
/// takes milliseconds, not minutes: a client may try again after a second.
const BUSY_RETRY_AFTER_SECS: u64 = 1;

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
            ApiError::Unavailable(_) | ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        // The words are the operations' English; `web::language` answers a
        // caller who asks for Swedish in Swedish.
        response.insert_header((header::CONTENT_LANGUAGE, "en"));
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let ApiError::Busy = self {
            response.insert_header((header::RETRY_AFTER, BUSY_RETRY_AFTER_SECS.to_string()));
        }
        if let ApiError::Unauthorized = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(problem_of(self))
    }
}

/// The problem+json body of `error`, in the operations' English.
pub fn problem_of(error: &ApiError) -> Problem {
    let status = error.status_code();
    let (slug, title) = slug_and_title(error);
    let all_errors: &[FieldError] = match error {
        ApiError::Invalid(errors) => errors,
        _ => &[],
    };
    let listed = all_errors.len().min(MAX_LISTED_ERRORS);
    let more_errors = Some(all_errors.len() - listed).filter(|&n| n > 0);
    let detail = match (error, more_errors) {
        // The cause of an internal error is logged with the request id by
        // the request logger; the client only learns that it happened.
        (ApiError::Internal(_), _) => {
            "an internal error occurred; it has been logged with this request's id".to_string()
        }
        (other, Some(more)) => {
            format!("{other}; the first {listed} are listed, {more} more are not")
        }
        (other, None) => other.to_string(),
    };
    Problem {
        kind: format!("/problems/{slug}"),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        errors: all_errors[..listed].to_vec(),
        conflicts: match error {
            ApiError::Conflict { conflicts, .. } => conflicts.clone(),
            _ => Vec::new(),
        },
        more_errors,
    }
}

fn slug_and_title(error: &ApiError) -> (&'static str, &'static str) {
    match error {
        ApiError::BadRequest(_) => ("malformed-request", "Malformed request"),
        ApiError::Invalid(_) => ("validation-failed", "Invalid field values"),
        ApiError::Unauthorized => ("unauthorized", "Authentication required"),
        ApiError::Forbidden => ("forbidden", "Not allowed"),
        ApiError::CsrfRejected => ("csrf", "Cross-site request refused"),
        ApiError::NotFound => ("not-found", "Not found"),
        ApiError::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
        ApiError::Conflict { .. } => ("conflict", "Conflict"),
        ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
        ApiError::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
        ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
        ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
        ApiError::Busy => ("busy", "Database busy"),
        ApiError::Internal(_) => ("internal", "Internal error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_error_list_is_cut_and_says_how_much_more_there_is() {
        let errors = (0..16_000)
            .map(|i| FieldError::new(format!("rows[{i}].name"), "required", "is required"))
            .collect();
        let response = ApiError::Invalid(errors).error_response();
        let body = block_on(actix_web::body::to_bytes(response.into_body())).unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            problem["errors"].as_array().unwrap().len(),
            MAX_LISTED_ERRORS
        );
        assert_eq!(problem["errors"][0]["field"], "rows[0].name");
        assert_eq!(problem["more_errors"], 15_950);
        assert_eq!(
            problem["detail"],
            "16000 invalid field(s); the first 50 are listed, 15950 more are not"
        );
        assert!(body.len() < 10_000, "{} bytes", body.len());

        let few = ApiError::invalid("name", "required", "is required").error_response();
        let body = block_on(actix_web::body::to_bytes(few.into_body())).unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(problem.get("more_errors").is_none(), "{problem}");
        assert_eq!(problem["detail"], "1 invalid field(s)");
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        actix_web::rt::System::new().block_on(f)
    }
}
