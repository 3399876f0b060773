//! The engine's state: candidates, who is where, undo, and the day's invigilators kept in step.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Cand {
    pub(super) start: i64,
    pub(super) room: u32,
    pub(super) day: u32,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) computer: bool,
    pub(super) separate: bool,
    pub(super) study: bool,
    pub(super) task: Option<usize>,
}

pub(super) struct TaskInfo {
    /// Sorted by (start, room).
    pub(super) cands: Vec<Cand>,
    pub(super) length: i64,
    pub(super) computer: bool,
    pub(super) separate: bool,
    pub(super) accessible: bool,
    pub(super) student: usize,
    pub(super) fixed_start: Option<i64>,
    /// The current place, if it is one of the candidates.
    pub(super) current: Option<Cand>,
    pub(super) had_current: bool,
    pub(super) pinned: bool,
}

pub(super) struct RoomInfo {
    pub(super) seats: i64,
    pub(super) computers: i64,
    pub(super) accessible: bool,
}

pub(super) enum Undo {
    Pos(usize, Option<Cand>),
    Day(usize, i64, Vec<Piece>),
}

pub(super) struct Engine<'a> {
    pub(super) problem: &'a Problem<'a>,
    pub(super) tz: Tz,
    pub(super) ndays: usize,
    pub(super) rooms: Vec<RoomInfo>,
    pub(super) tasks: Vec<TaskInfo>,
    pub(super) pos: Vec<Option<Cand>>,
    /// Per room-day (`room * ndays + day`): what is in the room.
    pub(super) occ: Vec<Vec<Item>>,
    pub(super) room_day_sittings: Vec<u32>,
    pub(super) student_tasks: Vec<Vec<usize>>,
    pub(super) day_tasks: Vec<Vec<usize>>,
    pub(super) day_fixed: Vec<Vec<Presence>>,
    pub(super) day_kept: Vec<Vec<Piece>>,
    /// Per day, the assignments a re-plan dropped (a hint for staffing).
    pub(super) day_previous: Vec<Vec<Piece>>,
    pub(super) available: Vec<Vec<(i64, i64)>>,
    pub(super) day_pieces: Vec<Vec<Piece>>,
    pub(super) day_secs: Vec<i64>,
    pub(super) dirty: Vec<usize>,
    pub(super) undo: Vec<Undo>,
    pub(super) removed_assignments: Vec<String>,
    pub(super) unplaced: u32,
    pub(super) moves: u32,
    pub(super) prefs: u32,
    pub(super) rooms_opened: u32,
    pub(super) inv_secs: i64,
    /// Tie-breaker below the cost: seats of the rooms sittings are in, counted
    /// against them (separate rooms: for them). Among equal plans it keeps
    /// shared sittings in the largest rooms, so later ones can still join them
    /// under the same invigilator.
    pub(super) fit: i64,
}

impl<'a> Engine<'a> {
    pub(super) fn new(problem: &'a Problem<'a>) -> Self {
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
            let starts = exam.map_or_else(Vec::new, |e| {
                candidate_starts(e, t.length, (data.from, data.to))
            });
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

    pub(super) fn cost(&self) -> Cost {
        Cost {
            unplaced: self.unplaced,
            moves: self.moves,
            invigilator_minutes: (self.inv_secs + 59).div_euclid(60),
            rooms_opened: self.rooms_opened,
            unmet_preferences: self.prefs,
        }
    }

    /// What the search compares: the cost, then the room fit.
    pub(super) fn key(&self) -> (Cost, i64) {
        (self.cost(), self.fit)
    }

    pub(super) fn room_fit(&self, t: usize, c: Cand) -> i64 {
        let seats = self.rooms[c.room as usize].seats;
        if self.tasks[t].separate {
            seats
        } else {
            -seats
        }
    }

    pub(super) fn pref_unmet(&self, t: usize, c: Cand) -> u32 {
        let ti = &self.tasks[t];
        u32::from(ti.accessible && !self.rooms[c.room as usize].accessible)
            + u32::from(ti.fixed_start.is_some_and(|s| s != c.start))
    }

    pub(super) fn moved(&self, t: usize, at: Option<Cand>) -> bool {
        let ti = &self.tasks[t];
        ti.had_current && (ti.current.is_none() || at != ti.current)
    }

    pub(super) fn slot(&self, c: Cand) -> usize {
        c.room as usize * self.ndays + c.day as usize
    }

    pub(super) fn mark_dirty(&mut self, day: usize) {
        if !self.dirty.contains(&day) {
            self.dirty.push(day);
        }
    }

    pub(super) fn set_pos(&mut self, t: usize, new: Option<Cand>, log: bool) {
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

    pub(super) fn presence(&self, day: usize) -> Vec<Presence> {
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

    pub(super) fn staff(&self, day: usize) -> Result<Vec<Piece>, staffing::Short> {
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

    pub(super) fn set_day(&mut self, day: usize, pieces: Vec<Piece>, log: bool) {
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
    pub(super) fn settle(&mut self) -> bool {
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
    pub(super) fn settle_forced(&mut self) {
        while let Some(day) = self.dirty.pop() {
            let pieces = self.staff(day).unwrap_or_default();
            self.set_day(day, pieces, true);
        }
    }

    pub(super) fn mark(&self) -> usize {
        self.undo.len()
    }

    pub(super) fn rollback(&mut self, mark: usize) {
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

    pub(super) fn commit(&mut self) {
        self.undo.clear();
    }
}
