//! Each centre's two change counters (see the `centre_versions` migration).
//!
//! Every write to a centre goes through here first in its transaction, so
//! that it also serialises: bumping the counter is an `UPDATE` of the centre's
//! row, which on PostgreSQL locks the row until commit (the lock that booking
//! writes have always taken first) and on SQLite happens inside the one
//! `BEGIN IMMEDIATE` writer. Taking it first keeps one lock order everywhere
//! (centre, then students, then the rows written), so two writers never wait
//! for each other in a cycle. A refused write rolls back, and its bump with it.

use diesel::prelude::*;

use crate::db::schema::centres;
use crate::db::DbConn;
use crate::error::Error;
use crate::types::CentreId;

/// The counters as one transaction saw them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Versions {
    /// Moves when what the conflict rules read about the centre itself
    /// changes: rooms, hours, closures, invigilators and availability, access
    /// cards, the centre's settings.
    pub rules: i64,
    /// Moves on every write to the centre, the rules' included.
    pub data: i64,
}

/// What a write changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Bookings, sittings, assignments, requests: the day's items.
    Data,
    /// The centre's own rules (and therefore also its data's meaning).
    Rules,
}

/// Locks the centre for the rest of the transaction and records that this
/// transaction changes it; the counters after the bump, `None` when there is
/// no such centre.
pub fn lock(conn: &mut DbConn, centre: &CentreId, change: Change) -> QueryResult<Option<Versions>> {
    let rules_step = i64::from(change == Change::Rules);
    diesel::update(centres::table.find(centre))
        .set((
            centres::data_version.eq(centres::data_version + 1),
            centres::rules_version.eq(centres::rules_version + rules_step),
        ))
        .returning((centres::rules_version, centres::data_version))
        .get_result::<(i64, i64)>(conn)
        .optional()
        .map(|v| v.map(|(rules, data)| Versions { rules, data }))
}

/// The counters now, without locking: what a read cache keys on. Read them
/// before the data they key: a write committing in between then leaves newer
/// data under the older key (a key no later reader asks for), never older
/// data under the newer one.
pub fn read(conn: &mut DbConn, centre: &CentreId) -> QueryResult<Option<Versions>> {
    centres::table
        .find(centre)
        .select((centres::rules_version, centres::data_version))
        .first::<(i64, i64)>(conn)
        .optional()
        .map(|v| v.map(|(rules, data)| Versions { rules, data }))
}

/// Records, first thing in a write's transaction, that it changes the
/// centre's rules (and so locks the centre).
pub fn rules_changed(conn: &mut DbConn, centre: &CentreId) -> Result<(), Error> {
    lock(conn, centre, Change::Rules)?.ok_or(Error::NotFound)?;
    Ok(())
}

/// Records, first thing in a write's transaction, that it changes the
/// centre's items (and so locks the centre).
pub fn data_changed(conn: &mut DbConn, centre: &CentreId) -> Result<(), Error> {
    lock(conn, centre, Change::Data)?.ok_or(Error::NotFound)?;
    Ok(())
}
