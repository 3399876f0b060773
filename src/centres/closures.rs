//! Days or spans a centre is closed beyond its weekly hours and holidays.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::centre::{find_managed, find_visible};
use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::db::models::Closure;
use crate::db::schema::closures;
use crate::db::{self, DbConn};
use crate::domain::bounds;
use crate::error::Error;
use crate::validate::Validator;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureInput {
    /// First closed day, `YYYY-MM-DD`.
    #[schema(format = Date, example = "2027-12-27")]
    pub from: String,
    /// Last closed day (inclusive), `YYYY-MM-DD`.
    #[schema(format = Date, example = "2027-12-30")]
    pub to: String,
    #[schema(example = "Jul")]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureOut {
    pub id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

impl From<Closure> for ClosureOut {
    fn from(c: Closure) -> Self {
        ClosureOut {
            id: c.id,
            from: c.from_date,
            to: c.to_date,
            reason: c.reason,
        }
    }
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn create_closure(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    input: ClosureInput,
) -> Result<ClosureOut, Error> {
    let mut v = Validator::new();
    let range = v.required_range(
        ("from", &input.from),
        ("to", &input.to),
        bounds::MAX_RANGE_DAYS,
    );
    let reason = v.required_text("reason", &input.reason, 200);
    v.finish()?;
    let (from, to) = range.ok_or_else(|| anyhow::anyhow!("validated dates missing"))?;
    db::write_tx(conn, |conn| {
        let centre = find_managed(conn, caller, key)?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let row = Closure {
            id: db::new_id(),
            centre_id: centre.id.clone(),
            from_date: from,
            to_date: to,
            reason,
            created_at: db::now(),
        };
        diesel::insert_into(closures::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "centre.closure.create", "closure", &row.id)?;
        Ok(row.into())
    })
}

pub fn list_closures(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
) -> Result<Vec<ClosureOut>, Error> {
    let centre = find_visible(conn, caller, key)?;
    Ok(closures::table
        .filter(closures::centre_id.eq(&centre.id))
        .order(closures::from_date)
        .select(Closure::as_select())
        .load(conn)?
        .into_iter()
        .map(ClosureOut::from)
        .collect())
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, closure = %id))]
pub fn delete_closure(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let closure = closures::table
            .find(id)
            .select(Closure::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        find_managed(conn, caller, &closure.centre_id)?;
        crate::centres::versions::rules_changed(conn, &closure.centre_id)?;
        diesel::delete(closures::table.find(id)).execute(conn)?;
        audit::record_by(conn, caller, "centre.closure.delete", "closure", id)?;
        Ok(())
    })
}
