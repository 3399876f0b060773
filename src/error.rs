//! The one error type of the HTTP layer, rendered as RFC 9457 problem details.
//!
//! Handlers and services return `Error`; this file alone decides status codes
//! and bodies, so the contract in API.md ("400 malformed, 422 invalid field
//! values, 409 a rule or state conflict …") holds everywhere by construction.

use serde::Serialize;
use utoipa::ToSchema;

use crate::types::Status;

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
pub enum Error {
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

impl Error {
    pub fn invalid(field: &str, rule: &str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, rule, message)])
    }

    pub fn conflict(detail: impl Into<String>, conflicts: Vec<Conflict>) -> Self {
        Error::Conflict {
            detail: detail.into(),
            conflicts,
        }
    }
}

/// The state machine of PRODUCT.md: a change from a state not listed is a
/// 409 naming the current state.
pub fn require_state<S: Status>(
    kind: &str,
    current: S,
    allowed: &[S],
    action: &str,
) -> Result<(), Error> {
    if allowed.contains(&current) {
        Ok(())
    } else {
        let current = current.as_str();
        let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        Err(Error::conflict(
            format!("cannot {action} a {kind} that is {current}"),
            vec![Conflict {
                rule: "state".into(),
                message: format!(
                    "the {kind} is {current}; {action} needs it to be {}",
                    allowed.join(" or ")
                ),
                with: None,
            }],
        ))
    }
}
