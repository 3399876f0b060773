//! An institution submits an exam request: every field is checked and every
//! error reported at once (in the order of the form), then the request, one
//! sitting per listed student and their mail are written in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::students::{fresh_booking_code, new_sitting, student_account};
use super::types::{
    check_accommodations, Accommodations, ExamRequestInput, ExamRequestOut, MAX_DURATION_MINUTES,
    MAX_STUDENTS, PAPER_DELIVERIES,
};
use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Action, Resource};
use crate::calendar;
use crate::centres::calendar as centre_calendar;
use crate::centres::centre as centres;
use crate::db::models::{Centre, ExamRequest, Institution, User};
use crate::db::schema::{exam_requests, institutions, sittings};
use crate::db::{self, DbConn};
use crate::domain::bounds::MAX_WINDOW_DAYS;
use crate::domain::personnummer::Personnummer;
use crate::domain::{Email, Language, Role};
use crate::error::{Conflict, Error};
use crate::institutions::registry::ANSWER_RETURNS;
use crate::policy::registration_deadline::Deadline;
use crate::types::RequestStatus;
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify};

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
        let centre = active_centre(conn, caller, &mut v, &input.centre);
        if let Some(c) = &centre {
            // First, before any account is written: one lock order everywhere.
            crate::centres::versions::data_changed(conn, &c.id)?;
        }
        let tz = centre
            .as_ref()
            .map(|c| c.timezone.tz())
            .unwrap_or(chrono_tz::Europe::Stockholm);
        let today = centre
            .as_ref()
            .map(|c| centre_calendar::today_in(c.timezone.tz()))
            .unwrap_or_default();
        let fields = Fields::parse(&mut v, &input, &institution, tz);
        let deadline = match &centre {
            Some(c) => check_exam_day(conn, &mut v, c, &institution, &fields, input.open, today)?,
            None => None,
        };
        let students = parse_students(&mut v, &input, today);
        let (accounts, mismatches) = student_accounts(conn, students)?;
        v.finish()?;
        if !mismatches.is_empty() {
            return Err(Error::conflict(
                "a listed student's details differ from their existing account",
                mismatches,
            ));
        }
        let centre = centre.ok_or_else(|| anyhow::anyhow!("validated centre missing"))?;
        let request = fields.into_row(caller, &institution, &centre, &input, deadline);
        write(
            conn,
            caller,
            host,
            &institution,
            &centre,
            &request,
            &accounts,
        )?;
        super::load_out(conn, caller, &request.id)
    })
}

/// The request's own fields, as far as they parsed.
struct Fields {
    course_code: String,
    course_name: String,
    title: String,
    duration: i32,
    aids: String,
    paper_delivery: String,
    answer_return: String,
    starts_at: Option<DateTime<Utc>>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    contact_name: String,
    contact_phone: String,
    contact_email: String,
}

