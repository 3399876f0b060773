//! Solver: conflict-directed construction to feasibility, then simulated annealing over
//! Kempe-chain period moves and room moves, with incremental delta evaluation.
//!
//! Determinism: the search consumes one seeded RNG stream and never looks at the clock to make a
//! decision, except (a) to stop at `time_limit`, and (b) when no `max_iterations` is given, to
//! drive the annealing temperature by elapsed time. With `max_iterations` set (and reached before
//! `time_limit`) the result is exactly reproducible for a given seed; with only a time limit the
//! same seed gives different results on machines (or runs) of different speed.

use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::model::{Assignment, Instance, PeriodConstraintKind, Solution};
use super::score::coincidence_groups;

const UNASSIGNED: usize = usize::MAX;

/// Construction's unit ordering: (open periods, Reverse(conflict weight), Reverse(size)).
type PickKey = (usize, std::cmp::Reverse<u64>, std::cmp::Reverse<u32>);

#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget for the whole run (construction + improvement).
    pub time_limit: Duration,
    pub seed: u64,
    /// Number of annealing iterations. When set, the temperature schedule follows the iteration
    /// count instead of the clock, which makes runs reproducible (see the module docs).
    pub max_iterations: Option<u64>,
    /// Minimum interval between two progress reports.
    pub progress_interval: Duration,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(60),
            seed: 0,
            max_iterations: None,
            progress_interval: Duration::from_millis(500),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Construction,
    Annealing,
    Done,
}

#[derive(Debug, Clone)]
pub struct Progress {
    pub phase: Phase,
    pub elapsed: Duration,
    pub iterations: u64,
    /// Exams not yet placed by the construction phase.
    pub unassigned_exams: usize,
    /// Best feasible soft penalty so far (`None` until feasible).
    pub best_penalty: Option<u64>,
    pub current_penalty: Option<u64>,
    pub temperature: f64,
}

#[derive(Debug, Clone)]
pub struct SolveResult {
    pub solution: Solution,
    /// `false` only if construction failed within the budget (or the instance is infeasible);
    /// the solution then still assigns every exam but violates hard constraints.
    pub feasible: bool,
    /// Soft penalty as tracked incrementally by the solver; equals `score::evaluate`'s soft
    /// total for feasible results. For infeasible results it is the solver's own proximity
    /// model and not comparable to the competition score.
    pub penalty: u64,
    pub time_to_feasible: Option<Duration>,
    pub iterations: u64,
    pub elapsed: Duration,
}

/// Solves without progress reports.
pub fn solve(instance: &Instance, options: SolveOptions) -> SolveResult {
    solve_with_progress(instance, options, None)
}

pub fn solve_with_progress(
    instance: &Instance,
    options: SolveOptions,
    progress: Option<&mut dyn FnMut(&Progress)>,
) -> SolveResult {
    let start = Instant::now();
    let problem = Problem::new(instance);
    let mut solver = Solver {
        state: State::new(&problem),
        scratch: Scratch::new(&problem),
        rng: SmallRng::seed_from_u64(options.seed),
        p: &problem,
        start,
        deadline: start + options.time_limit,
        options,
        progress,
        last_report: None,
        iterations: 0,
    };
    solver.run()
}

