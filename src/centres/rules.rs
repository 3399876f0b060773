//! Each centre's rules in memory: what the conflict checker reads about the
//! centre itself (rooms, the calendar's input, invigilators with their
//! availability, access cards, the invigilator ratio), kept per database
//! handle and keyed by the centre's `rules_version` (see `versions`).
//!
//! Why it is safe: every write to these rows bumps `rules_version` first thing
//! in its transaction, under the centre's lock. A booking write takes the same
//! lock first and gets the version back (`exams::booking::lock_centre`), so
//! the version it compares is the committed one while it holds the lock: an
//! entry with that version is exactly what the rows say, whichever process
//! (another `serve`, the command line) wrote them. A rules write rolled back
//! leaves the version where it was, so its number comes back later with other
//! content; a transaction therefore never asks for the rules after bumping
//! them itself (no rules write books anything).

use std::collections::HashMap;
use std::sync::Arc;

use diesel::prelude::*;
use parking_lot::Mutex;

use crate::calendar::{Availability, CentreCalendarInput};
use crate::centres::versions::Versions;
use crate::conflicts;
use crate::db::models::{AccessCard, Centre, Invigilator, Room};
use crate::db::schema::{
    access_cards, centres, invigilator_exceptions, invigilator_weekly, invigilators, rooms,
};
use crate::db::DbConn;
use crate::error::Error;
use crate::types::CentreId;

/// One centre's rules as of one `rules_version`.
#[derive(Debug)]
pub struct Rules {
    pub version: i64,
    /// The centre's row as read with these rules (its settings are rules).
    pub centre: Centre,
    pub calendar: CentreCalendarInput,
    /// Every room of the centre, by name.
    pub rooms: Vec<Room>,
    /// The same rooms as the checker sees them.
    pub model_rooms: Vec<conflicts::Room>,
    pub invigilators: Vec<(Invigilator, Availability)>,
    /// Cards not revoked, whatever their dates.
    pub access_cards: Vec<AccessCard>,
}

impl Rules {
    pub fn invigilator_ratio(&self) -> u32 {
        self.centre.invigilator_ratio.max(1) as u32
    }

    /// The centre's active rooms bookable for study, by name.
    pub fn study_rooms(&self) -> Vec<Room> {
        self.rooms
            .iter()
            .filter(|r| r.active && r.bookable_study)
            .cloned()
            .collect()
    }

    /// The cards valid at some point of the local dates `from..=to`.
    pub fn cards_during(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> impl Iterator<Item = conflicts::AccessCard> + '_ {
        self.access_cards
            .iter()
            .filter(move |c| c.valid_to >= from && c.valid_from <= to)
            .map(|c| conflicts::AccessCard {
                student_id: c.student_id.to_string(),
                valid_from: c.valid_from,
                valid_to: c.valid_to,
            })
    }
}

/// Centres whose rules one handle keeps; past it the cache starts afresh (a
/// region has tens of centres, so this only bounds memory against surprises).
const CAPACITY: usize = 256;

/// The rules of the centres one database handle has written to lately.
#[derive(Debug, Default)]
pub struct Cache {
    entries: Mutex<HashMap<CentreId, Arc<Rules>>>,
}

impl Cache {
    pub fn new() -> Arc<Cache> {
        Arc::new(Cache::default())
    }

    fn get(&self, centre: &CentreId, version: i64) -> Option<Arc<Rules>> {
        self.entries
            .lock()
            .get(centre)
            .filter(|r| r.version == version)
            .cloned()
    }

    fn put(&self, centre: &CentreId, rules: Arc<Rules>) {
        let mut entries = self.entries.lock();
        if entries.len() >= CAPACITY && !entries.contains_key(centre) {
            entries.clear();
        }
        // Two writers of different processes may load two versions in turn;
        // the newer one stays.
        match entries.get(centre) {
            Some(old) if old.version > rules.version => {}
            _ => {
                entries.insert(centre.clone(), rules);
            }
        }
    }
}

/// The centre's rules at `versions.rules`, which the caller read while holding
/// the centre's lock (`exams::booking::lock_centre`): from memory when this
/// handle has them, else loaded now and kept.
pub fn under_lock(
    conn: &mut DbConn,
    centre: &CentreId,
    versions: Versions,
) -> Result<Arc<Rules>, Error> {
    let cache = crate::db::rules_cache();
    if let Some(rules) = cache.as_ref().and_then(|c| c.get(centre, versions.rules)) {
        return Ok(rules);
    }
    let rules = Arc::new(load(conn, centre, versions.rules)?);
    if let Some(cache) = cache {
        cache.put(centre, rules.clone());
    }
    Ok(rules)
}

/// Reads the rules from the database.
fn load(conn: &mut DbConn, centre_id: &CentreId, version: i64) -> Result<Rules, Error> {
    let centre: Centre = centres::table
        .find(centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let calendar = crate::centres::calendar::calendar_input(conn, &centre)?;
    let room_rows: Vec<Room> = rooms::table
        .filter(rooms::centre_id.eq(centre_id))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?;
    let inv_rows: Vec<Invigilator> = invigilators::table
        .filter(invigilators::centre_id.eq(centre_id))
        .order(invigilators::id)
        .select(Invigilator::as_select())
        .load(conn)?;
    // Two queries for every invigilator's availability, not two each.
    let weekly: Vec<crate::db::models::InvigilatorWeekly> = invigilator_weekly::table
        .inner_join(invigilators::table)
        .filter(invigilators::centre_id.eq(centre_id))
        .select(crate::db::models::InvigilatorWeekly::as_select())
        .load(conn)?;
    let exceptions: Vec<crate::db::models::InvigilatorException> = invigilator_exceptions::table
        .inner_join(invigilators::table)
        .filter(invigilators::centre_id.eq(centre_id))
        .select(crate::db::models::InvigilatorException::as_select())
        .load(conn)?;
    let invigilators = inv_rows
        .into_iter()
        .map(|i| {
            let availability = crate::centres::invigilators::availability_of(
                weekly.iter().filter(|w| w.invigilator_id == i.id),
                exceptions.iter().filter(|e| e.invigilator_id == i.id),
            );
            (i, availability)
        })
        .collect();
    let cards: Vec<AccessCard> = access_cards::table
        .filter(access_cards::centre_id.eq(centre_id))
        .filter(access_cards::revoked_at.is_null())
        .select(AccessCard::as_select())
        .load(conn)?;
    let model_rooms = room_rows
        .iter()
        .map(|r| conflicts::Room {
            id: r.id.to_string(),
            name: r.name.clone(),
            seats: r.seats.max(0) as u32,
            computer_seats: r.computer_seats.max(0) as u32,
            bookable_exam: r.bookable_exam,
            bookable_study: r.bookable_study,
            active: r.active,
        })
        .collect();
    Ok(Rules {
        version,
        centre,
        calendar,
        rooms: room_rows,
        model_rooms,
        invigilators,
        access_cards: cards,
    })
}
