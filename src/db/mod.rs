//! Persistence: one diesel connection type over PostgreSQL and SQLite, a pool,
//! and the embedded migrations.
//!
//! The backend is decided once, from the URL scheme (see `config::DatabaseUrl`),
//! and every query is written once against the shared schema in `schema.rs`.

pub mod backend;
pub mod error;
pub mod models;
pub mod schema;
pub mod write_gate;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::app::config::{DatabaseSettings, DatabaseUrl};
use crate::centres::rules;
use crate::clock::{self, Clock, SystemClock};
use crate::error::Error;
pub use error::{is_busy, DbError};
use write_gate::WriteGate;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the deployment uses.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Connecting failed. The message names what we tried to reach (host, port and
/// database, or the file), with any password redacted, and the driver's reason.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to {target} ({url}): {reason}")]
pub struct ConnectError {
    pub target: String,
    pub url: String,
    pub reason: String,
}

/// Opens one connection of the right kind and sets it up. Never creates a
/// database for a URL it does not understand: `DatabaseUrl` only holds the two
/// supported schemes.
pub fn connect(url: &DatabaseUrl, busy_timeout_ms: u32) -> Result<DbConn, ConnectError> {
    let fail = |reason: String| ConnectError {
        target: url.describe_target(),
        url: url.redacted(),
        reason: redact_secrets(&reason, url),
    };
    match url {
        DatabaseUrl::Postgres { url: raw } => diesel::PgConnection::establish(raw)
            .map(DbConn::Postgres)
            .map_err(|e| fail(e.to_string().trim().to_string())),
        DatabaseUrl::Sqlite { path } => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| fail(format!("cannot create folder {}: {e}", parent.display())))?;
            }
            let path_str = path
                .to_str()
                .ok_or_else(|| fail("the path is not valid UTF-8".to_string()))?;
            let mut conn =
                diesel::SqliteConnection::establish(path_str).map_err(|e| fail(e.to_string()))?;
            // busy_timeout first: switching to WAL needs the lock that another
            // process may hold. WAL lets readers run beside the one writer;
            // NORMAL sync is safe with WAL (a power cut may lose the last
            // commits, never corrupt the file).
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {busy_timeout_ms};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;"
            ))
            .map_err(|e| fail(format!("setting up SQLite: {e}")))?;
            Ok(DbConn::Sqlite(conn))
        }
    }
}

fn redact_secrets(message: &str, url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Postgres { url: raw } => match url::Url::parse(raw) {
            Ok(u) => match u.password() {
                Some(pw) if !pw.is_empty() => message.replace(pw, "***"),
                _ => message.to_string(),
            },
            Err(_) => message.to_string(),
        },
        DatabaseUrl::Sqlite { .. } => message.to_string(),
    }
}

/// r2d2 manager that always opens the backend named by the URL, with the
/// per-connection SQLite settings applied.
pub struct Manager {
    url: DatabaseUrl,
    busy_timeout_ms: u32,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        connect(&self.url, self.busy_timeout_ms)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1").map_err(|e| ConnectError {
            target: self.url.describe_target(),
            url: self.url.redacted(),
            reason: e.to_string(),
        })
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::connection::TransactionManager;
        <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// A pooled connection that carries its database's clock (see `crate::clock`).
pub struct Conn {
    inner: r2d2::PooledConnection<Manager>,
    _clock: clock::Scope,
    _shared: Scope,
}

impl std::ops::Deref for Conn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.inner
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.inner
    }
}

/// The shared handle to the database: a pool plus what we know about it.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    backend: Backend,
    url: DatabaseUrl,
    clock: Arc<dyn Clock>,
    shared: Shared,
}

/// What the connections of one handle share in this process.
#[derive(Clone)]
struct Shared {
    /// SQLite only: this process's writers take turns here (see `write_gate`).
    gate: Option<Arc<WriteGate>>,
    /// The centres' rules in memory (see `centres::rules`): per handle, so
    /// that each test app, with its own database, has its own.
    rules: Arc<rules::Cache>,
}

thread_local! {
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// Makes a handle's shared state the current one on this thread until
/// dropped, then restores the previous one (a thread may hold connections to
/// two databases).
struct Scope {
    previous: Option<Shared>,
}

impl Scope {
    fn enter(shared: Shared) -> Scope {
        let previous = SHARED.with(|c| c.borrow_mut().replace(shared));
        Scope { previous }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SHARED.with(|c| *c.borrow_mut() = previous);
    }
}

/// The write gate of the connection held on this thread, if it has one.
fn current_gate() -> Option<Arc<WriteGate>> {
    SHARED.with(|c| c.borrow().as_ref().and_then(|s| s.gate.clone()))
}

/// The rules cache of the connection held on this thread; `None` for a
/// connection made outside a `Database` (then every write loads the rules).
pub fn rules_cache() -> Option<Arc<rules::Cache>> {
    SHARED.with(|c| c.borrow().as_ref().map(|s| s.rules.clone()))
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .field("clock", &self.clock)
            .finish()
    }
}