/// Static, preprocessed view of the instance at the level the search works on: *units* are
/// EXAM_COINCIDENCE groups (exams that must share a period), so coincidence never has to be
/// checked during the search.
struct Problem {
    ne: usize,
    np: usize,
    nr: usize,
    nd: usize,
    size: Vec<u32>,
    dur: Vec<usize>,
    exclusive: Vec<bool>,
    unit_of: Vec<usize>,
    /// Members of each unit, largest first (packing order).
    members: Vec<Vec<usize>>,
    /// Hard neighbours of each unit (shared students or EXCLUSION) with the number of students
    /// taking both units (the soft proximity weight; 0 for a pure exclusion).
    adj: Vec<Vec<(usize, u32)>>,
    /// `after[u]`: units that must be in an earlier period than `u`.
    after: Vec<Vec<usize>>,
    /// `before[u]`: units that must be in a later period than `u`.
    before: Vec<Vec<usize>>,
    allowed: Vec<bool>,
    allowed_list: Vec<Vec<usize>>,
    /// Period penalty + front load of each unit in each period (`u * np + p`).
    upcost: Vec<i64>,
    /// Proximity cost of one student with exams in periods `p` and `q` (`p * np + q`).
    pc: Vec<i64>,
    cap: Vec<u32>,
    rpen: Vec<i64>,
    wnmd: i64,
    /// Unit-level AFTER/EXCLUSION constraints that can never hold (inside one unit).
    impossible: bool,
}

impl Problem {
    fn new(inst: &Instance) -> Problem {
        let ne = inst.exams.len();
        let np = inst.periods.len();
        let nr = inst.rooms.len();
        let mut durations: Vec<u32> = inst.exams.iter().map(|e| e.duration).collect();
        durations.sort_unstable();
        durations.dedup();
        let dur = inst
            .exams
            .iter()
            .map(|e| durations.partition_point(|&d| d < e.duration))
            .collect();
        let size: Vec<u32> = inst.exams.iter().map(|e| e.size()).collect();
        let mut exclusive = vec![false; ne];
        for &e in &inst.room_exclusive {
            exclusive[e] = true;
        }

        let group = coincidence_groups(inst);
        let mut unit_index = vec![UNASSIGNED; ne];
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut unit_of = vec![0; ne];
        for e in 0..ne {
            let g = group[e];
            if unit_index[g] == UNASSIGNED {
                unit_index[g] = members.len();
                members.push(Vec::new());
            }
            unit_of[e] = unit_index[g];
            members[unit_index[g]].push(e);
        }
        for m in &mut members {
            m.sort_by_key(|&e| (std::cmp::Reverse(size[e]), e));
        }
        let nu = members.len();

        // Students counted once per unit pair: the soft terms see a student's periods as a set.
        let mut units_of_student: Vec<Vec<usize>> = inst
            .exams_by_student()
            .into_iter()
            .map(|exams| exams.into_iter().map(|e| unit_of[e]).collect())
            .collect();
        let mut weights: std::collections::HashMap<(usize, usize), u32> =
            std::collections::HashMap::new();
        for list in &mut units_of_student {
            list.sort_unstable();
            list.dedup();
            for i in 0..list.len() {
                for j in i + 1..list.len() {
                    *weights.entry((list[i], list[j])).or_insert(0) += 1;
                }
            }
        }
        let mut impossible = false;
        let mut after: Vec<Vec<usize>> = vec![Vec::new(); nu];
        let mut before: Vec<Vec<usize>> = vec![Vec::new(); nu];
        for c in &inst.period_constraints {
            let (a, b) = (unit_of[c.first], unit_of[c.second]);
            match c.kind {
                PeriodConstraintKind::Coincidence => {}
                PeriodConstraintKind::Exclusion => {
                    if a == b {
                        impossible = true;
                    } else {
                        weights.entry((a.min(b), a.max(b))).or_insert(0);
                    }
                }
                PeriodConstraintKind::After => {
                    if a == b {
                        impossible = true;
                    } else {
                        after[a].push(b);
                        before[b].push(a);
                    }
                }
            }
        }
        for l in after.iter_mut().chain(before.iter_mut()) {
            l.sort_unstable();
            l.dedup();
        }
        let mut adj: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nu];
        let mut pairs: Vec<((usize, usize), u32)> = weights.into_iter().collect();
        pairs.sort_unstable(); // HashMap order is random; the search must not depend on it
        for ((a, b), w) in pairs {
            adj[a].push((b, w));
            adj[b].push((a, w));
        }

