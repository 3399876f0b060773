//! The solver: run, reporting, and conflict-directed construction to feasibility.

use super::*;

pub(super) struct Solver<'a, 'cb> {
    pub(super) p: &'a Problem,
    pub(super) state: State,
    pub(super) scratch: Scratch,
    pub(super) rng: SmallRng,
    pub(super) options: SolveOptions,
    pub(super) start: Instant,
    pub(super) deadline: Instant,
    pub(super) progress: Option<&'cb mut dyn FnMut(&Progress)>,
    pub(super) last_report: Option<Instant>,
    pub(super) iterations: u64,
}

impl Solver<'_, '_> {
    pub(super) fn run(&mut self) -> SolveResult {
        let p = self.p;
        if p.ne > 0 && (p.np == 0 || p.nr == 0) {
            // Nothing can be placed anywhere; return the only complete answer there is.
            return SolveResult {
                solution: Solution {
                    assignments: vec![Assignment { period: 0, room: 0 }; p.ne],
                },
                feasible: false,
                penalty: 0,
                time_to_feasible: None,
                iterations: 0,
                elapsed: self.start.elapsed(),
            };
        }
        let feasible = self.construct();
        let time_to_feasible = feasible.then(|| self.start.elapsed());
        if !feasible {
            self.force_complete();
            let solution = self.solution(&self.state);
            self.report(Phase::Done, None, 0.0, true);
            return SolveResult {
                solution,
                feasible: false,
                penalty: self.state.cost.max(0) as u64,
                time_to_feasible: None,
                iterations: self.iterations,
                elapsed: self.start.elapsed(),
            };
        }
        let best = self.anneal();
        debug_assert_eq!(best.cost, best.cost_from_scratch(self.p));
        self.report(Phase::Done, Some(best.cost), 0.0, true);
        SolveResult {
            solution: self.solution(&best),
            feasible: true,
            penalty: best.cost.max(0) as u64,
            time_to_feasible,
            iterations: self.iterations,
            elapsed: self.start.elapsed(),
        }
    }

    pub(super) fn solution(&self, s: &State) -> Solution {
        let p = self.p;
        Solution {
            assignments: (0..p.ne)
                .map(|e| Assignment {
                    period: s.up[p.unit_of[e]],
                    room: s.room[e],
                })
                .collect(),
        }
    }

    pub(super) fn report(
        &mut self,
        phase: Phase,
        best: Option<i64>,
        temperature: f64,
        force: bool,
    ) {
        let Some(cb) = self.progress.as_mut() else {
            return;
        };
        let now = Instant::now();
        if !force
            && self
                .last_report
                .is_some_and(|t| now.duration_since(t) < self.options.progress_interval)
        {
            return;
        }
        self.last_report = Some(now);
        let p = self.p;
        let unassigned_exams = (0..p.nu())
            .filter(|&u| self.state.up[u] == UNASSIGNED)
            .map(|u| p.members[u].len())
            .sum();
        let feasible_now = self.state.unassigned == 0 && phase != Phase::Construction;
        cb(&Progress {
            phase,
            elapsed: now.duration_since(self.start),
            iterations: self.iterations,
            unassigned_exams,
            best_penalty: best.map(|b| b.max(0) as u64),
            current_penalty: feasible_now.then_some(self.state.cost.max(0) as u64),
            temperature,
        });
    }

    pub(super) fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Plans rooms for `u`'s members arriving in `period` on the scratch overlay (which the
    /// caller has begun). Returns the room-penalty + NMD delta, or `None` if they do not fit.
    pub(super) fn plan_unit(&mut self, u: usize, period: usize) -> Option<i64> {
        let p = self.p;
        let mut delta = 0;
        for &e in &p.members[u] {
            let r = self.scratch.best_room(p, &self.state.rooms, period, e)?;
            let slot = period * p.nr + r;
            self.scratch.touch(p, &self.state.rooms, slot);
            self.scratch.rooms.add(p, slot, e);
            self.scratch.placements.push((e, r));
            delta += p.rpen[r];
        }
        Some(delta)
    }

    // ---------------------------------------------------------------- construction

