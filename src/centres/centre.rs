//! Centres: their settings, opening and access-card hours, closures, and the
//! calendar computed from them by the pure engine in `calendar`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::actor::{Actor, Caller};
use crate::accounts::audit;
use crate::accounts::policy::{self, Action, Resource};
use crate::calendar::{self, CentreCalendarInput, HolidayOptions, WeeklyHours};
use crate::db::models::{Centre, CentreHours, Closure};
use crate::db::schema::{
    centre_hours, centres, closures, invigilator_assignments, rooms, sittings, study_bookings,
};
use crate::db::{self, DbConn};
use crate::error::{Conflict, Error, ItemRef};
use crate::pagination::{Page, PageQuery};
use crate::timefmt;
use crate::types::{HoursKind, SittingStatus, StudyBookingStatus, Zone};
use crate::validate::{weekday_from_index, weekday_name, Validator};

// ---------------------------------------------------------------- centres

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CentreInput {
    #[schema(example = "sundsvall")]
    pub slug: String,
    #[schema(example = "Lärcentrum Sundsvall")]
    pub name: String,
    pub municipality: String,
    pub address: String,
    pub email: String,
    /// IANA time zone; `Europe/Stockholm` when absent.
    #[schema(example = "Europe/Stockholm")]
    pub timezone: Option<String>,
    /// `sv` (default) or `en`.
    #[schema(example = "sv")]
    pub language: Option<String>,
    /// Students per invigilator, 1–1000; 20 when absent.
    pub invigilator_ratio: Option<i64>,
    pub closed_on_de_facto_holidays: Option<bool>,
    pub max_future_study_bookings: Option<i64>,
    pub max_study_hours_per_week: Option<i64>,
}

/// PATCH: every field optional; `null` clears an optional limit.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CentrePatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub municipality: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    pub invigilator_ratio: Option<i64>,
    pub closed_on_de_facto_holidays: Option<bool>,
    /// `null` removes the limit; absent keeps it.
    #[serde(default, with = "double_option")]
    pub max_future_study_bookings: Option<Option<i64>>,
    /// `null` removes the limit; absent keeps it.
    #[serde(default, with = "double_option")]
    pub max_study_hours_per_week: Option<Option<i64>>,
    /// `false` deactivates (system admins only), refused with 409 while
    /// future bookings depend on the centre.
    pub active: Option<bool>,
}

