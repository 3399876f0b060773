//! The messages that changes cause, queued in the outbox inside the same
//! transaction as the change, as facts: the template context and the
//! invite's facts, snapshots of the values at the time of the change. The
//! worker renders them from the templates in `templates/email/` (Swedish by
//! default, English when the recipient chose it) when it sends;
//! confirmations carry a calendar invite. No personal identity number goes
//! into any message and no accommodation into a subject.

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use diesel::prelude::*;
use minijinja::{context, Value};

use crate::db::models::{Centre, ExamRequest, Institution, Sitting, StudyBooking, User};
use crate::db::schema::{centres, institutions, rooms, sittings, users};
use crate::db::DbConn;
use crate::domain::Language;
use crate::error::Error;
use crate::mail::ics;
use crate::mail::outbox::{self, Facts};
use crate::timefmt;
use crate::types::{AsText, CentreId, SittingId, SittingStatus, Zone};

pub fn language_of(code: &str) -> Language {
    if code == "en" {
        Language::En
    } else {
        Language::Sv
    }
}

fn when(t: NaiveDateTime, tz: Tz) -> String {
    timefmt::local(t, tz).format("%Y-%m-%d %H:%M").to_string()
}

fn exam_when(r: &ExamRequest, centre: &Centre) -> String {
    match (r.starts_at, r.window_start, r.window_end) {
        (Some(s), _, _) => when(s, centre.timezone.tz()),
        (None, Some(a), Some(b)) => format!(
            "{} – {}",
            when(a, centre.timezone.tz()),
            when(b, centre.timezone.tz())
        ),
        _ => String::new(),
    }
}

/// Who gets a message, in which language, about what.
pub struct Recipient<'a> {
    pub address: &'a str,
    pub name: &'a str,
    pub language: Language,
}

/// Queues `kind` for the recipient: the context and the invite as JSON,
/// rendered when the message is sent (`mail::content`).
pub fn queue(
    conn: &mut DbConn,
    host: &str,
    kind: &str,
    to: Recipient<'_>,
    context: Value,
    related: Option<(&str, &str)>,
    invite: Option<ics::InviteFacts>,
) -> Result<(), Error> {
    let context = crate::mail::templates::context_to_json(&context)
        .map_err(|e| anyhow::anyhow!("keeping the {kind} message's facts: {e}"))?;
    let invite = invite
        .map(|i| serde_json::to_string(&i))
        .transpose()
        .map_err(|e| anyhow::anyhow!("keeping the {kind} message's invite: {e}"))?;
    outbox::enqueue_facts(
        conn,
        Facts {
            kind,
            to_address: to.address,
            to_name: to.name,
            language: to.language,
            context,
            invite,
            related,
        },
        host,
    )?;
    Ok(())
}

/// The invite for a sitting or booking: one UID for the item's whole life,
/// the given sequence, the centre's zone.
#[allow(clippy::too_many_arguments)]
fn invite(
    kind: &str,
    id: &str,
    sequence: i32,
    cancel: bool,
    host: &str,
    summary: String,
    location: String,
    description: String,
    start: NaiveDateTime,
    end: NaiveDateTime,
    (tz, organizer): (Tz, &str),
) -> ics::InviteFacts {
    ics::InviteFacts {
        uid: format!("{kind}-{id}@{host}"),
        sequence: sequence.max(0) as u32,
        method: if cancel {
            ics::Method::Cancel
        } else {
            ics::Method::Request
        },
        summary,
        location,
        description,
        start: start.and_utc(),
        end: end.and_utc(),
        tz,
        organizer: organizer.to_string(),
    }
}

/// A user as a message addresses them.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct Addressee {
    email: String,
    name: String,
    #[diesel(deserialize_as = AsText<Language>)]
    language: Language,
}

fn institution_recipient(i: &Institution) -> Recipient<'_> {
    Recipient {
        address: &i.email,
        name: &i.name,
        language: Language::Sv,
    }
}

