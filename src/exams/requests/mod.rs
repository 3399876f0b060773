//! Exam requests: submitted by institutions with their students (`submit`),
//! approved (placed) or rejected by the centre, cancelled by the institution.
//! The wire types are in `types`, the rows made for students in `students`.

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Action, Listing, Resource, Scope, Shown};
use crate::centres::centre as centres;
use crate::db::models::{Centre, ExamRequest, Sitting, User};
use crate::db::schema::{exam_requests, institutions, rooms, sittings, users};
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::{require_state, Error};
use crate::pagination::{Page, PageQuery};
use crate::types::{ExamRequestId, RequestStatus, SittingStatus};
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify, timefmt};

mod students;
mod submit;
mod types;

pub use students::{fresh_booking_code, new_sitting, student_account};
pub use submit::submit;
pub use types::*;

/// The local date an exam is written on (the fixed start, or the window's start).
pub fn exam_date(request: &ExamRequest, tz: Tz) -> Option<NaiveDate> {
    request
        .starts_at
        .or(request.window_start)
        .map(|t| timefmt::local(t, tz).date_naive())
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

pub fn find(
    conn: &mut DbConn,
    caller: &Caller,
    id: &ExamRequestId,
) -> Result<(ExamRequest, bool), Error> {
    let r = exam_requests::table
        .find(id)
        .select(ExamRequest::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let full = access(conn, caller, &r)?;
    Ok((r, full))
}

pub fn load_out(
    conn: &mut DbConn,
    caller: &Caller,
    id: &ExamRequestId,
) -> Result<ExamRequestOut, Error> {
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
        q = q.filter(sittings::student_id.eq(caller.user_id.to_string()));
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
            id: s.id.into(),
            booking_code: s.booking_code,
            status: s.status.as_str().into(),
            room: s.room_id.map(String::from),
            room_name,
            starts_at: s.starts_at.map(|t| timefmt::local(t, tz)),
            ends_at: s.ends_at.map(|t| timefmt::local(t, tz)),
        })
        .collect();
    Ok(ExamRequestOut {
        id: r.id.into(),
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
    q = match policy::scope(caller, Listing::ExamRequests) {
        Scope::Centres(ids) => q.filter(exam_requests::centre_id.eq_any(ids)),
        Scope::Institution(id) => q.filter(exam_requests::institution_id.eq(id)),
        Scope::OpenRequests => q.filter(exam_requests::open.eq(true)),
        _ => q,
    };
    let rows = q.limit(limit + 1).load(conn)?;
    let more = rows.len() as i64 > limit;
    let mut items = Vec::new();
    let mut last = None;
    for r in rows.into_iter().take(limit as usize) {
        last = Some(r.id.to_string());
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
    id: &ExamRequestId,
    input: ReasonInput,
) -> Result<ExamRequestOut, Error> {
    let mut v = Validator::new();
    let reason = v.required_text("reason", &input.reason, 1000);
    v.finish()?;
    db::write_tx(conn, |conn| {
        let (r, _) = find(conn, caller, id)?;
        policy::authorize(caller, Action::ApproveRequest, resource(conn, caller, &r)?)?;
        crate::centres::versions::data_changed(conn, &r.centre_id)?;
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
                    words: Vec::new(),
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
    id: &ExamRequestId,
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
