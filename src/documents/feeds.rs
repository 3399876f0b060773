//! iCalendar feeds at secret, revocable URLs: an invigilator's assignments,
//! a room's bookings, a student's sittings and study places. Calendar apps
//! subscribe to `/feeds/{secret}.ics`; the secret is the credential, stored
//! only as its SHA-256.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Listing, Scope};
use crate::accounts::tokens::token_hash;
use crate::db::models::{
    CalendarFeed, Centre, ExamRequest, Invigilator, InvigilatorAssignment, Room, Sitting,
    StudyBooking,
};
use crate::db::schema::{
    calendar_feeds, centres, exam_requests, invigilator_assignments, invigilators, rooms, sittings,
    study_bookings,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::mail::ics::{self, Invite, Method};
use crate::types::{CentreId, RoomId, SittingStatus, StudyBookingStatus};
use crate::{accounts::audit, accounts::sessions, timefmt};

pub const KINDS: [&str; 3] = ["invigilator", "room", "student"];

/// How far back and ahead a feed reaches.
const PAST_DAYS: i64 = 30;
const FUTURE_DAYS: i64 = 400;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedInput {
    /// invigilator, room or student.
    pub kind: String,
    /// The invigilator or room id; for a student feed, left out (your own).
    pub id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedOut {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub revoked: bool,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    /// Only in the answer to creation: the secret address, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

fn out(f: CalendarFeed, url: Option<String>) -> FeedOut {
    FeedOut {
        created_at: timefmt::utc(f.created_at),
        revoked: f.revoked_at.is_some(),
        id: f.id,
        kind: f.kind,
        subject_id: f.subject_id,
        url,
    }
}

/// Who may subscribe to what: an invigilator's own assignments (or the
/// centre's admins for them), a room for its centre's staff, a student only
/// their own bookings.
fn check_subject(
    conn: &mut DbConn,
    caller: &Caller,
    kind: &str,
    id: Option<&str>,
) -> Result<String, Error> {
    match kind {
        "student" => {
            if !policy::permits(
                caller,
                policy::Action::FollowOwnBookings,
                policy::Resource::Service,
            ) {
                return Err(Error::invalid(
                    "kind",
                    "kind",
                    "student feeds are for students",
                ));
            }
            Ok(caller.user_id.to_string())
        }
        "invigilator" => {
            let id = id.ok_or_else(|| Error::invalid("id", "required", "name the invigilator"))?;
            let inv: Invigilator = invigilators::table
                .find(id)
                .select(Invigilator::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::invalid("id", "exists", "no such invigilator"))?;
            let resource = crate::accounts::policy::Resource::Invigilator {
                centre: &inv.centre_id,
                user_id: inv.user_id.as_ref(),
                email: &inv.email,
            };
            if !crate::accounts::policy::permits(
                caller,
                crate::accounts::policy::Action::FollowCalendar,
                resource,
            ) {
                return Err(Error::invalid("id", "exists", "no such invigilator"));
            }
            Ok(inv.id.into())
        }
        "room" => {
            let id = id.ok_or_else(|| Error::invalid("id", "required", "name the room"))?;
            let room: Room = rooms::table
                .find(id)
                .select(Room::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::invalid("id", "exists", "no such room"))?;
            let centre = &room.centre_id;
            if !crate::accounts::policy::permits(
                caller,
                crate::accounts::policy::Action::ReadStaffData,
                crate::accounts::policy::Resource::StaffItem { centre },
            ) {
                return Err(Error::invalid("id", "exists", "no such room"));
            }
            Ok(room.id.into())
        }
        other => Err(Error::invalid(
            "kind",
            "kind",
            format!("`{other}` is not one of {}", KINDS.join(", ")),
        )),
    }
}

pub fn create(
    conn: &mut DbConn,
    caller: &Caller,
    base_url: &str,
    input: FeedInput,
) -> Result<FeedOut, Error> {
    db::write_tx(conn, |conn| {
        let subject_id = check_subject(conn, caller, &input.kind, input.id.as_deref())?;
        let secret = sessions::random_secret();
        let row = CalendarFeed {
            id: db::new_id(),
            token_hash: token_hash(&secret),
            kind: input.kind.clone(),
            subject_id,
            created_by: caller.user_id.clone(),
            created_at: db::now(),
            revoked_at: None,
        };
        diesel::insert_into(calendar_feeds::table)
            .values(&row)
            .execute(conn)?;
        audit::record_by(conn, caller, "feed.create", "calendar_feed", &row.id)?;
        let url = format!("{}/feeds/{secret}.ics", base_url.trim_end_matches('/'));
        Ok(out(row, Some(url)))
    })
}

pub fn list(conn: &mut DbConn, caller: &Caller) -> Result<Vec<FeedOut>, Error> {
    let mut q = calendar_feeds::table
        .select(CalendarFeed::as_select())
        .order(calendar_feeds::id)
        .into_boxed();
    if let Scope::Owner(owner) = policy::scope(caller, Listing::Owned) {
        q = q.filter(calendar_feeds::created_by.eq(owner));
    }
    Ok(q.load(conn)?.into_iter().map(|f| out(f, None)).collect())
}

pub fn revoke(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let feed: CalendarFeed = calendar_feeds::table
            .find(id)
            .select(CalendarFeed::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        let owner = &feed.created_by;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::Read,
            crate::accounts::policy::Resource::Owned { owner },
        )?;
        diesel::update(calendar_feeds::table.find(id))
            .set(calendar_feeds::revoked_at.eq(Some(db::now())))
            .execute(conn)?;
        audit::record_by(conn, caller, "feed.revoke", "calendar_feed", id)?;
        Ok(())
    })
}

struct Item {
    uid: String,
    sequence: i32,
    summary: String,
    location: String,
    description: String,
    start: NaiveDateTime,
    end: NaiveDateTime,
    centre: Centre,
}

fn centre(conn: &mut DbConn, id: &CentreId) -> Result<Centre, Error> {
    Ok(centres::table
        .find(id)
        .select(Centre::as_select())
        .first(conn)?)
}

fn room_name(conn: &mut DbConn, id: &RoomId) -> Result<String, Error> {
    Ok(rooms::table.find(id).select(rooms::name).first(conn)?)
}

/// The calendar behind a secret; 404 for an unknown or revoked one (which
/// says nothing about whether it ever existed).
#[tracing::instrument(skip_all)]
pub fn render(conn: &mut DbConn, host: &str, secret: &str) -> Result<String, Error> {
    let feed: CalendarFeed = calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash(secret)))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(CalendarFeed::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let now = db::now();
    let (from, to) = (
        now - Duration::days(PAST_DAYS),
        now + Duration::days(FUTURE_DAYS),
    );
    let mut items: Vec<Item> = Vec::new();
    let sitting_item =
        |conn: &mut DbConn, s: Sitting, r: ExamRequest| -> Result<Option<Item>, Error> {
            let (Some(room), Some(start), Some(end)) = (s.room_id.clone(), s.starts_at, s.ends_at)
            else {
                return Ok(None);
            };
            let c = centre(conn, &s.centre_id)?;
            let room = room_name(conn, &room)?;
            Ok(Some(Item {
                uid: format!("sitting-{}@{host}", s.id),
                sequence: s.sequence,
                summary: format!("{} {} ({})", r.course_code, r.title, s.booking_code),
                location: format!("{}, {room}", c.name),
                description: s.booking_code.clone(),
                start,
                end,
                centre: c,
            }))
        };
    let study_item = |conn: &mut DbConn, b: StudyBooking| -> Result<Item, Error> {
        let c = centre(conn, &b.centre_id)?;
        let room = room_name(conn, &b.room_id)?;
        Ok(Item {
            uid: format!("study-{}@{host}", b.id),
            sequence: b.sequence,
            summary: format!("Studieplats / Study place ({})", b.booking_code),
            location: format!("{}, {room}", c.name),
            description: b.booking_code.clone(),
            start: b.starts_at,
            end: b.ends_at,
            centre: c,
        })
    };
    let name;
    match feed.kind.as_str() {
        kind @ ("student" | "room") => {
            let by_student = kind == "student";
            name = if by_student {
                "skrivsal".to_string()
            } else {
                room_name(conn, &RoomId::from(feed.subject_id.as_str()))?
            };
            let subject = feed.subject_id.clone();
            let mut sq = sittings::table
                .inner_join(exam_requests::table)
                .filter(sittings::status.eq_any([
                    SittingStatus::Confirmed,
                    SittingStatus::CheckedIn,
                    SittingStatus::Completed,
                ]))
                .filter(sittings::starts_at.between(from, to))
                .select((Sitting::as_select(), ExamRequest::as_select()))
                .into_boxed();
            let mut bq = study_bookings::table
                .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
                .filter(study_bookings::starts_at.between(from, to))
                .select(StudyBooking::as_select())
                .into_boxed();
            if by_student {
                sq = sq.filter(sittings::student_id.eq(subject.clone()));
                bq = bq.filter(study_bookings::student_id.eq(subject));
            } else {
                sq = sq.filter(sittings::room_id.eq(subject.clone()));
                bq = bq.filter(study_bookings::room_id.eq(subject));
            }
            let rows: Vec<(Sitting, ExamRequest)> = sq.load(conn)?;
            for (s, r) in rows {
                items.extend(sitting_item(conn, s, r)?);
            }
            let bookings: Vec<StudyBooking> = bq.load(conn)?;
            for b in bookings {
                items.push(study_item(conn, b)?);
            }
        }
        _ => {
            let inv: Invigilator = invigilators::table
                .find(&feed.subject_id)
                .select(Invigilator::as_select())
                .first(conn)?;
            name = inv.name.clone();
            let rows: Vec<InvigilatorAssignment> = invigilator_assignments::table
                .filter(invigilator_assignments::invigilator_id.eq(&inv.id))
                .filter(invigilator_assignments::starts_at.between(from, to))
                .select(InvigilatorAssignment::as_select())
                .load(conn)?;
            for a in rows {
                let c = centre(conn, &inv.centre_id)?;
                let room = room_name(conn, &a.room_id)?;
                items.push(Item {
                    uid: format!("assignment-{}@{host}", a.id),
                    sequence: 0,
                    summary: format!("Skrivvakt / Invigilation: {room}"),
                    location: format!("{}, {room}", c.name),
                    description: String::new(),
                    start: a.starts_at,
                    end: a.ends_at,
                    centre: c,
                });
            }
        }
    }
    items.sort_by_key(|i| i.start);
    let tz = items
        .first()
        .map(|i| i.centre.timezone.tz())
        .unwrap_or(chrono_tz::Europe::Stockholm);
    let invites: Vec<Invite<'_>> = items
        .iter()
        .map(|i| Invite {
            uid: i.uid.clone(),
            sequence: i.sequence.max(0) as u32,
            method: Method::Request,
            summary: &i.summary,
            location: &i.location,
            description: &i.description,
            start: i.start.and_utc(),
            end: i.end.and_utc(),
            tz: i.centre.timezone.tz(),
            organizer: &i.centre.email,
        })
        .collect();
    Ok(ics::render_feed(&name, tz, &invites))
}
