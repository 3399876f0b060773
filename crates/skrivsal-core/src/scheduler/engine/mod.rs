//! The search itself: state, moves with an undo log, construction, hill
//! climbing, the final check and the report of what could not be placed.

use std::collections::{HashMap, HashSet};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::staffing::{self, Piece, Presence, Staff};
use crate::calendar::{staffed_set, wall_clock, Interval};
use crate::conflicts::rules::room_not_bookable::Purpose;
use crate::conflicts::rules::{
    computer_seats, exam_and_study_mixed, room_capacity, room_inactive, room_not_bookable,
    separate_room,
};
use crate::conflicts::{
    self, Change, Exam, ExamTiming, InvigilatorAssignment, ItemKind, ItemRef, Rule, Sitting,
    Snapshot, Violation,
};

/// A span during which a student is busy elsewhere (another centre), and with what.
mod output;
mod search;
mod state;

use state::{Cand, Engine};

pub type BusySpan = (DateTime<Utc>, DateTime<Utc>, ItemRef);

/// A sitting for the engine to place (or, if it has a `current` place, to
/// keep or move).
#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub exam_id: String,
    pub student_id: String,
    /// The student's own length (extended time and breaks included).
    pub length: Duration,
    pub computer: bool,
    pub separate_room: bool,
    /// Prefers a wheelchair-accessible room: a preference, since a placement
    /// elsewhere is better than none.
    pub accessible_room: bool,
    /// Room and start of a confirmed sitting. It stays there unless the run
    /// allows moves, and every move counts against the plan.
    pub current: Option<(String, DateTime<Utc>)>,
    /// The student's commitments at other centres, which the snapshot does not hold.
    pub busy_elsewhere: Vec<BusySpan>,
}

/// What to plan.
pub struct Problem<'a> {
    /// The centre as it stands. Sittings named by a task are the engine's to
    /// place; everything else is fixed.
    pub snapshot: &'a Snapshot,
    pub tasks: Vec<Task>,
    /// Whether confirmed sittings (tasks with `current`) may move.
    pub allow_moves: bool,
    /// Local dates whose invigilator assignments are rebuilt from scratch. `None`
    /// keeps every assignment and only adds what is missing (approval).
    pub restaff: Option<(NaiveDate, NaiveDate)>,
    /// Rooms that are wheelchair accessible.
    pub accessible_rooms: Vec<String>,
    /// Local dates a sitting may be placed on (a re-plan's range); `None`: any
    /// date of the snapshot.
    pub within: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    /// Stop improving after this long (construction always finishes).
    pub time_limit: StdDuration,
    /// Stop improving after this many steps; with a generous time limit this
    /// makes a run repeatable exactly.
    pub max_iterations: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 1,
            time_limit: StdDuration::from_secs(2),
            max_iterations: 100_000,
        }
    }
}

/// The objective, compared field by field in declaration order: fewer
/// unplaced sittings beat anything else, and so on down.
///
/// Its OpenAPI schema is declared at the service edge (`skrivsal::openapi::schemas`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Cost {
    pub unplaced: u32,
    /// Confirmed sittings placed elsewhere than they were (or left unplaced).
    pub moves: u32,
    /// Invigilator time the plan adds (for a re-plan with moves: all of it in the
    /// date range), in minutes.
    pub invigilator_minutes: i64,
    /// Room-days with at least one sitting.
    pub rooms_opened: u32,
    /// Sittings wanting an accessible room placed in another, and fixed-time
    /// exams not at their exact start.
    pub unmet_preferences: u32,
}