fn student_recipient(u: &User) -> Recipient<'_> {
    Recipient {
        address: &u.email,
        name: &u.name,
        language: u.language,
    }
}

fn centre_of(conn: &mut DbConn, id: &CentreId) -> Result<Centre, Error> {
    Ok(centres::table
        .find(id)
        .select(Centre::as_select())
        .first(conn)?)
}

pub fn request_received(
    conn: &mut DbConn,
    host: &str,
    institution: &Institution,
    centre: &Centre,
    r: &ExamRequest,
    students: usize,
) -> Result<(), Error> {
    let ctx = context! {
        centre => &centre.name,
        course_code => &r.course_code,
        course_name => &r.course_name,
        title => &r.title,
        when => exam_when(r, centre),
        duration => r.duration_minutes,
        students => students,
        open => r.open,
        deadline => r.registration_deadline.map(|d| d.to_string()),
    };
    queue(
        conn,
        host,
        "request_received",
        institution_recipient(institution),
        ctx,
        Some(("exam_request", &r.id)),
        None,
    )
}

/// Approved (with the plan of sittings) or rejected (with the reason).
pub fn request_decided(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    approved: bool,
    reason: Option<&str>,
) -> Result<(), Error> {
    let centre = centre_of(conn, &r.centre_id)?;
    let institution: Institution = institutions::table
        .find(&r.institution_id)
        .select(Institution::as_select())
        .first(conn)?;
    let placed: Vec<(Sitting, Option<String>)> = sittings::table
        .left_join(rooms::table)
        .filter(sittings::exam_request_id.eq(&r.id))
        .filter(sittings::room_id.is_not_null())
        .filter(sittings::status.eq_any([SittingStatus::Confirmed, SittingStatus::CheckedIn]))
        .order(sittings::starts_at)
        .select((Sitting::as_select(), rooms::name.nullable()))
        .load(conn)?;
    let plan: Vec<Value> = placed
        .iter()
        .filter_map(|(s, room)| {
            Some(context! {
                code => &s.booking_code,
                room => room.clone().unwrap_or_default(),
                start => when(s.starts_at?, centre.timezone.tz()),
                end => when(s.ends_at?, centre.timezone.tz()),
            })
        })
        .collect();
    let ctx = context! {
        centre => &centre.name,
        course_code => &r.course_code,
        title => &r.title,
        when => exam_when(r, &centre),
        reason => reason.unwrap_or_default(),
        sittings => plan,
    };
    let kind = if approved {
        "request_approved"
    } else {
        "request_rejected"
    };
    queue(
        conn,
        host,
        kind,
        institution_recipient(&institution),
        ctx,
        Some(("exam_request", &r.id)),
        None,
    )
}

pub fn sitting_requested(
    conn: &mut DbConn,
    host: &str,
    centre: &Centre,
    r: &ExamRequest,
    s: &Sitting,
    student: &User,
) -> Result<(), Error> {
    let ctx = context! {
        name => &student.name,
        course_code => &r.course_code,
        title => &r.title,
        centre => &centre.name,
        code => &s.booking_code,
        when => exam_when(r, centre),
    };
    queue(
        conn,
        host,
        "sitting_requested",
        student_recipient(student),
        ctx,
        Some(("sitting", &s.id)),
        None,
    )
}

pub fn sitting_confirmed(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
) -> Result<(), Error> {
    sitting_placed(conn, host, r, s, "sitting_confirmed")
}

/// The reminder before a sitting: the confirmation again, marked as such.
pub fn sitting_reminder(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
) -> Result<(), Error> {
    sitting_placed(conn, host, r, s, "sitting_reminder")
}

/// A sitting moved: the new room and time, and an invite that updates the
/// same calendar entry.
pub fn sitting_changed(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
) -> Result<(), Error> {
    sitting_placed(conn, host, r, s, "sitting_changed")
}

