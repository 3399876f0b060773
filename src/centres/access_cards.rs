//! Access cards (passerkort): a student's card at a centre, valid between two
//! dates. Only holders may book study places outside staffed hours.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::centres::centre as centres;
use crate::db::models::{AccessCard, User};
use crate::db::schema::{access_cards, users};
use crate::db::{self, DbConn};
use crate::domain::bounds;
use crate::domain::Role;
use crate::error::Error;
use crate::validate::Validator;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessCardInput {
    /// The student's account is created if there is none.
    pub student_email: String,
    /// Used when the student has no account yet.
    pub student_name: Option<String>,
    pub card_number: Option<String>,
    #[schema(format = Date, example = "2026-01-01")]
    pub valid_from: String,
    #[schema(format = Date, example = "2026-06-30")]
    pub valid_to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessCardOut {
    pub id: String,
    pub centre: String,
    pub student_email: String,
    pub card_number: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub revoked: bool,
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %centre_key))]
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
    input: AccessCardInput,
) -> Result<AccessCardOut, Error> {
    let mut v = Validator::new();
    let email = v.email("student_email", &input.student_email);
    let range = v.required_range(
        ("valid_from", &input.valid_from),
        ("valid_to", &input.valid_to),
        bounds::MAX_ACCESS_CARD_DAYS,
    );
    let card_number = input
        .card_number
        .as_deref()
        .map(|c| v.required_text("card_number", c, 64));
    let name = input
        .student_name
        .as_deref()
        .map(|n| v.required_text("student_name", n, 200));
    v.finish()?;
    let (Some(email), Some((from, to))) = (email, range) else {
        return Err(anyhow::anyhow!("validated fields missing").into());
    };
    db::write_tx(conn, |conn| {
        let centre = centres::find_managed(conn, caller, centre_key)?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let existing = users::table
            .filter(users::email.eq(email.as_str()))
            .select(User::as_select())
            .first(conn)
            .optional()?;
        let student_id = match existing {
            Some(u) if u.role == Role::Student => u.id,
            Some(_) => {
                return Err(Error::invalid(
                    "student_email",
                    "student",
                    "that address belongs to an account that is not a student",
                ))
            }
            None => {
                // Centres register their students; the account signs in by
                // e-mail link, so it needs no password.
                let language = centre.language;
                let name = name
                    .clone()
                    .unwrap_or_else(|| email.local_part().to_string());
                let user = crate::accounts::users::user_row(&email, &name, Role::Student, language);
                diesel::insert_into(users::table)
                    .values(user.clone())
                    .execute(conn)?;
                user.id
            }
        };
        let row = AccessCard {
            id: db::new_id(),
            centre_id: centre.id.clone(),
            student_id,
            card_number: card_number.clone(),
            valid_from: from,
            valid_to: to,
            revoked_at: None,
            created_at: db::now(),
        };
        diesel::insert_into(access_cards::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "access_card.create", "access_card", &row.id)?;
        Ok(AccessCardOut {
            id: row.id,
            centre: centre.slug,
            student_email: email.to_string(),
            card_number,
            valid_from: from,
            valid_to: to,
            revoked: false,
        })
    })
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %centre_key))]
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
) -> Result<Vec<AccessCardOut>, Error> {
    let centre = centres::find_visible(conn, caller, centre_key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    let rows: Vec<(AccessCard, String)> = access_cards::table
        .inner_join(users::table)
        .filter(access_cards::centre_id.eq(&centre.id))
        .order(access_cards::valid_to.desc())
        .select((AccessCard::as_select(), users::email))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(c, email)| AccessCardOut {
            id: c.id,
            centre: centre.slug.clone(),
            student_email: email,
            card_number: c.card_number,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            revoked: c.revoked_at.is_some(),
        })
        .collect())
}

/// Revokes the card (kept for the record).
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, card = %id))]
pub fn revoke(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let card = access_cards::table
            .find(id)
            .select(AccessCard::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        let centre = &card.centre_id;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageCentre,
            crate::accounts::policy::Resource::StaffItem { centre },
        )?;
        crate::centres::versions::rules_changed(conn, centre)?;
        diesel::update(access_cards::table.find(id))
            .set(access_cards::revoked_at.eq(Some(db::now())))
            .execute(conn)?;
        audit::record_by(conn, caller, "access_card.revoke", "access_card", id)?;
        Ok(())
    })
}