impl Fields {
    fn parse(
        v: &mut Validator,
        input: &ExamRequestInput,
        institution: &Institution,
        tz: Tz,
    ) -> Self {
        let course_code = v.required_text("course_code", &input.course_code, 32);
        let course_name = v.optional_text("course_name", &input.course_name, 200);
        let title = v.required_text("title", &input.title, 200);
        let duration = v.range(
            "duration_minutes",
            input.duration_minutes,
            1,
            MAX_DURATION_MINUTES,
        );
        let aids = v.multiline_text("aids", &input.aids, 1000);
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
            ANSWER_RETURNS.contains(&answer_return.as_str()),
            "answer_return",
            "answer_return",
            format!("use one of {}", ANSWER_RETURNS.join(", ")),
        );
        let (starts_at, window) = parse_when(v, input, duration, tz);
        let contact_name = v.optional_text(
            "contact.name",
            input.contact.name.as_deref().unwrap_or_default(),
            200,
        );
        let contact_phone = v.optional_text(
            "contact.phone",
            input.contact.phone.as_deref().unwrap_or_default(),
            40,
        );
        let contact_email = input
            .contact
            .email
            .as_deref()
            .and_then(|e| v.email("contact.email", e))
            .map(|e| e.to_string())
            .unwrap_or_default();
        Fields {
            course_code,
            course_name,
            title,
            duration,
            aids,
            paper_delivery,
            answer_return,
            starts_at,
            window,
            contact_name,
            contact_phone,
            contact_email,
        }
    }

    /// The field the exam day's errors are reported on.
    fn day_field(&self) -> &'static str {
        if self.starts_at.is_some() {
            "starts_at"
        } else {
            "window.earliest_start"
        }
    }

    fn into_row(
        self,
        caller: &Caller,
        institution: &Institution,
        centre: &Centre,
        input: &ExamRequestInput,
        deadline: Option<NaiveDate>,
    ) -> ExamRequest {
        let now = db::now();
        ExamRequest {
            id: db::new_id(),
            institution_id: institution.id.clone(),
            centre_id: centre.id.clone(),
            course_code: self.course_code,
            course_name: self.course_name,
            title: self.title,
            starts_at: self.starts_at.map(|t| t.naive_utc()),
            window_start: self.window.map(|w| w.0.naive_utc()),
            window_end: self.window.map(|w| w.1.naive_utc()),
            duration_minutes: self.duration,
            aids: self.aids,
            computer_required: input.computer_required,
            paper_delivery: self.paper_delivery,
            answer_return: self.answer_return,
            contact_name: self.contact_name,
            contact_email: self.contact_email,
            contact_phone: self.contact_phone,
            open: input.open,
            registration_deadline: deadline,
            status: RequestStatus::Submitted,
            status_reason: None,
            created_by: Some(caller.user_id.clone()),
            created_at: now,
            updated_at: now,
        }
    }
}

fn active_centre(
    conn: &mut DbConn,
    caller: &Caller,
    v: &mut Validator,
    key: &str,
) -> Option<Centre> {
    match centres::find_visible(conn, caller, key) {
        Ok(c) if c.active => Some(c),
        _ => {
            v.error("centre", "exists", format!("no active centre `{key}`"));
            None
        }
    }
}

type Window = (DateTime<Utc>, DateTime<Utc>);

