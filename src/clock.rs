//! Where "now" comes from. The service asks an injected [`Clock`] instead of
//! the system, so that tests can run as if on any date (a winter day, a summer
//! day, the week before a clock change).
//!
//! The clock lives in `db::Database`. Operations receive a `&mut DbConn`
//! rather than the database, so threading a clock argument through every one of
//! them would touch every signature; instead a connection taken from the
//! database (`Database::get`, and so `Database::run`) makes that database's
//! clock the current one on its thread while the connection is held, and
//! [`now`] / `db::now()` read it. Outside any connection the system clock
//! answers.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant, for unit tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that can be set from tests and then keeps running from there, so
/// that "later" still comes later (ordering by creation time, expiries). Clones
/// share one setting.
#[derive(Debug, Clone)]
pub struct SettableClock {
    // The instant it was set to and the system instant when that was done.
    anchor: Arc<Mutex<(DateTime<Utc>, std::time::Instant)>>,
}

impl SettableClock {
    pub fn new(at: DateTime<Utc>) -> SettableClock {
        SettableClock {
            anchor: Arc::new(Mutex::new((at, std::time::Instant::now()))),
        }
    }

    /// Now on this clock becomes `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.anchor.lock().unwrap_or_else(|e| e.into_inner()) = (at, std::time::Instant::now());
    }

    pub fn advance(&self, by: chrono::Duration) {
        let now = self.now();
        self.set(now + by);
    }
}

impl Default for SettableClock {
    fn default() -> SettableClock {
        SettableClock::new(Utc::now())
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        let (at, since) = *self.anchor.lock().unwrap_or_else(|e| e.into_inner());
        at + chrono::Duration::from_std(since.elapsed()).unwrap_or_default()
    }
}

thread_local! {
    // The clocks of the connections held on this thread, latest last; each
    // scope removes its own entry, so scopes may end in any order.
    static CURRENT: RefCell<Vec<(u64, Arc<dyn Clock>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_SCOPE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Now on the current clock.
pub fn now() -> DateTime<Utc> {
    CURRENT
        .with(|c| c.borrow().last().map(|(_, c)| c.now()))
        .unwrap_or_else(Utc::now)
}

/// Makes `clock` the current one on this thread until dropped. Not `Send`: it
/// must end on the thread it began on.
pub struct Scope {
    id: u64,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Scope {
    pub fn enter(clock: Arc<dyn Clock>) -> Scope {
        let id = NEXT_SCOPE.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        CURRENT.with(|c| c.borrow_mut().push((id, clock)));
        Scope {
            id,
            _not_send: std::marker::PhantomData,
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // try_with: a connection dropped during thread teardown finds the
        // thread-local gone, and then there is nothing to restore.
        let _ = CURRENT.try_with(|c| c.borrow_mut().retain(|(id, _)| *id != self.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_scope_sets_now_and_restores_the_one_before() {
        let winter = at("2026-01-15T09:00:00Z");
        let summer = at("2026-07-15T09:00:00Z");
        {
            let _outer = Scope::enter(Arc::new(FixedClock(winter)));
            assert_eq!(now(), winter);
            {
                let _inner = Scope::enter(Arc::new(FixedClock(summer)));
                assert_eq!(now(), summer);
            }
            assert_eq!(now(), winter);
        }
        assert!((Utc::now() - now()).num_seconds().abs() < 5);
        // Ended out of order, each scope still removes only itself.
        let first = Scope::enter(Arc::new(FixedClock(winter)));
        let second = Scope::enter(Arc::new(FixedClock(summer)));
        drop(first);
        assert_eq!(now(), summer);
        drop(second);
        assert!((Utc::now() - now()).num_seconds().abs() < 5);
    }

    #[test]
    fn a_settable_clock_runs_on_from_where_it_was_set() {
        let clock = SettableClock::default();
        let winter = at("2026-01-15T09:00:00Z");
        clock.set(winter);
        let t = clock.now();
        assert!(t >= winter && t - winter < chrono::Duration::seconds(5));
        clock.advance(chrono::Duration::days(1));
        assert!(clock.now() >= winter + chrono::Duration::days(1));
        assert!(clock.clone().now() >= winter + chrono::Duration::days(1));
    }
}