        let mut allowed = vec![false; nu * np];
        let mut allowed_list = vec![Vec::new(); nu];
        let mut upcost = vec![0i64; nu * np];
        let fl_flags = inst.front_load_exams();
        let threshold = inst.front_load_threshold();
        let fl_w = i64::from(inst.weightings.front_load.weight);
        for u in 0..nu {
            for (p, period) in inst.periods.iter().enumerate() {
                let ok = members[u]
                    .iter()
                    .all(|&e| inst.exams[e].duration <= period.duration);
                allowed[u * np + p] = ok;
                if ok {
                    allowed_list[u].push(p);
                }
                let mut c = 0i64;
                for &e in &members[u] {
                    c += i64::from(period.penalty);
                    if fl_flags[e] && p >= threshold {
                        c += fl_w;
                    }
                }
                upcost[u * np + p] = c;
            }
        }
        let w = &inst.weightings;
        let mut pc = vec![0i64; np * np];
        for p in 0..np {
            for q in 0..np {
                if p == q {
                    continue;
                }
                let (lo, hi) = (p.min(q), p.max(q));
                let same_day = inst.periods[lo].day == inst.periods[hi].day;
                let mut c = 0i64;
                if same_day && hi == lo + 1 {
                    c += i64::from(w.two_in_a_row);
                } else if same_day {
                    c += i64::from(w.two_in_a_day);
                }
                if hi - lo <= w.period_spread as usize {
                    c += 1;
                }
                pc[p * np + q] = c;
            }
        }
        Problem {
            ne,
            np,
            nr,
            nd: durations.len().max(1),
            size,
            dur,
            exclusive,
            unit_of,
            members,
            adj,
            after,
            before,
            allowed,
            allowed_list,
            upcost,
            pc,
            cap: inst.rooms.iter().map(|r| r.capacity).collect(),
            rpen: inst.rooms.iter().map(|r| i64::from(r.penalty)).collect(),
            wnmd: i64::from(w.non_mixed_durations),
            impossible,
        }
    }

    fn nu(&self) -> usize {
        self.members.len()
    }
}

/// Per-(period, room) occupancy, indexed by `slot = p * nr + r`.
#[derive(Clone)]
struct Rooms {
    load: Vec<u32>,
    cnt: Vec<u32>,
    excl: Vec<u32>,
    ndist: Vec<u32>,
    /// `slot * nd + duration index`.
    durcnt: Vec<u32>,
}

impl Rooms {
    fn new(p: &Problem) -> Rooms {
        let ns = p.np * p.nr;
        Rooms {
            load: vec![0; ns],
            cnt: vec![0; ns],
            excl: vec![0; ns],
            ndist: vec![0; ns],
            durcnt: vec![0; ns * p.nd],
        }
    }

    fn add(&mut self, p: &Problem, slot: usize, e: usize) {
        self.load[slot] += p.size[e];
        self.cnt[slot] += 1;
        self.excl[slot] += u32::from(p.exclusive[e]);
        let d = &mut self.durcnt[slot * p.nd + p.dur[e]];
        if *d == 0 {
            self.ndist[slot] += 1;
        }
        *d += 1;
    }

    fn remove(&mut self, p: &Problem, slot: usize, e: usize) {
        self.load[slot] -= p.size[e];
        self.cnt[slot] -= 1;
        self.excl[slot] -= u32::from(p.exclusive[e]);
        let d = &mut self.durcnt[slot * p.nd + p.dur[e]];
        *d -= 1;
        if *d == 0 {
            self.ndist[slot] -= 1;
        }
    }

    /// Unweighted NON_MIXED_DURATIONS contribution of one slot.
    fn mixed(&self, slot: usize) -> i64 {
        if self.cnt[slot] > 0 {
            i64::from(self.ndist[slot]) - 1
        } else {
            0
        }
    }

