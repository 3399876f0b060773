//! Invigilators of a centre and their availability (a weekly pattern plus
//! dated exceptions), resolved to real time by the calendar engine.

use chrono::{DateTime, FixedOffset, NaiveDate};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::calendar::{self, Availability, WeeklyHours};
use crate::centres::centre::{self as centres, CommitmentScope};
use crate::db::models::{Centre, Invigilator, InvigilatorException, InvigilatorWeekly};
use crate::db::schema::{invigilator_exceptions, invigilator_weekly, invigilators};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::types::{CentreId, InvigilatorId, UserId};
use crate::validate::{weekday_from_index, weekday_name, Validator};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvigilatorInput {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvigilatorPatch {
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvigilatorOut {
    pub id: String,
    pub centre: String,
    pub name: String,
    pub email: String,
    pub active: bool,
}

fn out(i: Invigilator, centre: &Centre) -> InvigilatorOut {
    InvigilatorOut {
        id: i.id.into(),
        centre: centre.slug.clone(),
        name: i.name,
        email: i.email,
        active: i.active,
    }
}

fn email_taken(
    conn: &mut DbConn,
    centre_id: &CentreId,
    email: &str,
    except: Option<&str>,
) -> QueryResult<bool> {
    let mut q = invigilators::table
        .filter(invigilators::centre_id.eq(centre_id))
        .filter(invigilators::email.eq(email))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(invigilators::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %centre_key))]
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
    input: InvigilatorInput,
) -> Result<InvigilatorOut, Error> {
    db::write_tx(conn, |conn| {
        let centre = centres::find_managed(conn, caller, centre_key)?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let mut v = Validator::new();
        let name = v.required_text("name", &input.name, 200);
        let email = v.email("email", &input.email);
        if let Some(e) = &email {
            if email_taken(conn, &centre.id, e.as_str(), None)? {
                v.error(
                    "email",
                    "unique",
                    format!("{e} is already an invigilator here"),
                );
            }
        }
        v.finish()?;
        let email = email.map(|e| e.to_string()).unwrap_or_default();
        // Link to an existing account with that address, so the invigilator
        // sees their assignments when they sign in.
        let user_id = crate::db::schema::users::table
            .filter(crate::db::schema::users::email.eq(&email))
            .select(crate::db::schema::users::id)
            .first::<UserId>(conn)
            .optional()?;
        let now = db::now();
        let row = Invigilator {
            id: db::new_id(),
            centre_id: centre.id.clone(),
            user_id,
            name,
            email,
            active: true,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(invigilators::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "invigilator.create", "invigilator", &row.id)?;
        Ok(out(row, &centre))
    })
}

pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
) -> Result<Vec<InvigilatorOut>, Error> {
    let centre = centres::find_visible(conn, caller, centre_key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    Ok(invigilators::table
        .filter(invigilators::centre_id.eq(&centre.id))
        .filter(invigilators::active.eq(true))
        .order(invigilators::name)
        .select(Invigilator::as_select())
        .load(conn)?
        .into_iter()
        .map(|i| out(i, &centre))
        .collect())
}

/// Invigilators are staff data: only the centre's staff may know of them.
fn find(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
) -> Result<(Invigilator, Centre), Error> {
    let inv = invigilators::table
        .find(id)
        .select(Invigilator::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let staff_item = crate::accounts::policy::Resource::StaffItem {
        centre: &inv.centre_id,
    };
    crate::accounts::policy::authorize(caller, crate::accounts::policy::Action::Read, staff_item)?;
    let centre = centres::find_visible(conn, caller, &inv.centre_id)?;
    Ok((inv, centre))
}

/// The invigilator's own record, or one the caller manages.
fn require_self_or_manager(caller: &Caller, inv: &Invigilator) -> Result<(), Error> {
    let resource = crate::accounts::policy::Resource::Invigilator {
        centre: &inv.centre_id,
        user_id: inv.user_id.as_ref(),
        email: &inv.email,
    };
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::SetAvailability,
        resource,
    )
}

/// The invigilator whose availability the caller may change (their own, or
/// one at a centre they manage), with its centre.
pub(crate) fn find_settable(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
) -> Result<(Invigilator, Centre), Error> {
    let (inv, centre) = find(conn, caller, id)?;
    require_self_or_manager(caller, &inv)?;
    Ok((inv, centre))
}

pub fn get(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
) -> Result<InvigilatorOut, Error> {
    let (inv, centre) = find(conn, caller, id)?;
    Ok(out(inv, &centre))
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, invigilator = %id))]
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
    patch: InvigilatorPatch,
) -> Result<InvigilatorOut, Error> {
    db::write_tx(conn, |conn| {
        let (mut inv, centre) = find(conn, caller, id)?;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageCentre,
            crate::accounts::policy::Resource::centre(&centre),
        )?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let mut v = Validator::new();
        if let Some(name) = &patch.name {
            inv.name = v.required_text("name", name, 200);
        }
        if let Some(email) = &patch.email {
            if let Some(e) = v.email("email", email) {
                if email_taken(conn, &centre.id, e.as_str(), Some(&inv.id))? {
                    v.error(
                        "email",
                        "unique",
                        format!("{e} is already an invigilator here"),
                    );
                }
                inv.email = e.to_string();
            }
        }
        v.finish()?;
        inv.updated_at = db::now();
        diesel::update(invigilators::table.find(&inv.id))
            .set(&inv)
            .execute(conn)?;
        audit::record_by(conn, caller, "invigilator.update", "invigilator", &inv.id)?;
        Ok(out(inv, &centre))
    })
}

