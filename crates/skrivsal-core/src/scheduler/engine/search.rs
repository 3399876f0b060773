//! Fitness (the checker's rules on the engine's own state), construction and the local search.

use super::*;

impl<'a> Engine<'a> {
    /// Whether `t` (not placed) fits at `c` by rules 2-5; staffing is judged
    /// when the day settles.
    pub(super) fn fits(&self, t: usize, c: Cand) -> bool {
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
    pub(super) fn estimate(&self, t: usize, c: Cand) -> (i64, u32, u32, i64) {
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
    pub(super) fn insert(&mut self, t: usize, k: usize) -> bool {
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

    pub(super) fn construct(&mut self, progress: &mut dyn FnMut(&Progress)) {
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
    pub(super) fn join_targets(&self, t: usize, u: usize) -> Vec<Cand> {
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
    pub(super) fn insert_with_ejection(&mut self, t: usize, rng: &mut SmallRng) -> bool {
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
    pub(super) fn move_room(&mut self, from: Cand, room: u32) {
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

    pub(super) fn improve(
        &mut self,
        options: &Options,
        progress: &mut dyn FnMut(&Progress),
    ) -> u64 {
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
}
