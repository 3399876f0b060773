//! The database's own errors, and how they read as the operations' error:
//! which constraint violation means which broken rule is knowledge of the
//! schema, so it lives here rather than in `error`.

use crate::error::{Conflict, Error};

/// Getting to the database failed (as opposed to a query failing).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no database connection available: {0}")]
    Unavailable(String),
    #[error("database task failed: {0}")]
    Task(String),
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(reason) => Error::Unavailable(reason),
            DbError::Task(reason) => Error::from(anyhow::anyhow!("database task failed: {reason}")),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error as DieselError};
        match e {
            DieselError::NotFound => Error::NotFound,
            // Handlers check uniqueness first and answer with a field error;
            // this is the backstop for two writers racing past that check.
            DieselError::DatabaseError(Kind::UniqueViolation, info) => Error::conflict(
                "the item already exists",
                vec![Conflict {
                    rule: "unique".into(),
                    message: info.message().to_string(),
                    with: None,
                    words: Vec::new(),
                }],
            ),
            // PostgreSQL's exclusion constraints back up rules 5 and 6.
            DieselError::DatabaseError(Kind::ExclusionViolation, info) => {
                let rule = match info.constraint_name() {
                    Some(c) if c.starts_with("no_student") => "student_double_booked",
                    Some(c) if c.starts_with("no_invigilator") => "invigilator_double_booked",
                    _ => "exclusion",
                };
                Error::conflict(
                    "the change collides with an existing booking",
                    vec![Conflict {
                        rule: rule.into(),
                        message: info.message().to_string(),
                        with: None,
                        words: Vec::new(),
                    }],
                )
            }
            ref busy if is_busy(busy) => {
                tracing::warn!(error = %busy, "database busy; answering 503");
                Error::Busy
            }
            // Through `From<anyhow::Error>`, which logs it inside the current span.
            other => Error::from(anyhow::Error::new(other)),
        }
    }
}

/// The message SQLite gives for SQLITE_BUSY (diesel keeps only the message):
/// another connection held the lock for the whole busy timeout. `write_tx`
/// answers the same when this process's own writers kept it waiting as long.
pub(crate) const SQLITE_BUSY: &str = "database is locked";

/// Whether the statement failed only because other writers were in the way,
/// so that the same request may succeed when tried again. On SQLite: the
/// busy timeout ran out (`database is locked`), or a shared-cache table lock
/// (`database table is locked`). On PostgreSQL: a serialization failure, or
/// a deadlock it broke by failing this transaction.
pub fn is_busy(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error as DieselError};
    match e {
        DieselError::DatabaseError(Kind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m.starts_with(SQLITE_BUSY)
                || m.starts_with("database table is locked")
                || m.starts_with("deadlock detected")
        }
        _ => false,
    }
}

impl From<r2d2::Error> for DbError {
    fn from(e: r2d2::Error) -> Self {
        DbError::Unavailable(e.to_string())
    }
}

impl From<r2d2::Error> for Error {
    fn from(e: r2d2::Error) -> Self {
        DbError::from(e).into()
    }
}
