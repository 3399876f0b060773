//! Tests of the parser, scorer and solver. Most run on `tests/data/small.exam` (a small
//! generated instance shipped with the crate, see `tests/data/gen_small.py`) and, when
//! the public ITC 2007 data is present (`ITC2007_DATA`, else `shared/data/itc2007`
//! beside the repository), on the real sets too. The tests that only make sense on the
//! public files (their sizes, the published golden scores) print that they skipped when
//! it is absent.

use std::path::PathBuf;
use std::time::Duration;

use super::model::{Assignment, PeriodConstraintKind};
use super::*;

mod broken;

/// The small generated instance, always available.
const SMALL: &str = include_str!("../tests/data/small.exam");

/// The public data set, if it is there.
fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ITC2007_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/itc2007"),
        PathBuf::from,
    );
    dir.join("exam_comp_set1.exam").is_file().then_some(dir)
}

/// The public data directory, or return from the test saying it was skipped.
macro_rules! real_data_or_skip {
    () => {
        match data_dir() {
            Some(dir) => dir,
            None => {
                eprintln!("skipped: the public ITC 2007 data is not present (set ITC2007_DATA)");
                return;
            }
        }
    };
}

fn instance(set: u32) -> Instance {
    let path = data_dir()
        .expect("the public ITC 2007 data")
        .join(format!("exam_comp_set{set}.exam"));
    Instance::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn published(set: u32, run: &str, inst: &Instance) -> Solution {
    let path = data_dir()
        .expect("the public ITC 2007 data")
        .join(format!("solutions/{run}/set{set}.sln"));
    Solution::from_file(&path, inst).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn small() -> Instance {
    parse_instance(SMALL).expect("small.exam parses")
}

/// The small instance with a feasible solution from the solver (fixed seed and budget,
/// so always the same one).
fn small_base() -> (Instance, Solution) {
    let inst = small();
    let result = solve(
        &inst,
        SolveOptions {
            time_limit: Duration::from_secs(20),
            seed: 11,
            max_iterations: Some(20_000),
            ..SolveOptions::default()
        },
    );
    let score = evaluate(&inst, &result.solution).expect("evaluate");
    assert!(result.feasible && score.is_feasible(), "small: {score}");
    (inst, result.solution)
}

/// Feasible (instance, solution) pairs to break: the small one always, and `set` with the
/// published TA solution when the public data is there.
fn bases(set: u32) -> Vec<(Instance, Solution)> {
    let mut out = vec![small_base()];
    if data_dir().is_some() {
        let inst = instance(set);
        let sol = published(set, "ta-run1", &inst);
        assert!(evaluate(&inst, &sol).expect("evaluate").is_feasible());
        out.push((inst, sol));
    }
    out
}

fn hard(s: &Score) -> [u64; 5] {
    let h = s.hard;
    [
        h.conflicts,
        h.room_occupancy,
        h.period_utilisation,
        h.period_related,
        h.room_related,
    ]
}

#[test]
fn instance_sizes_match_format_md() {
    real_data_or_skip!();
    // (exams, max student id + 1, enrolments, periods, days, rooms, total capacity, PHC, RHC)
    let expected = [
        (607, 7891, 32380, 54, 29, 7, 802, 12, 0),
        (870, 12743, 37379, 40, 13, 49, 4076, 12, 2),
        (934, 16439, 61150, 36, 12, 48, 5212, 170, 15),
        (273, 5045, 21740, 21, 7, 1, 1200, 40, 0),
    ];
    for (i, exp) in expected.iter().enumerate() {
        let inst = instance(i as u32 + 1);
        let enrolments: usize = inst.exams.iter().map(|e| e.students.len()).sum();
        let capacity: u32 = inst.rooms.iter().map(|r| r.capacity).sum();
        let got = (
            inst.exams.len(),
            inst.num_students,
            enrolments,
            inst.periods.len(),
            inst.num_days(),
            inst.rooms.len(),
            capacity,
            inst.period_constraints.len(),
            inst.room_exclusive.len(),
        );
        assert_eq!(got, *exp, "set {}", i + 1);
    }
    let w = instance(3).weightings;
    assert_eq!(
        (
            w.two_in_a_row,
            w.two_in_a_day,
            w.period_spread,
            w.non_mixed_durations
        ),
        (15, 10, 4, 20)
    );
    assert_eq!(
        w.front_load,
        FrontLoad {
            largest_exams: 200,
            last_periods: 20,
            weight: 10
        }
    );
}

#[test]
fn golden_scores_are_reproduced() {
    let dir = real_data_or_skip!();
    let csv = std::fs::read_to_string(dir.join("golden_scores.csv")).expect("golden_scores.csv");
    let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (c_set, c_file, c_dist, c_total) = (
        col("set"),
        col("solution_file"),
        col("distance_to_feasibility"),
        col("soft_total"),
    );
    let terms = [
        "TWOINAROW",
        "TWOINADAY",
        "PERIODSPREAD",
        "NONMIXEDDURATIONS",
        "FRONTLOAD",
        "ROOMPENALTY",
        "PERIODPENALTY",
    ]
    .map(col);
    let mut instances = std::collections::HashMap::new();
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let num = |c: usize| f[c].parse::<u64>().unwrap_or_else(|_| panic!("{line}"));
        let set = num(c_set) as u32;
        let inst = instances.entry(set).or_insert_with(|| instance(set));
        let sol = Solution::from_file(dir.join(f[c_file]), inst).expect(f[c_file]);
        let score = evaluate(inst, &sol).expect("evaluate");
        let s = score.soft;
        let got = [
            s.two_in_a_row,
            s.two_in_a_day,
            s.period_spread,
            s.non_mixed_durations,
            s.front_load,
            s.room_penalty,
            s.period_penalty,
        ];
        let want = terms.map(num);
        assert_eq!(got, want, "{}: soft terms\n{score}", f[c_file]);
        assert_eq!(
            score.distance_to_feasibility(),
            num(c_dist),
            "{}",
            f[c_file]
        );
        assert_eq!(score.soft_total(), num(c_total), "{}", f[c_file]);
        rows += 1;
    }
    assert_eq!(rows, 16);
}

/// Set 1, TA solution: feasible, penalty 4827.
#[test]
fn set1_ta_solution_is_feasible_at_4827() {
    real_data_or_skip!();
    let inst = instance(1);
    let sol = published(1, "ta-run1", &inst);
    let score = evaluate(&inst, &sol).expect("evaluate");
    assert!(score.is_feasible());
    assert_eq!(score.soft_total(), 4827);
}

/// A tiny instance whose every count can be checked by hand. Students: exam 0 {1,2,3},
/// exam 1 {3,4}, exam 2 {2,3}, exam 3 {5}, exam 4 {6}. Period 0 and 1 are day 0.
const TINY: &str = "[Exams:5]\n60, 1, 2, 3\n60, 3, 4\n120, 2, 3\n60, 5\n60, 6\n\
    [Periods:3]\n01:01:2020, 09:00:00, 120, 10\n01:01:2020, 13:00:00, 60, 0\n\
    02:01:2020, 09:00:00, 120, 0\n[Rooms:2]\n5, 0\n3, 7\n\
    [PeriodHardConstraints]\n0, EXAM_COINCIDENCE, 2\n3, EXCLUSION, 4\n3, EXCLUSION, 4\n\
    4, AFTER, 3\n[RoomHardConstraints]\n4, ROOM_EXCLUSIVE\n[InstitutionalWeightings]\n\
    TWOINAROW, 7\nTWOINADAY, 5\nPERIODSPREAD, 1\nNONMIXEDDURATIONS, 10\nFRONTLOAD, 1, 1, 3\n";

fn tiny_solution(a: [(usize, usize); 5]) -> Solution {
    Solution {
        assignments: a
            .iter()
            .map(|&(period, room)| Assignment { period, room })
            .collect(),
    }
}

#[test]
fn tiny_instance_counts_every_rule() {
    let inst = parse_instance(TINY).expect("tiny");
    // 0 and 2 coincide in period 0 (sharing students 2 and 3 is exempt), 1 in period 1,
    // 3 in period 0 room 1, 4 alone in period 2 room 1 (after 3).
    let ok = tiny_solution([(0, 0), (1, 0), (0, 0), (0, 1), (2, 1)]);
    let s = evaluate(&inst, &ok).expect("evaluate");
    assert_eq!(hard(&s), [0, 0, 0, 0, 0], "{s}");
    // Student 3: periods {0, 1}: one two-in-a-row (7) and one spread pair (1). Room 0 of
    // period 0 mixes 60 and 120 (NMD 10). Front load: exam 0 (largest) in period 0, threshold
    // 2 -> 0. Room penalties: exams 3 and 4 in room 1 -> 14. Periods: 3 exams in period 0 -> 30.
    assert_eq!(
        s.soft,
        SoftPenalties {
            two_in_a_row: 7,
            two_in_a_day: 0,
            period_spread: 1,
            non_mixed_durations: 10,
            front_load: 0,
            room_penalty: 14,
            period_penalty: 30,
        },
        "{s}"
    );
    assert_eq!(s.soft_total(), 62);

    // Break several rules at once:
    // - exam 1 joins exams 0 and 2 in period 0: student 3 has 0/1 and 2/1 clashing -> 2
    //   conflicts (0/2 is a coincidence pair, exempt); room 0 holds 3+2+2 = 7 > 5 -> 1;
    // - exam 2 stays in period 0: coincidence holds;
    // - exams 3 and 4 share period 2 room 1: exclusion twice, AFTER once, exclusive once;
    // - exam 4 (60) fits period 2: no utilisation violation.
    let bad = tiny_solution([(0, 0), (0, 0), (0, 0), (2, 1), (2, 1)]);
    let s = evaluate(&inst, &bad).expect("evaluate");
    assert_eq!(hard(&s), [2, 1, 0, 3, 1], "{s}");
    assert_eq!(s.distance_to_feasibility(), 7);

    // Exam 2 (120 minutes) alone in period 1 (60 minutes): utilisation and coincidence.
    let short = tiny_solution([(0, 0), (2, 0), (1, 0), (0, 1), (2, 1)]);
    let s = evaluate(&inst, &short).expect("evaluate");
    assert_eq!(hard(&s), [0, 0, 1, 1, 0], "{s}");
}

#[test]
fn parser_reports_line_numbers() {
    let good = "[Exams:2]\n60, 1, 2\n90, 2\n[Periods:2]\n01:01:2020, 09:00:00, 120, 0\n\
                01:01:2020, 13:00:00, 60, 5\n[Rooms:1]\n10, 0\n[PeriodHardConstraints]\n\
                1, AFTER, 0\n[RoomHardConstraints]\n0, ROOM_EXCLUSIVE\n\
                [InstitutionalWeightings]\nTWOINAROW, 7\nTWOINADAY, 5\nPERIODSPREAD, 3\n\
                NONMIXEDDURATIONS,10\nFRONTLOAD,1,1,5\n";
    let inst = parse_instance(good).expect("valid instance");
    assert_eq!(inst.exams.len(), 2);
    assert_eq!(inst.num_students, 3);
    assert_eq!(inst.periods[1].penalty, 5);
    assert_eq!(inst.room_exclusive, vec![0]);
    assert_eq!(inst.weightings.front_load.weight, 5);
    // CRLF is accepted too.
    assert_eq!(
        parse_instance(&good.replace('\n', "\r\n")).expect("crlf"),
        inst
    );

    let cases: [(&str, &str, usize); 6] = [
        ("90, 2\n", "90, x\n", 3),
        (
            "01:01:2020, 13:00:00, 60, 5\n",
            "01:01:2020, 13:00:00, 60\n",
            6,
        ),
        ("10, 0\n", "ten, 0\n", 8),
        ("1, AFTER, 0\n", "1, BEFORE, 0\n", 10),
        ("1, AFTER, 0\n", "7, AFTER, 0\n", 10),
        ("0, ROOM_EXCLUSIVE\n", "5, ROOM_EXCLUSIVE\n", 12),
    ];
    for (from, to, line) in cases {
        let bad = good.replacen(from, to, 1);
        match parse_instance(&bad) {
            Err(ParseError::Line { line: l, .. }) => assert_eq!(l, line, "{to:?}"),
            other => panic!("{to:?}: expected a line error, got {other:?}"),
        }
    }
    // Declared count disagrees with the lines that follow: reported at the header.
    match parse_instance(&good.replacen("[Exams:2]", "[Exams:3]", 1)) {
        Err(ParseError::Line { line: 1, .. }) => {}
        other => panic!("expected line 1 error, got {other:?}"),
    }
    assert!(matches!(
        parse_instance("[Exams:0]\n[Periods:0]\n"),
        Err(ParseError::Structure(_))
    ));
}

#[test]
fn solution_parser_errors() {
    let inst = small();
    let (n, periods, rooms) = (inst.exams.len(), inst.periods.len(), inst.rooms.len());
    let good: String = (0..n).map(|e| format!("{}, 0\r\n", e % periods)).collect();
    assert_eq!(
        parse_solution(&good, &inst)
            .expect("valid")
            .assignments
            .len(),
        n
    );
    // LF and no final newline are fine.
    let lf = good.replace("\r\n", "\n");
    assert!(parse_solution(lf.trim_end(), &inst).is_ok());

    let short: String = (0..n - 1).map(|_| "0, 0\n").collect();
    assert!(matches!(
        parse_solution(&short, &inst),
        Err(ParseError::WrongLineCount { expected, found }) if expected == n && found == n - 1
    ));
    let mut lines: Vec<String> = (0..n).map(|_| "0, 0".to_string()).collect();
    lines[4] = format!("{periods}, 0"); // periods are 0..periods
    assert!(matches!(
        parse_solution(&lines.join("\n"), &inst),
        Err(ParseError::Line { line: 5, .. })
    ));
    lines[4] = format!("3, {rooms}"); // rooms are 0..rooms
    assert!(matches!(
        parse_solution(&lines.join("\n"), &inst),
        Err(ParseError::Line { line: 5, .. })
    ));
    lines[4] = "-1, -1".into(); // cpsolver's marker for unassigned exams
    assert!(matches!(
        parse_solution(&lines.join("\n"), &inst),
        Err(ParseError::Line { line: 5, .. })
    ));
    lines[4] = "3".into();
    assert!(matches!(
        parse_solution(&lines.join("\n"), &inst),
        Err(ParseError::Line { line: 5, .. })
    ));
}

#[test]
fn solution_text_around_the_assignments_is_skipped_and_noted() {
    let inst = small();
    let n = inst.exams.len();
    let body: String = (0..n).map(|_| "0, 0\r\n").collect();
    let text = format!(
        "Solution for exam_comp_set1.exam by some solver\r\n{body}Distance to feasibility: 0\r\nSoft cost: 42\r\n"
    );
    let (solution, skipped) = parse_solution_noting(&text, &inst).expect("assignments parse");
    assert_eq!(solution.assignments.len(), n);
    assert_eq!(
        skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![1, n + 2, n + 3]
    );
    assert!(skipped[0].to_string().contains("exam_comp_set1"));
    // The skipped lines do not count: one assignment short is still refused.
    let short = text.replacen("0, 0\r\n", "", 1);
    assert!(matches!(
        parse_solution(&short, &inst),
        Err(ParseError::WrongLineCount { .. })
    ));
}

#[test]
fn solver_smoke_small_matches_scorer() {
    solver_matches_scorer(&small(), 20_000);
}

#[test]
fn solver_smoke_set4_matches_scorer() {
    real_data_or_skip!();
    let budget = if cfg!(debug_assertions) {
        100_000
    } else {
        2_000_000
    };
    solver_matches_scorer(&instance(4), budget);
}

fn solver_matches_scorer(inst: &Instance, budget: u64) {
    let options = SolveOptions {
        time_limit: Duration::from_secs(30),
        seed: 7,
        max_iterations: Some(budget),
        ..SolveOptions::default()
    };
    let result = solve(inst, options.clone());
    assert!(result.feasible);
    let score = evaluate(inst, &result.solution).expect("evaluate");
    assert!(score.is_feasible(), "{score}");
    assert_eq!(result.penalty, score.soft_total(), "{score}");
    // Same seed and iteration budget: same answer.
    let again = solve(inst, options);
    assert_eq!(again.solution, result.solution);
}

#[test]
fn solver_smoke_all_sets_reach_feasibility() {
    real_data_or_skip!();
    for set in 1..=3 {
        let inst = instance(set);
        let result = solve(
            &inst,
            SolveOptions {
                time_limit: Duration::from_secs(20),
                seed: 1,
                max_iterations: Some(20_000),
                ..SolveOptions::default()
            },
        );
        let score = evaluate(&inst, &result.solution).expect("evaluate");
        assert!(result.feasible && score.is_feasible(), "set {set}: {score}");
        assert_eq!(result.penalty, score.soft_total(), "set {set}");
    }
}

#[test]
fn solver_handles_tiny_and_degenerate_instances() {
    let options = SolveOptions {
        time_limit: Duration::from_secs(5),
        seed: 3,
        max_iterations: Some(20_000),
        ..SolveOptions::default()
    };
    // Coincidence, exclusion, AFTER and ROOM_EXCLUSIVE all in play.
    let inst = parse_instance(TINY).expect("tiny");
    let result = solve(&inst, options.clone());
    let score = evaluate(&inst, &result.solution).expect("evaluate");
    assert!(result.feasible && score.is_feasible(), "{score}");
    assert_eq!(result.penalty, score.soft_total(), "{score}");

    // An exam larger than every room: reported infeasible, still a complete solution.
    let too_big = TINY.replace("60, 5\n", "60, 5, 7, 8, 9, 10, 11\n");
    let inst = parse_instance(&too_big).expect("too big");
    let result = solve(&inst, options.clone());
    assert!(!result.feasible);
    let score = evaluate(&inst, &result.solution).expect("complete solution");
    assert!(score.hard.room_occupancy > 0, "{score}");

    // No exams at all.
    let empty = "[Exams:0]\n[Periods:1]\n01:01:2020, 09:00:00, 60, 0\n[Rooms:1]\n5, 0\n";
    let inst = parse_instance(empty).expect("empty");
    let result = solve(&inst, options.clone());
    assert!(result.feasible && result.solution.assignments.is_empty());

    // Exams but no periods: nothing valid exists, and nothing panics.
    let no_periods = "[Exams:1]\n60, 1\n[Periods:0]\n[Rooms:1]\n5, 0\n";
    let inst = parse_instance(no_periods).expect("no periods");
    assert!(!solve(&inst, options).feasible);
}