    /// Can `e` join `slot` without breaking capacity or ROOM_EXCLUSIVE?
    fn fits(&self, p: &Problem, slot: usize, e: usize) -> bool {
        let r = slot % p.nr;
        u64::from(self.load[slot]) + u64::from(p.size[e]) <= u64::from(p.cap[r])
            && self.excl[slot] == 0
            && (!p.exclusive[e] || self.cnt[slot] == 0)
    }

    /// Weighted cost of putting `e` into `slot`: room penalty + any new duration mix.
    fn place_cost(&self, p: &Problem, slot: usize, e: usize) -> i64 {
        let mix = self.cnt[slot] > 0 && self.durcnt[slot * p.nd + p.dur[e]] == 0;
        p.rpen[slot % p.nr] + if mix { p.wnmd } else { 0 }
    }
}

#[derive(Clone)]
struct State {
    up: Vec<usize>,
    room: Vec<usize>,
    /// Number of hard neighbours of unit `u` currently in period `p` (`u * np + p`); kept for
    /// unassigned units too, so feasibility of a placement is an O(1) lookup.
    conf: Vec<u32>,
    rooms: Rooms,
    slot_exams: Vec<Vec<usize>>,
    /// Soft penalty of the assigned part (exact for feasible states).
    cost: i64,
    unassigned: usize,
}

impl State {
    fn new(p: &Problem) -> State {
        State {
            up: vec![UNASSIGNED; p.nu()],
            room: vec![UNASSIGNED; p.ne],
            conf: vec![0; p.nu() * p.np],
            rooms: Rooms::new(p),
            slot_exams: vec![Vec::new(); p.np * p.nr],
            cost: 0,
            unassigned: p.nu(),
        }
    }

    fn assign(&mut self, p: &Problem, u: usize, period: usize, placements: &[(usize, usize)]) {
        debug_assert_eq!(self.up[u], UNASSIGNED);
        let np = p.np;
        let mut c = p.upcost[u * np + period];
        for &(v, w) in &p.adj[u] {
            self.conf[v * np + period] += 1;
            let pv = self.up[v];
            if pv != UNASSIGNED {
                c += i64::from(w) * p.pc[period * np + pv];
            }
        }
        for &(e, r) in placements {
            let slot = period * p.nr + r;
            c += self.rooms.mixed(slot) * -p.wnmd;
            self.rooms.add(p, slot, e);
            c += self.rooms.mixed(slot) * p.wnmd + p.rpen[r];
            self.room[e] = r;
            self.slot_exams[slot].push(e);
        }
        self.up[u] = period;
        self.cost += c;
        self.unassigned -= 1;
    }

    fn unassign(&mut self, p: &Problem, u: usize) {
        let period = self.up[u];
        debug_assert_ne!(period, UNASSIGNED);
        let np = p.np;
        self.up[u] = UNASSIGNED;
        let mut c = p.upcost[u * np + period];
        for &(v, w) in &p.adj[u] {
            self.conf[v * np + period] -= 1;
            let pv = self.up[v];
            if pv != UNASSIGNED {
                c += i64::from(w) * p.pc[period * np + pv];
            }
        }
        for &e in &p.members[u] {
            let r = self.room[e];
            let slot = period * p.nr + r;
            // `c` is what leaves the total, so: old mix - new mix + room penalty.
            c += self.rooms.mixed(slot) * p.wnmd;
            self.rooms.remove(p, slot, e);
            c -= self.rooms.mixed(slot) * p.wnmd;
            c += p.rpen[r];
            self.room[e] = UNASSIGNED;
            let list = &mut self.slot_exams[slot];
            if let Some(i) = list.iter().position(|&x| x == e) {
                list.swap_remove(i);
            }
        }
        self.cost -= c;
        self.unassigned += 1;
    }

