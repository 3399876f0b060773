//! The rows a request creates for its students: their accounts, booking
//! codes and sittings. Also used when a student registers for an open request.

use diesel::prelude::*;

use super::types::Accommodations;
use crate::db::models::{ExamRequest, Sitting, User};
use crate::db::schema::{sittings, users};
use crate::db::{self, DbConn};
use crate::domain::personnummer::Personnummer;
use crate::domain::{booking_code, Language, Role};
use crate::error::Error;
use crate::types::{CentreId, SittingStatus, UserId};

/// A listed field that differs from the account its e-mail address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    Name,
    Personnummer,
}

impl Mismatch {
    /// The request's field, without the row prefix.
    pub fn field(self) -> &'static str {
        match self {
            Mismatch::Name => "name",
            Mismatch::Personnummer => "personnummer",
        }
    }
}

/// A student account for the address: found, or created for this request.
///
/// An existing account is attached only as it is: an institution may list a
/// student who already has an account, but it can neither change who they
/// are nor learn it. The listed name must be the account's (ignoring case and
/// spacing) and, when both have one, so must the personnummer; otherwise the
/// mismatching fields come back and nothing is written. An existing account's
/// personnummer is never filled in or changed by a request (a wrong one would
/// stick and lock the real student out of the next institution's request);
/// only a new account takes the listed one. The one change a request may make
/// is to ask for protected identity, which only hides more.
///
/// An address that belongs to staff answers as a student of another name
/// would, so the answer does not tell staff from students: a staff member is,
/// to the request, someone else than the student it names.
pub fn student_account(
    conn: &mut DbConn,
    email: &crate::domain::Email,
    name: &str,
    language: Language,
    personnummer: Option<&Personnummer>,
    protected_identity: bool,
) -> Result<Result<User, Vec<Mismatch>>, Error> {
    let existing = users::table
        .filter(users::email.eq(email.as_str()))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let Some(mut u) = existing else {
        let mut u = crate::accounts::users::user_row(email, name, Role::Student, language);
        u.personnummer = personnummer.map(|p| p.as_str().to_string());
        u.protected_identity = protected_identity;
        diesel::insert_into(users::table)
            .values(u.clone())
            .execute(conn)?;
        return Ok(Ok(u));
    };
    let mut mismatches = Vec::new();
    if u.role != Role::Student || comparable(&u.name) != comparable(name) {
        mismatches.push(Mismatch::Name);
    }
    if let (Some(stored), Some(listed)) = (u.personnummer.as_deref(), personnummer) {
        if stored != listed.as_str() {
            mismatches.push(Mismatch::Personnummer);
        }
    }
    if !mismatches.is_empty() {
        return Ok(Err(mismatches));
    }
    if protected_identity && !u.protected_identity {
        u.protected_identity = true;
        u.updated_at = db::now();
        diesel::update(users::table.find(&u.id))
            .set(u.clone())
            .execute(conn)?;
    }
    Ok(Ok(u))
}

/// A name as people would compare it: case and runs of spaces do not matter.
fn comparable(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A booking code not yet used at the centre. Codes are random over 729
/// million; the loop only matters for a vanishingly rare clash.
pub fn fresh_booking_code(conn: &mut DbConn, centre_id: &CentreId) -> Result<String, Error> {
    use crate::db::schema::study_bookings;
    use diesel::dsl::exists;
    for _ in 0..20 {
        let code = booking_code::generate();
        // One statement for both tables: each costs a round trip.
        let taken: bool = crate::on_backend!(conn, |c| diesel::select(
            exists(
                sittings::table
                    .filter(sittings::centre_id.eq(centre_id))
                    .filter(sittings::booking_code.eq(&code)),
            )
            .or(exists(
                study_bookings::table
                    .filter(study_bookings::centre_id.eq(centre_id))
                    .filter(study_bookings::booking_code.eq(&code)),
            )),
        )
        .get_result(c))?;
        if !taken {
            return Ok(code);
        }
    }
    Err(anyhow::anyhow!("no free booking code after 20 tries").into())
}

pub fn new_sitting(
    request: &ExamRequest,
    student_id: &UserId,
    code: String,
    a: &Accommodations,
) -> Sitting {
    let now = db::now();
    Sitting {
        id: db::new_id(),
        exam_request_id: request.id.clone(),
        centre_id: request.centre_id.clone(),
        student_id: student_id.clone(),
        booking_code: code,
        status: SittingStatus::Requested,
        status_reason: None,
        extra_time_percent: a.extra_time_percent.clamp(0, 300) as i32,
        separate_room: a.separate_room,
        computer: a.computer,
        breaks_minutes: a.breaks_minutes.clamp(0, 240) as i32,
        other_accommodation: a.other.clone().filter(|o| !o.trim().is_empty()),
        accessible_room: a.accessible_room,
        room_id: None,
        starts_at: None,
        ends_at: None,
        sequence: 0,
        created_at: now,
        updated_at: now,
        reminded_at: None,
    }
}
