//! The instance as the search sees it: coincidence groups as units, conflicts and constraints precomputed.

use super::*;

/// Static, preprocessed view of the instance at the level the search works on: *units* are
/// EXAM_COINCIDENCE groups (exams that must share a period), so coincidence never has to be
/// checked during the search.
pub(super) struct Problem {
    pub(super) ne: usize,
    pub(super) np: usize,
    pub(super) nr: usize,
    pub(super) nd: usize,
    pub(super) size: Vec<u32>,
    pub(super) dur: Vec<usize>,
    pub(super) exclusive: Vec<bool>,
    pub(super) unit_of: Vec<usize>,
    /// Members of each unit, largest first (packing order).
    pub(super) members: Vec<Vec<usize>>,
    /// Hard neighbours of each unit (shared students or EXCLUSION) with the number of students
    /// taking both units (the soft proximity weight; 0 for a pure exclusion).
    pub(super) adj: Vec<Vec<(usize, u32)>>,
    /// `after[u]`: units that must be in an earlier period than `u`.
    pub(super) after: Vec<Vec<usize>>,
    /// `before[u]`: units that must be in a later period than `u`.
    pub(super) before: Vec<Vec<usize>>,
    pub(super) allowed: Vec<bool>,
    pub(super) allowed_list: Vec<Vec<usize>>,
    /// Period penalty + front load of each unit in each period (`u * np + p`).
    pub(super) upcost: Vec<i64>,
    /// Proximity cost of one student with exams in periods `p` and `q` (`p * np + q`).
    pub(super) pc: Vec<i64>,
    pub(super) cap: Vec<u32>,
    pub(super) rpen: Vec<i64>,
    pub(super) wnmd: i64,
    /// Unit-level AFTER/EXCLUSION constraints that can never hold (inside one unit).
    pub(super) impossible: bool,
}

impl Problem {
    pub(super) fn new(inst: &Instance) -> Problem {
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

    pub(super) fn nu(&self) -> usize {
        self.members.len()
    }
}
