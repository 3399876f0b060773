//! Room loads, the assignment state with its incremental cost, and scratch space for evaluating moves.

use super::*;

/// Per-(period, room) occupancy, indexed by `slot = p * nr + r`.
#[derive(Clone)]
pub(super) struct Rooms {
    pub(super) load: Vec<u32>,
    pub(super) cnt: Vec<u32>,
    pub(super) excl: Vec<u32>,
    pub(super) ndist: Vec<u32>,
    /// `slot * nd + duration index`.
    pub(super) durcnt: Vec<u32>,
}

impl Rooms {
    pub(super) fn new(p: &Problem) -> Rooms {
        let ns = p.np * p.nr;
        Rooms {
            load: vec![0; ns],
            cnt: vec![0; ns],
            excl: vec![0; ns],
            ndist: vec![0; ns],
            durcnt: vec![0; ns * p.nd],
        }
    }

    pub(super) fn add(&mut self, p: &Problem, slot: usize, e: usize) {
        self.load[slot] += p.size[e];
        self.cnt[slot] += 1;
        self.excl[slot] += u32::from(p.exclusive[e]);
        let d = &mut self.durcnt[slot * p.nd + p.dur[e]];
        if *d == 0 {
            self.ndist[slot] += 1;
        }
        *d += 1;
    }

    pub(super) fn remove(&mut self, p: &Problem, slot: usize, e: usize) {
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
    pub(super) fn mixed(&self, slot: usize) -> i64 {
        if self.cnt[slot] > 0 {
            i64::from(self.ndist[slot]) - 1
        } else {
            0
        }
    }

    /// Can `e` join `slot` without breaking capacity or ROOM_EXCLUSIVE?
    pub(super) fn fits(&self, p: &Problem, slot: usize, e: usize) -> bool {
        let r = slot % p.nr;
        u64::from(self.load[slot]) + u64::from(p.size[e]) <= u64::from(p.cap[r])
            && self.excl[slot] == 0
            && (!p.exclusive[e] || self.cnt[slot] == 0)
    }

    /// Weighted cost of putting `e` into `slot`: room penalty + any new duration mix.
    pub(super) fn place_cost(&self, p: &Problem, slot: usize, e: usize) -> i64 {
        let mix = self.cnt[slot] > 0 && self.durcnt[slot * p.nd + p.dur[e]] == 0;
        p.rpen[slot % p.nr] + if mix { p.wnmd } else { 0 }
    }
}

#[derive(Clone)]
pub(super) struct State {
    pub(super) up: Vec<usize>,
    pub(super) room: Vec<usize>,
    /// Number of hard neighbours of unit `u` currently in period `p` (`u * np + p`); kept for
    /// unassigned units too, so feasibility of a placement is an O(1) lookup.
    pub(super) conf: Vec<u32>,
    pub(super) rooms: Rooms,
    pub(super) slot_exams: Vec<Vec<usize>>,
    /// Soft penalty of the assigned part (exact for feasible states).
    pub(super) cost: i64,
    pub(super) unassigned: usize,
}

impl State {
    pub(super) fn new(p: &Problem) -> State {
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

    pub(super) fn assign(
        &mut self,
        p: &Problem,
        u: usize,
        period: usize,
        placements: &[(usize, usize)],
    ) {
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

    pub(super) fn unassign(&mut self, p: &Problem, u: usize) {
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

    pub(super) fn move_room(&mut self, p: &Problem, e: usize, new_room: usize) {
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
    pub(super) fn order_ok(&self, p: &Problem, u: usize, q: usize) -> bool {
        p.after[u]
            .iter()
            .all(|&v| self.up[v] == UNASSIGNED || q > self.up[v])
            && p.before[u]
                .iter()
                .all(|&v| self.up[v] == UNASSIGNED || self.up[v] > q)
    }

    /// Recomputes the soft penalty from the unit model; used to guard the incremental cost.
    pub(super) fn cost_from_scratch(&self, p: &Problem) -> i64 {
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
pub(super) struct Scratch {
    pub(super) stamp: Vec<u32>,
    pub(super) gen: u32,
    pub(super) rooms: Rooms,
    pub(super) touched: Vec<usize>,
    pub(super) unit_mark: Vec<u32>,
    pub(super) unit_gen: u32,
    pub(super) chain: Vec<usize>,
    pub(super) placements: Vec<(usize, usize)>,
    pub(super) arriving: Vec<usize>,
}

impl Scratch {
    pub(super) fn new(p: &Problem) -> Scratch {
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

    pub(super) fn begin(&mut self) {
        self.gen = self.gen.wrapping_add(1);
        if self.gen == 0 {
            self.stamp.fill(0);
            self.gen = 1;
        }
        self.touched.clear();
    }

    pub(super) fn touch(&mut self, p: &Problem, base: &Rooms, slot: usize) {
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

    pub(super) fn view<'a>(&'a self, base: &'a Rooms, slot: usize) -> &'a Rooms {
        if self.stamp[slot] == self.gen {
            &self.rooms
        } else {
            base
        }
    }

    /// Best room for `e` in `period` given the overlay (cheapest, then tightest fit).
    pub(super) fn best_room(
        &self,
        p: &Problem,
        base: &Rooms,
        period: usize,
        e: usize,
    ) -> Option<usize> {
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
    pub(super) fn mixed_delta(&self, p: &Problem, base: &Rooms) -> i64 {
        let mut d = 0;
        for &s in &self.touched {
            d += self.rooms.mixed(s) - base.mixed(s);
        }
        d * p.wnmd
    }

    pub(super) fn next_units(&mut self) {
        self.unit_gen = self.unit_gen.wrapping_add(1);
        if self.unit_gen == 0 {
            self.unit_mark.fill(0);
            self.unit_gen = 1;
        }
    }
}