    fn move_room(&mut self, p: &Problem, e: usize, new_room: usize) {
        let period = self.up[p.unit_of[e]];
        let old = self.room[e];
        let (s1, s2) = (period * p.nr + old, period * p.nr + new_room);
        let before = self.rooms.mixed(s1) + self.rooms.mixed(s2);
        self.rooms.remove(p, s1, e);
        self.rooms.add(p, s2, e);
        let after = self.rooms.mixed(s1) + self.rooms.mixed(s2);
        self.cost += (after - before) * p.wnmd + p.rpen[new_room] - p.rpen[old];
        self.room[e] = new_room;
        let list = &mut self.slot_exams[s1];
        if let Some(i) = list.iter().position(|&x| x == e) {
            list.swap_remove(i);
        }
        self.slot_exams[s2].push(e);
    }

    /// Is period `q` compatible with `u`'s AFTER constraints against the assigned units?
    fn order_ok(&self, p: &Problem, u: usize, q: usize) -> bool {
        p.after[u]
            .iter()
            .all(|&v| self.up[v] == UNASSIGNED || q > self.up[v])
            && p.before[u]
                .iter()
                .all(|&v| self.up[v] == UNASSIGNED || self.up[v] > q)
    }

    /// Recomputes the soft penalty from the unit model; used to guard the incremental cost.
    fn cost_from_scratch(&self, p: &Problem) -> i64 {
        let np = p.np;
        let mut c = 0i64;
        for u in 0..p.nu() {
            let pu = self.up[u];
            if pu == UNASSIGNED {
                continue;
            }
            c += p.upcost[u * np + pu];
            for &(v, w) in &p.adj[u] {
                if v > u && self.up[v] != UNASSIGNED {
                    c += i64::from(w) * p.pc[pu * np + self.up[v]];
                }
            }
            for &e in &p.members[u] {
                c += p.rpen[self.room[e]];
            }
        }
        for slot in 0..np * p.nr {
            c += self.rooms.mixed(slot) * p.wnmd;
        }
        c
    }
}

/// Scratch overlay of `Rooms` for evaluating a move without touching the state: a slot is
/// copied on first write (tracked by a generation stamp) and read through afterwards.
struct Scratch {
    stamp: Vec<u32>,
    gen: u32,
    rooms: Rooms,
    touched: Vec<usize>,
    unit_mark: Vec<u32>,
    unit_gen: u32,
    chain: Vec<usize>,
    placements: Vec<(usize, usize)>,
    arriving: Vec<usize>,
}

impl Scratch {
    fn new(p: &Problem) -> Scratch {
        Scratch {
            stamp: vec![0; p.np * p.nr],
            gen: 0,
            rooms: Rooms::new(p),
            touched: Vec::new(),
            unit_mark: vec![0; p.nu()],
            unit_gen: 0,
            chain: Vec::new(),
            placements: Vec::new(),
            arriving: Vec::new(),
        }
    }

    fn begin(&mut self) {
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            self.stamp.fill(0);
            self.gen = 1;
        }
        self.touched.clear();
    }

    fn touch(&mut self, p: &Problem, base: &Rooms, slot: usize) {
        if self.stamp[slot] != self.gen {
            self.stamp[slot] = self.gen;
            self.touched.push(slot);
            let r = &mut self.rooms;
            r.load[slot] = base.load[slot];
            r.cnt[slot] = base.cnt[slot];
            r.excl[slot] = base.excl[slot];
            r.ndist[slot] = base.ndist[slot];
            let d = slot * p.nd;
            r.durcnt[d..d + p.nd].copy_from_slice(&base.durcnt[d..d + p.nd]);
        }
    }

    fn view<'a>(&'a self, base: &'a Rooms, slot: usize) -> &'a Rooms {
        if self.stamp[slot] == self.gen {
            &self.rooms
        } else {
            base
        }
    }

    /// Best room for `e` in `period` given the overlay (cheapest, then tightest fit).
    fn best_room(&self, p: &Problem, base: &Rooms, period: usize, e: usize) -> Option<usize> {
        let mut best: Option<(i64, u32, usize)> = None;
        for r in 0..p.nr {
            let slot = period * p.nr + r;
            let v = self.view(base, slot);
            if !v.fits(p, slot, e) {
                continue;
            }
            let key = (
                v.place_cost(p, slot, e),
                p.cap[r] - v.load[slot] - p.size[e],
                r,
            );
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        best.map(|b| b.2)
    }

    /// Weighted NMD change over the touched slots (overlay vs. base).
    fn mixed_delta(&self, p: &Problem, base: &Rooms) -> i64 {
        let mut d = 0;
        for &s in &self.touched {
            d += self.rooms.mixed(s) - base.mixed(s);
        }
        d * p.wnmd
    }

    fn next_units(&mut self) {
        self.unit_gen = self.unit_gen.wrapping_add(1);
        if self.unit_gen == 0 {
            self.unit_mark.fill(0);
            self.unit_gen = 1;
        }
    }
}

