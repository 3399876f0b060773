//! The database URL, parsed once: which backend, and where.

use std::fmt;
use std::path::{Path, PathBuf};

/// Choosing the backend from the scheme (and refusing every other scheme) is
/// what keeps a typo such as `postgress://` from silently creating a new, empty
/// SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("unsupported database URL scheme `{0}`: use sqlite://PATH or postgres://…")]
    UnsupportedScheme(String),
    #[error("database URL has no scheme: use sqlite://PATH or postgres://…")]
    NoScheme,
    #[error("sqlite:// URL has no file path")]
    EmptySqlitePath,
    #[error("invalid PostgreSQL URL: {0}")]
    InvalidPostgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once("://") else {
            // `sqlite:path` without slashes is a common shorthand; anything else is
            // refused rather than guessed at.
            return match raw.split_once(':') {
                Some((scheme, _)) if !scheme.is_empty() => {
                    Err(DatabaseUrlError::UnsupportedScheme(scheme.to_string()))
                }
                _ => Err(DatabaseUrlError::NoScheme),
            };
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                if rest.is_empty() {
                    return Err(DatabaseUrlError::EmptySqlitePath);
                }
                Ok(DatabaseUrl::Sqlite {
                    path: PathBuf::from(rest),
                })
            }
            "postgres" | "postgresql" => {
                let parsed = url::Url::parse(raw)
                    .map_err(|e| DatabaseUrlError::InvalidPostgres(e.to_string()))?;
                if parsed.host_str().is_none() {
                    return Err(DatabaseUrlError::InvalidPostgres("no host".into()));
                }
                Ok(DatabaseUrl::Postgres {
                    url: raw.to_string(),
                })
            }
            other => Err(DatabaseUrlError::UnsupportedScheme(other.to_string())),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite { .. } => "sqlite",
            DatabaseUrl::Postgres { .. } => "postgres",
        }
    }

    /// The URL with any password replaced, safe for logs and error messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => redact_password(url),
        }
    }

    /// "database `db` on host:port" for PostgreSQL, the file for SQLite.
    pub fn describe_target(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("SQLite file {}", path.display()),
            DatabaseUrl::Postgres { url } => match url::Url::parse(url) {
                Ok(u) => {
                    let db = u.path().trim_start_matches('/');
                    let db = if db.is_empty() { "(default)" } else { db };
                    format!(
                        "PostgreSQL database `{}` on {}:{}",
                        db,
                        u.host_str().unwrap_or("?"),
                        u.port().unwrap_or(5432)
                    )
                }
                Err(_) => "PostgreSQL".to_string(),
            },
        }
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            DatabaseUrl::Sqlite { path } => Some(path),
            DatabaseUrl::Postgres { .. } => None,
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn redact_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.to_string()
        }
        Err(_) => "(unparseable URL)".to_string(),
    }
}