/// A fixed start, or a window the centre picks the start in; exactly one.
fn parse_when(
    v: &mut Validator,
    input: &ExamRequestInput,
    duration: i32,
    tz: Tz,
) -> (Option<DateTime<Utc>>, Option<Window>) {
    match (&input.starts_at, &input.window) {
        (Some(s), None) => (parse_time(v, "starts_at", s, tz), None),
        (None, Some(w)) => {
            let a = parse_time(v, "window.earliest_start", &w.earliest_start, tz);
            let b = parse_time(v, "window.latest_end", &w.latest_end, tz);
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
                    // Approval searches every start in the window.
                    v.check(
                        b - a <= chrono::Duration::days(MAX_WINDOW_DAYS),
                        "window.latest_end",
                        "window_length",
                        format!("a window is at most {MAX_WINDOW_DAYS} days long"),
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
    }
}

/// The exam day must be a future day the centre is open, a fixed start inside
/// its staffed hours (personal end times are judged when sittings are placed),
/// and, for a closed request, not past the institution's registration deadline.
/// Returns that deadline.
fn check_exam_day(
    conn: &mut DbConn,
    v: &mut Validator,
    centre: &Centre,
    institution: &Institution,
    fields: &Fields,
    open: bool,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Error> {
    let cal = centre_calendar::calendar_input(conn, centre)?;
    let Some(first) = fields.starts_at.or(fields.window.map(|w| w.0)) else {
        return Ok(None);
    };
    let date = first.with_timezone(&centre.timezone.tz()).date_naive();
    let field = fields.day_field();
    let day = calendar::days(&cal, date, date).into_iter().next();
    match day.and_then(|d| d.closed.map(|c| c.reason)) {
        Some(reason) => v.error(
            field,
            "closed_day",
            format!("the centre is closed that day ({reason})"),
        ),
        None => {
            if let Some(s) = fields.starts_at {
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
    let rule = Deadline::for_exam(date, institution.registration_deadline_days);
    if !open {
        if let Err(message) = rule.check(today, &institution.name) {
            v.error(field, "registration_deadline", message);
        }
    }
    Ok(Some(rule.last_day))
}

/// A listed student whose address and language parsed.
struct Listed<'a> {
    index: usize,
    name: String,
    email: Email,
    personnummer: Option<Personnummer>,
    language: Language,
    protected_identity: bool,
    accommodations: &'a Accommodations,
}

fn parse_students<'a>(
    v: &mut Validator,
    input: &'a ExamRequestInput,
    today: NaiveDate,
) -> Vec<Listed<'a>> {
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
        let errors = v.error_count();
        let name = v.required_text(&format!("{p}name"), &s.name, 200);
        // A refused name never reaches the database (PostgreSQL refuses a NUL).
        let name_ok = v.error_count() == errors;
        let email = v.email(&format!("{p}email"), &s.email);
        if let Some(e) = &email {
            v.check(
                seen.insert(e.clone()),
                &format!("{p}email"),
                "unique",
                "listed twice in this request",
            );
        }
        let personnummer = s
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
        check_accommodations(v, &format!("{p}accommodations."), &s.accommodations);
        if let (Some(email), Some(language), true) = (email, language, name_ok) {
            students.push(Listed {
                index: i,
                name,
                email,
                personnummer,
                language,
                protected_identity: s.protected_identity,
                accommodations: &s.accommodations,
            });
        }
    }
    students
}

/// Each listed student's account, found or created, with the rows that
/// cannot be attached: a row whose name or personnummer differ from the
/// existing account of its address (or whose address is not a student's)
/// refuses the whole request with 409, naming the row's field and never the
/// stored value, and the caller's transaction then writes nothing. Field
/// errors (422) are reported first.
fn student_accounts<'a>(
    conn: &mut DbConn,
    students: Vec<Listed<'a>>,
) -> Result<(Accounts<'a>, Vec<Conflict>), Error> {
    let mut accounts = Vec::new();
    let mut mismatches = Vec::new();
    for s in students {
        match student_account(
            conn,
            &s.email,
            &s.name,
            s.language,
            s.personnummer.as_ref(),
            s.protected_identity,
        )? {
            Ok(u) => accounts.push((u, s.accommodations)),
            Err(fields) => mismatches.extend(fields.into_iter().map(|m| Conflict {
                rule: "identity_mismatch".into(),
                message: format!(
                    "students[{}].{} differs from the account of this e-mail address; \
                     a request can list an existing student but not change who they are",
                    s.index,
                    m.field()
                ),
                with: None,
                words: Vec::new(),
            })),
        }
    }
    Ok((accounts, mismatches))
}

/// The listed students' accounts, each with the accommodations listed for them.
type Accounts<'a> = Vec<(User, &'a Accommodations)>;

fn write(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    institution: &Institution,
    centre: &Centre,
    request: &ExamRequest,
    accounts: &[(User, &Accommodations)],
) -> Result<(), Error> {
    diesel::insert_into(exam_requests::table)
        .values(request)
        .execute(conn)?;
    for (user, acc) in accounts {
        let mut acc = (*acc).clone();
        acc.computer |= request.computer_required;
        let code = fresh_booking_code(conn, &centre.id)?;
        let sitting = new_sitting(request, &user.id, code, &acc);
        diesel::insert_into(sittings::table)
            .values(&sitting)
            .execute(conn)?;
        notify::sitting_requested(conn, host, centre, request, &sitting, user)?;
    }
    notify::request_received(conn, host, institution, centre, request, accounts.len())?;
    audit::record_by(
        conn,
        caller,
        "exam_request.submit",
        "exam_request",
        &request.id,
    )?;
    Ok(())
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
        (Role::Institution, None) => caller.institution_id.clone().unwrap_or_default().into(),
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
