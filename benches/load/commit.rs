//! The raw commit rate at the service's durability: a tiny table, one
//! INSERT per transaction, W writers each on its own connection, for a
//! fixed time. What a conflict-checked booking is compared with.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};

use super::drive::Outcome;

const TABLE: &str = "load_commit_probe";

pub enum Probe {
    /// A file of its own beside the service's, set up as the service sets
    /// up its connections: WAL, `synchronous = NORMAL`.
    Sqlite(std::path::PathBuf),
    /// The run's fresh database, with the server's default durability
    /// (`synchronous_commit = on`).
    Postgres(String),
}

enum Conn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

impl Probe {
    fn connect(&self) -> Result<Conn, String> {
        match self {
            Probe::Sqlite(path) => {
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| e.to_string())?;
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                )
                .map_err(|e| e.to_string())?;
                Ok(Conn::Sqlite(c))
            }
            Probe::Postgres(url) => diesel::PgConnection::establish(url)
                .map(Conn::Pg)
                .map_err(|e| e.to_string()),
        }
    }

    pub fn create(&self) -> Result<(), String> {
        let ddl = match self {
            Probe::Sqlite(_) => {
                format!("CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
            }
            Probe::Postgres(_) => {
                format!("CREATE TABLE {TABLE} (id BIGSERIAL PRIMARY KEY, v BIGINT NOT NULL)")
            }
        };
        match self.connect()? {
            Conn::Sqlite(mut c) => c.batch_execute(&ddl),
            Conn::Pg(mut c) => c.batch_execute(&ddl),
        }
        .map_err(|e| e.to_string())
    }

    pub fn drop_table(&self) {
        let sql = format!("DROP TABLE IF EXISTS {TABLE}");
        let _ = match self.connect() {
            Ok(Conn::Sqlite(mut c)) => c.batch_execute(&sql),
            Ok(Conn::Pg(mut c)) => c.batch_execute(&sql),
            Err(_) => Ok(()),
        };
    }

    /// `writers` threads committing one INSERT each per transaction for
    /// `time`. On SQLite they take turns at one lock before `BEGIN
    /// IMMEDIATE`, as the service's writers do (`db::write_gate`), rather
    /// than sleeping in SQLite's busy handler.
    pub fn run(&self, writers: usize, time: Duration) -> Result<Outcome, String> {
        let gate = Arc::new(Mutex::new(()));
        let started = Instant::now();
        let until = started + time;
        let handles: Vec<_> = (0..writers)
            .map(|_| {
                let (conn, gate) = (self.connect(), gate.clone());
                std::thread::spawn(move || -> Result<Outcome, String> {
                    let mut conn = conn?;
                    let insert = format!("INSERT INTO {TABLE} (v) VALUES (1)");
                    let mut out = Outcome::default();
                    while Instant::now() < until {
                        let t = Instant::now();
                        let done = match &mut conn {
                            Conn::Sqlite(c) => {
                                let _turn = gate.lock().unwrap_or_else(|p| p.into_inner());
                                c.immediate_transaction(|c| diesel::sql_query(&insert).execute(c))
                            }
                            Conn::Pg(c) => c.transaction(|c| diesel::sql_query(&insert).execute(c)),
                        };
                        done.map_err(|e| e.to_string())?;
                        out.ok += 1;
                        out.latencies_us
                            .push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut all = Outcome {
            conns: writers,
            ..Outcome::default()
        };
        for h in handles {
            let o = h.join().map_err(|_| "a writer panicked".to_string())??;
            all.ok += o.ok;
            all.latencies_us.extend(o.latencies_us);
        }
        all.elapsed = started.elapsed();
        Ok(all)
    }
}
