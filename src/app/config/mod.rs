//! Typed configuration, layered as documented in `config/default.toml`.
//!
//! Everything is parsed and checked once at start-up, so the rest of the program
//! holds values that are already known to be good (a `SocketAddr`, a
//! `DatabaseUrl` with a supported scheme) and a bad setting stops the program
//! with a message that names the key.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

/// The built-in defaults. Compiled in so that the binary runs from any directory.
pub const DEFAULT_TOML: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml"));

#[derive(Debug, Clone)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub mail: MailSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_hours: u32,
    pub link_minutes: u32,
    pub reset_minutes: u32,
    pub attempts_per_account_per_minute: u32,
    pub attempts_per_ip_per_minute: u32,
    pub links_per_account_per_hour: u32,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub public_url: url::Url,
    /// Whether `public_url` was configured; if not, it is derived from
    /// `bind` and follows it (`serve --bind`).
    pub public_url_configured: bool,
    pub workers: usize,
    pub shutdown_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client; nobody
    /// else's is believed, since anyone can send the header.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl ServerSettings {
    /// Listens on `bind` instead; a public address that was not configured
    /// follows, so the links in e-mail point where the server is.
    pub fn rebind(&mut self, bind: SocketAddr) {
        self.bind = bind;
        if !self.public_url_configured {
            self.public_url = Self::derived_url(bind);
        }
    }

    /// `http://` and the bind address; an address that listens on every
    /// interface (0.0.0.0, ::) is reached on this machine at loopback.
    fn derived_url(bind: SocketAddr) -> url::Url {
        let mut at = bind;
        if at.ip().is_unspecified() {
            at.set_ip(match at.ip() {
                std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        // A socket address always makes a valid http URL.
        url::Url::parse(&format!("http://{at}"))
            .unwrap_or_else(|_| url::Url::parse("http://127.0.0.1").expect("a literal URL parses"))
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: DatabaseUrl,
    pub pool_size: u32,
    pub pool_timeout_secs: u64,
    pub sqlite_busy_timeout_ms: u32,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// May hold relay credentials: `Debug` shows it redacted.
    pub smtp_url: Option<SecretString>,
    pub dir: PathBuf,
    pub from: String,
    pub worker_in_serve: bool,
    pub poll_interval_secs: u64,
    pub batch_size: i64,
    pub max_attempts: i32,
    pub retry_base_secs: i64,
    pub retry_max_secs: i64,
    pub reminder_hours: i64,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub filter: String,
    pub json: bool,
}

/// A database location with its backend decided by the URL scheme.
///
pub use database_url::{DatabaseUrl, DatabaseUrlError};

mod database_url;
#[cfg(test)]
mod tests;

/// A configuration problem, always naming the key it is about.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, message: impl fmt::Display) -> Self {
        ConfigError {
            key: key.to_string(),
            message: message.to_string(),
        }
    }
}

// Raw, untyped shapes as they come out of the layered sources. Unknown keys are
// refused so that a misspelt setting is noticed instead of silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    server: RawServer,
    database: RawDatabase,
    mail: RawMail,
    auth: RawAuth,
    log: RawLog,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    session_hours: i64,
    link_minutes: i64,
    reset_minutes: i64,
    attempts_per_account_per_minute: i64,
    attempts_per_ip_per_minute: i64,
    links_per_account_per_hour: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    bind: String,
    #[serde(default)]
    public_url: Option<String>,
    workers: i64,
    shutdown_timeout_secs: i64,
    trusted_proxies: OneOrMany,
}

/// A list in TOML; in an environment variable, one string separated by commas.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<String>),
    One(String),
}

impl OneOrMany {
    fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect::<Vec<_>>(),
            OneOrMany::One(s) => s.split(',').collect(),
        }
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
    }
}

