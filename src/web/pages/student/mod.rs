//! The student's pages: Mina bokningar (start), Boka studieplats and Anmäl
//! dig till prov (Kalender is shared, `pages::calendar`). Each calls the
//! operation the API calls.

pub(super) mod book;
pub(super) mod bookings;
pub(super) mod exams;

use std::collections::HashMap;

use crate::db::models::Centre;
use crate::error::Error;

pub(super) fn centres_by_slug(
    conn: &mut crate::db::DbConn,
) -> Result<HashMap<String, Centre>, Error> {
    Ok(crate::centres::public::list(conn)?
        .into_iter()
        .map(|c| (c.slug.clone(), c))
        .collect())
}
