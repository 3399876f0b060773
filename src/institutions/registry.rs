//! Institutions (universities, YH) and their exam rules.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::accounts::policy::{self, Listing, Scope};
use crate::db::models::Institution;
use crate::db::schema::institutions;
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::pagination::{Page, PageQuery};
use crate::types::{CentreId, InstitutionId, InstitutionKind};
use crate::validate::Validator;

pub const ANSWER_RETURNS: [&str; 3] = ["scan_email", "post", "upload"];

#[derive(Debug, Default, Deserialize, Serialize, Clone, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesInput {
    /// How far a centre may move the start from the campus start, either way.
    pub start_offset_minutes: Option<i64>,
    /// How long a student must stay before leaving.
    pub min_stay_minutes: Option<i64>,
    /// How late a student may enter.
    pub late_entry_minutes: Option<i64>,
    /// Working days before the exam when registration closes.
    pub registration_deadline_days: Option<i64>,
    /// `scan_email`, `post` or `upload`.
    #[schema(example = "scan_email")]
    pub answer_return: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionInput {
    #[schema(example = "miun")]
    pub slug: String,
    pub name: String,
    pub email: String,
    /// `university`, `yh` or `other`.
    #[schema(example = "university")]
    pub kind: Option<String>,
    #[serde(default)]
    pub rules: RulesInput,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub kind: Option<String>,
    pub rules: Option<RulesInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RulesOut {
    pub start_offset_minutes: i32,
    pub min_stay_minutes: i32,
    pub late_entry_minutes: i32,
    pub registration_deadline_days: i32,
    pub answer_return: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionOut {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub email: String,
    pub kind: String,
    pub rules: RulesOut,
}

impl From<Institution> for InstitutionOut {
    fn from(i: Institution) -> Self {
        InstitutionOut {
            id: i.id.into(),
            slug: i.slug,
            name: i.name,
            email: i.email,
            kind: i.kind.as_str().into(),
            rules: RulesOut {
                start_offset_minutes: i.start_offset_minutes,
                min_stay_minutes: i.min_stay_minutes,
                late_entry_minutes: i.late_entry_minutes,
                registration_deadline_days: i.registration_deadline_days,
                answer_return: i.answer_return,
            },
        }
    }
}

/// Applies and checks the rules onto a row (defaults for a new one).
fn apply_rules(v: &mut Validator, row: &mut Institution, rules: &RulesInput) {
    // A day is the widest offset that still makes sense for a fixed-time exam.
    if let Some(n) = rules.start_offset_minutes {
        row.start_offset_minutes = v.range("rules.start_offset_minutes", n, 0, 24 * 60);
    }
    if let Some(n) = rules.min_stay_minutes {
        row.min_stay_minutes = v.range("rules.min_stay_minutes", n, 0, 24 * 60);
    }
    if let Some(n) = rules.late_entry_minutes {
        row.late_entry_minutes = v.range("rules.late_entry_minutes", n, 0, 24 * 60);
    }
    if let Some(n) = rules.registration_deadline_days {
        row.registration_deadline_days = v.range("rules.registration_deadline_days", n, 0, 365);
    }
    if let Some(a) = &rules.answer_return {
        if v.check(
            ANSWER_RETURNS.contains(&a.as_str()),
            "rules.answer_return",
            "answer_return",
            format!("use one of {}", ANSWER_RETURNS.join(", ")),
        ) {
            row.answer_return = a.clone();
        }
    }
}

fn check_kind(v: &mut Validator, kind: &str) -> Option<InstitutionKind> {
    let parsed = kind.parse().ok();
    v.check(
        parsed.is_some(),
        "kind",
        "kind",
        format!(
            "`{kind}` is not an institution kind: use one of {}",
            InstitutionKind::names().join(", ")
        ),
    );
    parsed
}

pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    input: InstitutionInput,
) -> Result<InstitutionOut, Error> {
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ManageUsers,
        crate::accounts::policy::Resource::Service,
    )?;
    db::write_tx(conn, |conn| {
        let mut v = Validator::new();
        let slug = v.slug("slug", &input.slug);
        let name = v.required_text("name", &input.name, 200);
        let email = v.email("email", &input.email);
        let kind = match &input.kind {
            Some(k) => check_kind(&mut v, k),
            None => Some(InstitutionKind::University),
        };
        if let Some(s) = &slug {
            let taken: i64 = institutions::table
                .filter(institutions::slug.eq(s.as_str()))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                v.error(
                    "slug",
                    "unique",
                    format!("an institution with slug `{s}` already exists"),
                );
            }
        }
        let now = db::now();
        let mut row = Institution {
            id: db::new_id(),
            slug: slug.map(|s| s.to_string()).unwrap_or_default(),
            name,
            // A refused kind never reaches the database: `finish` fails first.
            kind: kind.unwrap_or(InstitutionKind::University),
            email: email.map(|e| e.to_string()).unwrap_or_default(),
            start_offset_minutes: 0,
            min_stay_minutes: 0,
            late_entry_minutes: 0,
            registration_deadline_days: 10,
            answer_return: "scan_email".into(),
            created_at: now,
            updated_at: now,
        };
        apply_rules(&mut v, &mut row, &input.rules);
        v.finish()?;
        diesel::insert_into(institutions::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "institution.create", "institution", &row.id)?;
        Ok(row.into())
    })
}

