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
    /// The values a message in another language fills in (the core's
    /// `Violation::words`: a closed day's reason, the other booking's time);
    /// not sent, `message` is the English one.
    #[serde(skip)]
    pub words: Vec<(&'static str, String)>,
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
    /// Other writers kept the database locked past its busy timeout (SQLite),
    /// or it refused a transaction that raced another (PostgreSQL): nothing
    /// was written, and the same request may well succeed in a moment.
    #[error("the database is busy with other changes; nothing was changed, try again shortly")]
    Busy,
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// An internal error is logged where it is made, inside the spans of the
/// operations that were running (each names the ids it handles), so that a
/// 500 in the log says where and for what; the client only sees a 500.
impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        tracing::error!(error = format!("{e:#}"), "internal error");
        Error::Internal(e)
    }
}

/// Adds what was being done to an internal error (`anyhow::Context` for the
/// operations' error); every other kind of error passes unchanged.
pub trait Context<T> {
    fn context<C>(self, context: C) -> Result<T, Error>
    where
        C: std::fmt::Display + Send + Sync + 'static;

    fn with_context<C, F>(self, f: F) -> Result<T, Error>
    where
        C: std::fmt::Display + Send + Sync + 'static,
        F: FnOnce() -> C;
}

impl<T, E: Into<Error>> Context<T> for Result<T, E> {
    fn context<C>(self, context: C) -> Result<T, Error>
    where
        C: std::fmt::Display + Send + Sync + 'static,
    {
        self.with_context(|| context)
    }

    fn with_context<C, F>(self, f: F) -> Result<T, Error>
    where
        C: std::fmt::Display + Send + Sync + 'static,
        F: FnOnce() -> C,
    {
        self.map_err(|e| match e.into() {
            Error::Internal(e) => Error::Internal(e.context(f())),
            other => other,
        })
    }
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
                words: Vec::new(),
            }],
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::accounts::actor::Caller;
    use crate::app::config::DatabaseUrl;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_internal_error_is_logged_with_the_operation_and_its_ids() {
        // A database without its tables: the first query fails inside the operation.
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite {
            path: dir.path().join("empty.db"),
        };
        let mut conn = crate::db::connect(&url, 1000).unwrap();
        let caller = Caller {
            user_id: "user-7".into(),
            email: "root@example.se".into(),
            name: "root".into(),
            role: crate::domain::Role::SystemAdmin,
            centre_ids: vec![],
            institution_id: None,
            session_id: None,
        };
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let result = tracing::subscriber::with_default(subscriber, || {
            crate::centres::rooms::delete(&mut conn, &caller, "room-42")
        });
        assert!(matches!(result, Err(Error::Internal(_))), "{result:?}");
        let log = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("internal error"), "{log}");
        assert!(log.contains("delete"), "{log}");
        assert!(log.contains("room=room-42"), "{log}");
        assert!(log.contains("caller=user-7"), "{log}");
    }
}
