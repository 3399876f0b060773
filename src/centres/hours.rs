//! A centre's weekly hours: staffed opening hours, and the wider hours an
//! access card opens the doors.

use chrono::{NaiveTime, Weekday};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::centre::{find_managed, find_visible};
use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::db::models::CentreHours;
use crate::db::schema::centre_hours;
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::types::{CentreId, HoursKind};
use crate::validate::{weekday_from_index, weekday_name, Validator};

/// One weekday's span, wall-clock time in the centre's zone.
#[derive(Debug, Deserialize, Serialize, Clone, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursEntry {
    /// `mon` … `sun`.
    #[schema(example = "mon")]
    pub weekday: String,
    /// `HH:MM`.
    #[schema(example = "08:00")]
    pub opens: String,
    /// `HH:MM`, after `opens`.
    #[schema(example = "17:00")]
    pub closes: String,
}

/// Staffed opening hours and the (usually longer) hours an access card opens the door.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursInput {
    pub opening: Vec<HoursEntry>,
    #[serde(default)]
    pub access_card: Vec<HoursEntry>,
}

fn validate_hours(
    v: &mut Validator,
    field: &str,
    entries: &[HoursEntry],
) -> Vec<(Weekday, NaiveTime, NaiveTime)> {
    let mut out: Vec<(Weekday, NaiveTime, NaiveTime)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let weekday = v.weekday(&format!("{field}[{i}].weekday"), &e.weekday);
        let opens = v.time(&format!("{field}[{i}].opens"), &e.opens);
        let closes = v.time(&format!("{field}[{i}].closes"), &e.closes);
        if let (Some(w), Some(o), Some(c)) = (weekday, opens, closes) {
            if o >= c {
                v.error(
                    &format!("{field}[{i}].closes"),
                    "after_opens",
                    "must be later than opens",
                );
            } else if out
                .iter()
                .any(|(w2, o2, c2)| *w2 == w && o < *c2 && *o2 < c)
            {
                v.error(
                    &format!("{field}[{i}]"),
                    "overlap",
                    format!("overlaps another {} entry", weekday_name(w)),
                );
            } else {
                out.push((w, o, c));
            }
        }
    }
    out
}

fn hours_of(rows: &[CentreHours], kind: HoursKind) -> Vec<HoursEntry> {
    let mut entries: Vec<&CentreHours> = rows.iter().filter(|h| h.kind == kind).collect();
    entries.sort_by_key(|h| (h.weekday, h.opens));
    entries
        .into_iter()
        .map(|h| HoursEntry {
            weekday: weekday_name(weekday_from_index(h.weekday)).to_string(),
            opens: h.opens.format("%H:%M").to_string(),
            closes: h.closes.format("%H:%M").to_string(),
        })
        .collect()
}

pub(super) fn load_hours(conn: &mut DbConn, centre_id: &CentreId) -> QueryResult<Vec<CentreHours>> {
    centre_hours::table
        .filter(centre_hours::centre_id.eq(centre_id))
        .select(CentreHours::as_select())
        .load(conn)
}

pub fn get_hours(conn: &mut DbConn, caller: &Caller, key: &str) -> Result<HoursInput, Error> {
    let centre = find_visible(conn, caller, key)?;
    let rows = load_hours(conn, &centre.id)?;
    Ok(HoursInput {
        opening: hours_of(&rows, HoursKind::Opening),
        access_card: hours_of(&rows, HoursKind::AccessCard),
    })
}

/// Replaces the centre's weekly hours. Existing bookings are not moved; the
/// conflict checker judges every later change against the new hours.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn put_hours(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    input: HoursInput,
) -> Result<HoursInput, Error> {
    let mut v = Validator::new();
    let opening = validate_hours(&mut v, "opening", &input.opening);
    let access = validate_hours(&mut v, "access_card", &input.access_card);
    v.finish()?;
    db::write_tx(conn, |conn| {
        let centre = find_managed(conn, caller, key)?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        diesel::delete(centre_hours::table.filter(centre_hours::centre_id.eq(&centre.id)))
            .execute(conn)?;
        for (kind, entries) in [
            (HoursKind::Opening, &opening),
            (HoursKind::AccessCard, &access),
        ] {
            for (weekday, opens, closes) in entries {
                diesel::insert_into(centre_hours::table)
                    .values(&CentreHours {
                        id: db::new_id(),
                        centre_id: centre.id.clone(),
                        kind,
                        weekday: weekday.num_days_from_monday() as i32,
                        opens: *opens,
                        closes: *closes,
                    })
                    .execute(conn)?;
            }
        }
        audit::record(
            conn,
            audit::Entry::new(&caller.email, "centre.hours.update")
                .by_user(&caller.user_id)
                .target("centre", &centre.id)
                .detail(serde_json::to_value(&input).unwrap_or_default()),
        )?;
        let rows = load_hours(conn, &centre.id)?;
        Ok(HoursInput {
            opening: hours_of(&rows, HoursKind::Opening),
            access_card: hours_of(&rows, HoursKind::AccessCard),
        })
    })
}