impl Database {
    /// Connects once directly, so that a failure reports the real reason
    /// (r2d2 alone would only say it timed out), then builds the pool.
    pub fn open(settings: &DatabaseSettings) -> Result<Database, ConnectError> {
        let first = connect(&settings.url, settings.sqlite_busy_timeout_ms)?;
        let backend = first.backend();
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(settings.pool_timeout_secs))
            .build_unchecked(Manager {
                url: settings.url.clone(),
                busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            });
        let gate = (backend == Backend::Sqlite).then(|| {
            WriteGate::new(Duration::from_millis(
                settings.sqlite_busy_timeout_ms.into(),
            ))
        });
        Ok(Database {
            pool,
            backend,
            url: settings.url.clone(),
            clock: Arc::new(SystemClock),
            shared: Shared {
                gate,
                rules: rules::Cache::new(),
            },
        })
    }

    /// The same database, telling time by `clock` (tests run on chosen dates).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Database {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pooled connection, for blocking code (CLI, workers, tests). While it
    /// is held, this database's clock and write gate are the current ones on
    /// this thread.
    pub fn get(&self) -> Result<Conn, DbError> {
        let inner = self
            .pool
            .get()
            .map_err(|e| DbError::Unavailable(format!("no database connection: {e}")))?;
        Ok(Conn {
            inner,
            _clock: clock::Scope::enter(self.clock.clone()),
            _shared: Scope::enter(self.shared.clone()),
        })
    }

    /// Runs blocking database work off the async executor, in a span naming
    /// the handler that asked for it (its file and line), so that whatever the
    /// work logs says where it came from.
    #[track_caller]
    pub fn run<T, F>(&self, f: F) -> impl std::future::Future<Output = Result<T, Error>>
    where
        F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        let at = std::panic::Location::caller();
        let span = tracing::info_span!("db.run", at = %at);
        async move {
            // The pool and diesel block; the HTTP workers must not.
            tokio::task::spawn_blocking(move || {
                let _entered = span.enter();
                let mut conn = db.get()?;
                f(&mut conn)
            })
            .await
            .map_err(|e| DbError::Task(e.to_string()))?
        }
    }

    /// Applies pending migrations; returns the versions applied.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        run_migrations(&mut conn)
    }
}

// Several server processes may start at once on one PostgreSQL; the advisory
// lock makes them apply migrations one after the other instead of racing.
const MIGRATION_LOCK_KEY: i64 = 0x736b_7269_7673_616c; // "skrivsal"

pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConn::Postgres(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
            result
        }
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
    };
    applied.map_err(|e| anyhow::anyhow!("applying migrations: {e}"))
}

/// How many embedded migrations the database has not applied yet.
pub fn pending_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let pending = match conn {
        DbConn::Postgres(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    pending.map_err(|e| anyhow::anyhow!("reading migration state: {e}"))
}

/// Runs `$body` with `$c` bound to the backend's own connection (the body is
/// written once, for both). diesel's two-backend connection renders a
/// statement's SQL anew on every call to find it in its cache, a third of
/// what a small statement costs; the backend's own connection finds it by
/// its type. For the statements of the hottest paths (a study booking).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Postgres($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// A new UUIDv7 as stored in the database. v7 ids sort by creation time, which
/// keeps b-tree inserts local and makes cursor pagination by id chronological.
/// Made as the id type the row asks for (`SittingId`, or a plain `String`).
pub fn new_id<T: From<String>>() -> T {
    T::from(uuid::Uuid::now_v7().to_string())
}

/// Now on the current clock, in UTC, truncated to microseconds: both backends
/// store microseconds, so a value read back compares equal to the one written.
pub fn now() -> chrono::NaiveDateTime {
    let now = clock::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros())
        .unwrap_or(now)
        .naive_utc()
}

/// The one way to write: every write of the service, a single statement
/// included, runs in this transaction.
///
/// On SQLite it first waits for this process's turn to write (`write_gate`),
/// then starts with `BEGIN IMMEDIATE`, taking the write lock up front: a
/// deferred transaction that reads first and then writes can fail at once
/// with SQLITE_BUSY when another writer got there in between (no busy-wait
/// applies), while an immediate one waits under `busy_timeout` for writers of
/// other processes. On PostgreSQL it is an ordinary transaction; code that
/// must serialise with other writers locks rows. When the wait runs out the
/// error is the busy one (`is_busy`), which the web edge answers with 503 and
/// `Retry-After`. Keep slow work that needs no database (password hashing,
/// the scheduler's search, network calls) outside: the lock is held
/// throughout.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let gate = match conn {
        // Already in a transaction, this thread has its turn (and SQLite
        // refuses the nested BEGIN below).
        DbConn::Sqlite(inner) => {
            match AnsiTransactionManager::transaction_manager_status_mut(inner).transaction_depth()
            {
                Ok(None) => current_gate(),
                _ => None,
            }
        }
        DbConn::Postgres(_) => None,
    };
    let _turn = match &gate {
        Some(gate) => Some(gate.turn().ok_or_else(|| {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new(format!(
                    "{} (waited for this process's other writers)",
                    error::SQLITE_BUSY
                )),
            )
        })?),
        None => None,
    };
    match conn {
        DbConn::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        DbConn::Postgres(_) => <DbConn as Connection>::TransactionManager::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // The caller's error is the one worth reporting; a failed rollback
            // leaves the connection broken and r2d2 discards it.
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(e)
        }
    }
}
