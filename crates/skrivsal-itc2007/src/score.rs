//! Independent scorer: evaluates a complete solution from scratch, straight from the rules in
//! `FORMAT.md`, sharing no bookkeeping with the solver so that each can check the other.

use std::collections::HashMap;
use std::fmt;

use super::model::{Instance, ParseError, PeriodConstraintKind, Solution};

/// Hard-constraint violation counts (see `FORMAT.md` §3 for how each is counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HardViolations {
    /// Per student, per pair of that student's exams in one period (pairs tied by
    /// EXAM_COINCIDENCE are exempt, as the competition web site says).
    pub conflicts: u64,
    /// One per overfull (room, period).
    pub room_occupancy: u64,
    /// One per exam longer than its period.
    pub period_utilisation: u64,
    /// One per violated AFTER / EXAM_COINCIDENCE / EXCLUSION line.
    pub period_related: u64,
    /// One per ROOM_EXCLUSIVE exam that shares its (room, period).
    pub room_related: u64,
}

impl HardViolations {
    pub fn total(&self) -> u64 {
        self.conflicts
            + self.room_occupancy
            + self.period_utilisation
            + self.period_related
            + self.room_related
    }
}

/// The seven soft terms, already weighted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SoftPenalties {
    pub two_in_a_row: u64,
    pub two_in_a_day: u64,
    pub period_spread: u64,
    pub non_mixed_durations: u64,
    pub front_load: u64,
    pub room_penalty: u64,
    pub period_penalty: u64,
}

impl SoftPenalties {
    pub fn total(&self) -> u64 {
        self.two_in_a_row
            + self.two_in_a_day
            + self.period_spread
            + self.non_mixed_durations
            + self.front_load
            + self.room_penalty
            + self.period_penalty
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub hard: HardViolations,
    pub soft: SoftPenalties,
}

impl Score {
    /// Sum of all hard violations; 0 iff feasible.
    pub fn distance_to_feasibility(&self) -> u64 {
        self.hard.total()
    }

    pub fn is_feasible(&self) -> bool {
        self.distance_to_feasibility() == 0
    }