/// Deactivates (history keeps the name on past assignments); refused with
/// 409 naming the future assignments.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, invigilator = %id))]
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &InvigilatorId) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let (inv, centre) = find(conn, caller, id)?;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageCentre,
            crate::accounts::policy::Resource::centre(&centre),
        )?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        centres::refuse_if_committed(conn, CommitmentScope::Invigilator(&inv.id), "invigilator")?;
        diesel::update(invigilators::table.find(&inv.id))
            .set((
                invigilators::active.eq(false),
                invigilators::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record_by(conn, caller, "invigilator.delete", "invigilator", &inv.id)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- availability

/// A recurring span, wall-clock time in the centre's zone.
#[derive(Debug, Deserialize, Serialize, Clone, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyEntry {
    #[schema(example = "mon")]
    pub weekday: String,
    #[schema(example = "07:00")]
    pub from: String,
    #[schema(example = "20:00")]
    pub to: String,
}

/// A dated exception: unavailable all day, or (un)available between `from` and `to`.
#[derive(Debug, Deserialize, Serialize, Clone, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionEntry {
    #[schema(format = Date, example = "2026-04-07")]
    pub date: String,
    #[schema(example = "12:00")]
    pub from: Option<String>,
    #[schema(example = "16:00")]
    pub to: Option<String>,
    pub available: bool,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    pub weekly: Vec<WeeklyEntry>,
    #[serde(default)]
    pub exceptions: Vec<ExceptionEntry>,
}