/// Reported while the engine works.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// "construct" or "improve".
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
    pub cost: Cost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub sitting_id: String,
    pub exam_request_id: String,
    pub student_id: String,
    pub room_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub computer: bool,
    pub separate_room: bool,
    /// Where a confirmed sitting was, when the plan moves it.
    pub moved_from: Option<(String, DateTime<Utc>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAssignment {
    pub invigilator_id: String,
    pub room_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A sitting left without a place, and the rules that block its best candidate.
#[derive(Debug, Clone, Serialize)]
pub struct Unplaced {
    pub sitting_id: String,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// Every placed task, moved or not.
    pub placements: Vec<Placement>,
    pub unplaced: Vec<Unplaced>,
    pub new_assignments: Vec<NewAssignment>,
    /// Ids of existing assignments the plan drops (re-plan with moves).
    pub removed_assignments: Vec<String>,
    /// Violations of the final check that no task explains (the fixed state
    /// itself breaks a rule); empty in a healthy centre.
    pub conflicts: Vec<Violation>,
    pub cost: Cost,
    pub iterations: u64,
    /// Tasks the final check took out after the search placed them: a
    /// disagreement between the engine's model and the checker. Tests hold it at 0.
    pub corrections: usize,
}

impl Plan {
    /// The batch for [`conflicts::check`] and for writing: placements, then the
    /// dropped and the new assignments, ids for which come from `new_id`.
    pub fn changes(&self, mut new_id: impl FnMut() -> String) -> Vec<Change> {
        let mut out: Vec<Change> = self
            .placements
            .iter()
            .map(|p| {
                Change::PlaceSitting(Sitting {
                    id: p.sitting_id.clone(),
                    exam_request_id: p.exam_request_id.clone(),
                    student_id: p.student_id.clone(),
                    room_id: p.room_id.clone(),
                    start: p.start,
                    end: p.end,
                    computer: p.computer,
                    separate_room: p.separate_room,
                })
            })
            .collect();
        out.extend(
            self.removed_assignments
                .iter()
                .map(|id| Change::Unassign { id: id.clone() }),
        );
        out.extend(self.new_assignments.iter().map(|a| {
            Change::Assign(InvigilatorAssignment {
                id: new_id(),
                invigilator_id: a.invigilator_id.clone(),
                room_id: a.room_id.clone(),
                start: a.start,
                end: a.end,
            })
        }));
        out
    }
}

/// Candidate starts of a sitting of `length` for `exam`: the exact start, then
/// alternately later and earlier in 15-minute steps within the allowed offset;
/// for a window, every 15 minutes from its opening while the sitting still
/// ends inside it.
///
/// Only starts on the snapshot's dates `dates` (with a day's margin for the
/// zone) are listed: nothing outside them can be judged, and it keeps the cost
/// of a window proportional to the dates loaded, not to how far it reaches.
pub fn candidate_starts(
    exam: &Exam,
    length: Duration,
    dates: (NaiveDate, NaiveDate),
) -> Vec<DateTime<Utc>> {
    const STEP: i64 = 15;
    let horizon_start = (dates.0 - Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let horizon_end = (dates.1 + Duration::days(2))
        .and_time(NaiveTime::MIN)
        .and_utc();
    match exam.timing {
        ExamTiming::Fixed { starts_at } => {
            let mut out = vec![starts_at];
            let mut k = STEP;
            while k <= i64::from(exam.start_offset_minutes) {
                out.push(starts_at + Duration::minutes(k));
                out.push(starts_at - Duration::minutes(k));
                k += STEP;
            }
            out
        }
        ExamTiming::Window {
            earliest_start,
            latest_end,
        } => {
            let step = Duration::minutes(STEP);
            // The first step of the window's own 15-minute grid inside the horizon.
            let skipped = (horizon_start - earliest_start).num_minutes().max(0);
            let mut t = earliest_start + Duration::minutes((skipped + STEP - 1) / STEP * STEP);
            let last_end = latest_end.min(horizon_end);
            let mut out = Vec::new();
            while t + length <= last_end {
                out.push(t);
                t += step;
            }
            out
        }
    }
}

fn is_staffing_rule(rule: Rule) -> bool {
    matches!(rule, Rule::InvigilatorCoverage | Rule::InvigilatorRatio)
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn instant(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

/// Plans `problem`. Never fails: what cannot be placed is in
/// [`Plan::unplaced`] with the rules that block it.
pub fn plan(problem: &Problem<'_>, options: &Options, progress: &mut dyn FnMut(&Progress)) -> Plan {
    let mut engine = Engine::new(problem);
    engine.construct(progress);
    let iterations = engine.improve(options, progress);

    // The checker has the last word. Anything it refuses is taken out and
    // reported; the tests hold this at zero.
    let index: HashMap<&str, usize> = problem
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut forced: HashMap<usize, Vec<Violation>> = HashMap::new();
    let mut conflicts_left = Vec::new();
    for _ in 0..4 {
        let (_, changes) = engine.draft(iterations);
        let violations = match conflicts::check(problem.snapshot, &changes) {
            Ok(()) => break,
            Err(v) => v,
        };
        let mut culprits: HashSet<usize> = HashSet::new();
        for v in &violations {
            for r in std::iter::once(&v.item).chain(v.with.iter()) {
                if r.kind == ItemKind::Sitting {
                    if let Some(&t) = index.get(r.id.as_str()) {
                        if engine.pos[t].is_some() && !engine.tasks[t].pinned {
                            culprits.insert(t);
                            forced.entry(t).or_default().push(v.clone());
                        }
                    }
                }
            }
        }
        if culprits.is_empty() {
            conflicts_left = violations;
            break;
        }
        for &t in &culprits {
            engine.set_pos(t, None, false);
        }
        engine.settle_forced();
        engine.commit();
    }

    let (draft, changes) = engine.draft(iterations);
    let final_state = Snapshot::new(conflicts::apply(problem.snapshot.data(), &changes));
    let mut unplaced = Vec::new();
    for (t, task) in problem.tasks.iter().enumerate() {
        if engine.pos[t].is_some() {
            continue;
        }
        let violations = forced
            .remove(&t)
            .unwrap_or_else(|| engine.explain(t, &final_state));
        unplaced.push(Unplaced {
            sitting_id: task.id.clone(),
            violations,
        });
    }
    // A kept assignment removed and recreated unchanged is no change.
    let mut plan = Plan {
        unplaced,
        conflicts: conflicts_left,
        corrections: forced.len(),
        ..draft
    };
    let data = problem.snapshot.data();
    let removed: Vec<&InvigilatorAssignment> = data
        .assignments
        .iter()
        .filter(|a| plan.removed_assignments.contains(&a.id))
        .collect();
    let mut keep: HashSet<String> = HashSet::new();
    plan.new_assignments.retain(|n| {
        match removed.iter().find(|a| {
            !keep.contains(&a.id)
                && a.invigilator_id == n.invigilator_id
                && a.room_id == n.room_id
                && a.start == n.start
                && a.end == n.end
        }) {
            Some(a) => {
                keep.insert(a.id.clone());
                false
            }
            None => true,
        }
    });
    plan.removed_assignments.retain(|id| !keep.contains(id));
    plan
}

/// Adds the invigilator assignments that `changes` (say, a sitting moved by
/// hand) leave missing, keeping every existing one; ids come from `new_id`.
/// The batch comes back only if the checker accepts it whole.
pub fn staff(
    snapshot: &Snapshot,
    mut changes: Vec<Change>,
    mut new_id: impl FnMut() -> String,
) -> Result<Vec<Change>, Vec<Violation>> {
    let after = Snapshot::new(conflicts::apply(snapshot.data(), &changes));
    let problem = Problem {
        snapshot: &after,
        tasks: Vec::new(),
        allow_moves: false,
        restaff: None,
        accessible_rooms: Vec::new(),
        within: None,
    };
    // With no tasks, building the engine staffs the state as it stands.
    let engine = Engine::new(&problem);
    changes.extend(engine.new_assignments().into_iter().map(|a| {
        Change::Assign(InvigilatorAssignment {
            id: new_id(),
            invigilator_id: a.invigilator_id,
            room_id: a.room_id,
            start: a.start,
            end: a.end,
        })
    }));
    conflicts::check(snapshot, &changes).map(|()| changes)
}