struct Solver<'a, 'cb> {
    p: &'a Problem,
    state: State,
    scratch: Scratch,
    rng: SmallRng,
    options: SolveOptions,
    start: Instant,
    deadline: Instant,
    progress: Option<&'cb mut dyn FnMut(&Progress)>,
    last_report: Option<Instant>,
    iterations: u64,
}

impl Solver<'_, '_> {
    fn run(&mut self) -> SolveResult {
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

    fn solution(&self, s: &State) -> Solution {
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

    fn report(&mut self, phase: Phase, best: Option<i64>, temperature: f64, force: bool) {
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

    fn out_of_time(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Plans rooms for `u`'s members arriving in `period` on the scratch overlay (which the
    /// caller has begun). Returns the room-penalty + NMD delta, or `None` if they do not fit.
    fn plan_unit(&mut self, u: usize, period: usize) -> Option<i64> {
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
    fn construct(&mut self) -> bool {
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

    fn place_planned(&mut self, u: usize, q: usize) {
        self.scratch.begin();
        self.scratch.placements.clear();
        if self.plan_unit(u, q).is_some() {
            self.state.assign(self.p, u, q, &self.scratch.placements);
        }
    }

    /// Last resort when construction failed: put every unassigned exam somewhere so that the
    /// result is a complete (infeasible) solution the scorer can evaluate.
    fn force_complete(&mut self) {
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

    // ---------------------------------------------------------------- annealing

    fn anneal(&mut self) -> State {
        let p = self.p;
        let mut best = self.state.clone();
        if p.np < 2 || p.nu() == 0 {
            return best;
        }
        let sa_start = Instant::now();
        let sa_budget = self
            .deadline
            .saturating_duration_since(sa_start)
            .as_secs_f64();
        let t0 = self.initial_temperature();
        // Deltas are integers, so at 0.1 a worsening of 1 is accepted with p = e^-10: the tail
        // of the schedule is pure descent.
        let t_end = 0.1f64.min(t0);
        let ratio = (t_end / t0).ln();
        let room_prob = if p.nr > 1 { 0.3 } else { 0.0 };
        let mut temperature = t0;
        let mut iter: u64 = 0;
        loop {
            if iter.is_multiple_of(256) {
                let elapsed = sa_start.elapsed().as_secs_f64();
                let progress = match self.options.max_iterations {
                    Some(max) => {
                        if iter >= max || Instant::now() >= self.deadline {
                            break;
                        }
                        iter as f64 / max as f64
                    }
                    None => {
                        if elapsed >= sa_budget {
                            break;
                        }
                        elapsed / sa_budget
                    }
                };
                temperature = t0 * (ratio * progress).exp();
                self.iterations = iter;
                self.report(Phase::Annealing, Some(best.cost), temperature, false);
            }
            iter += 1;
            let accepted_cost = if self.rng.gen::<f64>() < room_prob {
                self.room_move(temperature)
            } else {
                self.kempe_move(temperature)
            };
            if let Some(c) = accepted_cost {
                if c < best.cost {
                    // Cloning the whole state is cheap next to the search, and happens only
                    // on improvements of the best.
                    best.clone_from(&self.state);
                }
            }
        }
        self.iterations = iter;
        best
    }

    fn accept(&mut self, delta: i64, temperature: f64) -> bool {
        delta <= 0 || self.rng.gen::<f64>() < (-(delta as f64) / temperature).exp()
    }

    /// Average worsening of random moves from the initial solution, scaled: hot enough to
    /// leave the construction's local optimum, not so hot that the start is forgotten.
    fn initial_temperature(&mut self) -> f64 {
        let mut sum = 0.0;
        let mut n = 0u32;
        for _ in 0..500 {
            if let Some(d) = self.kempe_delta_sample() {
                if d > 0 {
                    sum += d as f64;
                    n += 1;
                }
            }
        }
        if n == 0 {
            1.0
        } else {
            // 0.3 x the mean worsening was the best of 0.01..1 on sets 1-4 (20 s runs); the
            // curve is flat between 0.3 and 1 and drops sharply below 0.1.
            (sum / f64::from(n) * 0.3).max(1.0)
        }
    }

    fn kempe_delta_sample(&mut self) -> Option<i64> {
        let u = self.rng.gen_range(0..self.p.nu());
        let list = &self.p.allowed_list[u];
        if list.is_empty() {
            return None;
        }
        let q = list[self.rng.gen_range(0..list.len())];
        if q == self.state.up[u] {
            return None;
        }
        self.evaluate_kempe(u, q)
    }

    /// Builds the Kempe chain moving `u` to period `q` and evaluates it on the overlay.
    /// Returns the total cost delta, or `None` if the move is infeasible.
    fn evaluate_kempe(&mut self, u: usize, q: usize) -> Option<i64> {
        let p = self.p;
        let np = p.np;
        let st = &self.state;
        let p1 = st.up[u];
        let p2 = q;
        let sc = &mut self.scratch;
        sc.next_units();
        sc.chain.clear();
        sc.chain.push(u);
        sc.unit_mark[u] = sc.unit_gen;
        let mut i = 0;
        while i < sc.chain.len() {
            let x = sc.chain[i];
            let other = if st.up[x] == p1 { p2 } else { p1 };
            for &(y, _) in &p.adj[x] {
                if st.up[y] == other && sc.unit_mark[y] != sc.unit_gen {
                    sc.unit_mark[y] = sc.unit_gen;
                    sc.chain.push(y);
                }
            }
            i += 1;
        }
        let gen = sc.unit_gen;
        let new_period = |x: usize| -> usize {
            if st.up[x] == p1 {
                p2
            } else {
                p1
            }
        };
        let mut delta = 0i64;
        for &x in &sc.chain {
            let (px, nx) = (st.up[x], new_period(x));
            if !p.allowed[x * np + nx] {
                return None;
            }
            for &v in &p.after[x] {
                let pv = if sc.unit_mark[v] == gen {
                    new_period(v)
                } else {
                    st.up[v]
                };
                if nx <= pv {
                    return None;
                }
            }
            for &v in &p.before[x] {
                let pv = if sc.unit_mark[v] == gen {
                    new_period(v)
                } else {
                    st.up[v]
                };
                if pv <= nx {
                    return None;
                }
            }
            delta += p.upcost[x * np + nx] - p.upcost[x * np + px];
            // Pairs inside the chain only swap p1 and p2 and keep their distance: skip them.
            let (rn, ro) = (nx * np, px * np);
            for &(y, w) in &p.adj[x] {
                if sc.unit_mark[y] == gen {
                    continue;
                }
                let py = st.up[y];
                delta += i64::from(w) * (p.pc[rn + py] - p.pc[ro + py]);
            }
        }
        // Rooms: take every moving exam out, then pack the arrivals of each period,
        // largest first, into the cheapest rooms that fit.
        sc.begin();
        sc.placements.clear();
        sc.arriving.clear();
        for k in 0..sc.chain.len() {
            let x = sc.chain[k];
            for &e in &p.members[x] {
                let slot = st.up[x] * p.nr + st.room[e];
                sc.touch(p, &st.rooms, slot);
                sc.rooms.remove(p, slot, e);
                delta -= p.rpen[st.room[e]];
                sc.arriving.push(e);
            }
        }
        let unit_of = &p.unit_of;
        let size = &p.size;
        sc.arriving
            .sort_unstable_by_key(|&e| (std::cmp::Reverse(size[e]), e));
        for k in 0..sc.arriving.len() {
            let e = sc.arriving[k];
            let period = new_period(unit_of[e]);
            let r = sc.best_room(p, &st.rooms, period, e)?;
            let slot = period * p.nr + r;
            sc.touch(p, &st.rooms, slot);
            sc.rooms.add(p, slot, e);
            sc.placements.push((e, r));
            delta += p.rpen[r];
        }
        delta += sc.mixed_delta(p, &st.rooms);
        Some(delta)
    }

    fn kempe_move(&mut self, temperature: f64) -> Option<i64> {
        let p = self.p;
        let u = self.rng.gen_range(0..p.nu());
        let list = &p.allowed_list[u];
        if list.is_empty() {
            return None;
        }
        let q = list[self.rng.gen_range(0..list.len())];
        let from = self.state.up[u];
        if q == from {
            return None;
        }
        let delta = self.evaluate_kempe(u, q)?;
        if !self.accept(delta, temperature) {
            return None;
        }
        let chain = std::mem::take(&mut self.scratch.chain);
        let placements = std::mem::take(&mut self.scratch.placements);
        let targets: Vec<usize> = chain
            .iter()
            .map(|&x| if self.state.up[x] == from { q } else { from })
            .collect();
        for &x in &chain {
            self.state.unassign(p, x);
        }
        for (k, &x) in chain.iter().enumerate() {
            let mine: Vec<(usize, usize)> = placements
                .iter()
                .copied()
                .filter(|&(e, _)| p.unit_of[e] == x)
                .collect();
            self.state.assign(p, x, targets[k], &mine);
        }
        self.scratch.chain = chain;
        self.scratch.placements = placements;
        Some(self.state.cost)
    }

    /// Moves one exam to another room of its period, or swaps it with an exam there when it
    /// does not fit.
    fn room_move(&mut self, temperature: f64) -> Option<i64> {
        let p = self.p;
        let e = self.rng.gen_range(0..p.ne);
        let r2 = self.rng.gen_range(0..p.nr);
        let r1 = self.state.room[e];
        if r1 == r2 {
            return None;
        }
        let period = self.state.up[p.unit_of[e]];
        let (s1, s2) = (period * p.nr + r1, period * p.nr + r2);
        let rooms = &self.state.rooms;
        let sc = &mut self.scratch;
        sc.begin();
        sc.touch(p, rooms, s1);
        sc.touch(p, rooms, s2);
        sc.rooms.remove(p, s1, e);
        let mut partner = None;
        if !sc.rooms.fits(p, s2, e) {
            let others = &self.state.slot_exams[s2];
            if others.is_empty() {
                return None;
            }
            let f = others[self.rng.gen_range(0..others.len())];
            sc.rooms.remove(p, s2, f);
            if !sc.rooms.fits(p, s2, e) || !sc.rooms.fits(p, s1, f) {
                return None;
            }
            sc.rooms.add(p, s1, f);
            partner = Some(f);
        }
        sc.rooms.add(p, s2, e);
        let mut delta = p.rpen[r2] - p.rpen[r1] + sc.mixed_delta(p, rooms);
        if partner.is_some() {
            delta += p.rpen[r1] - p.rpen[r2];
        }
        if !self.accept(delta, temperature) {
            return None;
        }
        self.state.move_room(p, e, r2);
        if let Some(f) = partner {
            self.state.move_room(p, f, r1);
        }
        Some(self.state.cost)
    }
}