fn sitting_placed(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
    kind: &str,
) -> Result<(), Error> {
    let reminder = kind == "sitting_reminder";
    let changed = kind == "sitting_changed";
    let (Some(start), Some(end)) = (s.starts_at, s.ends_at) else {
        return Ok(());
    };
    let centre = centre_of(conn, &r.centre_id)?;
    let institution: Institution = institutions::table
        .find(&r.institution_id)
        .select(Institution::as_select())
        .first(conn)?;
    let student: User = users::table
        .find(&s.student_id)
        .select(User::as_select())
        .first(conn)?;
    let room: String = match &s.room_id {
        Some(id) => rooms::table.find(id).select(rooms::name).first(conn)?,
        None => String::new(),
    };
    let lang = student.language;
    let ctx = context! {
        reminder => reminder,
        changed => changed,
        name => &student.name,
        course_code => &r.course_code,
        title => &r.title,
        centre => &centre.name,
        address => &centre.address,
        room => &room,
        start => when(start, centre.timezone.tz()),
        end => when(end, centre.timezone.tz()),
        code => &s.booking_code,
        aids => &r.aids,
        late_entry => institution.late_entry_minutes,
    };
    let description = match lang {
        Language::Sv => format!("Bokningskod {}. Ta med fotolegitimation.", s.booking_code),
        Language::En => format!("Booking code {}. Bring photo ID.", s.booking_code),
    };
    let ics = invite(
        "sitting",
        &s.id,
        s.sequence,
        false,
        host,
        format!("{} {}", r.course_code, r.title),
        format!("{}, {}, {}", centre.name, room, centre.address),
        description,
        start,
        end,
        (centre.timezone.tz(), &centre.email),
    );
    queue(
        conn,
        host,
        kind,
        student_recipient(&student),
        ctx,
        Some(("sitting", &s.id)),
        Some(ics),
    )
}

pub fn sitting_cancelled(
    conn: &mut DbConn,
    host: &str,
    s: &Sitting,
    reason: &str,
) -> Result<(), Error> {
    let r: ExamRequest = crate::db::schema::exam_requests::table
        .find(&s.exam_request_id)
        .select(ExamRequest::as_select())
        .first(conn)?;
    let student: User = users::table
        .find(&s.student_id)
        .select(User::as_select())
        .first(conn)?;
    // A placed sitting was in the student's calendar: cancel that entry.
    let ics = match (s.starts_at, s.ends_at) {
        (Some(start), Some(end)) => {
            let centre = centre_of(conn, &s.centre_id)?;
            Some(invite(
                "sitting",
                &s.id,
                s.sequence + 1,
                true,
                host,
                format!("{} {}", r.course_code, r.title),
                centre.name.clone(),
                s.booking_code.clone(),
                start,
                end,
                (centre.timezone.tz(), &centre.email),
            ))
        }
        _ => None,
    };
    let ctx = context! {
        name => &student.name,
        code => &s.booking_code,
        course_code => &r.course_code,
        title => &r.title,
        reason => reason,
    };
    queue(
        conn,
        host,
        "sitting_cancelled",
        student_recipient(&student),
        ctx,
        Some(("sitting", &s.id)),
        ics,
    )
}

/// A study place booked (`confirmed`) or cancelled.
/// What happened to a study booking, for its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyNotice {
    Confirmed,
    /// A new time or room: the same invite (UID) at a higher sequence, so a
    /// calendar moves its entry instead of adding a second.
    Moved,
    Cancelled,
}

