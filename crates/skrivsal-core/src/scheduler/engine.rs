//! The search itself: state, moves with an undo log, construction, hill
//! climbing, the final check and the report of what could not be placed.

use std::collections::{HashMap, HashSet};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
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
pub fn candidate_starts(exam: &Exam, length: Duration) -> Vec<DateTime<Utc>> {
    const STEP: i64 = 15;
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
            let mut out = Vec::new();
            let mut t = earliest_start;
            while t + length <= latest_end {
                out.push(t);
                t += Duration::minutes(STEP);
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cand {
    start: i64,
    room: u32,
    day: u32,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    start: i64,
    end: i64,
    computer: bool,
    separate: bool,
    study: bool,
    task: Option<usize>,
}

struct TaskInfo {
    /// Sorted by (start, room).
    cands: Vec<Cand>,
    length: i64,
    computer: bool,
    separate: bool,
    accessible: bool,
    student: usize,
    fixed_start: Option<i64>,
    /// The current place, if it is one of the candidates.
    current: Option<Cand>,
    had_current: bool,
    pinned: bool,
}

struct RoomInfo {
    seats: i64,
    computers: i64,
    accessible: bool,
}

enum Undo {
    Pos(usize, Option<Cand>),
    Day(usize, i64, Vec<Piece>),
}

struct Engine<'a> {
    problem: &'a Problem<'a>,
    tz: Tz,
    ndays: usize,
    rooms: Vec<RoomInfo>,
    tasks: Vec<TaskInfo>,
    pos: Vec<Option<Cand>>,
    /// Per room-day (`room * ndays + day`): what is in the room.
    occ: Vec<Vec<Item>>,
    room_day_sittings: Vec<u32>,
    student_tasks: Vec<Vec<usize>>,
    day_tasks: Vec<Vec<usize>>,
    day_fixed: Vec<Vec<Presence>>,
    day_kept: Vec<Vec<Piece>>,
    /// Per day, the assignments a re-plan dropped (a hint for staffing).
    day_previous: Vec<Vec<Piece>>,
    available: Vec<Vec<(i64, i64)>>,
    day_pieces: Vec<Vec<Piece>>,
    day_secs: Vec<i64>,
    dirty: Vec<usize>,
    undo: Vec<Undo>,
    removed_assignments: Vec<String>,
    unplaced: u32,
    moves: u32,
    prefs: u32,
    rooms_opened: u32,
    inv_secs: i64,
    /// Tie-breaker below the cost: seats of the rooms sittings are in, counted
    /// against them (separate rooms: for them). Among equal plans it keeps
    /// shared sittings in the largest rooms, so later ones can still join them
    /// under the same invigilator.
    fit: i64,
}

impl<'a> Engine<'a> {
    fn new(problem: &'a Problem<'a>) -> Self {
        let data = problem.snapshot.data();
        let tz = data.centre.calendar.tz;
        let first_day = data.from;
        let ndays = usize::try_from((data.to - data.from).num_days() + 1).unwrap_or(0);
        let day_of = |t: i64| -> Option<usize> {
            let date = wall_clock(tz, instant(t))?.date();
            let d = (date - first_day).num_days();
            usize::try_from(d).ok().filter(|&d| d < ndays)
        };
        let room_index: HashMap<&str, usize> = data
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let accessible: HashSet<&str> = problem
            .accessible_rooms
            .iter()
            .map(String::as_str)
            .collect();
        let rooms: Vec<RoomInfo> = data
            .rooms
            .iter()
            .map(|r| RoomInfo {
                seats: i64::from(r.seats),
                computers: i64::from(r.computer_seats),
                accessible: accessible.contains(r.id.as_str()),
            })
            .collect();
        let nrooms = rooms.len();
        let task_ids: HashSet<&str> = problem.tasks.iter().map(|t| t.id.as_str()).collect();
        let mut students: HashMap<&str, usize> = HashMap::new();
        for t in &problem.tasks {
            let n = students.len();
            students.entry(t.student_id.as_str()).or_insert(n);
        }
        // What each task's student already does at this centre.
        let mut student_fixed: Vec<Vec<(i64, i64)>> = vec![Vec::new(); students.len()];
        let mut occ: Vec<Vec<Item>> = vec![Vec::new(); nrooms * ndays];
        let mut room_day_sittings = vec![0u32; nrooms * ndays];
        let mut day_fixed: Vec<Vec<Presence>> = vec![Vec::new(); ndays];
        for s in data
            .sittings
            .iter()
            .filter(|s| !task_ids.contains(s.id.as_str()))
        {
            let (a, b) = (secs(s.start), secs(s.end));
            if let Some(&st) = students.get(s.student_id.as_str()) {
                student_fixed[st].push((a, b));
            }
            if let (Some(&r), Some(d)) = (room_index.get(s.room_id.as_str()), day_of(a)) {
                occ[r * ndays + d].push(Item {
                    start: a,
                    end: b,
                    computer: s.computer,
                    separate: s.separate_room,
                    study: false,
                    task: None,
                });
                room_day_sittings[r * ndays + d] += 1;
                day_fixed[d].push(Presence {
                    room: r,
                    start: a,
                    end: b,
                });
            }
        }
        for b in &data.study_bookings {
            let (s, e) = (secs(b.start), secs(b.end));
            if let Some(&st) = students.get(b.student_id.as_str()) {
                student_fixed[st].push((s, e));
            }
            if let (Some(&r), Some(d)) = (room_index.get(b.room_id.as_str()), day_of(s)) {
                occ[r * ndays + d].push(Item {
                    start: s,
                    end: e,
                    computer: b.computer,
                    separate: false,
                    study: true,
                    task: None,
                });
            }
        }
        let inv_index: HashMap<&str, usize> = data
            .invigilators
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id.as_str(), i))
            .collect();
        let available: Vec<Vec<(i64, i64)>> = data
            .invigilators
            .iter()
            .map(|i| {
                if i.active {
                    i.availability
                        .iter()
                        .map(|iv| (secs(iv.start()), secs(iv.end())))
                        .collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut day_kept: Vec<Vec<Piece>> = vec![Vec::new(); ndays];
        let mut day_previous: Vec<Vec<Piece>> = vec![Vec::new(); ndays];
        let mut removed_assignments = Vec::new();
        for a in &data.assignments {
            let (s, e) = (secs(a.start), secs(a.end));
            let local = wall_clock(tz, a.start).map(|l| l.date());
            let dropped = match (problem.restaff, local) {
                (Some((from, to)), Some(date)) => from <= date && date <= to,
                _ => false,
            };
            if dropped {
                removed_assignments.push(a.id.clone());
                if let (Some(&inv), Some(&room), Some(d)) = (
                    inv_index.get(a.invigilator_id.as_str()),
                    room_index.get(a.room_id.as_str()),
                    day_of(s),
                ) {
                    day_previous[d].push(Piece {
                        invigilator: inv,
                        room,
                        start: s,
                        end: e,
                    });
                }
                continue;
            }
            let (Some(&inv), Some(&room)) = (
                inv_index.get(a.invigilator_id.as_str()),
                room_index.get(a.room_id.as_str()),
            ) else {
                continue;
            };
            // A kept assignment covers and occupies every day it touches.
            let (Some(d0), d1) = (day_of(s), day_of(e - 1)) else {
                continue;
            };
            let piece = Piece {
                invigilator: inv,
                room,
                start: s,
                end: e,
            };
            for kept in &mut day_kept[d0..=d1.unwrap_or(d0)] {
                kept.push(piece);
            }
        }

        let staffed = staffed_set(&data.centre.calendar, data.from, data.to);
        let exams: HashMap<&str, &Exam> = data.exams.iter().map(|e| (e.id.as_str(), e)).collect();
        let mut tasks = Vec::with_capacity(problem.tasks.len());
        let mut student_tasks: Vec<Vec<usize>> = vec![Vec::new(); students.len()];
        for (ti, t) in problem.tasks.iter().enumerate() {
            let student = students[t.student_id.as_str()];
            student_tasks[student].push(ti);
            let length = t.length.num_seconds().max(0);
            let exam = exams.get(t.exam_id.as_str());
            let fixed_start = exam.and_then(|e| match e.timing {
                ExamTiming::Fixed { starts_at } => Some(secs(starts_at)),
                ExamTiming::Window { .. } => None,
            });
            let busy: Vec<(i64, i64)> = t
                .busy_elsewhere
                .iter()
                .map(|(a, b, _)| (secs(*a), secs(*b)))
                .chain(student_fixed[student].iter().copied())
                .collect();
            let starts = exam.map_or_else(Vec::new, |e| candidate_starts(e, t.length));
            let mut cands = Vec::new();
            for start in starts {
                let (s, e) = (secs(start), secs(start) + length);
                if busy.iter().any(|&(a, b)| a < e && s < b) {
                    continue;
                }
                let Some(span) = Interval::new(start, start + t.length) else {
                    continue;
                };
                if !staffed.covers(&span) {
                    continue;
                }
                let Some(day) = day_of(s) else {
                    continue;
                };
                if let Some((a, b)) = problem.within {
                    let date = first_day + Duration::days(day as i64);
                    if date < a || b < date {
                        continue;
                    }
                }
                for (r, room) in data.rooms.iter().enumerate() {
                    // A sitting alone in the room must pass the room's own rules.
                    let usable = !room_inactive::broken(room)
                        && room_not_bookable::bookable(room, Purpose::Exam)
                        && !room_capacity::broken(1, room.seats)
                        && (!t.computer || !computer_seats::broken(1, room.computer_seats));
                    if usable {
                        cands.push(Cand {
                            start: s,
                            room: r as u32,
                            day: day as u32,
                        });
                    }
                }
            }
            cands.sort_unstable();
            let current = t.current.as_ref().and_then(|(room, start)| {
                let r = *room_index.get(room.as_str())? as u32;
                let s = secs(*start);
                cands
                    .binary_search_by(|c| (c.start, c.room).cmp(&(s, r)))
                    .ok()
                    .map(|i| cands[i])
            });
            tasks.push(TaskInfo {
                cands,
                length,
                computer: t.computer,
                separate: t.separate_room,
                accessible: t.accessible_room,
                student,
                fixed_start,
                current,
                had_current: t.current.is_some(),
                pinned: t.current.is_some() && !problem.allow_moves,
            });
        }
        let ntasks = tasks.len();
        let moves = tasks.iter().filter(|t| t.had_current).count() as u32;
        let mut engine = Self {
            problem,
            tz,
            ndays,
            rooms,
            tasks,
            pos: vec![None; ntasks],
            occ,
            room_day_sittings,
            student_tasks,
            day_tasks: vec![Vec::new(); ndays],
            day_fixed,
            day_kept,
            day_previous,
            available,
            day_pieces: vec![Vec::new(); ndays],
            day_secs: vec![0; ndays],
            dirty: Vec::new(),
            undo: Vec::new(),
            removed_assignments,
            unplaced: ntasks as u32,
            moves,
            prefs: 0,
            rooms_opened: 0,
            inv_secs: 0,
            fit: 0,
        };
        engine.rooms_opened = engine.room_day_sittings.iter().filter(|&&n| n > 0).count() as u32;
        // Staff the fixed state once, so that later steps pay only for what they change.
        engine.dirty = (0..ndays).collect();
        engine.settle_forced();
        engine.undo.clear();
        engine
    }

    fn cost(&self) -> Cost {
        Cost {
            unplaced: self.unplaced,
            moves: self.moves,
            invigilator_minutes: (self.inv_secs + 59).div_euclid(60),
            rooms_opened: self.rooms_opened,
            unmet_preferences: self.prefs,
        }
    }

    /// What the search compares: the cost, then the room fit.
    fn key(&self) -> (Cost, i64) {
        (self.cost(), self.fit)
    }

    fn room_fit(&self, t: usize, c: Cand) -> i64 {
        let seats = self.rooms[c.room as usize].seats;
        if self.tasks[t].separate {
            seats
        } else {
            -seats
        }
    }

    fn pref_unmet(&self, t: usize, c: Cand) -> u32 {
        let ti = &self.tasks[t];
        u32::from(ti.accessible && !self.rooms[c.room as usize].accessible)
            + u32::from(ti.fixed_start.is_some_and(|s| s != c.start))
    }

    fn moved(&self, t: usize, at: Option<Cand>) -> bool {
        let ti = &self.tasks[t];
        ti.had_current && (ti.current.is_none() || at != ti.current)
    }

    fn slot(&self, c: Cand) -> usize {
        c.room as usize * self.ndays + c.day as usize
    }

    fn mark_dirty(&mut self, day: usize) {
        if !self.dirty.contains(&day) {
            self.dirty.push(day);
        }
    }

    fn set_pos(&mut self, t: usize, new: Option<Cand>, log: bool) {
        let old = self.pos[t];
        if old == new {
            return;
        }
        if self.moved(t, old) {
            self.moves -= 1;
        }
        if let Some(c) = old {
            let slot = self.slot(c);
            self.occ[slot].retain(|it| it.task != Some(t));
            self.room_day_sittings[slot] -= 1;
            if self.room_day_sittings[slot] == 0 {
                self.rooms_opened -= 1;
            }
            self.day_tasks[c.day as usize].retain(|&x| x != t);
            self.mark_dirty(c.day as usize);
            self.prefs -= self.pref_unmet(t, c);
            self.fit -= self.room_fit(t, c);
        } else {
            self.unplaced -= 1;
        }
        if let Some(c) = new {
            let slot = self.slot(c);
            let ti = &self.tasks[t];
            self.occ[slot].push(Item {
                start: c.start,
                end: c.start + ti.length,
                computer: ti.computer,
                separate: ti.separate,
                study: false,
                task: Some(t),
            });
            self.room_day_sittings[slot] += 1;
            if self.room_day_sittings[slot] == 1 {
                self.rooms_opened += 1;
            }
            self.day_tasks[c.day as usize].push(t);
            self.mark_dirty(c.day as usize);
            self.prefs += self.pref_unmet(t, c);
            self.fit += self.room_fit(t, c);
        } else {
            self.unplaced += 1;
        }
        if self.moved(t, new) {
            self.moves += 1;
        }
        self.pos[t] = new;
        if log {
            self.undo.push(Undo::Pos(t, old));
        }
    }

    fn presence(&self, day: usize) -> Vec<Presence> {
        let mut out = self.day_fixed[day].clone();
        for &t in &self.day_tasks[day] {
            if let Some(c) = self.pos[t] {
                out.push(Presence {
                    room: c.room as usize,
                    start: c.start,
                    end: c.start + self.tasks[t].length,
                });
            }
        }
        out
    }

    fn staff(&self, day: usize) -> Result<Vec<Piece>, staffing::Short> {
        let staff = Staff {
            available: &self.available,
            ratio: self.problem.snapshot.data().centre.invigilator_ratio,
            previous: &self.day_previous[day],
        };
        staffing::staff_day(
            self.rooms.len(),
            &self.presence(day),
            &self.day_kept[day],
            &staff,
        )
    }

    fn set_day(&mut self, day: usize, pieces: Vec<Piece>, log: bool) {
        let total: i64 = pieces.iter().map(|p| p.end - p.start).sum();
        let old_secs = self.day_secs[day];
        let old = std::mem::replace(&mut self.day_pieces[day], pieces);
        self.inv_secs += total - old_secs;
        self.day_secs[day] = total;
        if log {
            self.undo.push(Undo::Day(day, old_secs, old));
        }
    }

    /// Re-staffs the days touched since the last settle; false if one of them
    /// cannot be staffed (the caller rolls back).
    fn settle(&mut self) -> bool {
        while let Some(day) = self.dirty.pop() {
            match self.staff(day) {
                Ok(pieces) => self.set_day(day, pieces, true),
                Err(_) => {
                    self.dirty.clear();
                    return false;
                }
            }
        }
        true
    }

    /// As [`Self::settle`], but a day that cannot be staffed keeps what it
    /// can: used where there is nothing to roll back to.
    fn settle_forced(&mut self) {
        while let Some(day) = self.dirty.pop() {
            let pieces = self.staff(day).unwrap_or_default();
            self.set_day(day, pieces, true);
        }
    }

    fn mark(&self) -> usize {
        self.undo.len()
    }

    fn rollback(&mut self, mark: usize) {
        while self.undo.len() > mark {
            match self.undo.pop() {
                Some(Undo::Pos(t, old)) => self.set_pos(t, old, false),
                Some(Undo::Day(day, secs, pieces)) => {
                    self.inv_secs += secs - self.day_secs[day];
                    self.day_secs[day] = secs;
                    self.day_pieces[day] = pieces;
                }
                None => break,
            }
        }
        self.dirty.clear();
    }

    fn commit(&mut self) {
        self.undo.clear();
    }

    /// Whether `t` (not placed) fits at `c` by rules 2-5; staffing is judged
    /// when the day settles.
    fn fits(&self, t: usize, c: Cand) -> bool {
        let ti = &self.tasks[t];
        let (s, e) = (c.start, c.start + ti.length);
        for &o in &self.student_tasks[ti.student] {
            if o == t {
                continue;
            }
            if let Some(oc) = self.pos[o] {
                if oc.start < e && s < oc.start + self.tasks[o].length {
                    return false;
                }
            }
        }
        let room = &self.rooms[c.room as usize];
        let mut events: Vec<(i64, i64, i64)> = Vec::new();
        for it in &self.occ[self.slot(c)] {
            if it.task == Some(t) || it.end <= s || e <= it.start {
                continue;
            }
            if exam_and_study_mixed::clash(it.study, false)
                || separate_room::sittings_clash(it.separate, ti.separate)
            {
                return false;
            }
            let comp = i64::from(it.computer);
            events.push((it.start.max(s), 1, comp));
            events.push((it.end.min(e), -1, -comp));
        }
        let (mut n, mut m) = (1i64, i64::from(ti.computer));
        let over = |n: i64, m: i64| {
            room_capacity::broken(n, room.seats) || computer_seats::broken(m, room.computers)
        };
        if over(n, m) {
            return false;
        }
        // Ends before starts at the same instant: spans are half-open.
        events.sort_unstable_by_key(|&(at, d, _)| (at, d));
        for (_, d, dc) in events {
            n += d;
            m += dc;
            if over(n, m) {
                return false;
            }
        }
        true
    }

    /// A quick ranking of candidates: time the sitting adds to its room's
    /// occupied span that day, whether it opens the room, preferences, and
    /// the room's size: the smallest for a separate room (it is taken whole),
    /// the largest otherwise (so an exam's students stay together).
    fn estimate(&self, t: usize, c: Cand) -> (i64, u32, u32, i64) {
        let ti = &self.tasks[t];
        let (s, e) = (c.start, c.start + ti.length);
        let slot = self.slot(c);
        let mut parts: Vec<(i64, i64)> = self.occ[slot]
            .iter()
            .filter(|it| !it.study && it.task != Some(t) && it.start < e && s < it.end)
            .map(|it| (it.start.max(s), it.end.min(e)))
            .collect();
        parts.sort_unstable();
        let mut covered = 0;
        let mut reach = s;
        for (a, b) in parts {
            let a = a.max(reach);
            if b > a {
                covered += b - a;
                reach = b;
            }
        }
        let seats = self.rooms[c.room as usize].seats;
        (
            (e - s) - covered,
            u32::from(self.room_day_sittings[slot] == 0),
            self.pref_unmet(t, c),
            if ti.separate { seats } else { -seats },
        )
    }

    /// Places unplaced `t` at the best of its `k` best-looking feasible
    /// candidates, judged by the whole cost. Leaves the change in the undo log.
    fn insert(&mut self, t: usize, k: usize) -> bool {
        let mut ranked: Vec<((i64, u32, u32, i64), Cand)> = self.tasks[t]
            .cands
            .iter()
            .map(|&c| (self.estimate(t, c), c))
            .collect();
        ranked.sort_unstable();
        let mut best: Option<((Cost, i64), Cand)> = None;
        let mut tried = 0;
        for (_, c) in ranked {
            if !self.fits(t, c) {
                continue;
            }
            let m = self.mark();
            self.set_pos(t, Some(c), true);
            if self.settle() {
                let key = self.key();
                if best.is_none_or(|(b, _)| key < b) {
                    best = Some((key, c));
                }
                tried += 1;
            }
            self.rollback(m);
            if tried >= k {
                break;
            }
        }
        match best {
            Some((_, c)) => {
                self.set_pos(t, Some(c), true);
                self.settle()
            }
            None => false,
        }
    }

    fn construct(&mut self, progress: &mut dyn FnMut(&Progress)) {
        let mut order: Vec<usize> = (0..self.tasks.len()).collect();
        order.sort_by_key(|&t| {
            let ti = &self.tasks[t];
            (
                !ti.pinned,
                ti.current.is_none(),
                !ti.separate,
                !ti.computer,
                // Those who want an accessible room claim it before others fill it.
                !ti.accessible,
                ti.cands.len(),
                -ti.length,
                t,
            )
        });
        let total = order.len() as u64;
        for (i, t) in order.into_iter().enumerate() {
            if let Some(c) = self.tasks[t].current {
                if self.fits(t, c) {
                    let m = self.mark();
                    self.set_pos(t, Some(c), true);
                    if self.settle() {
                        self.commit();
                        continue;
                    }
                    self.rollback(m);
                }
            }
            if !self.tasks[t].pinned && !self.insert(t, 6) {
                self.rollback(0);
            }
            self.commit();
            if i.is_multiple_of(64) {
                progress(&Progress {
                    phase: "construct",
                    done: i as u64,
                    total,
                    cost: self.cost(),
                });
            }
        }
    }

    /// Candidates of `t` sharing a room with `u`: the same start, back to back
    /// after it, or ending with it.
    fn join_targets(&self, t: usize, u: usize) -> Vec<Cand> {
        let Some(uc) = self.pos[u] else {
            return Vec::new();
        };
        let ue = uc.start + self.tasks[u].length;
        let tl = self.tasks[t].length;
        let cands = &self.tasks[t].cands;
        [uc.start, ue, ue - tl, uc.start - tl]
            .into_iter()
            .filter_map(|s| {
                cands
                    .binary_search_by(|c| (c.start, c.room).cmp(&(s, uc.room)))
                    .ok()
                    .map(|i| cands[i])
            })
            .collect()
    }

    /// Tries to place unplaced `t` by taking out up to two movable sittings in
    /// its way and placing them again elsewhere.
    fn insert_with_ejection(&mut self, t: usize, rng: &mut SmallRng) -> bool {
        let before = self.key();
        let m = self.mark();
        if self.insert(t, 3) {
            self.commit();
            return true;
        }
        self.rollback(m);
        let mut ranked: Vec<((i64, u32, u32, i64), Cand)> = self.tasks[t]
            .cands
            .iter()
            .map(|&c| (self.estimate(t, c), c))
            .collect();
        ranked.sort_unstable();
        ranked.truncate(24);
        if ranked.len() > 1 {
            let k = rng.gen_range(0..ranked.len());
            ranked.swap(0, k);
        }
        let ti_student = self.tasks[t].student;
        for (_, c) in ranked {
            let (s, e) = (c.start, c.start + self.tasks[t].length);
            let mut blockers: Vec<usize> = self.occ[self.slot(c)]
                .iter()
                .filter(|it| it.start < e && s < it.end)
                .filter_map(|it| it.task)
                .chain(self.student_tasks[ti_student].iter().copied().filter(|&o| {
                    o != t
                        && self.pos[o]
                            .is_some_and(|oc| oc.start < e && s < oc.start + self.tasks[o].length)
                }))
                .collect();
            blockers.sort_unstable();
            blockers.dedup();
            if blockers.is_empty()
                || blockers.len() > 2
                || blockers.iter().any(|&b| self.tasks[b].pinned)
            {
                continue;
            }
            let m = self.mark();
            for &b in &blockers {
                self.set_pos(b, None, true);
            }
            if !self.fits(t, c) {
                self.rollback(m);
                continue;
            }
            self.set_pos(t, Some(c), true);
            if !self.settle() {
                self.rollback(m);
                continue;
            }
            for &b in &blockers {
                let inner = self.mark();
                if !self.insert(b, 3) {
                    self.rollback(inner);
                }
            }
            if self.key() <= before {
                self.commit();
                return true;
            }
            self.rollback(m);
        }
        false
    }

    /// Moves every movable sitting of `from`'s room-day to `room`, keeping
    /// their starts: empties a room, or trades a room for a better one, which
    /// single moves cannot do without a worse step between.
    fn move_room(&mut self, from: Cand, room: u32) {
        if room == from.room {
            return;
        }
        let group: Vec<(usize, Cand)> = self.occ[self.slot(from)]
            .iter()
            .filter_map(|it| it.task)
            .filter(|&u| !self.tasks[u].pinned)
            .filter_map(|u| self.pos[u].map(|c| (u, c)))
            .collect();
        let before = self.key();
        let m = self.mark();
        for &(u, _) in &group {
            self.set_pos(u, None, true);
        }
        for &(u, c) in &group {
            let cands = &self.tasks[u].cands;
            let Ok(i) = cands.binary_search_by(|x| (x.start, x.room).cmp(&(c.start, room))) else {
                self.rollback(m);
                return;
            };
            let target = cands[i];
            if !self.fits(u, target) {
                self.rollback(m);
                return;
            }
            self.set_pos(u, Some(target), true);
        }
        if self.settle() && self.key() <= before {
            self.commit();
        } else {
            self.rollback(m);
        }
    }

    fn improve(&mut self, options: &Options, progress: &mut dyn FnMut(&Progress)) -> u64 {
        let movable: Vec<usize> = (0..self.tasks.len())
            .filter(|&t| !self.tasks[t].pinned && !self.tasks[t].cands.is_empty())
            .collect();
        if movable.is_empty() {
            return 0;
        }
        let mut rng = SmallRng::seed_from_u64(options.seed);
        let started = Instant::now();
        let mut last_report = Instant::now();
        let mut iterations = 0u64;
        while iterations < options.max_iterations {
            if iterations.is_multiple_of(32) && started.elapsed() >= options.time_limit {
                break;
            }
            iterations += 1;
            if last_report.elapsed() >= StdDuration::from_millis(200) {
                last_report = Instant::now();
                progress(&Progress {
                    phase: "improve",
                    done: iterations,
                    total: options.max_iterations,
                    cost: self.cost(),
                });
            }
            if self.unplaced > 0 && rng.gen_bool(0.3) {
                let waiting: Vec<usize> = movable
                    .iter()
                    .copied()
                    .filter(|&t| self.pos[t].is_none())
                    .collect();
                if let Some(&t) = waiting.get(rng.gen_range(0..waiting.len().max(1))) {
                    self.insert_with_ejection(t, &mut rng);
                    self.commit();
                }
                continue;
            }
            let t = movable[rng.gen_range(0..movable.len())];
            let Some(here) = self.pos[t] else {
                continue;
            };
            if rng.gen_bool(0.1) {
                let room = rng.gen_range(0..self.rooms.len()) as u32;
                self.move_room(here, room);
                continue;
            }
            let cands = &self.tasks[t].cands;
            let target = if rng.gen_bool(0.35) {
                Some(cands[rng.gen_range(0..cands.len())])
            } else {
                // Alongside another sitting of a day this task could be on.
                let day = cands[rng.gen_range(0..cands.len())].day as usize;
                let others = &self.day_tasks[day];
                if others.is_empty() {
                    None
                } else {
                    let u = others[rng.gen_range(0..others.len())];
                    let targets = self.join_targets(t, u);
                    if targets.is_empty() {
                        None
                    } else {
                        Some(targets[rng.gen_range(0..targets.len())])
                    }
                }
            };
            let Some(target) = target.filter(|&c| c != here) else {
                continue;
            };
            let before = self.key();
            let m = self.mark();
            self.set_pos(t, None, true);
            if !self.fits(t, target) {
                self.rollback(m);
                continue;
            }
            self.set_pos(t, Some(target), true);
            if self.settle() && self.key() <= before {
                self.commit();
            } else {
                self.rollback(m);
            }
        }
        iterations
    }

    fn placements(&self) -> Vec<Placement> {
        let data = self.problem.snapshot.data();
        let mut out = Vec::new();
        for (t, task) in self.problem.tasks.iter().enumerate() {
            let Some(c) = self.pos[t] else {
                continue;
            };
            let room_id = data.rooms[c.room as usize].id.clone();
            let start = instant(c.start);
            let moved_from = task
                .current
                .clone()
                .filter(|(room, at)| *room != room_id || *at != start);
            out.push(Placement {
                sitting_id: task.id.clone(),
                exam_request_id: task.exam_id.clone(),
                student_id: task.student_id.clone(),
                room_id,
                start,
                end: instant(c.start + self.tasks[t].length),
                computer: task.computer,
                separate_room: task.separate_room,
                moved_from,
            });
        }
        out
    }

    /// The plan as it stands (without the unplaced report) and its batch,
    /// with placeholder ids for the new assignments.
    fn draft(&self, iterations: u64) -> (Plan, Vec<Change>) {
        let plan = Plan {
            placements: self.placements(),
            unplaced: Vec::new(),
            new_assignments: self.new_assignments(),
            removed_assignments: self.removed_assignments.clone(),
            conflicts: Vec::new(),
            cost: self.cost(),
            iterations,
            corrections: 0,
        };
        let mut n = 0;
        let changes = plan.changes(|| {
            n += 1;
            format!("plan-assignment-{n}")
        });
        (plan, changes)
    }

    fn new_assignments(&self) -> Vec<NewAssignment> {
        let data = self.problem.snapshot.data();
        let mut out: Vec<NewAssignment> = self
            .day_pieces
            .iter()
            .flatten()
            .map(|p| NewAssignment {
                invigilator_id: data.invigilators[p.invigilator].id.clone(),
                room_id: data.rooms[p.room].id.clone(),
                start: instant(p.start),
                end: instant(p.end),
            })
            .collect();
        out.sort_by(|a, b| (a.start, &a.room_id).cmp(&(b.start, &b.room_id)));
        out
    }

    fn local(&self, t: DateTime<Utc>) -> String {
        wall_clock(self.tz, t).map_or_else(
            || t.format("%Y-%m-%d %H:%M UTC").to_string(),
            |l| l.format("%Y-%m-%d %H:%M").to_string(),
        )
    }

    /// Why `t` has no place: the rules its least-blocked candidate breaks,
    /// as the checker words them, against the final state.
    fn explain(&self, t: usize, final_state: &Snapshot) -> Vec<Violation> {
        let task = &self.problem.tasks[t];
        let data = final_state.data();
        let sitting_ref = ItemRef::new(ItemKind::Sitting, task.id.clone());
        let Some(exam) = data.exams.iter().find(|e| e.id == task.exam_id) else {
            return vec![Violation {
                rule: Rule::InvalidItem,
                message: "the exam request is not in the centre's dates".into(),
                item: sitting_ref,
                with: Some(ItemRef::new(ItemKind::ExamRequest, task.exam_id.clone())),
                span: None,
            }];
        };
        let starts = candidate_starts(exam, task.length);
        if starts.is_empty() {
            return vec![Violation {
                rule: Rule::ExamWindow,
                message: "the sitting, extended time included, is longer than the exam's window"
                    .into(),
                item: sitting_ref,
                with: Some(ItemRef::new(ItemKind::ExamRequest, exam.id.clone())),
                span: None,
            }];
        }
        // Bounded: enough to name the rule, cheap on a long window.
        let step = (starts.len() / 48).max(1);
        let mut best: Option<Vec<Violation>> = None;
        for start in starts.iter().step_by(step) {
            let end = *start + task.length;
            let violations = if let Some((_, _, with)) = task
                .busy_elsewhere
                .iter()
                .find(|(a, b, _)| *a < end && *start < *b)
            {
                vec![Violation {
                    rule: Rule::StudentDoubleBooked,
                    message: "the student has another booking at that time at another centre"
                        .into(),
                    item: sitting_ref.clone(),
                    with: Some(with.clone()),
                    span: None,
                }]
            } else {
                let mut best_room: Option<Vec<Violation>> = None;
                for room in &data.rooms {
                    let trial = [Change::PlaceSitting(Sitting {
                        id: task.id.clone(),
                        exam_request_id: task.exam_id.clone(),
                        student_id: task.student_id.clone(),
                        room_id: room.id.clone(),
                        start: *start,
                        end,
                        computer: task.computer,
                        separate_room: task.separate_room,
                    })];
                    let mut v: Vec<Violation> = match conflicts::check(final_state, &trial) {
                        Ok(()) => Vec::new(),
                        Err(v) => v
                            .into_iter()
                            .filter(|v| !is_staffing_rule(v.rule))
                            .collect(),
                    };
                    if v.is_empty() {
                        v.push(Violation {
                            rule: Rule::InvigilatorCoverage,
                            message: format!(
                                "no invigilator is available to cover {} from {}",
                                room.name,
                                self.local(*start)
                            ),
                            item: sitting_ref.clone(),
                            with: Some(ItemRef::new(ItemKind::Room, room.id.clone())),
                            span: Interval::new(*start, end),
                        });
                    }
                    if best_room.as_ref().is_none_or(|b| v.len() < b.len()) {
                        best_room = Some(v);
                    }
                }
                best_room.unwrap_or_default()
            };
            if best.as_ref().is_none_or(|b| violations.len() < b.len()) {
                best = Some(violations);
            }
        }
        best.unwrap_or_default()
    }
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