/// Tells "absent" (keep) from `null` (clear) in a PATCH body.
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(de).map(Some)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CentreOut {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub address: String,
    pub email: String,
    pub timezone: String,
    pub language: String,
    pub invigilator_ratio: i32,
    pub closed_on_de_facto_holidays: bool,
    pub max_future_study_bookings: Option<i32>,
    pub max_study_hours_per_week: Option<i32>,
    pub active: bool,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

impl From<Centre> for CentreOut {
    fn from(c: Centre) -> Self {
        let tz = c.timezone.tz();
        CentreOut {
            created_at: timefmt::local(c.created_at, tz),
            updated_at: timefmt::local(c.updated_at, tz),
            id: c.id,
            slug: c.slug,
            name: c.name,
            municipality: c.municipality,
            address: c.address,
            email: c.email,
            timezone: c.timezone.to_string(),
            language: c.language,
            invigilator_ratio: c.invigilator_ratio,
            closed_on_de_facto_holidays: c.closed_on_de_facto_holidays,
            max_future_study_bookings: c.max_future_study_bookings,
            max_study_hours_per_week: c.max_study_hours_per_week,
            active: c.active,
        }
    }
}

const MAX_RATIO: i64 = 1000;
const MAX_LIMIT_SETTING: i64 = 10_000;

fn slug_taken(conn: &mut DbConn, slug: &str, except_id: Option<&str>) -> QueryResult<bool> {
    let mut query = centres::table.filter(centres::slug.eq(slug)).into_boxed();
    if let Some(id) = except_id {
        query = query.filter(centres::id.ne(id));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn create(conn: &mut DbConn, caller: &Caller, input: CentreInput) -> Result<CentreOut, Error> {
    policy::authorize(caller, Action::AdministerCentres, Resource::Service)?;
    let mut v = Validator::new();
    let slug = v.slug("slug", &input.slug);
    let name = v.required_text("name", &input.name, 200);
    let municipality = v.required_text("municipality", &input.municipality, 100);
    let address = v.required_text("address", &input.address, 300);
    let email = v.email("email", &input.email);
    let timezone = input.timezone.as_deref().unwrap_or("Europe/Stockholm");
    let zone = v.timezone("timezone", timezone);
    let language = v.language("language", input.language.as_deref().unwrap_or("sv"));
    let ratio = v.range(
        "invigilator_ratio",
        input.invigilator_ratio.unwrap_or(20),
        1,
        MAX_RATIO,
    );
    let max_future = input
        .max_future_study_bookings
        .map(|n| v.range("max_future_study_bookings", n, 0, MAX_LIMIT_SETTING));
    let max_hours = input
        .max_study_hours_per_week
        .map(|n| v.range("max_study_hours_per_week", n, 0, 168));
    db::write_tx(conn, |conn| {
        if let Some(slug) = &slug {
            if slug_taken(conn, slug.as_str(), None)? {
                v.error(
                    "slug",
                    "unique",
                    format!("a centre with slug `{slug}` already exists"),
                );
            }
        }
        v.finish()?;
        let (Some(slug), Some(email), Some(language), Some(zone)) = (slug, email, language, zone)
        else {
            return Err(anyhow::anyhow!("validated fields missing").into());
        };
        let now = db::now();
        let row = Centre {
            id: db::new_id(),
            slug: slug.to_string(),
            name,
            municipality,
            address,
            email: email.to_string(),
            timezone: Zone(zone),
            language: language.as_str().to_string(),
            invigilator_ratio: ratio,
            closed_on_de_facto_holidays: input.closed_on_de_facto_holidays.unwrap_or(true),
            max_future_study_bookings: max_future,
            max_study_hours_per_week: max_hours,
            exam_fee_ore: 0,
            fee_payment_days: None,
            retention_days: 365,
            active: true,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(centres::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "centre.create", "centre", &row.id)?;
        Ok(row.into())
    })
}

/// Finds a centre by slug or id that the caller may know of; 404 otherwise.
pub fn find_visible<'a>(
    conn: &mut DbConn,
    actor: impl Into<Actor<'a>>,
    key: &str,
) -> Result<Centre, Error> {
    let centre = centres::table
        .filter(centres::slug.eq(key).or(centres::id.eq(key)))
        .select(Centre::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    policy::authorize(actor, Action::Read, Resource::centre(&centre))?;
    Ok(centre)
}

/// A centre the caller manages (404 if they may not know it, 403 if they may
/// know it but not change it).
pub fn find_managed<'a>(
    conn: &mut DbConn,
    actor: impl Into<Actor<'a>>,
    key: &str,
) -> Result<Centre, Error> {
    let actor = actor.into();
    let centre = find_visible(conn, actor, key)?;
    policy::authorize(actor, Action::ManageCentre, Resource::centre(&centre))?;
    Ok(centre)
}

pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    page: &PageQuery,
) -> Result<Page<CentreOut>, Error> {
    let limit = page.limit()?;
    let mut query = centres::table
        .select(Centre::as_select())
        .order(centres::id)
        .into_boxed();
    if let Some(cursor) = page.cursor()? {
        query = query.filter(centres::id.gt(cursor));
    }
    query = match caller.role {
        crate::domain::Role::SystemAdmin => query,
        crate::domain::Role::CentreAdmin | crate::domain::Role::Invigilator => {
            query.filter(centres::id.eq_any(caller.centre_ids.clone()))
        }
        _ => query.filter(centres::active.eq(true)),
    };
    let rows = query.limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(
        rows,
        limit,
        |c| c.id.clone(),
        CentreOut::from,
    ))
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    patch: CentrePatch,
) -> Result<CentreOut, Error> {
    db::write_tx(conn, |conn| {
        let mut centre = find_managed(conn, caller, key)?;
        let mut v = Validator::new();
        if patch.slug.is_some() || patch.active.is_some() {
            // Renaming breaks integrations' URLs and deactivating hides the
            // centre from every student: decisions for the system admin.
            policy::authorize(caller, Action::AdministerCentres, Resource::centre(&centre))?;
        }
        if let Some(slug) = &patch.slug {
            if let Some(s) = v.slug("slug", slug) {
                if slug_taken(conn, s.as_str(), Some(&centre.id))? {
                    v.error(
                        "slug",
                        "unique",
                        format!("a centre with slug `{s}` already exists"),
                    );
                }
                centre.slug = s.to_string();
            }
        }
        if let Some(name) = &patch.name {
            centre.name = v.required_text("name", name, 200);
        }
        if let Some(m) = &patch.municipality {
            centre.municipality = v.required_text("municipality", m, 100);
        }
        if let Some(a) = &patch.address {
            centre.address = v.required_text("address", a, 300);
        }
        if let Some(e) = &patch.email {
            if let Some(e) = v.email("email", e) {
                centre.email = e.to_string();
            }
        }
        if let Some(tz) = &patch.timezone {
            if let Some(tz) = v.timezone("timezone", tz) {
                centre.timezone = Zone(tz);
            }
        }
        if let Some(l) = &patch.language {
            if let Some(l) = v.language("language", l) {
                centre.language = l.as_str().to_string();
            }
        }
        if let Some(r) = patch.invigilator_ratio {
            centre.invigilator_ratio = v.range("invigilator_ratio", r, 1, MAX_RATIO);
        }
        if let Some(b) = patch.closed_on_de_facto_holidays {
            centre.closed_on_de_facto_holidays = b;
        }
        if let Some(n) = patch.max_future_study_bookings {
            centre.max_future_study_bookings =
                n.map(|n| v.range("max_future_study_bookings", n, 0, MAX_LIMIT_SETTING));
        }
        if let Some(n) = patch.max_study_hours_per_week {
            centre.max_study_hours_per_week =
                n.map(|n| v.range("max_study_hours_per_week", n, 0, 168));
        }
        if let Some(active) = patch.active {
            if !active && centre.active {
                refuse_if_committed(conn, CommitmentScope::Centre(&centre.id), "centre")?;
            }
            centre.active = active;
        }
        v.finish()?;
        centre.updated_at = db::now();
        diesel::update(centres::table.find(&centre.id))
            .set(&centre)
            .execute(conn)?;
        audit::record_by(conn, caller, "centre.update", "centre", &centre.id)?;
        Ok(centre.into())
    })
}

/// What still depends on a room, centre or invigilator in the future.
pub enum CommitmentScope<'a> {
    Centre(&'a str),
    Room(&'a str),
    Invigilator(&'a str),
}

const LIVE_SITTING_STATES: [SittingStatus; 3] = [
    SittingStatus::Requested,
    SittingStatus::Confirmed,
    SittingStatus::CheckedIn,
];

/// Removing a room, invigilator or centre with future bookings would strand
/// them: refuse with 409 naming each one (at most 50, the rest counted).
pub fn refuse_if_committed(
    conn: &mut DbConn,
    scope: CommitmentScope<'_>,
    what: &str,
) -> Result<(), Error> {
    let now = db::now();
    let mut conflicts = Vec::new();
    let mut sitting_q = sittings::table
        .filter(sittings::status.eq_any(LIVE_SITTING_STATES))
        .filter(sittings::ends_at.gt(now))
        .select(sittings::id)
        .into_boxed();
    let mut booking_q = study_bookings::table
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(study_bookings::ends_at.gt(now))
        .select(study_bookings::id)
        .into_boxed();
    let mut assignment_q = invigilator_assignments::table
        .filter(invigilator_assignments::ends_at.gt(now))
        .select(invigilator_assignments::id)
        .into_boxed();
    match scope {
        CommitmentScope::Centre(id) => {
            sitting_q = sitting_q.filter(sittings::centre_id.eq(id.to_string()));
            booking_q = booking_q.filter(study_bookings::centre_id.eq(id.to_string()));
            let room_ids: Vec<String> = rooms::table
                .filter(rooms::centre_id.eq(id))
                .select(rooms::id)
                .load(conn)?;
            assignment_q = assignment_q.filter(invigilator_assignments::room_id.eq_any(room_ids));
        }
        CommitmentScope::Room(id) => {
            sitting_q = sitting_q.filter(sittings::room_id.eq(id.to_string()));
            booking_q = booking_q.filter(study_bookings::room_id.eq(id.to_string()));
            assignment_q = assignment_q.filter(invigilator_assignments::room_id.eq(id.to_string()));
        }
        CommitmentScope::Invigilator(id) => {
            // An invigilator holds no sittings or bookings of their own.
            sitting_q = sitting_q.filter(sittings::id.eq(""));
            booking_q = booking_q.filter(study_bookings::id.eq(""));
            assignment_q =
                assignment_q.filter(invigilator_assignments::invigilator_id.eq(id.to_string()));
        }
    }
    for (kind, ids) in [
        ("sitting", sitting_q.limit(51).load::<String>(conn)?),
        ("study_booking", booking_q.limit(51).load::<String>(conn)?),
        (
            "invigilator_assignment",
            assignment_q.limit(51).load::<String>(conn)?,
        ),
    ] {
        for id in ids {
            conflicts.push(Conflict {
                rule: "future_commitments".into(),
                message: format!("the {what} has a future {}", kind.replace('_', " ")),
                with: Some(ItemRef {
                    kind: kind.into(),
                    id,
                }),
            });
        }
    }
    if conflicts.is_empty() {
        Ok(())
    } else {
        conflicts.truncate(50);
        Err(Error::conflict(
            format!("the {what} has future bookings; move or cancel them first"),
            conflicts,
        ))
    }
}

// ---------------------------------------------------------------- hours

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

fn load_hours(conn: &mut DbConn, centre_id: &str) -> QueryResult<Vec<CentreHours>> {
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

// ---------------------------------------------------------------- closures

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
    let from = v.date("from", &input.from);
    let to = v.date("to", &input.to);
    let reason = v.required_text("reason", &input.reason, 200);
    if let (Some(f), Some(t)) = (from, to) {
        v.check(f <= t, "to", "date_order", "must not be before from");
        v.check(
            (t - f).num_days() <= 366,
            "to",
            "range",
            "a closure lasts at most a year",
        );
    }
    v.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(anyhow::anyhow!("validated dates missing").into());
    };
    db::write_tx(conn, |conn| {
        let centre = find_managed(conn, caller, key)?;
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
        diesel::delete(closures::table.find(id)).execute(conn)?;
        audit::record_by(conn, caller, "centre.closure.delete", "closure", id)?;
        Ok(())
    })
}

// ---------------------------------------------------------------- calendar

/// Loads what the calendar engine needs for a centre.
pub fn calendar_input(conn: &mut DbConn, centre: &Centre) -> QueryResult<CentreCalendarInput> {
    let hours = load_hours(conn, &centre.id)?;
    let weekly = |kind: HoursKind| -> Vec<WeeklyHours> {
        hours
            .iter()
            .filter(|h| h.kind == kind)
            .map(|h| WeeklyHours {
                weekday: weekday_from_index(h.weekday),
                opens: h.opens,
                closes: h.closes,
            })
            .collect()
    };
    let closures = closures::table
        .filter(closures::centre_id.eq(&centre.id))
        .select(Closure::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| calendar::Closure {
            from: c.from_date,
            to: c.to_date,
            reason: c.reason,
        })
        .collect();
    Ok(CentreCalendarInput {
        tz: centre.timezone.tz(),
        opening: weekly(HoursKind::Opening),
        access_card: weekly(HoursKind::AccessCard),
        closures,
        holidays: HolidayOptions {
            de_facto_closed: centre.closed_on_de_facto_holidays,
            ..HolidayOptions::default()
        },
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day, `YYYY-MM-DD`; today in the centre's zone when absent.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (inclusive, at most 366 days after `from`); `from` + 6 days when absent.
    #[param(format = Date)]
    pub to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    pub centre: String,
    pub timezone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<DayOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    pub date: NaiveDate,
    #[schema(example = "mon")]
    pub weekday: &'static str,
    pub closed: Option<ClosedOut>,
    pub staffed: Vec<SpanOut>,
    pub access_card: Vec<SpanOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedOut {
    pub reason: String,
    pub holiday: Option<HolidayOut>,
    pub closure: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayOut {
    pub name_sv: &'static str,
    pub name_en: &'static str,
    #[schema(value_type = crate::web::openapi::schemas::HolidayKind)]
    pub kind: calendar::HolidayKind,
}

/// A span of real time, given in the centre's local time with its offset.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpanOut {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

pub const MAX_CALENDAR_DAYS: i64 = 366;

fn span_out(s: &calendar::Span) -> SpanOut {
    SpanOut {
        start: s.start_local,
        end: s.end_local,
    }
}

pub fn today_in(tz: Tz) -> NaiveDate {
    crate::clock::now().with_timezone(&tz).date_naive()
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key))]
pub fn calendar(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    query: &CalendarQuery,
) -> Result<CalendarOut, Error> {
    let centre = find_visible(conn, caller, key)?;
    let tz = centre.timezone.tz();
    let mut v = Validator::new();
    let from = match &query.from {
        Some(f) => v.date("from", f),
        None => Some(today_in(tz)),
    };
    let to = match (&query.to, from) {
        (Some(t), _) => v.date("to", t),
        (None, Some(f)) => Some(f + chrono::Duration::days(6)),
        (None, None) => None,
    };
    if let (Some(f), Some(t)) = (from, to) {
        if v.check(f <= t, "to", "date_order", "must not be before from") {
            v.check(
                (t - f).num_days() < MAX_CALENDAR_DAYS,
                "to",
                "range",
                format!("at most {MAX_CALENDAR_DAYS} days at a time"),
            );
        }
    }
    v.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(anyhow::anyhow!("validated dates missing").into());
    };
    let input = calendar_input(conn, &centre)?;
    let days = calendar::days(&input, from, to)
        .into_iter()
        .map(|d| DayOut {
            date: d.date,
            weekday: weekday_name(d.weekday),
            closed: d.closed.map(|c| ClosedOut {
                reason: c.reason,
                holiday: c.holiday.map(|h| HolidayOut {
                    name_sv: h.name_sv,
                    name_en: h.name_en,
                    kind: h.kind,
                }),
                closure: c.closure,
            }),
            staffed: d.staffed.iter().map(span_out).collect(),
            access_card: d.access_card.iter().map(span_out).collect(),
        })
        .collect();
    Ok(CalendarOut {
        centre: centre.slug,
        timezone: centre.timezone.to_string(),
        from,
        to,
        days,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtQuery {
    /// RFC 3339; without an offset it is the centre's wall-clock time, and
    /// must exist and be unambiguous there (422 `local_time_nonexistent`,
    /// `local_time_ambiguous`).
    #[param(example = "2026-03-30T09:00")]
    pub time: String,
}

/// Whether the centre is staffed or open to card holders at one instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct AtOut {
    pub time: DateTime<FixedOffset>,
    pub staffed: bool,
    pub access_card: bool,
    pub closed: Option<String>,
}

/// Reads a time as API.md says: with an offset it is exact; without one it is
/// the centre's wall-clock time and must exist and be unambiguous there.
pub fn parse_time_field(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>, Error> {
    calendar::parse_instant(value, tz).map_err(|e| Error::invalid(field, e.rule(), e.to_string()))
}

pub fn at(conn: &mut DbConn, caller: &Caller, key: &str, query: &AtQuery) -> Result<AtOut, Error> {
    let centre = find_visible(conn, caller, key)?;
    let tz = centre.timezone.tz();
    let instant = parse_time_field("time", &query.time, tz)?;
    let input = calendar_input(conn, &centre)?;
    let date = instant.with_timezone(&tz).date_naive();
    let day = calendar::days(&input, date, date).into_iter().next();
    let in_spans = |spans: &[calendar::Span]| {
        spans
            .iter()
            .any(|s| s.start_utc <= instant && instant < s.end_utc)
    };
    let staffed = day.as_ref().is_some_and(|d| in_spans(&d.staffed));
    let access_card = staffed || day.as_ref().is_some_and(|d| in_spans(&d.access_card));
    Ok(AtOut {
        time: instant.with_timezone(&tz).fixed_offset(),
        staffed,
        access_card,
        closed: day.and_then(|d| d.closed).map(|c| c.reason),
    })
}
