//! Each hard constraint broken on its own in a feasible solution: the scorer counts
//! exactly that.

use super::*;

/// Number of students shared by two exams.
fn shared(inst: &Instance, a: usize, b: usize) -> u64 {
    let sb = &inst.exams[b].students;
    inst.exams[a]
        .students
        .iter()
        .filter(|s| sb.contains(s))
        .count() as u64
}

/// Total size of the exams in (period, room).
fn load(inst: &Instance, sol: &Solution, period: usize, room: usize) -> u32 {
    (0..inst.exams.len())
        .filter(|&e| sol.assignments[e] == Assignment { period, room })
        .map(|e| inst.exams[e].size())
        .sum()
}

fn unconstrained(inst: &Instance, e: usize) -> bool {
    inst.period_constraints
        .iter()
        .all(|c| c.first != e && c.second != e)
        && !inst.room_exclusive.contains(&e)
}

/// A room of `period` (not `e`'s current slot) that can take exam `e` without overflowing.
fn room_with_space(inst: &Instance, sol: &Solution, period: usize, e: usize) -> Option<usize> {
    (0..inst.rooms.len()).find(|&r| {
        period != sol.assignments[e].period
            && load(inst, sol, period, r) + inst.exams[e].size() <= inst.rooms[r].capacity
    })
}

/// Students `e` shares with the other exams of `period`, counted per student per pair.
fn conflicts_in(inst: &Instance, sol: &Solution, period: usize, e: usize) -> u64 {
    (0..inst.exams.len())
        .filter(|&f| f != e && sol.assignments[f].period == period)
        .map(|f| shared(inst, e, f))
        .sum()
}

#[test]
fn broken_conflict_is_counted_per_shared_student() {
    for (inst, mut sol) in bases(1) {
        // Move an unconstrained exam into another period (long enough, room with space)
        // where it meets some of its students' other exams: only the conflict count may
        // change.
        let (e, p, room, n) = (0..inst.exams.len())
            .filter(|&e| unconstrained(&inst, e))
            .flat_map(|e| (0..inst.periods.len()).map(move |p| (e, p)))
            .filter(|&(e, p)| {
                p != sol.assignments[e].period && inst.exams[e].duration <= inst.periods[p].duration
            })
            .find_map(|(e, p)| {
                let n = conflicts_in(&inst, &sol, p, e);
                let room = room_with_space(&inst, &sol, p, e)?;
                (n >= 2).then_some((e, p, room, n))
            })
            .expect("an exam to break");
        sol.assignments[e] = Assignment { period: p, room };
        let score = evaluate(&inst, &sol).expect("evaluate");
        assert_eq!(hard(&score), [n, 0, 0, 0, 0], "{score}");
        assert_eq!(score.distance_to_feasibility(), n);
    }
}

#[test]
fn broken_room_capacity() {
    for (inst, mut sol) in bases(1) {
        // Put every exam of one period into its smallest room: one overfull (room,
        // period). The period of the first exam whose period holds more than that room
        // and no ROOM_EXCLUSIVE exam (set 1 has none: exam 0's).
        let small = (0..inst.rooms.len())
            .min_by_key(|&r| inst.rooms[r].capacity)
            .expect("rooms");
        let in_period = |p: usize| -> Vec<usize> {
            (0..inst.exams.len())
                .filter(|&e| sol.assignments[e].period == p)
                .collect()
        };
        let p = (0..inst.exams.len())
            .map(|e| sol.assignments[e].period)
            .find(|&p| {
                let in_p = in_period(p);
                let load: u32 = in_p.iter().map(|&e| inst.exams[e].size()).sum();
                load > inst.rooms[small].capacity
                    && in_p.iter().all(|e| !inst.room_exclusive.contains(e))
            })
            .expect("a period to overfill");
        for e in in_period(p) {
            sol.assignments[e].room = small;
        }
        let score = evaluate(&inst, &sol).expect("evaluate");
        assert_eq!(hard(&score), [0, 1, 0, 0, 0], "{score}");
    }
}