// Renamed in the API description: study places have an `AvailabilityOut` too.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InvigilatorAvailability)]
pub struct AvailabilityOut {
    pub weekly: Vec<WeeklyEntry>,
    pub exceptions: Vec<ExceptionEntry>,
    /// The resolved real-time spans for the requested dates.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub available: Vec<Span>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AvailableSpan)]
pub struct Span {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// Checks an availability as entered and reads it as the calendar engine
/// takes it; each bad entry names its field (`weekly[0].to`).
pub fn parse_availability(input: &AvailabilityInput) -> Result<Availability, Error> {
    let mut v = Validator::new();
    let mut weekly = Vec::new();
    for (i, e) in input.weekly.iter().enumerate() {
        let w = v.weekday(&format!("weekly[{i}].weekday"), &e.weekday);
        let f = v.time(&format!("weekly[{i}].from"), &e.from);
        let t = v.time(&format!("weekly[{i}].to"), &e.to);
        if let (Some(w), Some(f), Some(t)) = (w, f, t) {
            if v.check(
                f < t,
                &format!("weekly[{i}].to"),
                "after_from",
                "must be later than from",
            ) {
                weekly.push(WeeklyHours {
                    weekday: w,
                    opens: f,
                    closes: t,
                });
            }
        }
    }
    let mut exceptions = Vec::new();
    for (i, e) in input.exceptions.iter().enumerate() {
        let d = v.date(&format!("exceptions[{i}].date"), &e.date);
        let f = e
            .from
            .as_deref()
            .map(|s| v.time(&format!("exceptions[{i}].from"), s));
        let t =
            e.to.as_deref()
                .map(|s| v.time(&format!("exceptions[{i}].to"), s));
        match (f, t) {
            (Some(Some(f)), Some(Some(t))) => {
                v.check(
                    f < t,
                    &format!("exceptions[{i}].to"),
                    "after_from",
                    "must be later than from",
                );
            }
            (None, None) => {
                v.check(
                    !e.available,
                    &format!("exceptions[{i}].from"),
                    "required",
                    "extra availability needs from and to",
                );
            }
            (Some(_), None) | (None, Some(_)) => {
                v.error(
                    &format!("exceptions[{i}]"),
                    "from_and_to",
                    "give both from and to, or neither",
                );
            }
            _ => {}
        }
        if let Some(d) = d {
            exceptions.push(calendar::Exception {
                date: d,
                from: f.flatten(),
                to: t.flatten(),
                available: e.available,
            });
        }
    }
    v.finish()?;
    Ok(Availability { weekly, exceptions })
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, invigilator = %id))]
pub fn put_availability(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
    input: AvailabilityInput,
) -> Result<AvailabilityOut, Error> {
    let Availability { weekly, exceptions } = parse_availability(&input)?;
    db::write_tx(conn, |conn| {
        let (inv, _centre) = find_settable(conn, caller, id)?;
        crate::centres::versions::rules_changed(conn, &inv.centre_id)?;
        diesel::delete(
            invigilator_weekly::table.filter(invigilator_weekly::invigilator_id.eq(&inv.id)),
        )
        .execute(conn)?;
        diesel::delete(
            invigilator_exceptions::table
                .filter(invigilator_exceptions::invigilator_id.eq(&inv.id)),
        )
        .execute(conn)?;
        for w in weekly {
            diesel::insert_into(invigilator_weekly::table)
                .values(&InvigilatorWeekly {
                    id: db::new_id(),
                    invigilator_id: inv.id.clone(),
                    weekday: w.weekday.num_days_from_monday() as i32,
                    from_time: w.opens,
                    to_time: w.closes,
                })
                .execute(conn)?;
        }
        for e in exceptions {
            diesel::insert_into(invigilator_exceptions::table)
                .values(&InvigilatorException {
                    id: db::new_id(),
                    invigilator_id: inv.id.clone(),
                    date: e.date,
                    from_time: e.from,
                    to_time: e.to,
                    available: e.available,
                })
                .execute(conn)?;
        }
        audit::record_by(
            conn,
            caller,
            "invigilator.availability.update",
            "invigilator",
            &inv.id,
        )?;
        Ok::<(), Error>(())
    })?;
    get_availability(conn, caller, id, &AvailabilityQuery::default())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// First day of the resolved spans, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day of the resolved spans, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// Loads an invigilator's availability as the calendar engine takes it.
pub fn load_availability(
    conn: &mut DbConn,
    invigilator_id: &InvigilatorId,
) -> QueryResult<Availability> {
    let weekly: Vec<InvigilatorWeekly> = invigilator_weekly::table
        .filter(invigilator_weekly::invigilator_id.eq(invigilator_id))
        .select(InvigilatorWeekly::as_select())
        .load(conn)?;
    let exceptions: Vec<InvigilatorException> = invigilator_exceptions::table
        .filter(invigilator_exceptions::invigilator_id.eq(invigilator_id))
        .select(InvigilatorException::as_select())
        .load(conn)?;
    Ok(availability_of(&weekly, &exceptions))
}

/// An invigilator's availability from their rows (the caller picks the
/// rows of one invigilator).
pub fn availability_of<'a>(
    weekly: impl IntoIterator<Item = &'a InvigilatorWeekly>,
    exceptions: impl IntoIterator<Item = &'a InvigilatorException>,
) -> Availability {
    Availability {
        weekly: weekly
            .into_iter()
            .map(|w| WeeklyHours {
                weekday: weekday_from_index(w.weekday),
                opens: w.from_time,
                closes: w.to_time,
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| calendar::Exception {
                date: e.date,
                from: e.from_time,
                to: e.to_time,
                available: e.available,
            })
            .collect(),
    }
}

pub fn get_availability(
    conn: &mut DbConn,
    caller: &Caller,
    id: &InvigilatorId,
    query: &AvailabilityQuery,
) -> Result<AvailabilityOut, Error> {
    let (inv, centre) = find(conn, caller, id)?;
    let tz = centre.timezone.tz();
    let mut v = Validator::new();
    let range = v.date_range(
        ("from", query.from.as_deref()),
        ("to", query.to.as_deref()),
        crate::centres::calendar::today_in(tz),
        6,
        crate::centres::calendar::MAX_CALENDAR_DAYS,
    );
    v.finish()?;
    let (from, to) = range.ok_or_else(|| anyhow::anyhow!("validated dates missing"))?;
    let availability = load_availability(conn, &inv.id)?;
    let mut weekly: Vec<&WeeklyHours> = availability.weekly.iter().collect();
    weekly.sort_by_key(|w| (w.weekday.num_days_from_monday(), w.opens));
    let mut exceptions: Vec<&calendar::Exception> = availability.exceptions.iter().collect();
    exceptions.sort_by_key(|e| (e.date, e.from));
    let available = calendar::available_set(tz, &availability, from, to)
        .iter()
        .map(|i| Span {
            start: i.start().with_timezone(&tz).fixed_offset(),
            end: i.end().with_timezone(&tz).fixed_offset(),
        })
        .collect();
    Ok(AvailabilityOut {
        weekly: weekly
            .into_iter()
            .map(|w| WeeklyEntry {
                weekday: weekday_name(w.weekday).into(),
                from: w.opens.format("%H:%M").to_string(),
                to: w.closes.format("%H:%M").to_string(),
            })
            .collect(),
        exceptions: exceptions
            .into_iter()
            .map(|e| ExceptionEntry {
                date: e.date.to_string(),
                from: e.from.map(|t| t.format("%H:%M").to_string()),
                to: e.to.map(|t| t.format("%H:%M").to_string()),
                available: e.available,
            })
            .collect(),
        from,
        to,
        available,
    })
}
