//! The messages that booking changes cause, queued in the outbox inside the
//! same transaction as the change. Plain text, Swedish by default and English
//! when the recipient chose it; no personal identity number anywhere and no
//! accommodation in a subject. (Templates with HTML parts and calendar
//! invites come with the e-mail work.)

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{Centre, ExamRequest, Institution, Sitting, StudyBooking, User};
use crate::db::schema::{centres, institutions, rooms, users};
use crate::db::DbConn;
use crate::domain::Language;
use crate::error::ApiError;
use crate::outbox::{self, Mail};
use crate::timefmt;

fn language_of(code: &str) -> Language {
    if code == "en" {
        Language::En
    } else {
        Language::Sv
    }
}

fn when(t: NaiveDateTime, centre: &Centre) -> String {
    timefmt::local(t, timefmt::zone(&centre.timezone))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn exam_when(r: &ExamRequest, centre: &Centre) -> String {
    match (r.starts_at, r.window_start, r.window_end) {
        (Some(s), _, _) => when(s, centre),
        (None, Some(a), Some(b)) => format!("{} – {}", when(a, centre), when(b, centre)),
        _ => String::new(),
    }
}

/// The invite for a sitting or booking: one UID for the item's whole life,
/// the row's sequence, the centre's zone.
#[allow(clippy::too_many_arguments)]
fn invite(
    kind: &str,
    id: &str,
    sequence: i32,
    cancel: bool,
    host: &str,
    summary: &str,
    location: &str,
    description: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    centre: &Centre,
) -> String {
    crate::mail::ics::render(&crate::mail::ics::Invite {
        uid: format!("{kind}-{id}@{host}"),
        sequence: sequence.max(0) as u32,
        method: if cancel {
            crate::mail::ics::Method::Cancel
        } else {
            crate::mail::ics::Method::Request
        },
        summary,
        location,
        description,
        start: start.and_utc(),
        end: end.and_utc(),
        tz: timefmt::zone(&centre.timezone),
        organizer: &centre.email,
    })
}

fn send(conn: &mut DbConn, host: &str, mail: Mail<'_>) -> Result<(), ApiError> {
    outbox::enqueue(conn, mail, host)?;
    Ok(())
}

pub fn request_received(
    conn: &mut DbConn,
    host: &str,
    institution: &Institution,
    centre: &Centre,
    r: &ExamRequest,
    students: usize,
) -> Result<(), ApiError> {
    let subject = format!(
        "Tentamensbeställning mottagen: {} {}",
        r.course_code, r.title
    );
    let body = format!(
        "{} har tagit emot er beställning.\n\nKurs: {} {}\nProv: {}\nTid: {}\nSkrivtid: {} minuter\nStudenter: {}\n\nVi återkommer när den är godkänd.\n",
        centre.name,
        r.course_code,
        r.course_name,
        r.title,
        exam_when(r, centre),
        r.duration_minutes,
        students
    );
    send(
        conn,
        host,
        Mail {
            kind: "request_received",
            to_address: &institution.email,
            to_name: &institution.name,
            language: Language::Sv,
            subject,
            body_text: body,
            body_html: None,
            ics: None,
            related: Some(("exam_request", &r.id)),
        },
    )
}

pub fn request_decided(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    approved: bool,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let centre: Centre = centres::table
        .find(&r.centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let institution: Institution = institutions::table
        .find(&r.institution_id)
        .select(Institution::as_select())
        .first(conn)?;
    let (kind, subject, verdict) = if approved {
        (
            "request_approved",
            format!("Tentamen godkänd: {} {}", r.course_code, r.title),
            "är godkänd och planerad",
        )
    } else {
        (
            "request_rejected",
            format!("Tentamen avslagen: {} {}", r.course_code, r.title),
            "kunde inte tas emot",
        )
    };
    let body = format!(
        "Er beställning av {} {} ({}) hos {} {}.\n{}",
        r.course_code,
        r.title,
        exam_when(r, &centre),
        centre.name,
        verdict,
        reason.map(|m| format!("\nSkäl: {m}\n")).unwrap_or_default()
    );
    send(
        conn,
        host,
        Mail {
            kind,
            to_address: &institution.email,
            to_name: &institution.name,
            language: Language::Sv,
            subject,
            body_text: body,
            body_html: None,
            ics: None,
            related: Some(("exam_request", &r.id)),
        },
    )
}

pub fn sitting_requested(
    conn: &mut DbConn,
    host: &str,
    centre: &Centre,
    r: &ExamRequest,
    s: &Sitting,
    student: &User,
) -> Result<(), ApiError> {
    let lang = language_of(&student.language);
    let (subject, body) = match lang {
        Language::Sv => (
            format!("Anmälan mottagen: {} {}", r.course_code, r.title),
            format!(
                "Hej {}!\n\nDin anmälan till {} {} hos {} är mottagen. Bokningskod: {}.\nTid: {}\n\nDu får ett nytt meddelande med sal och tid när den är bekräftad.\n",
                student.name, r.course_code, r.title, centre.name, s.booking_code, exam_when(r, centre)
            ),
        ),
        Language::En => (
            format!("Registration received: {} {}", r.course_code, r.title),
            format!(
                "Hello {},\n\nYour registration for {} {} at {} is received. Booking code: {}.\nTime: {}\n\nYou will get another message with room and time once it is confirmed.\n",
                student.name, r.course_code, r.title, centre.name, s.booking_code, exam_when(r, centre)
            ),
        ),
    };
    send(
        conn,
        host,
        Mail {
            kind: "sitting_requested",
            to_address: &student.email,
            to_name: &student.name,
            language: lang,
            subject,
            body_text: body,
            body_html: None,
            ics: None,
            related: Some(("sitting", &s.id)),
        },
    )
}

pub fn sitting_confirmed(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
) -> Result<(), ApiError> {
    sitting_placed(conn, host, r, s, false)
}

/// The reminder before a sitting: the confirmation again, marked as a reminder.
pub fn sitting_reminder(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
) -> Result<(), ApiError> {
    sitting_placed(conn, host, r, s, true)
}

fn reminder_subject(lang: Language, subject: &str) -> String {
    match lang {
        Language::Sv => format!("Påminnelse: {subject}"),
        Language::En => format!("Reminder: {subject}"),
    }
}

fn sitting_placed(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    s: &Sitting,
    reminder: bool,
) -> Result<(), ApiError> {
    let centre: Centre = centres::table
        .find(&r.centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let student: User = users::table
        .find(&s.student_id)
        .select(User::as_select())
        .first(conn)?;
    let room: String = match &s.room_id {
        Some(id) => rooms::table.find(id).select(rooms::name).first(conn)?,
        None => String::new(),
    };
    let (Some(start), Some(end)) = (s.starts_at, s.ends_at) else {
        return Ok(());
    };
    let lang = language_of(&student.language);
    let (subject, body) = match lang {
        Language::Sv => (
            format!("Bekräftad: {} {} {}", r.course_code, r.title, when(start, &centre)),
            format!(
                "Hej {}!\n\nDin tentamen är bekräftad.\n\nProv: {} {}\nPlats: {}, {}\nSal: {}\nTid: {} – {}\nBokningskod: {}\nTillåtna hjälpmedel: {}\n\nTa med giltig fotolegitimation. Kom i god tid.\n",
                student.name, r.course_code, r.title, centre.name, centre.address, room,
                when(start, &centre), when(end, &centre), s.booking_code,
                if r.aids.is_empty() { "inga" } else { &r.aids }
            ),
        ),
        Language::En => (
            format!("Confirmed: {} {} {}", r.course_code, r.title, when(start, &centre)),
            format!(
                "Hello {},\n\nYour exam is confirmed.\n\nExam: {} {}\nPlace: {}, {}\nRoom: {}\nTime: {} – {}\nBooking code: {}\nAllowed aids: {}\n\nBring valid photo ID. Arrive in good time.\n",
                student.name, r.course_code, r.title, centre.name, centre.address, room,
                when(start, &centre), when(end, &centre), s.booking_code,
                if r.aids.is_empty() { "none" } else { &r.aids }
            ),
        ),
    };
    let ics = invite(
        "sitting",
        &s.id,
        s.sequence,
        false,
        host,
        &format!("{} {}", r.course_code, r.title),
        &format!("{}, {}, {}", centre.name, room, centre.address),
        &format!(
            "{}: {}",
            if lang == Language::Sv {
                "Bokningskod"
            } else {
                "Booking code"
            },
            s.booking_code
        ),
        start,
        end,
        &centre,
    );
    send(
        conn,
        host,
        Mail {
            kind: if reminder {
                "sitting_reminder"
            } else {
                "sitting_confirmed"
            },
            to_address: &student.email,
            to_name: &student.name,
            language: lang,
            subject: if reminder {
                reminder_subject(lang, &subject)
            } else {
                subject
            },
            body_text: body,
            body_html: None,
            ics: Some(ics),
            related: Some(("sitting", &s.id)),
        },
    )
}

pub fn sitting_cancelled(
    conn: &mut DbConn,
    host: &str,
    s: &Sitting,
    reason: &str,
) -> Result<(), ApiError> {
    let r: ExamRequest = crate::db::schema::exam_requests::table
        .find(&s.exam_request_id)
        .select(ExamRequest::as_select())
        .first(conn)?;
    let student: User = users::table
        .find(&s.student_id)
        .select(User::as_select())
        .first(conn)?;
    let lang = language_of(&student.language);
    let (subject, body) = match lang {
        Language::Sv => (
            format!("Avbokad: {} {}", r.course_code, r.title),
            format!(
                "Hej {}!\n\nDin bokning {} ({} {}) är avbokad: {}.\n",
                student.name, s.booking_code, r.course_code, r.title, reason
            ),
        ),
        Language::En => (
            format!("Cancelled: {} {}", r.course_code, r.title),
            format!(
                "Hello {},\n\nYour booking {} ({} {}) is cancelled: {}.\n",
                student.name, s.booking_code, r.course_code, r.title, reason
            ),
        ),
    };
    let ics = match (s.starts_at, s.ends_at) {
        (Some(start), Some(end)) => {
            let centre: Centre = centres::table
                .find(&s.centre_id)
                .select(Centre::as_select())
                .first(conn)?;
            Some(invite(
                "sitting",
                &s.id,
                s.sequence + 1,
                true,
                host,
                &format!("{} {}", r.course_code, r.title),
                &centre.name,
                &s.booking_code,
                start,
                end,
                &centre,
            ))
        }
        _ => None,
    };
    send(
        conn,
        host,
        Mail {
            kind: "sitting_cancelled",
            to_address: &student.email,
            to_name: &student.name,
            language: lang,
            subject,
            body_text: body,
            body_html: None,
            ics,
            related: Some(("sitting", &s.id)),
        },
    )
}

pub fn study_booking(
    conn: &mut DbConn,
    host: &str,
    b: &StudyBooking,
    confirmed: bool,
) -> Result<(), ApiError> {
    let centre: Centre = centres::table
        .find(&b.centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let student: User = users::table
        .find(&b.student_id)
        .select(User::as_select())
        .first(conn)?;
    let room: String = rooms::table
        .find(&b.room_id)
        .select(rooms::name)
        .first(conn)?;
    let lang = language_of(&student.language);
    let span = format!(
        "{} – {}",
        when(b.starts_at, &centre),
        when(b.ends_at, &centre)
    );
    let (kind, subject, body) = match (lang, confirmed) {
        (Language::Sv, true) => ("study_confirmed", format!("Studieplats bokad {}", when(b.starts_at, &centre)), format!("Hej {}!\n\nDin studieplats är bokad.\n\nPlats: {}, {}\nRum: {}\nTid: {}\nBokningskod: {}\n", student.name, centre.name, centre.address, room, span, b.booking_code)),
        (Language::Sv, false) => ("study_cancelled", format!("Studieplats avbokad {}", when(b.starts_at, &centre)), format!("Hej {}!\n\nDin studieplats {} ({}, {}) är avbokad.\n", student.name, b.booking_code, room, span)),
        (Language::En, true) => ("study_confirmed", format!("Study place booked {}", when(b.starts_at, &centre)), format!("Hello {},\n\nYour study place is booked.\n\nPlace: {}, {}\nRoom: {}\nTime: {}\nBooking code: {}\n", student.name, centre.name, centre.address, room, span, b.booking_code)),
        (Language::En, false) => ("study_cancelled", format!("Study place cancelled {}", when(b.starts_at, &centre)), format!("Hello {},\n\nYour study place {} ({}, {}) is cancelled.\n", student.name, b.booking_code, room, span)),
    };
    let summary = match lang {
        Language::Sv => format!("Studieplats, {}", centre.name),
        Language::En => format!("Study place, {}", centre.name),
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
        &summary,
        &format!("{}, {}, {}", centre.name, room, centre.address),
        &b.booking_code,
        b.starts_at,
        b.ends_at,
        &centre,
    );
    send(
        conn,
        host,
        Mail {
            kind,
            to_address: &student.email,
            to_name: &student.name,
            language: lang,
            subject,
            body_text: body,
            body_html: None,
            ics: Some(ics),
            related: Some(("study_booking", &b.id)),
        },
    )
}
