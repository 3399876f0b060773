//! Exam requests: submitted by institutions with their students, approved
//! (placed) or rejected by the centre, cancelled by the institution.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Action, Resource, Shown};
use crate::calendar;
use crate::centres::centre as centres;
use crate::db::models::{Centre, ExamRequest, Institution, Sitting, User};
use crate::db::schema::{exam_requests, institutions, rooms, sittings, users};
use crate::db::{self, DbConn};
use crate::domain::personnummer::Personnummer;
use crate::domain::{booking_code, Language, Role};
use crate::error::{require_state, Error};
use crate::pagination::{Page, PageQuery};
use crate::types::{RequestStatus, SittingStatus};
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify, timefmt};

pub const PAPER_DELIVERIES: [&str; 4] = ["email", "post", "upload", "portal"];
pub const MAX_DURATION_MINUTES: i64 = 12 * 60;
pub const MAX_STUDENTS: usize = 500;

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accommodations {
    #[serde(default)]
    pub extra_time_percent: i64,
    #[serde(default)]
    pub separate_room: bool,
    #[serde(default)]
    pub computer: bool,
    #[serde(default)]
    pub breaks_minutes: i64,
    /// Needs a wheelchair-accessible room. The scheduler prefers such a room
    /// and falls back to another only when none fits.
    #[serde(default)]
    pub accessible_room: bool,
    /// Free text for what the fields do not cover. An accommodation, never a
    /// diagnosis.
    pub other: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudentInput {
    pub name: String,
    pub email: String,
    #[schema(example = "19900101-0017")]
    pub personnummer: Option<String>,
    /// `sv` or `en`.
    pub language: Option<String>,
    #[serde(default)]
    pub protected_identity: bool,
    #[serde(default)]
    pub accommodations: Accommodations,
}

/// The centre picks the start within the window.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T08:00")]
    pub earliest_start: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T17:00")]
    pub latest_end: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Give either `starts_at` or `window`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamRequestInput {
    /// The centre's slug or id.
    #[schema(example = "sundsvall")]
    pub centre: String,
    /// Only for system admins submitting on an institution's behalf.
    pub institution: Option<String>,
    pub course_code: String,
    #[serde(default)]
    pub course_name: String,
    pub title: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T09:00")]
    pub starts_at: Option<String>,
    pub window: Option<WindowInput>,
    #[schema(minimum = 1, maximum = 720)]
    pub duration_minutes: i64,
    #[serde(default)]
    pub aids: String,
    #[serde(default)]
    pub computer_required: bool,
    /// `email`, `post`, `upload` or `portal`.
    pub paper_delivery: Option<String>,
    /// `scan_email`, `post` or `upload`; the institution's rule when absent.
    pub answer_return: Option<String>,
    #[serde(default)]
    pub contact: ContactInput,
    /// Students add themselves (`POST /exam-sittings`) until the registration deadline.
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub students: Vec<StudentInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SittingOut {
    pub id: String,
    pub booking_code: String,
    pub status: String,
    /// Hidden from everyone but staff and the institution; students with
    /// protected identity are shown by booking code only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub student: Option<StudentOut>,
    pub accommodations: Accommodations,
    pub room: Option<String>,
    pub room_name: Option<String>,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentOut {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WindowOut {
    pub earliest_start: DateTime<FixedOffset>,
    pub latest_end: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExamRequestOut {
    pub id: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub centre: String,
    pub institution: String,
    pub course_code: String,
    pub course_name: String,
    pub title: String,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub window: Option<WindowOut>,
    pub duration_minutes: i32,
    pub aids: String,
    pub computer_required: bool,
    pub paper_delivery: String,
    pub answer_return: String,
    pub open: bool,
    pub registration_deadline: Option<NaiveDate>,
    pub sittings: Vec<SittingOut>,
}

/// The date that lies `days` working days (Monday–Friday, not holidays)
/// before `date`: the last day registrations are taken.
pub use crate::policy::registration_deadline::working_days_before;

pub fn accommodations_of(s: &Sitting) -> Accommodations {
    Accommodations {
        extra_time_percent: s.extra_time_percent as i64,
        separate_room: s.separate_room,
        computer: s.computer,
        breaks_minutes: s.breaks_minutes as i64,
        accessible_room: s.accessible_room,
        other: s.other_accommodation.clone(),
    }
}

pub fn check_accommodations(v: &mut Validator, prefix: &str, a: &Accommodations) {
    v.range(
        &format!("{prefix}extra_time_percent"),
        a.extra_time_percent,
        0,
        300,
    );
    v.range(&format!("{prefix}breaks_minutes"), a.breaks_minutes, 0, 240);
    if let Some(o) = &a.other {
        v.optional_text(&format!("{prefix}other"), o, 500);
    }
}

fn parse_time(v: &mut Validator, field: &str, value: &str, tz: Tz) -> Option<DateTime<Utc>> {
    calendar::parse_instant(value, tz)
        .map_err(|e| v.error(field, e.rule(), e.to_string()))
        .ok()
}

/// A request's institution: the caller's own, or the one a system admin names.
fn institution_for(
    conn: &mut DbConn,
    caller: &Caller,
    named: Option<&str>,
) -> Result<Institution, Error> {
    policy::authorize(caller, Action::SubmitRequest, Resource::Service)?;
    let id_or_slug = match (caller.role, named) {
        (Role::Institution, None) => caller.institution_id.clone().unwrap_or_default(),
        (Role::Institution, Some(_)) => {
            return Err(Error::invalid(
                "institution",
                "own",
                "an institution submits for itself only",
            ))
        }
        (Role::SystemAdmin, Some(n)) => n.to_string(),
        (Role::SystemAdmin, None) => {
            return Err(Error::invalid(
                "institution",
                "required",
                "name the institution",
            ))
        }
        _ => return Err(Error::Forbidden),
    };
    institutions::table
        .filter(
            institutions::id
                .eq(&id_or_slug)
                .or(institutions::slug.eq(&id_or_slug)),
        )
        .select(Institution::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::invalid("institution", "exists", "no such institution"))
}

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

/// The local date an exam is written on (the fixed start, or the window's start).
pub fn exam_date(request: &ExamRequest, tz: Tz) -> Option<NaiveDate> {
    request
        .starts_at
        .or(request.window_start)
        .map(|t| timefmt::local(t, tz).date_naive())
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn submit(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    input: ExamRequestInput,
) -> Result<ExamRequestOut, Error> {
    db::write_tx(conn, |conn| {
        let institution = institution_for(conn, caller, input.institution.as_deref())?;
        let mut v = Validator::new();
        let centre = match centres::find_visible(conn, caller, &input.centre) {
            Ok(c) if c.active => Some(c),
            _ => {
                v.error(
                    "centre",
                    "exists",
                    format!("no active centre `{}`", input.centre),
                );
                None
            }
        };
        let tz = centre
            .as_ref()
            .map(|c| c.timezone.tz())
            .unwrap_or(chrono_tz::Europe::Stockholm);
        let course_code = v.required_text("course_code", &input.course_code, 32);
        let course_name = v.optional_text("course_name", &input.course_name, 200);
        let title = v.required_text("title", &input.title, 200);
        let duration = v.range(
            "duration_minutes",
            input.duration_minutes,
            1,
            MAX_DURATION_MINUTES,
        );
        let aids = v.optional_text("aids", &input.aids, 1000);
        let paper_delivery = input
            .paper_delivery
            .clone()
            .unwrap_or_else(|| "email".into());
        v.check(
            PAPER_DELIVERIES.contains(&paper_delivery.as_str()),
            "paper_delivery",
            "paper_delivery",
            format!("use one of {}", PAPER_DELIVERIES.join(", ")),
        );
        let answer_return = input
            .answer_return
            .clone()
            .unwrap_or_else(|| institution.answer_return.clone());
        v.check(
            crate::institutions::registry::ANSWER_RETURNS.contains(&answer_return.as_str()),
            "answer_return",
            "answer_return",
            format!(
                "use one of {}",
                crate::institutions::registry::ANSWER_RETURNS.join(", ")
            ),
        );
        let (starts_at, window) = match (&input.starts_at, &input.window) {
            (Some(s), None) => (parse_time(&mut v, "starts_at", s, tz), None),
            (None, Some(w)) => {
                let a = parse_time(&mut v, "window.earliest_start", &w.earliest_start, tz);
                let b = parse_time(&mut v, "window.latest_end", &w.latest_end, tz);
                if let (Some(a), Some(b)) = (a, b) {
                    if v.check(
                        a < b,
                        "window.latest_end",
                        "after_start",
                        "must be after earliest_start",
                    ) {
                        v.check(
                            (b - a).num_minutes() >= duration as i64,
                            "window.latest_end",
                            "fits_duration",
                            "the window is shorter than the exam",
                        );
                    }
                }
                (None, a.zip(b))
            }
            (Some(_), Some(_)) => {
                v.error("window", "one_of", "give starts_at or window, not both");
                (None, None)
            }
            (None, None) => {
                v.error(
                    "starts_at",
                    "required",
                    "give starts_at (a fixed start) or window",
                );
                (None, None)
            }
        };
        let contact_email = input
            .contact
            .email
            .as_deref()
            .and_then(|e| v.email("contact.email", e))
            .map(|e| e.to_string())
            .unwrap_or_default();
        // The exam day must be a day the centre is open, the fixed start inside
        // its staffed hours; personal end times are judged when sittings are placed.
        let today = centre
            .as_ref()
            .map(|c| centres::today_in(c.timezone.tz()))
            .unwrap_or_default();
        let mut deadline = None;
        if let Some(centre) = &centre {
            let cal = centres::calendar_input(conn, centre)?;
            let first = starts_at.or(window.map(|w| w.0));
            if let Some(first) = first {
                let date = first.with_timezone(&tz).date_naive();
                let day = calendar::days(&cal, date, date).into_iter().next();
                let field = if starts_at.is_some() {
                    "starts_at"
                } else {
                    "window.earliest_start"
                };
                match day.and_then(|d| d.closed.map(|c| c.reason)) {
                    Some(reason) => v.error(
                        field,
                        "closed_day",
                        format!("the centre is closed that day ({reason})"),
                    ),
                    None => {
                        if let Some(s) = starts_at {
                            v.check(
                                calendar::covering(&cal, s, s + chrono::Duration::minutes(1)),
                                "starts_at",
                                "opening_hours",
                                "the start is outside the centre's staffed hours",
                            );
                        }
                    }
                }
                v.check(
                    date > today,
                    field,
                    "future",
                    "the exam must be after today",
                );
                let rule = crate::policy::registration_deadline::Deadline::for_exam(
                    date,
                    institution.registration_deadline_days,
                );
                deadline = Some(rule.last_day);
                if !input.open {
                    if let Err(message) = rule.check(today, &institution.name) {
                        v.error(field, "registration_deadline", message);
                    }
                }
            }
        }
        if !input.open && input.students.is_empty() {
            v.error(
                "students",
                "required",
                "list the students, or submit an open request",
            );
        }
        v.check(
            input.students.len() <= MAX_STUDENTS,
            "students",
            "max_items",
            format!("at most {MAX_STUDENTS} students per request"),
        );
        let mut seen = std::collections::HashSet::new();
        let mut students = Vec::new();
        for (i, s) in input.students.iter().enumerate() {
            let p = format!("students[{i}].");
            let name = v.required_text(&format!("{p}name"), &s.name, 200);
            let email = v.email(&format!("{p}email"), &s.email);
            if let Some(e) = &email {
                v.check(
                    seen.insert(e.clone()),
                    &format!("{p}email"),
                    "unique",
                    "listed twice in this request",
                );
            }
            let pnr = s
                .personnummer
                .as_deref()
                .filter(|p| !p.trim().is_empty())
                .and_then(|raw| {
                    Personnummer::parse(raw, today)
                        .map_err(|m| v.error(&format!("{p}personnummer"), "personnummer", m))
                        .ok()
                });
            let language = v.language(
                &format!("{p}language"),
                s.language.as_deref().unwrap_or("sv"),
            );
            check_accommodations(&mut v, &format!("{p}accommodations."), &s.accommodations);
            if let (Some(e), Some(l)) = (email, language) {
                students.push((i, name, e, pnr, l, s));
            }
        }
        let mut accounts = Vec::new();
        for (i, name, email, pnr, language, s) in &students {
            match student_account(
                conn,
                email,
                name,
                *language,
                pnr.as_ref(),
                s.protected_identity,
            )? {
                Ok(u) => accounts.push((u, &s.accommodations)),
                Err(m) => v.error(&format!("students[{i}].email"), "student", m),
            }
        }
        v.finish()?;
        let centre = centre.ok_or_else(|| anyhow::anyhow!("validated centre missing"))?;
        let now = db::now();
        let request = ExamRequest {
            id: db::new_id(),
            institution_id: institution.id.clone(),
            centre_id: centre.id.clone(),
            course_code,
            course_name,
            title,
            starts_at: starts_at.map(|t| t.naive_utc()),
            window_start: window.map(|w| w.0.naive_utc()),
            window_end: window.map(|w| w.1.naive_utc()),
            duration_minutes: duration,
            aids,
            computer_required: input.computer_required,
            paper_delivery,
            answer_return,
            contact_name: input.contact.name.clone().unwrap_or_default(),
            contact_email,
            contact_phone: input.contact.phone.clone().unwrap_or_default(),
            open: input.open,
            registration_deadline: deadline,
            status: RequestStatus::Submitted,
            status_reason: None,
            created_by: Some(caller.user_id.clone()),
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(exam_requests::table)
            .values(&request)
            .execute(conn)?;
        for (user, acc) in &accounts {
            let mut acc = (*acc).clone();
            acc.computer |= request.computer_required;
            let code = fresh_booking_code(conn, &centre.id)?;
            let sitting = new_sitting(&request, &user.id, code, &acc);
            diesel::insert_into(sittings::table)
                .values(&sitting)
                .execute(conn)?;
            notify::sitting_requested(conn, host, &centre, &request, &sitting, user)?;
        }
        notify::request_received(conn, host, &institution, &centre, &request, accounts.len())?;
        audit::record_by(
            conn,
            caller,
            "exam_request.submit",
            "exam_request",
            &request.id,
        )?;
        load_out(conn, caller, &request.id)
    })
}

/// The request as the policy sees it; for a student, whether they have a
/// sitting on it (a student knows open requests and their own).
pub fn resource<'a>(
    conn: &mut DbConn,
    caller: &Caller,
    r: &'a ExamRequest,
) -> Result<Resource<'a>, Error> {
    let own_sitting = caller.role == Role::Student
        && sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::student_id.eq(&caller.user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
    Ok(Resource::ExamRequest {
        institution: &r.institution_id,
        centre: &r.centre_id,
        open: r.open,
        own_sitting,
    })
}

/// Whether the caller may know of the request, and whether they may see the
/// students on it (everyone who may know of it but a student, who sees only
/// their own sitting).
fn access(conn: &mut DbConn, caller: &Caller, r: &ExamRequest) -> Result<bool, Error> {
    policy::authorize(caller, Action::Read, resource(conn, caller, r)?)?;
    Ok(caller.role != Role::Student)
}

pub fn find(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(ExamRequest, bool), Error> {
    let r = exam_requests::table
        .find(id)
        .select(ExamRequest::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let full = access(conn, caller, &r)?;
    Ok((r, full))
}

pub fn load_out(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<ExamRequestOut, Error> {
    let (r, full) = find(conn, caller, id)?;
    render(conn, caller, r, full)
}

fn render(
    conn: &mut DbConn,
    caller: &Caller,
    r: ExamRequest,
    full: bool,
) -> Result<ExamRequestOut, Error> {
    let centre: Centre = crate::db::schema::centres::table
        .find(&r.centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let institution_slug: String = institutions::table
        .find(&r.institution_id)
        .select(institutions::slug)
        .first(conn)?;
    let tz = centre.timezone.tz();
    let mut q = sittings::table
        .inner_join(users::table)
        .left_join(rooms::table)
        .filter(sittings::exam_request_id.eq(&r.id))
        .order(sittings::id)
        .select((
            Sitting::as_select(),
            User::as_select(),
            rooms::name.nullable(),
        ))
        .into_boxed();
    if !full {
        q = q.filter(sittings::student_id.eq(caller.user_id.clone()));
    }
    let rows: Vec<(Sitting, User, Option<String>)> = q.load(conn)?;
    let sittings = rows
        .into_iter()
        .map(|(s, u, room_name)| SittingOut {
            accommodations: accommodations_of(&s),
            student: policy::person_view(caller, &r.centre_id, u.protected_identity, Shown::Api)
                .identity
                .then_some(StudentOut {
                    name: u.name,
                    email: u.email,
                }),
            id: s.id,
            booking_code: s.booking_code,
            status: s.status.as_str().into(),
            room: s.room_id,
            room_name,
            starts_at: s.starts_at.map(|t| timefmt::local(t, tz)),
            ends_at: s.ends_at.map(|t| timefmt::local(t, tz)),
        })
        .collect();
    Ok(ExamRequestOut {
        id: r.id,
        status: r.status.as_str().into(),
        status_reason: r.status_reason,
        centre: centre.slug,
        institution: institution_slug,
        course_code: r.course_code,
        course_name: r.course_name,
        title: r.title,
        starts_at: r.starts_at.map(|t| timefmt::local(t, tz)),
        window: r.window_start.zip(r.window_end).map(|(a, b)| WindowOut {
            earliest_start: timefmt::local(a, tz),
            latest_end: timefmt::local(b, tz),
        }),
        duration_minutes: r.duration_minutes,
        aids: r.aids,
        computer_required: r.computer_required,
        paper_delivery: r.paper_delivery,
        answer_return: r.answer_return,
        open: r.open,
        registration_deadline: r.registration_deadline,
        sittings,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `submitted`, `approved`, `rejected`, `scheduled`, `completed` or `cancelled`.
    pub status: Option<String>,
    /// The centre's slug or id.
    pub centre: Option<String>,
    /// Page size, 1–500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    query: &ListQuery,
) -> Result<Page<ExamRequestOut>, Error> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut q = exam_requests::table
        .select(ExamRequest::as_select())
        .order(exam_requests::id)
        .into_boxed();
    if let Some(c) = page.cursor()? {
        q = q.filter(exam_requests::id.gt(c));
    }
    if let Some(s) = &query.status {
        let Ok(status) = s.parse::<RequestStatus>() else {
            return Err(Error::invalid(
                "status",
                "status",
                format!("use one of {}", RequestStatus::names().join(", ")),
            ));
        };
        q = q.filter(exam_requests::status.eq(status));
    }
    if let Some(c) = &query.centre {
        let centre = centres::find_visible(conn, caller, c)?;
        q = q.filter(exam_requests::centre_id.eq(centre.id));
    }
    q = match caller.role {
        Role::SystemAdmin => q,
        Role::CentreAdmin | Role::Invigilator => {
            q.filter(exam_requests::centre_id.eq_any(caller.centre_ids.clone()))
        }
        Role::Institution => q.filter(
            exam_requests::institution_id.eq(caller.institution_id.clone().unwrap_or_default()),
        ),
        // Students browse the open requests they may register for.
        Role::Student => q.filter(exam_requests::open.eq(true)),
    };
    let rows = q.limit(limit + 1).load(conn)?;
    let more = rows.len() as i64 > limit;
    let mut items = Vec::new();
    let mut last = None;
    for r in rows.into_iter().take(limit as usize) {
        last = Some(r.id.clone());
        let full = caller.role != Role::Student;
        items.push(render(conn, caller, r, full)?);
    }
    Ok(Page {
        items,
        next_cursor: if more { last } else { None },
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: String,
}

#[tracing::instrument(skip_all, fields(caller = %caller.user_id, request = %id))]
pub fn reject(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &str,
    input: ReasonInput,
) -> Result<ExamRequestOut, Error> {
    let mut v = Validator::new();
    let reason = v.required_text("reason", &input.reason, 1000);
    v.finish()?;
    db::write_tx(conn, |conn| {
        let (r, _) = find(conn, caller, id)?;
        policy::authorize(caller, Action::ApproveRequest, resource(conn, caller, &r)?)?;
        require_state(
            "request",
            r.status,
            &[RequestStatus::Submitted, RequestStatus::Approved],
            "reject",
        )?;
        let placed: i64 = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::room_id.is_not_null())
            .filter(sittings::status.eq_any([SittingStatus::Confirmed, SittingStatus::CheckedIn]))
            .count()
            .get_result(conn)?;
        if placed > 0 {
            return Err(Error::conflict(
                "the request has confirmed sittings; cancel it instead",
                vec![crate::error::Conflict {
                    rule: "state".into(),
                    message: format!("{placed} sitting(s) are already confirmed"),
                    with: None,
                }],
            ));
        }
        let now = db::now();
        diesel::update(exam_requests::table.find(&r.id))
            .set((
                exam_requests::status.eq(RequestStatus::Rejected),
                exam_requests::status_reason.eq(Some(reason.clone())),
                exam_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(
            sittings::table
                .filter(sittings::exam_request_id.eq(&r.id))
                .filter(sittings::status.eq(SittingStatus::Requested)),
        )
        .set((
            sittings::status.eq(SittingStatus::Rejected),
            sittings::status_reason.eq(Some(reason.clone())),
            sittings::updated_at.eq(now),
        ))
        .execute(conn)?;
        notify::request_decided(conn, host, &r, false, Some(&reason))?;
        audit::record_by(conn, caller, "exam_request.reject", "exam_request", &r.id)?;
        load_out(conn, caller, &r.id)
    })
}

/// Cancels the request and every live sitting, frees their invigilators'
/// assignments where no other sitting needs them, and tells the students.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, request = %id))]
pub fn cancel(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &str,
) -> Result<ExamRequestOut, Error> {
    db::write_tx(conn, |conn| {
        let (r, _) = find(conn, caller, id)?;
        policy::authorize(caller, Action::CancelRequest, resource(conn, caller, &r)?)?;
        crate::exams::booking::lock_centre(conn, &r.centre_id)?;
        require_state(
            "request",
            r.status,
            &[
                RequestStatus::Submitted,
                RequestStatus::Approved,
                RequestStatus::Scheduled,
            ],
            "cancel",
        )?;
        let now = db::now();
        diesel::update(exam_requests::table.find(&r.id))
            .set((
                exam_requests::status.eq(RequestStatus::Cancelled),
                exam_requests::updated_at.eq(now),
            ))
            .execute(conn)?;
        let live: Vec<Sitting> = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::status.eq_any([SittingStatus::Requested, SittingStatus::Confirmed]))
            .select(Sitting::as_select())
            .load(conn)?;
        for s in &live {
            crate::exams::booking::cancel_sitting_row(
                conn,
                host,
                s,
                "the exam request was cancelled",
            )?;
        }
        audit::record_by(conn, caller, "exam_request.cancel", "exam_request", &r.id)?;
        load_out(conn, caller, &r.id)
    })
}
