//! Re-planning a centre over a date range (PRODUCT.md "The scheduler"): every
//! approved sitting still without a place is placed, and with `allow_moves`
//! confirmed sittings may move and the range's invigilators are rebuilt, by
//! the optimising engine. A dry run answers with the diff; a real run writes
//! it in one transaction.
//!
//! The search runs outside the centre's write lock, so bookings go on while
//! it thinks. The write then locks the centre, reloads, and applies the plan
//! only if nothing it read has changed and the checker accepts the batch on
//! the fresh state; otherwise 409 and nothing is written.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::actor::Actor;
use crate::conflicts::{self, Change, Snapshot};
use crate::db::models::{Centre, ExamRequest, Sitting};
use crate::db::schema::{exam_requests, invigilator_assignments, sittings};
use crate::db::{self, DbConn};
use crate::error::{Conflict, Error};
use crate::exams::booking::{self, refused, to_conflicts};
use crate::scheduler::{self, Cost, Progress, Task};
use crate::types::{RequestStatus, SittingStatus};
use crate::validate::Validator;
use crate::{accounts::audit, centres::centre as centres, mail::notify, timefmt};

/// The longest range one run plans, days inclusive: a term and a bit.
pub const MAX_DAYS: i64 = 180;
pub const DEFAULT_TIME_LIMIT_MS: u64 = 2_000;
pub const MAX_TIME_LIMIT_MS: u64 = 60_000;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// First local date, YYYY-MM-DD.
    #[schema(example = "2027-03-08")]
    pub from: String,
    /// Last local date (inclusive), at most 180 days after `from`.
    #[schema(example = "2027-03-12")]
    pub to: String,
    /// Only answer with what would change (default `true`).
    #[serde(default = "yes")]
    pub dry_run: bool,
    /// Let confirmed sittings move, and rebuild the range's invigilator
    /// assignments (default `false`). Moves are still the second thing the
    /// engine avoids, after leaving a sitting unplaced.
    #[serde(default)]
    pub allow_moves: bool,
    /// Seed of the search (default 1); the same seed, data and budget give the same plan.
    pub seed: Option<u64>,
    /// Milliseconds the optimiser may search (default 2000, at most 60000).
    pub time_limit_ms: Option<u64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceOut {
    pub room: String,
    pub room_name: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlacedOut {
    pub sitting: String,
    pub booking_code: String,
    pub exam_request: String,
    #[serde(flatten)]
    pub at: PlaceOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MovedOut {
    pub sitting: String,
    pub booking_code: String,
    pub exam_request: String,
    pub from: PlaceOut,
    pub to: PlaceOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnplacedOut {
    pub sitting: String,
    pub booking_code: String,
    pub exam_request: String,
    /// The rules that block the sitting's best candidate place.
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentOut {
    /// The existing assignment's id (for removals).
    pub id: Option<String>,
    pub invigilator: String,
    pub invigilator_name: String,
    pub room: String,
    pub room_name: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub dry_run: bool,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Sittings that get a place.
    pub placed: Vec<PlacedOut>,
    /// Confirmed sittings that move (only with `allow_moves`).
    pub moved: Vec<MovedOut>,
    /// Sittings left without a place, and why.
    pub unplaced: Vec<UnplacedOut>,
    pub assignments_added: Vec<AssignmentOut>,
    pub assignments_removed: Vec<AssignmentOut>,
    /// The plan's cost in the engine's terms.
    #[schema(value_type = crate::web::openapi::schemas::Cost)]
    pub cost: Cost,
    /// Improvement steps the search took.
    pub iterations: u64,
}

/// What a run reads, so that the write can tell whether it changed since.
struct Loaded {
    snapshot: Snapshot,
    tasks: Vec<Task>,
    rows: Vec<(Sitting, ExamRequest)>,
    accessible_rooms: Vec<String>,
}

fn parse_input(input: &PlanInput) -> Result<(NaiveDate, NaiveDate, StdDuration), Error> {
    let mut v = Validator::new();
    let range = v.required_range(("from", &input.from), ("to", &input.to), MAX_DAYS);
    let limit = input.time_limit_ms.unwrap_or(DEFAULT_TIME_LIMIT_MS);
    if !(1..=MAX_TIME_LIMIT_MS).contains(&limit) {
        v.error(
            "time_limit_ms",
            "range",
            format!("must be between 1 and {MAX_TIME_LIMIT_MS}"),
        );
    }
    v.finish()?;
    match range {
        Some((a, b)) => Ok((a, b, StdDuration::from_millis(limit))),
        None => Err(Error::BadRequest("invalid dates".into())),
    }
}

fn load(
    conn: &mut DbConn,
    centre: &Centre,
    from: NaiveDate,
    to: NaiveDate,
    allow_moves: bool,
) -> Result<Loaded, Error> {
    let tz = centre.timezone.tz();
    let start = timefmt::local_midnight(tz, from).naive_utc();
    let end = timefmt::local_midnight(tz, to + Duration::days(1)).naive_utc();
    // Approved requests' sittings still waiting for a place, whose exam falls
    // in the range.
    let mut rows: Vec<(Sitting, ExamRequest)> = sittings::table
        .inner_join(exam_requests::table)
        .filter(sittings::centre_id.eq(&centre.id))
        .filter(sittings::status.eq(SittingStatus::Requested))
        .filter(exam_requests::status.eq_any([RequestStatus::Approved, RequestStatus::Scheduled]))
        .filter(
            exam_requests::starts_at
                .ge(start)
                .and(exam_requests::starts_at.lt(end))
                .or(exam_requests::window_start
                    .lt(end)
                    .and(exam_requests::window_end.gt(start))),
        )
        .order(sittings::id)
        .select((Sitting::as_select(), ExamRequest::as_select()))
        .load(conn)?;
    if allow_moves {
        rows.extend(
            sittings::table
                .inner_join(exam_requests::table)
                .filter(sittings::centre_id.eq(&centre.id))
                .filter(sittings::status.eq(SittingStatus::Confirmed))
                .filter(sittings::starts_at.ge(start))
                .filter(sittings::starts_at.lt(end))
                .order(sittings::id)
                .select((Sitting::as_select(), ExamRequest::as_select()))
                .load::<(Sitting, ExamRequest)>(conn)?,
        );
    }
    let snapshot = booking::snapshot(conn, centre, from, to)?;
    let mut tasks = Vec::with_capacity(rows.len());
    let (a, b) = (
        timefmt::local_midnight(tz, from - Duration::days(1)),
        timefmt::local_midnight(tz, to + Duration::days(2)),
    );
    for (s, r) in &rows {
        let current = match (&s.room_id, s.starts_at) {
            (Some(room), Some(at)) if s.status == SittingStatus::Confirmed => {
                Some((room.to_string(), at.and_utc()))
            }
            _ => None,
        };
        tasks.push(booking::task(conn, s, r, a, b, current)?);
    }
    let accessible_rooms = booking::accessible_rooms(conn, &centre.id)?;
    Ok(Loaded {
        snapshot,
        tasks,
        rows,
        accessible_rooms,
    })
}

/// Plans `key`'s dates and, unless it is a dry run, writes the plan.
/// `progress` hears from the engine while it searches.
#[tracing::instrument(skip_all, fields(centre = %key))]
pub fn run<'a>(
    conn: &mut DbConn,
    actor: impl Into<Actor<'a>>,
    host: &str,
    key: &str,
    input: &PlanInput,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PlanOut, Error> {
    let actor = actor.into();
    let centre = centres::find_managed(conn, actor, key)?;
    let (from, to, time_limit) = parse_input(input)?;
    let loaded = load(conn, &centre, from, to, input.allow_moves)?;
    let problem = scheduler::Problem {
        snapshot: &loaded.snapshot,
        tasks: loaded.tasks.clone(),
        allow_moves: input.allow_moves,
        restaff: input.allow_moves.then_some((from, to)),
        accessible_rooms: loaded.accessible_rooms.clone(),
        within: Some((from, to)),
    };
    let options = scheduler::Options {
        seed: input.seed.unwrap_or(1),
        time_limit,
        max_iterations: u64::MAX,
    };
    let plan = scheduler::plan(&problem, &options, progress);
    let out = describe(&centre, &loaded, &plan, input.dry_run, from, to);
    if input.dry_run {
        return Ok(out);
    }
    db::write_tx(conn, |conn| {
        booking::lock_centre(conn, &centre.id)?;
        let fresh = load(conn, &centre, from, to, input.allow_moves)?;
        if fresh.snapshot.data() != loaded.snapshot.data() || fresh.rows != loaded.rows {
            return Err(Error::conflict(
                "the centre's bookings changed while the plan was computed; nothing was written, run the plan again",
                Vec::new(),
            ));
        }
        let changes = plan.changes(db::new_id);
        conflicts::check(&fresh.snapshot, &changes)
            .map_err(|v| refused("the plan breaks a rule; nothing was written", v))?;
        write(conn, host, &fresh, &changes)?;
        audit::record(
            conn,
            audit::Entry::by(actor, "centre.plan")
                .target("centre", &centre.id)
                .detail(serde_json::json!({
                    "from": from, "to": to, "allow_moves": input.allow_moves,
                    "placed": out.placed.len(), "moved": out.moved.len(),
                    "unplaced": out.unplaced.len(),
                })),
        )?;
        Ok(())
    })?;
    Ok(out)
}

fn write(conn: &mut DbConn, host: &str, loaded: &Loaded, changes: &[Change]) -> Result<(), Error> {
    let now = db::now();
    let mut touched_requests: Vec<&ExamRequest> = Vec::new();
    for change in changes {
        match change {
            Change::PlaceSitting(p) => {
                let Some((row, r)) = loaded.rows.iter().find(|(s, _)| s.id == p.id) else {
                    continue;
                };
                let (start, end) = (p.start.naive_utc(), p.end.naive_utc());
                let unchanged = row.room_id.as_deref() == Some(p.room_id.as_str())
                    && row.starts_at == Some(start)
                    && row.ends_at == Some(end);
                if unchanged {
                    continue;
                }
                let was_placed = row.status == SittingStatus::Confirmed;
                let mut row = row.clone();
                row.room_id = Some(p.room_id.clone().into());
                row.starts_at = Some(start);
                row.ends_at = Some(end);
                row.status = SittingStatus::Confirmed;
                row.sequence += 1;
                row.updated_at = now;
                row.reminded_at = None;
                diesel::update(sittings::table.find(&row.id))
                    .set(&row)
                    .execute(conn)?;
                if was_placed {
                    notify::sitting_changed(conn, host, r, &row)?;
                } else {
                    notify::sitting_confirmed(conn, host, r, &row)?;
                }
                if !touched_requests.iter().any(|x| x.id == r.id) {
                    touched_requests.push(r);
                }
            }
            Change::Unassign { id } => {
                diesel::delete(invigilator_assignments::table.find(id)).execute(conn)?;
            }
            Change::Assign(a) => booking::insert_assignment(conn, a, now)?,
            _ => {}
        }
    }
    // A closed request whose every sitting now has a place is scheduled.
    for r in touched_requests {
        if r.open || r.status != RequestStatus::Approved {
            continue;
        }
        let waiting: i64 = sittings::table
            .filter(sittings::exam_request_id.eq(&r.id))
            .filter(sittings::status.eq(SittingStatus::Requested))
            .count()
            .get_result(conn)?;
        if waiting == 0 {
            diesel::update(exam_requests::table.find(&r.id))
                .set((
                    exam_requests::status.eq(RequestStatus::Scheduled),
                    exam_requests::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn describe(
    centre: &Centre,
    loaded: &Loaded,
    plan: &scheduler::Plan,
    dry_run: bool,
    from: NaiveDate,
    to: NaiveDate,
) -> PlanOut {
    let tz = centre.timezone.tz();
    let data = loaded.snapshot.data();
    let local = |t: DateTime<Utc>| timefmt::local(t.naive_utc(), tz);
    let room_name = |id: &str| {
        data.rooms
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let inv_name = |id: &str| {
        data.invigilators
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
            .unwrap_or_default()
    };
    let row = |id: &str| loaded.rows.iter().find(|(s, _)| s.id == id);
    let mut placed = Vec::new();
    let mut moved = Vec::new();
    for p in &plan.placements {
        let Some((s, _)) = row(&p.sitting_id) else {
            continue;
        };
        let at = PlaceOut {
            room: p.room_id.clone(),
            room_name: room_name(&p.room_id),
            starts_at: local(p.start),
            ends_at: local(p.end),
        };
        match (&p.moved_from, s.status) {
            (Some((room, start)), _) => moved.push(MovedOut {
                sitting: s.id.clone().into(),
                booking_code: s.booking_code.clone(),
                exam_request: s.exam_request_id.clone().into(),
                from: PlaceOut {
                    room: room.clone(),
                    room_name: room_name(room),
                    starts_at: local(*start),
                    ends_at: local(*start + (p.end - p.start)),
                },
                to: at,
            }),
            (None, SittingStatus::Requested) => placed.push(PlacedOut {
                sitting: s.id.clone().into(),
                booking_code: s.booking_code.clone(),
                exam_request: s.exam_request_id.clone().into(),
                at,
            }),
            _ => {}
        }
    }
    let unplaced = plan
        .unplaced
        .iter()
        .filter_map(|u| {
            let (s, _) = row(&u.sitting_id)?;
            Some(UnplacedOut {
                sitting: s.id.clone().into(),
                booking_code: s.booking_code.clone(),
                exam_request: s.exam_request_id.clone().into(),
                conflicts: to_conflicts(u.violations.clone()),
            })
        })
        .collect();
    let assignment = |id: Option<&String>, inv: &str, room: &str, start, end| AssignmentOut {
        id: id.cloned(),
        invigilator: inv.to_string(),
        invigilator_name: inv_name(inv),
        room: room.to_string(),
        room_name: room_name(room),
        starts_at: local(start),
        ends_at: local(end),
    };
    let assignments_added = plan
        .new_assignments
        .iter()
        .map(|a| assignment(None, &a.invigilator_id, &a.room_id, a.start, a.end))
        .collect();
    let assignments_removed = data
        .assignments
        .iter()
        .filter(|a| plan.removed_assignments.contains(&a.id))
        .map(|a| assignment(Some(&a.id), &a.invigilator_id, &a.room_id, a.start, a.end))
        .collect();
    PlanOut {
        dry_run,
        from,
        to,
        placed,
        moved,
        unplaced,
        assignments_added,
        assignments_removed,
        cost: plan.cost,
        iterations: plan.iterations,
    }
}
