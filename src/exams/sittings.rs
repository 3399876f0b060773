//! Placing sittings (approving a request or one self-registration), students
//! registering for open requests, and the sitting state machine.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::policy::{self, Action, Resource};
use crate::conflicts::{self, Change};
use crate::db::models::{Centre, ExamRequest, Institution, Sitting, User};
use crate::db::schema::{centres, exam_requests, institutions, sittings, users};
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::require_state;
use crate::error::Error;
use crate::exams::booking::{self, refused};
use crate::exams::requests::{self as exams, Accommodations, ExamRequestOut};
use crate::scheduler;
use crate::types::{ExamRequestId, RequestStatus, SittingId, SittingStatus};
use crate::validate::Validator;
use crate::{accounts::audit, mail::notify, timefmt};

fn request_centre(conn: &mut DbConn, r: &ExamRequest) -> Result<(Centre, Institution), Error> {
    let centre = centres::table
        .find(&r.centre_id)
        .select(Centre::as_select())
        .first(conn)?;
    let institution = institutions::table
        .find(&r.institution_id)
        .select(Institution::as_select())
        .first(conn)?;
    Ok((centre, institution))
}

/// Places `to_place` (sittings of `r` waiting for a place) and writes the
/// result: rooms, times, invigilators, confirmations. All or nothing.
fn place_and_write(
    conn: &mut DbConn,
    host: &str,
    r: &ExamRequest,
    to_place: Vec<Sitting>,
) -> Result<(), Error> {
    if to_place.is_empty() {
        return Ok(());
    }
    let (centre, _) = request_centre(conn, r)?;
    booking::lock_students(
        conn,
        &to_place
            .iter()
            .map(|s| s.student_id.clone())
            .collect::<Vec<_>>(),
    )?;
    let tz = centre.timezone.tz();
    let first = r.starts_at.or(r.window_start).unwrap_or_default();
    // Input holds a window to MAX_WINDOW_DAYS; a longer one stored before that
    // rule is searched over its first MAX_WINDOW_DAYS only, so that approval
    // never loads (and the scheduler never walks) centuries of dates.
    let reach = chrono::Duration::days(crate::domain::bounds::MAX_WINDOW_DAYS);
    let last = r
        .window_end
        .unwrap_or(first)
        .min(first.checked_add_signed(reach).unwrap_or(first))
        + chrono::Duration::hours(24);
    let snapshot = booking::snapshot(
        conn,
        &centre,
        timefmt::local(first, tz).date_naive(),
        timefmt::local(last, tz).date_naive(),
    )?;
    if !snapshot.data().exams.iter().any(|e| e.id == r.id) {
        return Err(anyhow::anyhow!("exam request missing from its snapshot").into());
    }
    let (from, to) = (
        first.and_utc() - chrono::Duration::hours(24),
        last.and_utc() + chrono::Duration::hours(24),
    );
    let tasks = to_place
        .iter()
        .map(|s| booking::task(conn, s, r, from, to, None))
        .collect::<Result<Vec<_>, _>>()?;
    let problem = scheduler::Problem {
        snapshot: &snapshot,
        tasks,
        allow_moves: false,
        restaff: None,
        accessible_rooms: booking::accessible_rooms(conn, &centre.id)?,
        within: None,
    };
    // A small budget: this runs inside the centre's write lock.
    let options = scheduler::Options {
        seed: 1,
        time_limit: std::time::Duration::from_millis(400),
        max_iterations: (to_place.len() as u64 * 150).min(15_000),
    };
    let plan = scheduler::plan(&problem, &options, &mut |_| {});
    if !plan.unplaced.is_empty() {
        let violations = plan
            .unplaced
            .into_iter()
            .flat_map(|u| u.violations)
            .collect();
        return Err(refused(
            "the sittings cannot all be placed; nothing was changed",
            violations,
        ));
    }
    let changes = plan.changes(db::new_id);
    // The engine checked its plan; the write path checks again what it writes.
    conflicts::check(&snapshot, &changes)
        .map_err(|v| refused("the sittings cannot all be placed; nothing was changed", v))?;
    let now = db::now();
    for change in changes {
        match change {
            Change::PlaceSitting(p) => {
                let Some(row) = to_place.iter().find(|s| s.id == p.id) else {
                    continue;
                };
                let mut row = row.clone();
                row.room_id = Some(p.room_id.into());
                row.starts_at = Some(p.start.naive_utc());
                row.ends_at = Some(p.end.naive_utc());
                row.status = SittingStatus::Confirmed;
                row.sequence += 1;
                row.updated_at = now;
                diesel::update(sittings::table.find(&row.id))
                    .set(&row)
                    .execute(conn)?;
                notify::sitting_confirmed(conn, host, r, &row)?;
            }
            Change::Assign(a) => {
                booking::insert_assignment(conn, &a, now)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn waiting(conn: &mut DbConn, request_id: &ExamRequestId) -> Result<Vec<Sitting>, Error> {
    Ok(sittings::table
        .filter(sittings::exam_request_id.eq(request_id))
        .filter(sittings::status.eq(SittingStatus::Requested))
        .select(Sitting::as_select())
        .load(conn)?)
}

/// Approves a request: every waiting sitting is placed and invigilators are
/// assigned, or 409 with the conflicts and nothing changes.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, request = %id))]
pub fn approve(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &ExamRequestId,
) -> Result<ExamRequestOut, Error> {
    db::write_tx(conn, |conn| {
        let (r, _) = exams::find(conn, caller, id)?;
        policy::authorize(
            caller,
            Action::ApproveRequest,
            exams::resource(conn, caller, &r)?,
        )?;
        booking::lock_centre(conn, &r.centre_id)?;
        require_state(
            "request",
            r.status,
            &[RequestStatus::Submitted, RequestStatus::Approved],
            "approve",
        )?;
        let to_place = waiting(conn, &r.id)?;
        place_and_write(conn, host, &r, to_place)?;
        // An open request stays approved (registrations still come in);
        // a closed one is fully scheduled.
        let status = if r.open {
            RequestStatus::Approved
        } else {
            RequestStatus::Scheduled
        };
        diesel::update(exam_requests::table.find(&r.id))
            .set((
                exam_requests::status.eq(status),
                exam_requests::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        notify::request_decided(conn, host, &r, true, None)?;
        audit::record_by(conn, caller, "exam_request.approve", "exam_request", &r.id)?;
        exams::load_out(conn, caller, &r.id)
    })
}

fn find_sitting(
    conn: &mut DbConn,
    caller: &Caller,
    id: &SittingId,
) -> Result<(Sitting, ExamRequest), Error> {
    let s: Sitting = sittings::table
        .find(id)
        .select(Sitting::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound)?;
    let (r, _) = exams::find(conn, caller, &s.exam_request_id)?;
    // A student knows only their own sittings.
    policy::authorize(caller, Action::Read, sitting_resource(&s, &r))?;
    Ok((s, r))
}

/// `s` read again under its centre's lock, so the state a change is judged on
/// is the state it writes over (every writer of a sitting locks its centre first).
fn relock(conn: &mut DbConn, s: &Sitting, r: &ExamRequest) -> Result<Sitting, Error> {
    booking::lock_centre(conn, &r.centre_id)?;
    Ok(sittings::table
        .find(&s.id)
        .select(Sitting::as_select())
        .first(conn)?)
}

/// Approves one self-registered sitting of an approved open request.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, sitting = %id))]
pub fn approve_sitting(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &SittingId,
) -> Result<ExamRequestOut, Error> {
    db::write_tx(conn, |conn| {
        let (s, r) = find_sitting(conn, caller, id)?;
        policy::authorize(
            caller,
            Action::ApproveRequest,
            exams::resource(conn, caller, &r)?,
        )?;
        let s = relock(conn, &s, &r)?;
        require_state("sitting", s.status, &[SittingStatus::Requested], "approve")?;
        require_state(
            "request",
            r.status,
            &[
                RequestStatus::Submitted,
                RequestStatus::Approved,
                RequestStatus::Scheduled,
            ],
            "approve a sitting of",
        )?;
        place_and_write(conn, host, &r, vec![s.clone()])?;
        audit::record_by(conn, caller, "sitting.approve", "sitting", &s.id)?;
        exams::load_out(conn, caller, &r.id)
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    /// The id of an open exam request.
    pub exam_request: String,
    #[serde(default)]
    pub accommodations: Accommodations,
}

/// A student asks for a seat in an open request before its deadline.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id))]
pub fn register(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    input: RegisterInput,
) -> Result<ExamRequestOut, Error> {
    policy::authorize(caller, Action::Book, Resource::Service)?;
    let mut v = Validator::new();
    exams::check_accommodations(&mut v, "accommodations.", &input.accommodations);
    v.finish()?;
    db::write_tx(conn, |conn| {
        let r: ExamRequest = exam_requests::table
            .find(&input.exam_request)
            .select(ExamRequest::as_select())
            .first(conn)
            .optional()?
            .filter(|r| r.open)
            .ok_or_else(|| {
                Error::invalid(
                    "exam_request",
                    "open_request",
                    "no open exam request with that id",
                )
            })?;
        require_state(
            "request",
            r.status,
            &[
                RequestStatus::Submitted,
                RequestStatus::Approved,
                RequestStatus::Scheduled,
            ],
            "register for",
        )?;
        let (centre, _) = request_centre(conn, &r)?;
        let today = crate::centres::calendar::today_in(centre.timezone.tz());
        crate::centres::versions::data_changed(conn, &centre.id)?;
        if let Some(deadline) = r.registration_deadline {
            if today > deadline {
                return Err(Error::invalid(
                    "exam_request",
                    "registration_deadline",
                    format!("registration closed on {deadline}"),
                ));
            }
        }
        let existing: i64 = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::student_id.eq(&caller.user_id))
            .count()
            .get_result(conn)?;
        if existing > 0 {
            return Err(Error::conflict(
                "you are already registered for this exam",
                vec![crate::error::Conflict {
                    rule: "already_registered".into(),
                    message: "one sitting per student and exam".into(),
                    with: Some(crate::error::ItemRef {
                        kind: "exam_request".into(),
                        id: r.id.clone().into(),
                    }),
                    words: Vec::new(),
                }],
            ));
        }
        let student: User = users::table
            .find(&caller.user_id)
            .select(User::as_select())
            .first(conn)?;
        let code = exams::fresh_booking_code(conn, &centre.id)?;
        let mut acc = input.accommodations.clone();
        acc.computer |= r.computer_required;
        let sitting = exams::new_sitting(&r, &student.id, code, &acc);
        diesel::insert_into(sittings::table)
            .values(&sitting)
            .execute(conn)?;
        notify::sitting_requested(conn, host, &centre, &r, &sitting, &student)?;
        audit::record_by(conn, caller, "sitting.register", "sitting", &sitting.id)?;
        exams::load_out(conn, caller, &r.id)
    })
}

#[derive(Debug, Clone, Copy)]
pub enum Transition {
    CheckIn,
    Complete,
    NoShow,
    Cancel,
}

impl Transition {
    fn rule(self) -> (&'static [SittingStatus], SittingStatus, &'static str) {
        use SittingStatus::*;
        match self {
            Transition::CheckIn => (&[Confirmed], CheckedIn, "check in"),
            Transition::Complete => (&[CheckedIn], Completed, "complete"),
            Transition::NoShow => (&[Confirmed], NoShow, "mark as no-show"),
            Transition::Cancel => (&[Requested, Confirmed], Cancelled, "cancel"),
        }
    }

    /// Whether a sitting in `status` can take this transition (a page
    /// offers only the buttons that can work).
    pub fn applies_to(self, status: SittingStatus) -> bool {
        self.rule().0.contains(&status)
    }
}

/// A sitting after a state change.
// Fields in the order the earlier `json!` answer had (alphabetical), so the
// bytes on the wire are unchanged.
#[derive(Debug, Serialize, ToSchema)]
pub struct SittingState {
    pub booking_code: String,
    pub id: String,
    /// `checked_in`, `completed`, `no_show` or `cancelled`.
    pub status: &'static str,
}

/// Moves a sitting along its state machine. Check-in, completion and no-show
/// are for the centre's staff; cancelling also for the student and the
/// institution.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, sitting = %id))]
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &SittingId,
    t: Transition,
) -> Result<SittingState, Error> {
    db::write_tx(conn, |conn| {
        let (s, r) = find_sitting(conn, caller, id)?;
        let action = match t {
            Transition::Cancel => Action::CancelBooking,
            _ => Action::MarkAttendance,
        };
        policy::authorize(caller, action, sitting_resource(&s, &r))?;
        let s = relock(conn, &s, &r)?;
        let (from, to, verb) = t.rule();
        require_state("sitting", s.status, from, verb)?;
        if let Transition::Cancel = t {
            let reason = match caller.role {
                Role::Student => "cancelled by the student",
                Role::Institution => "cancelled by the institution",
                _ => "cancelled by the centre",
            };
            booking::cancel_sitting_row(conn, host, &s, reason)?;
        } else {
            diesel::update(sittings::table.find(&s.id))
                .set((sittings::status.eq(to), sittings::updated_at.eq(db::now())))
                .execute(conn)?;
        }
        audit::record_by(conn, caller, &format!("sitting.{to}"), "sitting", &s.id)?;
        // When the last sitting has its outcome, the request is completed and
        // the institution gets its report.
        let open: i64 = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::status.eq_any([
                SittingStatus::Requested,
                SittingStatus::Confirmed,
                SittingStatus::CheckedIn,
            ]))
            .count()
            .get_result(conn)?;
        let outcomes: i64 = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::status.eq_any([SittingStatus::Completed, SittingStatus::NoShow]))
            .count()
            .get_result(conn)?;
        if open == 0
            && outcomes > 0
            && matches!(r.status, RequestStatus::Approved | RequestStatus::Scheduled)
        {
            diesel::update(exam_requests::table.find(&r.id))
                .set((
                    exam_requests::status.eq(RequestStatus::Completed),
                    exam_requests::updated_at.eq(db::now()),
                ))
                .execute(conn)?;
            notify::request_report(conn, host, &r)?;
        }
        Ok(SittingState {
            booking_code: s.booking_code,
            id: s.id.into(),
            status: to.as_str(),
        })
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// The new room (id); unchanged when left out.
    pub room: Option<String>,
    /// The new start, RFC 3339 or the centre's local time; unchanged when left out.
    pub starts_at: Option<String>,
}

/// Moves a confirmed sitting to another room and/or start, keeping its
/// personal length. Judged by every rule like a new placement; invigilators
/// are added where the new place needs them, and assignments the old place
/// no longer needs are removed. The student gets a "changed" message whose
/// invite updates the same calendar entry.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, sitting = %id))]
pub fn move_sitting(
    conn: &mut DbConn,
    caller: &Caller,
    host: &str,
    id: &SittingId,
    input: MoveInput,
) -> Result<ExamRequestOut, Error> {
    db::write_tx(conn, |conn| {
        let (s, r) = find_sitting(conn, caller, id)?;
        policy::authorize(
            caller,
            Action::ApproveRequest,
            exams::resource(conn, caller, &r)?,
        )?;
        let s = relock(conn, &s, &r)?;
        booking::lock_students(conn, std::slice::from_ref(&s.student_id))?;
        require_state("sitting", s.status, &[SittingStatus::Confirmed], "move")?;
        let (centre, _) = request_centre(conn, &r)?;
        let tz = centre.timezone.tz();
        let (Some(old_room), Some(old_start), Some(old_end)) =
            (s.room_id.clone(), s.starts_at, s.ends_at)
        else {
            return Err(anyhow::anyhow!("a confirmed sitting without a place").into());
        };
        let start = match &input.starts_at {
            Some(t) => crate::centres::calendar::parse_time_field("starts_at", t, tz)?,
            None => old_start.and_utc(),
        };
        let room = input
            .room
            .clone()
            .unwrap_or_else(|| old_room.clone().into());
        let end = start + (old_end - old_start);
        let snapshot = booking::snapshot(
            conn,
            &centre,
            start.with_timezone(&tz).date_naive(),
            end.with_timezone(&tz).date_naive(),
        )?;
        let elsewhere = booking::busy_elsewhere(conn, &s.student_id, &centre.id, start, end)?;
        if let Some((_, _, with)) = elsewhere.into_iter().next() {
            return Err(refused(
                "the sitting cannot be moved there",
                vec![conflicts::Violation {
                    rule: conflicts::Rule::StudentDoubleBooked,
                    message: "the student has another booking at that time at another centre"
                        .into(),
                    item: conflicts::ItemRef::new(conflicts::ItemKind::Sitting, s.id.clone()),
                    with: Some(with),
                    span: None,
                    words: Vec::new(),
                }],
            ));
        }
        let change = Change::PlaceSitting(conflicts::Sitting {
            id: s.id.clone().into(),
            exam_request_id: r.id.clone().into(),
            student_id: s.student_id.clone().into(),
            room_id: room.clone(),
            start,
            end,
            computer: s.computer || r.computer_required,
            separate_room: s.separate_room,
        });
        let changes = scheduler::staff(&snapshot, vec![change], db::new_id)
            .map_err(|v| refused("the sitting cannot be moved there; nothing was changed", v))?;
        let now = db::now();
        for change in changes {
            if let Change::Assign(a) = change {
                booking::insert_assignment(conn, &a, now)?;
            }
        }
        let mut moved = s.clone();
        moved.room_id = Some(room.into());
        moved.starts_at = Some(start.naive_utc());
        moved.ends_at = Some(end.naive_utc());
        moved.sequence += 1;
        moved.updated_at = now;
        // A new time deserves a new reminder.
        moved.reminded_at = None;
        diesel::update(sittings::table.find(&moved.id))
            .set(&moved)
            .execute(conn)?;
        booking::prune_assignments(conn, &old_room, old_start, old_end)?;
        notify::sitting_changed(conn, host, &r, &moved)?;
        audit::record_by(conn, caller, "sitting.move", "sitting", &moved.id)?;
        exams::load_out(conn, caller, &r.id)
    })
}

fn sitting_resource<'a>(s: &'a Sitting, r: &'a ExamRequest) -> Resource<'a> {
    Resource::Sitting {
        student: &s.student_id,
        centre: &r.centre_id,
        institution: &r.institution_id,
    }
}
