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
                    }],
                )
            }
            DieselError::DatabaseError(Kind::SerializationFailure, _) => Error::Unavailable(
                "the database was busy with a conflicting change; try again".into(),
            ),
            // Through `From<anyhow::Error>`, which logs it inside the current span.
            other => Error::from(anyhow::Error::new(other)),
        }
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