/// An institution user sees only their own institution; staff and students
/// see all (they choose among them or host their exams).
fn find(conn: &mut DbConn, caller: &Caller, key: &str) -> Result<Institution, Error> {
    let row = institutions::table
        .filter(institutions::slug.eq(key).or(institutions::id.eq(key)))
        .select(Institution::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let id = &row.id;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::Read,
        crate::accounts::policy::Resource::Institution { id },
    )?;
    Ok(row)
}

pub fn get(conn: &mut DbConn, caller: &Caller, key: &str) -> Result<InstitutionOut, Error> {
    find(conn, caller, key).map(Into::into)
}

pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    page: &PageQuery,
) -> Result<Page<InstitutionOut>, Error> {
    let limit = page.limit()?;
    let mut q = institutions::table
        .select(Institution::as_select())
        .order(institutions::id)
        .into_boxed();
    if let Some(c) = page.cursor()? {
        q = q.filter(institutions::id.gt(c));
    }
    if let Scope::Institution(id) = policy::scope(caller, Listing::Institutions) {
        q = q.filter(institutions::id.eq(id));
    }
    let rows = q.limit(limit + 1).load(conn)?;
    Ok(Page::from_rows(
        rows,
        limit,
        |r| r.id.clone().into(),
        InstitutionOut::from,
    ))
}

/// A centre's print views show the names of the institutions of its exams,
/// and their cached bytes are keyed by the centre's `data_version`: a
/// renamed institution moves the counter of every centre it has requests at,
/// in id order (the order every writer takes centres in), before the rename
/// is written.
fn names_shown_anew(conn: &mut DbConn, institution: &InstitutionId) -> Result<(), Error> {
    use crate::db::schema::exam_requests;
    let centres: Vec<CentreId> = exam_requests::table
        .filter(exam_requests::institution_id.eq(institution))
        .select(exam_requests::centre_id)
        .distinct()
        .order(exam_requests::centre_id)
        .load(conn)?;
    for centre in &centres {
        crate::centres::versions::data_changed(conn, centre)?;
    }
    Ok(())
}

/// System admins, and the institution's own users for their contact and rules.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    patch: InstitutionPatch,
) -> Result<InstitutionOut, Error> {
    db::write_tx(conn, |conn| {
        let mut row = find(conn, caller, key)?;
        let id = &row.id;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageInstitution,
            crate::accounts::policy::Resource::Institution { id },
        )?;
        let old_name = row.name.clone();
        let mut v = Validator::new();
        if let Some(n) = &patch.name {
            row.name = v.required_text("name", n, 200);
        }
        if let Some(e) = &patch.email {
            if let Some(e) = v.email("email", e) {
                row.email = e.to_string();
            }
        }
        if let Some(k) = &patch.kind {
            if let Some(k) = check_kind(&mut v, k) {
                row.kind = k;
            }
        }
        if let Some(rules) = &patch.rules {
            apply_rules(&mut v, &mut row, rules);
        }
        v.finish()?;
        if row.name != old_name {
            names_shown_anew(conn, &row.id)?;
        }
        row.updated_at = db::now();
        diesel::update(institutions::table.find(&row.id))
            .set(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "institution.update", "institution", &row.id)?;
        Ok(row.into())
    })
}
