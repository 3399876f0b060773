//! What anyone may read about an active centre without signing in: what it
//! offers, where it is, its hours and closures. It is what the centre
//! publishes on its door and web site anyway; inactive centres stay hidden
//! (404), as they are from students in the API.

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;

use crate::calendar::{self, Day};
use crate::centres::calendar::{calendar_input, today_in};
use crate::db::models::{Centre, Room};
use crate::db::schema::{centres, rooms};
use crate::db::DbConn;
use crate::error::Error;

/// How far ahead a centre's page lists closures.
pub const CLOSURES_AHEAD_DAYS: i64 = 120;

pub struct PublicCentre {
    pub centre: Centre,
    pub rooms: Vec<Room>,
    /// Monday to Sunday of the current week, in the centre's zone.
    pub week: Vec<Day>,
    /// Closed days from tomorrow on that are not ordinary weekly closed days
    /// (holidays, the centre's own closures).
    pub closures_ahead: Vec<Day>,
}

/// The active centres, by name: the region's list on the landing page.
pub fn list(conn: &mut DbConn) -> Result<Vec<Centre>, Error> {
    Ok(centres::table
        .filter(centres::active.eq(true))
        .order(centres::name)
        .select(Centre::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConn, slug: &str) -> Result<PublicCentre, Error> {
    let centre: Centre = centres::table
        .filter(centres::slug.eq(slug))
        .filter(centres::active.eq(true))
        .select(Centre::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let room_rows = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .filter(rooms::active.eq(true))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?;
    let tz = centre.timezone.tz();
    let today = today_in(tz);
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let input = calendar_input(conn, &centre)?;
    let week = calendar::days(&input, monday, monday + Duration::days(6));
    let closures_ahead = closures_from(&input, today + Duration::days(1));
    Ok(PublicCentre {
        centre,
        rooms: room_rows,
        week,
        closures_ahead,
    })
}

fn closures_from(input: &calendar::CentreCalendarInput, from: NaiveDate) -> Vec<Day> {
    calendar::days(input, from, from + Duration::days(CLOSURES_AHEAD_DAYS))
        .into_iter()
        .filter(|d| {
            d.closed
                .as_ref()
                .is_some_and(|c| c.closure || c.holiday.is_some())
        })
        .collect()
}