    /// Saturation-degree construction with conflict-directed repair: when a unit has no
    /// feasible period, it takes the period with the fewest conflicting units (random
    /// tie-break), and those units go back to the queue. Returns `true` once feasible.
    pub(super) fn construct(&mut self) -> bool {
        let p = self.p;
        if p.impossible {
            return false;
        }
        let nu = p.nu();
        let np = p.np;
        let mut evictions = vec![0u32; nu];
        let mut steps: u64 = 0;
        // Guards against endless cycling on infeasible instances when no time limit bites.
        let max_steps = 20_000 * nu as u64 + 1_000_000;
        let mut candidates: Vec<(i64, usize)> = Vec::new();
        while self.state.unassigned > 0 {
            steps += 1;
            if steps.is_multiple_of(64) {
                if self.out_of_time() || steps > max_steps {
                    return false;
                }
                self.report(Phase::Construction, None, 0.0, false);
            }
            // Most constrained unassigned unit: fewest open periods, then most (and heaviest
            // history of) conflicts, then largest.
            // A period is open if it has no conflicting unit and a room that still holds the
            // largest member, so big exams compete for space as early as clashing ones.
            let mut pick: Option<(PickKey, usize)> = None;
            for (u, &evicted) in evictions.iter().enumerate() {
                if self.state.up[u] != UNASSIGNED {
                    continue;
                }
                let largest = p.members[u][0];
                let open = p.allowed_list[u]
                    .iter()
                    .filter(|&&q| {
                        self.state.conf[u * np + q] == 0
                            && self.state.order_ok(p, u, q)
                            && (0..p.nr).any(|r| self.state.rooms.fits(p, q * p.nr + r, largest))
                    })
                    .count();
                let weight = p.adj[u].len() as u64 + 4 * u64::from(evicted);
                let key = (
                    open,
                    std::cmp::Reverse(weight),
                    std::cmp::Reverse(p.size[largest]),
                );
                if pick.is_none_or(|(k, _)| key < k) {
                    pick = Some((key, u));
                }
            }
            let Some((_, u)) = pick else {
                break;
            };

            // Cheapest feasible period.
            candidates.clear();
            for &q in &p.allowed_list[u] {
                if self.state.conf[u * np + q] != 0 || !self.state.order_ok(p, u, q) {
                    continue;
                }
                self.scratch.begin();
                self.scratch.placements.clear();
                let Some(room_cost) = self.plan_unit(u, q) else {
                    continue;
                };
                let mut c = room_cost
                    + self.scratch.mixed_delta(p, &self.state.rooms)
                    + p.upcost[u * np + q];
                for &(v, w) in &p.adj[u] {
                    let pv = self.state.up[v];
                    if pv != UNASSIGNED {
                        c += i64::from(w) * p.pc[q * np + pv];
                    }
                }
                candidates.push((c, q));
            }
            if let Some(&(best_cost, _)) = candidates.iter().min() {
                let ties: Vec<usize> = candidates
                    .iter()
                    .filter(|c| c.0 == best_cost)
                    .map(|c| c.1)
                    .collect();
                let q = ties[self.rng.gen_range(0..ties.len())];
                self.place_planned(u, q);
                continue;
            }

            // Repair: evict what blocks the least-conflicting period.
            if p.allowed_list[u].is_empty() {
                return false;
            }
            let mut best: Option<(f64, usize)> = None;
            for &q in &p.allowed_list[u] {
                let mut c = 0.0;
                for &(v, _) in &p.adj[u] {
                    if self.state.up[v] == q {
                        c += 1.0 + f64::from(evictions[v]) * 0.1;
                    }
                }
                for &v in &p.after[u] {
                    if self.state.up[v] != UNASSIGNED && self.state.up[v] >= q {
                        c += 1.0;
                    }
                }
                for &v in &p.before[u] {
                    if self.state.up[v] != UNASSIGNED && self.state.up[v] <= q {
                        c += 1.0;
                    }
                }
                // Expect at least one more eviction where the largest member has no room.
                let largest = p.members[u][0];
                let fits = (0..p.nr).any(|r| self.state.rooms.fits(p, q * p.nr + r, largest));
                if !fits {
                    c += 1.0;
                }
                c += self.rng.gen::<f64>() * 0.9;
                if best.is_none_or(|b| c < b.0) {
                    best = Some((c, q));
                }
            }
            let Some((_, q)) = best else {
                return false;
            };
            let mut victims: Vec<usize> = p.adj[u]
                .iter()
                .map(|&(v, _)| v)
                .filter(|&v| self.state.up[v] == q)
                .collect();
            victims.extend(
                p.after[u]
                    .iter()
                    .copied()
                    .filter(|&v| self.state.up[v] != UNASSIGNED && self.state.up[v] >= q),
            );
            victims.extend(
                p.before[u]
                    .iter()
                    .copied()
                    .filter(|&v| self.state.up[v] != UNASSIGNED && self.state.up[v] <= q),
            );
            for v in victims {
                if self.state.up[v] != UNASSIGNED {
                    self.state.unassign(p, v);
                    evictions[v] += 1;
                }
            }
            // Make room: for the first member that does not fit, free the room that needs the
            // fewest evictions (one exam big enough if possible, else the largest ones).
            loop {
                self.scratch.begin();
                self.scratch.placements.clear();
                if self.plan_unit(u, q).is_some() {
                    break;
                }
                let Some(&stuck) = p.members[u]
                    .iter()
                    .find(|&&e| !self.scratch.placements.iter().any(|&(x, _)| x == e))
                else {
                    break;
                };
                let mut target: Option<(f64, Vec<usize>)> = None;
                for r in 0..p.nr {
                    let slot = q * p.nr + r;
                    if p.cap[r] < p.size[stuck] || self.state.rooms.cnt[slot] == 0 {
                        continue;
                    }
                    let view = self.scratch.view(&self.state.rooms, slot);
                    let exams = &self.state.slot_exams[slot];
                    let victims: Vec<usize> = if p.exclusive[stuck] || view.excl[slot] > 0 {
                        exams.clone()
                    } else {
                        let free = p.cap[r].saturating_sub(view.load[slot]);
                        let need = p.size[stuck].saturating_sub(free);
                        let single = exams
                            .iter()
                            .copied()
                            .filter(|&f| p.size[f] >= need)
                            .min_by_key(|&f| (p.size[f], evictions[p.unit_of[f]], f));
                        match single {
                            Some(f) => vec![f],
                            None => {
                                let mut by_size = exams.clone();
                                by_size.sort_by_key(|&f| (std::cmp::Reverse(p.size[f]), f));
                                let mut freed = 0;
                                by_size
                                    .into_iter()
                                    .take_while(|&f| {
                                        let more = freed < need;
                                        freed += p.size[f];
                                        more
                                    })
                                    .collect()
                            }
                        }
                    };
                    let cost = victims.len() as f64
                        + victims
                            .iter()
                            .map(|&f| f64::from(evictions[p.unit_of[f]]) * 0.1)
                            .sum::<f64>()
                        + self.rng.gen::<f64>() * 0.5;
                    if target.as_ref().is_none_or(|t| cost < t.0) {
                        target = Some((cost, victims));
                    }
                }
                let Some((_, victims)) = target else {
                    // No room can ever hold this exam here.
                    return false;
                };
                for f in victims {
                    let v = p.unit_of[f];
                    if self.state.up[v] != UNASSIGNED {
                        self.state.unassign(p, v);
                        evictions[v] += 1;
                    }
                }
            }
            self.scratch.begin();
            self.scratch.placements.clear();
            if self.plan_unit(u, q).is_none() {
                return false;
            }
            self.state.assign(p, u, q, &self.scratch.placements);
        }
        self.state.unassigned == 0
    }

    pub(super) fn place_planned(&mut self, u: usize, q: usize) {
        self.scratch.begin();
        self.scratch.placements.clear();
        if self.plan_unit(u, q).is_some() {
            self.state.assign(self.p, u, q, &self.scratch.placements);
        }
    }

    /// Last resort when construction failed: put every unassigned exam somewhere so that the
    /// result is a complete (infeasible) solution the scorer can evaluate.
    pub(super) fn force_complete(&mut self) {
        let p = self.p;
        for u in 0..p.nu() {
            if self.state.up[u] != UNASSIGNED {
                continue;
            }
            let q = p.allowed_list[u].first().copied().unwrap_or(0);
            let mut placements = Vec::new();
            for &e in &p.members[u] {
                let slot_base = q * p.nr;
                let r = (0..p.nr)
                    .max_by_key(|&r| p.cap[r].saturating_sub(self.state.rooms.load[slot_base + r]))
                    .unwrap_or(0);
                placements.push((e, r));
            }
            self.state.assign(p, u, q, &placements);
        }
    }
}