    /// The competition score (soft penalty). Only meaningful for feasible solutions.
    pub fn soft_total(&self) -> u64 {
        self.soft.total()
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = &self.hard;
        let s = &self.soft;
        writeln!(
            f,
            "Distance to feasibility: {}",
            self.distance_to_feasibility()
        )?;
        writeln!(f, "  Conflicts:          {}", h.conflicts)?;
        writeln!(f, "  RoomOccupancy:      {}", h.room_occupancy)?;
        writeln!(f, "  PeriodUtilisation:  {}", h.period_utilisation)?;
        writeln!(f, "  PeriodRelated:      {}", h.period_related)?;
        writeln!(f, "  RoomRelated:        {}", h.room_related)?;
        writeln!(f, "Soft penalty: {}", self.soft_total())?;
        writeln!(f, "  TwoInARow:          {}", s.two_in_a_row)?;
        writeln!(f, "  TwoInADay:          {}", s.two_in_a_day)?;
        writeln!(f, "  PeriodSpread:       {}", s.period_spread)?;
        writeln!(f, "  NonMixedDurations:  {}", s.non_mixed_durations)?;
        writeln!(f, "  FrontLoad:          {}", s.front_load)?;
        writeln!(f, "  RoomPenalty:        {}", s.room_penalty)?;
        write!(f, "  PeriodPenalty:      {}", s.period_penalty)
    }
}

/// Union-find over EXAM_COINCIDENCE lines: exams in one group must share a period.
pub(crate) fn coincidence_groups(instance: &Instance) -> Vec<usize> {
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let n = instance.exams.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for c in &instance.period_constraints {
        if c.kind == PeriodConstraintKind::Coincidence {
            let a = find(&mut parent, c.first);
            let b = find(&mut parent, c.second);
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..n).map(|e| find(&mut parent, e)).collect()
}

/// Scores `solution` against `instance`. Fails only if the solution does not fit the instance
/// (wrong number of exams, indices out of range).
pub fn evaluate(instance: &Instance, solution: &Solution) -> Result<Score, ParseError> {
    solution.validate(instance)?;
    let a = &solution.assignments;
    let periods = &instance.periods;
    let w = &instance.weightings;
    let mut hard = HardViolations::default();
    let mut soft = SoftPenalties::default();

    // Per student: (period, exam) of each of their exams.
    let mut by_student: Vec<Vec<(usize, usize)>> = instance
        .exams_by_student()
        .into_iter()
        .map(|exams| exams.into_iter().map(|e| (a[e].period, e)).collect())
        .collect();
    let group = coincidence_groups(instance);
    let gap = w.period_spread as usize;
    for list in &mut by_student {
        list.sort_unstable();
        for i in 0..list.len() {
            for j in i + 1..list.len() {
                let (p, e1) = list[i];
                let (q, e2) = list[j];
                if p == q && group[e1] != group[e2] {
                    hard.conflicts += 1;
                }
            }
        }
        // Soft terms treat a student's periods as a set.
        let mut ps: Vec<usize> = list.iter().map(|&(p, _)| p).collect();
        ps.dedup();
        for i in 0..ps.len() {
            for j in i + 1..ps.len() {
                let (p, q) = (ps[i], ps[j]);
                let same_day = periods[p].day == periods[q].day;
                if same_day && q == p + 1 {
                    soft.two_in_a_row += u64::from(w.two_in_a_row);
                } else if same_day {
                    soft.two_in_a_day += u64::from(w.two_in_a_day);
                }
                if q - p <= gap {
                    soft.period_spread += 1;
                }
            }
        }
    }

    // (period, room) -> (load, exam count, exclusive exam count, durations)
    #[derive(Default)]
    struct Slot {
        load: u64,
        exams: usize,
        durations: Vec<u32>,
    }
    let mut slots: HashMap<(usize, usize), Slot> = HashMap::new();
    for (e, exam) in instance.exams.iter().enumerate() {
        let slot = slots.entry((a[e].period, a[e].room)).or_default();
        slot.load += u64::from(exam.size());
        slot.exams += 1;
        if !slot.durations.contains(&exam.duration) {
            slot.durations.push(exam.duration);
        }
        if exam.duration > periods[a[e].period].duration {
            hard.period_utilisation += 1;
        }
        soft.room_penalty += u64::from(instance.rooms[a[e].room].penalty);
        soft.period_penalty += u64::from(periods[a[e].period].penalty);
    }
    for (&(_, r), slot) in &slots {
        if slot.load > u64::from(instance.rooms[r].capacity) {
            hard.room_occupancy += 1;
        }
        soft.non_mixed_durations +=
            u64::from(w.non_mixed_durations) * (slot.durations.len() as u64 - 1);
    }
    for &e in &instance.room_exclusive {
        if slots
            .get(&(a[e].period, a[e].room))
            .is_some_and(|s| s.exams > 1)
        {
            hard.room_related += 1;
        }
    }
    for c in &instance.period_constraints {
        let (p1, p2) = (a[c.first].period, a[c.second].period);
        let ok = match c.kind {
            PeriodConstraintKind::After => p1 > p2,
            PeriodConstraintKind::Coincidence => p1 == p2,
            PeriodConstraintKind::Exclusion => p1 != p2,
        };
        if !ok {
            hard.period_related += 1;
        }
    }

    let threshold = instance.front_load_threshold();
    let fl = w.front_load;
    for e in instance
        .exams_by_size_desc()
        .into_iter()
        .take(fl.largest_exams)
    {
        if a[e].period >= threshold {
            soft.front_load += u64::from(fl.weight);
        }
    }

    Ok(Score { hard, soft })
}