#[test]
fn broken_after_constraint() {
    for (inst, mut sol) in bases(1) {
        // Reverse one AFTER pair by swapping the two periods, each exam taking a room
        // with space in its new period; pick a pair whose exams meet no students there.
        let (first, second, r1, r2) =
            inst.period_constraints
                .iter()
                .filter(|c| c.kind == PeriodConstraintKind::After)
                .find_map(|c| {
                    let (a, b) = (c.first, c.second);
                    let (pa, pb) = (sol.assignments[a].period, sol.assignments[b].period);
                    assert!(pa > pb);
                    let clash = |e: usize, p: usize| {
                        (0..inst.exams.len())
                            .filter(|&f| f != a && f != b && sol.assignments[f].period == p)
                            .any(|f| shared(&inst, e, f) > 0)
                    };
                    if clash(a, pb) || clash(b, pa) {
                        return None;
                    }
                    // Periods long enough both ways, and no other constraint on the pair.
                    if inst.exams[a].duration > inst.periods[pb].duration
                        || inst.exams[b].duration > inst.periods[pa].duration
                        || inst.period_constraints.iter().any(|o| {
                            o != c && [o.first, o.second].iter().any(|x| *x == a || *x == b)
                        })
                        || inst.room_exclusive.contains(&a)
                        || inst.room_exclusive.contains(&b)
                    {
                        return None;
                    }
                    Some((
                        a,
                        b,
                        room_with_space(&inst, &sol, pb, a)?,
                        room_with_space(&inst, &sol, pa, b)?,
                    ))
                })
                .expect("an AFTER pair to reverse");
        let (pa, pb) = (
            sol.assignments[first].period,
            sol.assignments[second].period,
        );
        sol.assignments[first] = Assignment {
            period: pb,
            room: r1,
        };
        sol.assignments[second] = Assignment {
            period: pa,
            room: r2,
        };
        let score = evaluate(&inst, &sol).expect("evaluate");
        assert_eq!(hard(&score), [0, 0, 0, 1, 0], "{score}");
    }
}

#[test]
fn broken_room_exclusive() {
    // Set 2 has ROOM_EXCLUSIVE exams 78 and 128; the small instance has one.
    for (inst, mut sol) in bases(2) {
        let x = inst.room_exclusive[0];
        let ax = sol.assignments[x];
        // A small exam of x's period sharing no student with x: put it into x's room if
        // it fits.
        let other = (0..inst.exams.len())
            .find(|&e| {
                e != x
                    && sol.assignments[e].period == ax.period
                    && !inst.room_exclusive.contains(&e)
                    && inst.exams[x].size() + inst.exams[e].size() <= inst.rooms[ax.room].capacity
            })
            .expect("a small exam in the same period");
        sol.assignments[other].room = ax.room;
        let score = evaluate(&inst, &sol).expect("evaluate");
        assert_eq!(hard(&score), [0, 0, 0, 0, 1], "{score}");
    }
}

#[test]
fn broken_period_length() {
    // Set 1's periods are all long enough for every exam; set 2 and the small instance
    // have 60-minute periods.
    for (inst, mut sol) in bases(2) {
        // An unconstrained exam into a too-short period, with room space and none of its
        // students.
        let (e, p, room) = (0..inst.exams.len())
            .filter(|&e| unconstrained(&inst, e))
            .flat_map(|e| (0..inst.periods.len()).map(move |p| (e, p)))
            .filter(|&(e, p)| inst.exams[e].duration > inst.periods[p].duration)
            .find_map(|(e, p)| {
                if conflicts_in(&inst, &sol, p, e) > 0 {
                    return None;
                }
                Some((e, p, room_with_space(&inst, &sol, p, e)?))
            })
            .expect("an exam to break");
        sol.assignments[e] = Assignment { period: p, room };
        let score = evaluate(&inst, &sol).expect("evaluate");
        assert_eq!(hard(&score), [0, 0, 1, 0, 0], "{score}");
    }
}
