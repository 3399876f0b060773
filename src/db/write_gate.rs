//! Writers to one SQLite database take turns, in the order they came, within
//! this process.
//!
//! SQLite lets one transaction write at a time. The others wait in its busy
//! handler, which does not queue them: each sleeps (up to 100 ms) and looks
//! again, so under steady contention a writer can keep losing the lock to
//! writers that came after it. With 16 writers booking at once the slowest
//! waited 4.8 s, and about one in 2,200 outlasted the 5 s busy timeout and
//! failed. So `write_tx` first takes a turn at this fair lock and only then
//! `BEGIN IMMEDIATE`s: the process's writers reach SQLite one by one, in
//! order, and the busy timeout is left for other processes (a second `serve`,
//! the command line, `mail-worker`). Correctness never rests on it: the
//! database's own lock still serialises every writer.
//!
//! Like the clock (`crate::clock`), the gate goes with the pooled connection
//! (`db::Scope`): while a connection from `Database::get` is held, its
//! database's gate is the current one on that thread. PostgreSQL has none;
//! its writers lock rows.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::{FairMutex, FairMutexGuard};

/// One per SQLite database handle (and so per process in production).
#[derive(Debug)]
pub struct WriteGate {
    turn: FairMutex<()>,
    /// How long a writer waits for its turn before giving up as busy: the
    /// busy timeout, so that a write waits no longer than the setting says.
    patience: Duration,
}

impl WriteGate {
    pub fn new(patience: Duration) -> Arc<WriteGate> {
        Arc::new(WriteGate {
            turn: FairMutex::new(()),
            patience,
        })
    }

    /// Waits for this thread's turn to write; `None` if it did not come
    /// within the patience.
    pub fn turn(&self) -> Option<FairMutexGuard<'_, ()>> {
        self.turn.try_lock_for(self.patience)
    }
}
