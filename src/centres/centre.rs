//! Centres: their settings, opening and access-card hours, closures, and the
//! calendar computed from them by the pure engine in `calendar`.

use chrono::{DateTime, FixedOffset};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::{Actor, Caller};
use crate::accounts::audit;
use crate::accounts::policy::{self, Action, Listing, Resource, Scope};
use crate::db::models::Centre;
use crate::db::schema::{centres, invigilator_assignments, rooms, sittings, study_bookings};
use crate::db::{self, DbConn};
use crate::error::{Conflict, Error, ItemRef};
use crate::pagination::{Page, PageQuery};
use crate::timefmt;
use crate::types::{SittingStatus, StudyBookingStatus, Zone};
use crate::validate::Validator;

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
            id: c.id.into(),
            slug: c.slug,
            name: c.name,
            municipality: c.municipality,
            address: c.address,
            email: c.email,
            timezone: c.timezone.to_string(),
            language: c.language.as_str().to_string(),
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
            language,
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
            .values(row.clone())
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
    // No centre's slug or id holds a control character, and PostgreSQL
    // refuses a NUL in a query (a 500) rather than finding nothing.
    if key.chars().any(char::is_control) {
        return Err(Error::NotFound);
    }
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
    query = match policy::scope(caller, Listing::Centres) {
        Scope::Centres(ids) => query.filter(centres::id.eq_any(ids)),
        Scope::ActiveCentres => query.filter(centres::active.eq(true)),
        _ => query,
    };
    let rows = query.limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(
        rows,
        limit,
        |c| c.id.to_string(),
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
        crate::centres::versions::rules_changed(conn, &centre.id)?;
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
                centre.language = l;
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
            .set(centre.clone())
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
                words: Vec::new(),
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