pub fn study_booking(
    conn: &mut DbConn,
    host: &str,
    b: &StudyBooking,
    notice: StudyNotice,
) -> Result<(), Error> {
    // Only the columns the message needs, in two queries: this runs inside
    // every study-booking write (issue 15).
    let confirmed = notice != StudyNotice::Cancelled;
    let (room, centre, address, email, zone): (String, String, String, String, Zone) = rooms::table
        .inner_join(centres::table)
        .filter(rooms::id.eq(&b.room_id))
        .select((
            rooms::name,
            centres::name,
            centres::address,
            centres::email,
            centres::timezone,
        ))
        .first(conn)?;
    let student: Addressee = users::table
        .find(&b.student_id)
        .select(Addressee::as_select())
        .first(conn)?;
    let tz = zone.tz();
    let summary = match student.language {
        Language::Sv => format!("Studieplats, {centre}"),
        Language::En => format!("Study place, {centre}"),
    };
    let ics = invite(
        "study",
        &b.id,
        if confirmed {
            b.sequence
        } else {
            b.sequence + 1
        },
        !confirmed,
        host,
        summary,
        format!("{centre}, {room}, {address}"),
        b.booking_code.clone(),
        b.starts_at,
        b.ends_at,
        (tz, &email),
    );
    let ctx = context! {
        name => &student.name,
        centre => &centre,
        address => &address,
        room => &room,
        start => when(b.starts_at, tz),
        end => when(b.ends_at, tz),
        code => &b.booking_code,
        changed => notice == StudyNotice::Moved,
    };
    let kind = if confirmed {
        "study_confirmed"
    } else {
        "study_cancelled"
    };
    queue(
        conn,
        host,
        kind,
        Recipient {
            address: &student.email,
            name: &student.name,
            language: student.language,
        },
        ctx,
        Some(("study_booking", &b.id)),
        Some(ics),
    )
}

/// The report to the institution once every sitting of a request has an
/// outcome: who completed, who did not show, and what happened.
pub fn request_report(conn: &mut DbConn, host: &str, r: &ExamRequest) -> Result<(), Error> {
    use crate::db::models::Incident;
    use crate::db::schema::incidents;
    let centre = centre_of(conn, &r.centre_id)?;
    let institution: Institution = institutions::table
        .find(&r.institution_id)
        .select(Institution::as_select())
        .first(conn)?;
    let all: Vec<Sitting> = sittings::table
        .filter(sittings::exam_request_id.eq(&r.id))
        .order(sittings::booking_code)
        .select(Sitting::as_select())
        .load(conn)?;
    let outcome = |status: SittingStatus| {
        match status {
            SittingStatus::Completed => "genomförd / completed",
            SittingStatus::NoShow => "utebliven / no-show",
            SittingStatus::Cancelled => "avbokad / cancelled",
            SittingStatus::Rejected => "avslagen / rejected",
            other => other.as_str(),
        }
        .to_string()
    };
    let ids: Vec<SittingId> = all.iter().map(|s| s.id.clone()).collect();
    let notes: Vec<Incident> = incidents::table
        .filter(incidents::sitting_id.eq_any(&ids))
        .order(incidents::occurred_at)
        .select(Incident::as_select())
        .load(conn)?;
    let code_of = |id: &str| {
        all.iter()
            .find(|s| s.id == id)
            .map(|s| s.booking_code.clone())
            .unwrap_or_default()
    };
    let count = |st: SittingStatus| all.iter().filter(|s| s.status == st).count();
    let ctx = context! {
        centre => &centre.name,
        course_code => &r.course_code,
        title => &r.title,
        when => exam_when(r, &centre),
        sittings => all.iter().map(|s| context! { code => &s.booking_code, outcome => outcome(s.status) }).collect::<Vec<_>>(),
        completed => count(SittingStatus::Completed),
        no_show => count(SittingStatus::NoShow),
        cancelled => count(SittingStatus::Cancelled),
        incidents => notes.iter().map(|i| context! { code => code_of(&i.sitting_id), kind => &i.kind, note => &i.note }).collect::<Vec<_>>(),
    };
    queue(
        conn,
        host,
        "request_report",
        institution_recipient(&institution),
        ctx,
        Some(("exam_request", &r.id)),
        None,
    )
}