/// `10.0.0.0/8` or a single address such as `127.0.0.1`.
fn trusted_proxies(raw: &OneOrMany) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    raw.items()
        .into_iter()
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError::new(
                        "server.trusted_proxies",
                        format!("`{item}` is neither an IP address nor a network like 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
    pool_size: i64,
    pool_timeout_secs: i64,
    sqlite_busy_timeout_ms: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMail {
    smtp_url: String,
    dir: String,
    from: String,
    worker_in_serve: bool,
    poll_interval_secs: i64,
    batch_size: i64,
    max_attempts: i64,
    retry_base_secs: i64,
    retry_max_secs: i64,
    reminder_hours: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    filter: String,
    format: String,
}

/// Where settings come from; tests pass their own environment instead of the
/// process's so they can run in parallel.
pub struct Sources<'a> {
    pub local_file: Option<&'a Path>,
    pub env: Vec<(String, String)>,
}

impl Sources<'_> {
    pub fn from_process() -> Sources<'static> {
        Sources {
            local_file: Some(Path::new("config/local.toml")),
            env: std::env::vars().collect(),
        }
    }
}

impl Settings {
    pub fn load() -> Result<Settings, ConfigError> {
        Self::load_from(Sources::from_process())
    }

    pub fn load_from(sources: Sources<'_>) -> Result<Settings, ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(
            DEFAULT_TOML,
            config::FileFormat::Toml,
        ));
        if let Some(local) = sources.local_file {
            builder = builder.add_source(config::File::from(local.to_path_buf()).required(false));
        }
        let mut database_url = None;
        let mut prefixed = std::collections::HashMap::new();
        for (k, v) in sources.env {
            if k == "DATABASE_URL" {
                database_url = Some(v);
            } else if let Some(rest) = k.strip_prefix("SKRIVSAL__") {
                // SKRIVSAL__SERVER__BIND -> server.bind
                let key = rest.to_ascii_lowercase().replace("__", ".");
                prefixed.insert(key, v);
            }
        }
        for (key, value) in prefixed {
            builder = builder
                .set_override(key.clone(), value)
                .map_err(|e| ConfigError::new(&key, e))?;
        }
        if let Some(url) = database_url {
            builder = builder
                .set_override("database.url", url)
                .map_err(|e| ConfigError::new("DATABASE_URL", e))?;
        }
        let merged = builder.build().map_err(config_error)?;
        let raw: RawSettings = merged.try_deserialize().map_err(config_error)?;
        Self::validate(raw)
    }

    fn validate(raw: RawSettings) -> Result<Settings, ConfigError> {
        let bind: SocketAddr = raw.server.bind.parse().map_err(|_| {
            ConfigError::new(
                "server.bind",
                format!(
                    "`{}` is not an address like 127.0.0.1:8080",
                    raw.server.bind
                ),
            )
        })?;
        let public_url_configured = raw.server.public_url.is_some();
        let public_url = match &raw.server.public_url {
            None => ServerSettings::derived_url(bind),
            Some(raw_url) => url::Url::parse(raw_url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .ok_or_else(|| {
                    ConfigError::new(
                        "server.public_url",
                        format!("`{raw_url}` is not an absolute http(s) URL"),
                    )
                })?,
        };
        let workers = in_range("server.workers", raw.server.workers, 0, 1024)? as usize;
        let shutdown_timeout_secs = in_range(
            "server.shutdown_timeout_secs",
            raw.server.shutdown_timeout_secs,
            0,
            3600,
        )? as u64;
        let url = DatabaseUrl::parse(&raw.database.url)
            .map_err(|e| ConfigError::new("database.url", e))?;
        let pool_size = in_range("database.pool_size", raw.database.pool_size, 1, 1000)? as u32;
        let pool_timeout_secs = in_range(
            "database.pool_timeout_secs",
            raw.database.pool_timeout_secs,
            1,
            3600,
        )? as u64;
        let sqlite_busy_timeout_ms = in_range(
            "database.sqlite_busy_timeout_ms",
            raw.database.sqlite_busy_timeout_ms,
            0,
            600_000,
        )? as u32;
        let smtp_url = match raw.mail.smtp_url.trim() {
            "" => None,
            s => {
                // The value is left out of the message: it may hold a password.
                let parsed = url::Url::parse(s)
                    .map_err(|e| ConfigError::new("mail.smtp_url", format!("not a URL: {e}")))?;
                // Built without TLS: a relay on the same host or network is
                // the supported setup (see README).
                if parsed.scheme() != "smtp" {
                    return Err(ConfigError::new(
                        "mail.smtp_url",
                        format!("scheme `{}` is not smtp (this build speaks plain SMTP to a local relay)", parsed.scheme()),
                    ));
                }
                Some(SecretString::from(s))
            }
        };
        if raw.mail.dir.trim().is_empty() {
            return Err(ConfigError::new("mail.dir", "must not be empty"));
        }
        if raw.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "mail.from",
                format!("`{}` is not an e-mail address", raw.mail.from),
            ));
        }
        let json = match raw.log.format.as_str() {
            "text" => false,
            "json" => true,
            other => {
                return Err(ConfigError::new(
                    "log.format",
                    format!("`{other}` is neither \"text\" nor \"json\""),
                ))
            }
        };
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&raw.log.filter) {
            return Err(ConfigError::new("log.filter", e));
        }
        let auth = AuthSettings {
            session_hours: in_range("auth.session_hours", raw.auth.session_hours, 1, 24 * 30)?
                as u32,
            link_minutes: in_range("auth.link_minutes", raw.auth.link_minutes, 1, 24 * 60)? as u32,
            reset_minutes: in_range("auth.reset_minutes", raw.auth.reset_minutes, 1, 24 * 60)?
                as u32,
            attempts_per_account_per_minute: in_range(
                "auth.attempts_per_account_per_minute",
                raw.auth.attempts_per_account_per_minute,
                1,
                10_000,
            )? as u32,
            attempts_per_ip_per_minute: in_range(
                "auth.attempts_per_ip_per_minute",
                raw.auth.attempts_per_ip_per_minute,
                1,
                100_000,
            )? as u32,
            links_per_account_per_hour: in_range(
                "auth.links_per_account_per_hour",
                raw.auth.links_per_account_per_hour,
                1,
                10_000,
            )? as u32,
        };
        Ok(Settings {
            auth,
            server: ServerSettings {
                bind,
                public_url,
                public_url_configured,
                workers,
                shutdown_timeout_secs,
                trusted_proxies: trusted_proxies(&raw.server.trusted_proxies)?,
            },
            database: DatabaseSettings {
                url,
                pool_size,
                pool_timeout_secs,
                sqlite_busy_timeout_ms,
            },
            mail: MailSettings {
                smtp_url,
                dir: PathBuf::from(raw.mail.dir),
                from: raw.mail.from,
                worker_in_serve: raw.mail.worker_in_serve,
                poll_interval_secs: in_range(
                    "mail.poll_interval_secs",
                    raw.mail.poll_interval_secs,
                    1,
                    3600,
                )? as u64,
                batch_size: in_range("mail.batch_size", raw.mail.batch_size, 1, 1000)?,
                max_attempts: in_range("mail.max_attempts", raw.mail.max_attempts, 1, 100)? as i32,
                retry_base_secs: in_range(
                    "mail.retry_base_secs",
                    raw.mail.retry_base_secs,
                    0,
                    86_400,
                )?,
                retry_max_secs: in_range(
                    "mail.retry_max_secs",
                    raw.mail.retry_max_secs,
                    1,
                    7 * 86_400,
                )?,
                reminder_hours: in_range(
                    "mail.reminder_hours",
                    raw.mail.reminder_hours,
                    1,
                    24 * 14,
                )?,
            },
            log: LogSettings {
                filter: raw.log.filter,
                json,
            },
        })
    }
}

fn in_range(key: &str, value: i64, min: i64, max: i64) -> Result<i64, ConfigError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError::new(
            key,
            format!("{value} is outside {min}..={max}"),
        ))
    }
}

/// The config crate's messages already mention the key ("… for key
/// `server.workers`"); pull it out so every error has the same shape.
fn config_error(e: config::ConfigError) -> ConfigError {
    let text = e.to_string();
    let key = text
        .split("key `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .map(str::to_string)
        .or_else(|| {
            text.split("unknown field `")
                .nth(1)
                .and_then(|s| s.split('`').next())
                .map(|f| format!("(unknown key) {f}"))
        })
        .unwrap_or_else(|| "(configuration)".to_string());
    ConfigError { key, message: text }
}
