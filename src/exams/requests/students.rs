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
use crate::types::SittingStatus;

/// A student account for the address: found, or created for this request.
pub fn student_account(
    conn: &mut DbConn,
    email: &crate::domain::Email,
    name: &str,
    language: Language,
    personnummer: Option<&Personnummer>,
    protected_identity: bool,
) -> Result<Result<User, String>, Error> {
    let existing = users::table
        .filter(users::email.eq(email.as_str()))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    match existing {
        Some(u) if u.role != Role::Student.as_str() => Ok(Err(
            "that address belongs to an account that is not a student".into(),
        )),
        Some(mut u) => {
            // What the institution knows now is the best we have.
            let mut changed = false;
            if let Some(p) = personnummer {
                if u.personnummer.as_deref() != Some(p.as_str()) {
                    u.personnummer = Some(p.as_str().to_string());
                    changed = true;
                }
            }
            if protected_identity && !u.protected_identity {
                u.protected_identity = true;
                changed = true;
            }
            if changed {
                u.updated_at = db::now();
                diesel::update(users::table.find(&u.id))
                    .set(&u)
                    .execute(conn)?;
            }
            Ok(Ok(u))
        }
        None => {
            let mut u = crate::accounts::users::user_row(email, name, Role::Student, language);
            u.personnummer = personnummer.map(|p| p.as_str().to_string());
            u.protected_identity = protected_identity;
            diesel::insert_into(users::table).values(&u).execute(conn)?;
            Ok(Ok(u))
        }
    }
}

/// A booking code not yet used at the centre. Codes are random over 729
/// million; the loop only matters for a vanishingly rare clash.
pub fn fresh_booking_code(conn: &mut DbConn, centre_id: &str) -> Result<String, Error> {
    for _ in 0..20 {
        let code = booking_code::generate();
        let in_sittings: i64 = sittings::table
            .filter(sittings::centre_id.eq(centre_id))
            .filter(sittings::booking_code.eq(&code))
            .count()
            .get_result(conn)?;
        let in_bookings: i64 = crate::db::schema::study_bookings::table
            .filter(crate::db::schema::study_bookings::centre_id.eq(centre_id))
            .filter(crate::db::schema::study_bookings::booking_code.eq(&code))
            .count()
            .get_result(conn)?;
        if in_sittings + in_bookings == 0 {
            return Ok(code);
        }
    }
    Err(anyhow::anyhow!("no free booking code after 20 tries").into())
}

pub fn new_sitting(
    request: &ExamRequest,
    student_id: &str,
    code: String,
    a: &Accommodations,
) -> Sitting {
    let now = db::now();
    Sitting {
        id: db::new_id(),
        exam_request_id: request.id.clone(),
        centre_id: request.centre_id.clone(),
        student_id: student_id.to_string(),
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
