//! Simulated annealing over Kempe-chain period moves and room moves.

use super::*;

impl Solver<'_, '_> {
    // ---------------------------------------------------------------- annealing

    pub(super) fn anneal(&mut self) -> State {
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

    pub(super) fn accept(&mut self, delta: i64, temperature: f64) -> bool {
        delta <= 0 || self.rng.gen::<f64>() < (-(delta as f64) / temperature).exp()
    }

    /// Average worsening of random moves from the initial solution, scaled: hot enough to
    /// leave the construction's local optimum, not so hot that the start is forgotten.
    pub(super) fn initial_temperature(&mut self) -> f64 {
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

    pub(super) fn kempe_delta_sample(&mut self) -> Option<i64> {
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
    pub(super) fn evaluate_kempe(&mut self, u: usize, q: usize) -> Option<i64> {
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

    pub(super) fn kempe_move(&mut self, temperature: f64) -> Option<i64> {
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
    pub(super) fn room_move(&mut self, temperature: f64) -> Option<i64> {
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
