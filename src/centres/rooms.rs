//! Rooms of a centre: what they hold and what they may be booked for.

use chrono::{DateTime, FixedOffset};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::centres::centre::{self as centres, CommitmentScope};
use crate::db::models::Room;
use crate::db::schema::rooms;
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::timefmt;
use crate::types::{CentreId, RoomId, RoomKind};
use crate::validate::Validator;

pub const MAX_SEATS: i64 = 10_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    pub name: String,
    /// `exam_hall`, `study_area`, `group_room`, `separate_room` or `video_room`.
    #[schema(example = "exam_hall")]
    pub kind: String,
    #[schema(minimum = 0, maximum = 10000)]
    pub seats: i64,
    /// At most `seats`.
    #[serde(default)]
    pub computer_seats: i64,
    #[serde(default)]
    pub accessible: bool,
    /// Any of `exam`, `study`.
    #[schema(example = json!(["exam"]))]
    pub bookable_for: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub seats: Option<i64>,
    pub computer_seats: Option<i64>,
    pub accessible: Option<bool>,
    pub bookable_for: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoomOut {
    pub id: String,
    /// The centre's slug.
    pub centre: String,
    pub name: String,
    pub kind: String,
    pub seats: i32,
    pub computer_seats: i32,
    pub accessible: bool,
    pub bookable_for: Vec<&'static str>,
    pub active: bool,
    pub created_at: DateTime<FixedOffset>,
}

fn out(room: Room, centre_slug: &str, tz: chrono_tz::Tz) -> RoomOut {
    let mut bookable_for = Vec::new();
    if room.bookable_exam {
        bookable_for.push("exam");
    }
    if room.bookable_study {
        bookable_for.push("study");
    }
    RoomOut {
        created_at: timefmt::local(room.created_at, tz),
        id: room.id.into(),
        centre: centre_slug.to_string(),
        name: room.name,
        kind: room.kind.as_str().into(),
        seats: room.seats,
        computer_seats: room.computer_seats,
        accessible: room.accessible,
        bookable_for,
        active: room.active,
    }
}

struct Checked {
    /// `None` only when `kind` was refused.
    kind: Option<RoomKind>,
    seats: i32,
    computer_seats: i32,
    exam: bool,
    study: bool,
}

/// The rules that involve several fields, applied to the room as it would be.
fn check_room(
    v: &mut Validator,
    kind: &str,
    seats: i64,
    computer_seats: i64,
    bookable_for: &[String],
) -> Checked {
    let parsed = kind.parse::<RoomKind>().ok();
    v.check(
        parsed.is_some(),
        "kind",
        "kind",
        format!(
            "`{kind}` is not a room kind: use one of {}",
            RoomKind::names().join(", ")
        ),
    );
    let seats_ok = v.check(
        (0..=MAX_SEATS).contains(&seats),
        "seats",
        "range",
        format!("must be between 0 and {MAX_SEATS}"),
    );
    if v.check(
        computer_seats >= 0,
        "computer_seats",
        "range",
        "must not be negative",
    ) && seats_ok
    {
        v.check(
            computer_seats <= seats,
            "computer_seats",
            "at_most_seats",
            "a room cannot have more computer seats than seats",
        );
    }
    let mut exam = false;
    let mut study = false;
    for (i, b) in bookable_for.iter().enumerate() {
        match b.as_str() {
            "exam" => exam = true,
            "study" => study = true,
            other => v.error(
                &format!("bookable_for[{i}]"),
                "bookable_for",
                format!("`{other}` is neither exam nor study"),
            ),
        }
    }
    if parsed == Some(RoomKind::SeparateRoom) {
        v.check(
            !study,
            "bookable_for",
            "separate_room",
            "a separate room is for exams, not study places",
        );
    }
    Checked {
        kind: parsed,
        seats: seats.clamp(0, MAX_SEATS) as i32,
        computer_seats: computer_seats.clamp(0, MAX_SEATS) as i32,
        exam,
        study,
    }
}

fn name_taken(
    conn: &mut DbConn,
    centre_id: &CentreId,
    name: &str,
    except: Option<&str>,
) -> QueryResult<bool> {
    let mut q = rooms::table
        .filter(rooms::centre_id.eq(centre_id))
        .filter(rooms::name.eq(name))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(rooms::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %centre_key))]
pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
    input: RoomInput,
) -> Result<RoomOut, Error> {
    db::write_tx(conn, |conn| {
        let centre = centres::find_managed(conn, caller, centre_key)?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let mut v = Validator::new();
        let name = v.required_text("name", &input.name, 100);
        let c = check_room(
            &mut v,
            &input.kind,
            input.seats,
            input.computer_seats,
            &input.bookable_for,
        );
        if !name.is_empty() && name_taken(conn, &centre.id, &name, None)? {
            v.error(
                "name",
                "unique",
                format!("the centre already has a room named `{name}`"),
            );
        }
        v.finish()?;
        let Some(kind) = c.kind else {
            return Err(anyhow::anyhow!("validated kind missing").into());
        };
        let now = db::now();
        let row = Room {
            id: db::new_id(),
            centre_id: centre.id.clone(),
            name,
            kind,
            seats: c.seats,
            computer_seats: c.computer_seats,
            accessible: input.accessible,
            bookable_exam: c.exam,
            bookable_study: c.study,
            active: true,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(rooms::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "room.create", "room", &row.id)?;
        Ok(out(row, &centre.slug, centre.timezone.tz()))
    })
}

pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    centre_key: &str,
    include_inactive: bool,
) -> Result<Vec<RoomOut>, Error> {
    let centre = centres::find_visible(conn, caller, centre_key)?;
    let mut q = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .select(Room::as_select())
        .order(rooms::name)
        .into_boxed();
    let staff = crate::accounts::policy::permits(
        caller,
        crate::accounts::policy::Action::ReadStaffData,
        crate::accounts::policy::Resource::centre(&centre),
    );
    if !(include_inactive && staff) {
        q = q.filter(rooms::active.eq(true));
    }
    let tz = centre.timezone.tz();
    Ok(q.load(conn)?
        .into_iter()
        .map(|r| out(r, &centre.slug, tz))
        .collect())
}

/// A room with its centre, if the caller may know of it.
fn find(
    conn: &mut DbConn,
    caller: &Caller,
    id: &RoomId,
) -> Result<(Room, crate::db::models::Centre), Error> {
    let room = rooms::table
        .find(id)
        .select(Room::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let centre = centres::find_visible(conn, caller, &room.centre_id)?;
    if !room.active {
        let centre = &centre.id;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::Read,
            crate::accounts::policy::Resource::StaffItem { centre },
        )?;
    }
    Ok((room, centre))
}

pub fn get(conn: &mut DbConn, caller: &Caller, id: &RoomId) -> Result<RoomOut, Error> {
    let (room, centre) = find(conn, caller, id)?;
    Ok(out(room, &centre.slug, centre.timezone.tz()))
}

/// Changes to seats and bookability do not move existing bookings; later
/// bookings are checked against the new capacity by the conflict checker.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, room = %id))]
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    id: &RoomId,
    patch: RoomPatch,
) -> Result<RoomOut, Error> {
    db::write_tx(conn, |conn| {
        let (mut room, centre) = find(conn, caller, id)?;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageCentre,
            crate::accounts::policy::Resource::centre(&centre),
        )?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        let mut v = Validator::new();
        if let Some(name) = &patch.name {
            room.name = v.required_text("name", name, 100);
            if !room.name.is_empty() && name_taken(conn, &centre.id, &room.name, Some(&room.id))? {
                v.error(
                    "name",
                    "unique",
                    format!("the centre already has a room named `{}`", room.name),
                );
            }
        }
        let kind = patch.kind.clone().unwrap_or_else(|| room.kind.to_string());
        let seats = patch.seats.unwrap_or(room.seats as i64);
        let computer_seats = patch.computer_seats.unwrap_or(room.computer_seats as i64);
        let bookable_for = patch.bookable_for.clone().unwrap_or_else(|| {
            let mut b = Vec::new();
            if room.bookable_exam {
                b.push("exam".to_string());
            }
            if room.bookable_study {
                b.push("study".to_string());
            }
            b
        });
        let c = check_room(&mut v, &kind, seats, computer_seats, &bookable_for);
        v.finish()?;
        let Some(kind) = c.kind else {
            return Err(anyhow::anyhow!("validated kind missing").into());
        };
        room.kind = kind;
        room.seats = c.seats;
        room.computer_seats = c.computer_seats;
        room.bookable_exam = c.exam;
        room.bookable_study = c.study;
        if let Some(a) = patch.accessible {
            room.accessible = a;
        }
        room.updated_at = db::now();
        diesel::update(rooms::table.find(&room.id))
            .set(&room)
            .execute(conn)?;
        audit::record_by(conn, caller, "room.update", "room", &room.id)?;
        Ok(out(room, &centre.slug, centre.timezone.tz()))
    })
}

/// Deactivates the room: it keeps its history (past sittings name it) but
/// takes no new bookings. Refused with 409 while future bookings use it.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, room = %id))]
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &RoomId) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let (room, centre) = find(conn, caller, id)?;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::ManageCentre,
            crate::accounts::policy::Resource::centre(&centre),
        )?;
        crate::centres::versions::rules_changed(conn, &centre.id)?;
        centres::refuse_if_committed(conn, CommitmentScope::Room(&room.id), "room")?;
        diesel::update(rooms::table.find(&room.id))
            .set((rooms::active.eq(false), rooms::updated_at.eq(db::now())))
            .execute(conn)?;
        audit::record_by(conn, caller, "room.delete", "room", &room.id)?;
        Ok(())
    })
}
