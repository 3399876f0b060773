//! The sign-in throttle's buckets, kept in the database so that every server
//! process on one database counts the same attempts (several processes on
//! one PostgreSQL; on SQLite the one process, across restarts).
//!
//! Each key is a GCRA bucket stored as one number, its theoretical arrival
//! time (TAT): an attempt is allowed while the TAT is at most `now +
//! tolerance`, and pushes it one interval further. The decision is a single
//! `UPDATE … WHERE`, which both backends run atomically (a row lock on
//! PostgreSQL, the one writer on SQLite), so two processes can never both
//! spend the last attempt. No transaction is held open, so concurrent sign-ins
//! on SQLite only wait the busy timeout for each other's one-row write.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;
use crate::error::Error;

/// A limit: `burst` attempts at once, then one more every `interval_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub interval_ms: i64,
}

impl Rate {
    /// How far ahead of now the TAT may run: the burst after the first.
    fn tolerance_ms(self) -> i64 {
        self.interval_ms * (i64::from(self.burst.max(1)) - 1)
    }
}

/// One bound value of the statements below, in placeholder order.
enum Bind<'a> {
    Text(&'a str),
    Int(i64),
}

#[derive(QueryableByName)]
struct Tat {
    #[diesel(sql_type = BigInt)]
    tat_ms: i64,
}

/// Runs `sql` (written with `?` placeholders) with `binds` on either backend;
/// PostgreSQL numbers its placeholders.
fn execute(conn: &mut DbConn, sql: &str, binds: &[Bind<'_>]) -> QueryResult<usize> {
    macro_rules! bound {
        ($query:expr) => {{
            let mut q = $query.into_boxed();
            for b in binds {
                q = match b {
                    Bind::Text(s) => q.bind::<Text, _>(s.to_string()),
                    Bind::Int(i) => q.bind::<BigInt, _>(*i),
                };
            }
            q
        }};
    }
    match conn {
        DbConn::Postgres(pg) => bound!(diesel::sql_query(numbered(sql))).execute(pg),
        DbConn::Sqlite(lite) => bound!(diesel::sql_query(sql)).execute(lite),
    }
}

fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

fn tat(conn: &mut DbConn, key: &str) -> QueryResult<Option<i64>> {
    const SQL: &str = "SELECT tat_ms FROM auth_throttle WHERE key = ?";
    let rows: Vec<Tat> = match conn {
        DbConn::Postgres(pg) => diesel::sql_query(numbered(SQL))
            .bind::<Text, _>(key)
            .load(pg)?,
        DbConn::Sqlite(lite) => diesel::sql_query(SQL).bind::<Text, _>(key).load(lite)?,
    };
    Ok(rows.first().map(|r| r.tat_ms))
}

/// Counts one attempt for `key` at `now_ms`: `Ok(None)` when it is allowed,
/// `Ok(Some(ms))` with how long to wait when it is not.
pub fn take(conn: &mut DbConn, key: &str, rate: Rate, now_ms: i64) -> Result<Option<i64>, Error> {
    // A missing bucket is a full one: its TAT is now.
    execute(
        conn,
        "INSERT INTO auth_throttle (key, tat_ms) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        &[Bind::Text(key), Bind::Int(now_ms)],
    )?;
    // The bucket's base is its TAT, or now when the TAT has passed (a full
    // bucket) or lies further ahead than any allowed attempt can put it (the
    // clock went back): a stale row never locks anyone out.
    let base = "(CASE WHEN tat_ms > ? AND tat_ms <= ? THEN tat_ms ELSE ? END)";
    let horizon = now_ms + rate.tolerance_ms() + rate.interval_ms;
    let allowed = execute(
        conn,
        &format!("UPDATE auth_throttle SET tat_ms = {base} + ? WHERE key = ? AND {base} <= ?"),
        &[
            Bind::Int(now_ms),
            Bind::Int(horizon),
            Bind::Int(now_ms),
            Bind::Int(rate.interval_ms),
            Bind::Text(key),
            Bind::Int(now_ms),
            Bind::Int(horizon),
            Bind::Int(now_ms),
            Bind::Int(now_ms + rate.tolerance_ms()),
        ],
    )?;
    if allowed == 1 {
        return Ok(None);
    }
    let tat = tat(conn, key)?.unwrap_or(now_ms);
    Ok(Some((tat - rate.tolerance_ms() - now_ms).max(1)))
}

/// Forgets buckets that have filled up again (their TAT has passed): they
/// decide exactly as a missing row would, so the table holds only the keys
/// seen recently.
pub fn prune(conn: &mut DbConn, now_ms: i64) -> Result<usize, Error> {
    Ok(execute(
        conn,
        "DELETE FROM auth_throttle WHERE tat_ms < ?",
        &[Bind::Int(now_ms)],
    )?)
}
