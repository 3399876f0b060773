//! Engine tests. Every plan is judged by the conflict checker and the
//! independent audit, never by the engine's own bookkeeping.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::generate::{generate, Spec};
use super::*;
use crate::calendar::{CentreCalendarInput, HolidayOptions, Interval, IntervalSet, WeeklyHours};
use crate::conflicts::{
    self, apply, audit_data, CentreRules, Exam, ExamTiming, Invigilator, Room, Rule, Sitting,
    Snapshot, SnapshotData,
};

fn options(seed: u64) -> Options {
    Options {
        seed,
        time_limit: StdDuration::from_secs(60),
        max_iterations: 3_000,
    }
}

fn run(problem: &Problem<'_>, seed: u64) -> Plan {
    plan(problem, &options(seed), &mut |_| {})
}

/// The plan as the checker sees it: accepted as a batch, and the state after
/// it passes the whole-state audit.
fn assert_valid(snapshot: &Snapshot, plan: &Plan) {
    assert_eq!(plan.corrections, 0, "the engine and the checker disagree");
    assert!(plan.conflicts.is_empty(), "{:?}", plan.conflicts);
    let mut n = 0;
    let changes = plan.changes(|| {
        n += 1;
        format!("a{n}")
    });
    if let Err(v) = conflicts::check(snapshot, &changes) {
        panic!("the checker refuses the plan: {v:#?}");
    }
    let after = apply(snapshot.data(), &changes);
    let audit = audit_data(&after);
    assert!(audit.is_empty(), "audit after the plan: {audit:#?}");
}

#[test]
fn generated_weeks_are_planned_validly_and_completely() {
    for seed in 1..=4 {
        let workload = generate(&Spec::week(seed));
        for centre in &workload {
            let problem = Problem {
                snapshot: &centre.snapshot,
                tasks: centre.tasks.clone(),
                allow_moves: false,
                restaff: None,
                accessible_rooms: centre.accessible_rooms.clone(),
                within: None,
            };
            let plan = run(&problem, seed);
            assert_valid(&centre.snapshot, &plan);
            assert_eq!(
                plan.placements.len() + plan.unplaced.len(),
                centre.tasks.len()
            );
            // Every unplaced sitting says why, by rule.
            for u in &plan.unplaced {
                assert!(!u.violations.is_empty(), "{} has no reason", u.sitting_id);
            }
            assert_eq!(plan.cost.unplaced as usize, plan.unplaced.len());
        }
    }
}

#[test]
fn a_plan_is_repeatable_for_a_seed() {
    let workload = generate(&Spec::week(7));
    let centre = &workload[0];
    let problem = Problem {
        snapshot: &centre.snapshot,
        tasks: centre.tasks.clone(),
        allow_moves: false,
        restaff: None,
        accessible_rooms: centre.accessible_rooms.clone(),
        within: None,
    };
    let a = run(&problem, 3);
    let b = run(&problem, 3);
    assert_eq!(a.placements, b.placements);
    assert_eq!(a.new_assignments, b.new_assignments);
    assert_eq!(a.cost, b.cost);
}

#[test]
fn improving_never_makes_the_plan_worse_than_construction() {
    let workload = generate(&Spec::week(11));
    let centre = &workload[0];
    let problem = Problem {
        snapshot: &centre.snapshot,
        tasks: centre.tasks.clone(),
        allow_moves: false,
        restaff: None,
        accessible_rooms: centre.accessible_rooms.clone(),
        within: None,
    };
    let constructed = plan(
        &problem,
        &Options {
            max_iterations: 0,
            ..options(1)
        },
        &mut |_| {},
    );
    let improved = run(&problem, 1);
    assert!(improved.cost <= constructed.cost);
    assert_valid(&centre.snapshot, &improved);
}

// --- hand-made centres ------------------------------------------------------

const TZ: chrono_tz::Tz = chrono_tz::Europe::Stockholm;

fn day() -> NaiveDate {
    // A Tuesday with no holiday near it.
    NaiveDate::from_ymd_opt(2027, 3, 9).unwrap()
}

fn local(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    TZ.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap()))
        .unwrap()
        .with_timezone(&Utc)
}

fn room(id: &str, seats: u32) -> Room {
    Room {
        id: id.into(),
        name: id.into(),
        seats,
        computer_seats: 0,
        bookable_exam: true,
        bookable_study: false,
        active: true,
    }
}

fn invigilator(id: &str, from: u32, to: u32) -> Invigilator {
    Invigilator {
        id: id.into(),
        name: id.into(),
        active: true,
        availability: IntervalSet::from_interval(
            Interval::new(local(day(), from, 0), local(day(), to, 0)).unwrap(),
        ),
    }
}

fn centre(rooms: Vec<Room>, invigilators: Vec<Invigilator>, exams: Vec<Exam>) -> SnapshotData {
    SnapshotData {
        centre: CentreRules {
            calendar: CentreCalendarInput {
                tz: TZ,
                opening: [Weekday::Mon, Weekday::Tue, Weekday::Wed]
                    .into_iter()
                    .map(|weekday| WeeklyHours {
                        weekday,
                        opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                        closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                    })
                    .collect(),
                access_card: Vec::new(),
                closures: Vec::new(),
                holidays: HolidayOptions::default(),
            },
            invigilator_ratio: 20,
        },
        from: day() - Duration::days(1),
        to: day() + Duration::days(1),
        rooms,
        exams,
        sittings: Vec::new(),
        study_bookings: Vec::new(),
        assignments: Vec::new(),
        invigilators,
        access_cards: Vec::new(),
    }
}

fn fixed(id: &str, h: u32, minutes: u32, offset: u32) -> Exam {
    Exam {
        id: id.into(),
        timing: ExamTiming::Fixed {
            starts_at: local(day(), h, 0),
        },
        duration_minutes: minutes,
        start_offset_minutes: offset,
    }
}

fn window(id: &str, minutes: u32) -> Exam {
    Exam {
        id: id.into(),
        timing: ExamTiming::Window {
            earliest_start: local(day(), 8, 0),
            latest_end: local(day(), 17, 0),
        },
        duration_minutes: minutes,
        start_offset_minutes: 0,
    }
}

fn task(id: &str, exam: &str, student: &str, minutes: i64) -> Task {
    Task {
        id: id.into(),
        exam_id: exam.into(),
        student_id: student.into(),
        length: Duration::minutes(minutes),
        computer: false,
        separate_room: false,
        accessible_room: false,
        current: None,
        busy_elsewhere: Vec::new(),
    }
}

fn problem(snapshot: &Snapshot, tasks: Vec<Task>) -> Problem<'_> {
    Problem {
        snapshot,
        tasks,
        allow_moves: false,
        restaff: None,
        accessible_rooms: Vec::new(),
        within: None,
    }
}

#[test]
fn window_sittings_share_a_room_and_an_invigilator() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20), room("group", 8)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![window("w1", 120), window("w2", 90)],
    ));
    let tasks = vec![
        task("s1", "w1", "p1", 120),
        task("s2", "w2", "p2", 90),
        task("s3", "w1", "p3", 180),
    ];
    let plan = run(&problem(&snap, tasks), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.cost.unplaced, 0);
    // One room, one block as long as the longest sitting: 3 hours.
    assert_eq!(plan.cost.rooms_opened, 1);
    assert_eq!(plan.cost.invigilator_minutes, 180);
    assert_eq!(plan.new_assignments.len(), 1);
}

#[test]
fn more_examinees_than_the_ratio_get_a_second_invigilator() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 30)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![fixed("f", 9, 180, 0)],
    ));
    let tasks = (0..25)
        .map(|i| task(&format!("s{i}"), "f", &format!("p{i}"), 180))
        .collect();
    let plan = run(&problem(&snap, tasks), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.cost.unplaced, 0);
    assert_eq!(plan.cost.invigilator_minutes, 2 * 180);
}

#[test]
fn a_fixed_exam_keeps_its_start_when_it_can() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20)],
        vec![invigilator("a", 8, 17)],
        vec![fixed("f", 9, 120, 60)],
    ));
    let plan = run(&problem(&snap, vec![task("s", "f", "p", 120)]), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.placements[0].start, local(day(), 9, 0));
    assert_eq!(plan.cost.unmet_preferences, 0);
}

#[test]
fn an_accessible_room_is_preferred_for_those_who_ask() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20), room("ground-floor", 4)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![fixed("f", 9, 120, 0)],
    ));
    let mut wants = task("s1", "f", "p1", 120);
    wants.accessible_room = true;
    let mut p = problem(&snap, vec![task("s0", "f", "p0", 120), wants]);
    p.accessible_rooms = vec!["ground-floor".into()];
    let plan = run(&p, 1);
    assert_valid(&snap, &plan);
    let placed = plan
        .placements
        .iter()
        .find(|x| x.sitting_id == "s1")
        .unwrap();
    assert_eq!(placed.room_id, "ground-floor");
    // Both in the accessible room: one room, one invigilator.
    assert_eq!(plan.cost.rooms_opened, 1);
    assert_eq!(plan.cost.unmet_preferences, 0);
}

#[test]
fn a_separate_room_sitting_gets_a_room_of_its_own() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20), room("small", 1)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![fixed("f", 9, 120, 0)],
    ));
    let mut alone = task("s1", "f", "p1", 180);
    alone.separate_room = true;
    let plan = run(&problem(&snap, vec![task("s0", "f", "p0", 120), alone]), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.cost.unplaced, 0);
    let rooms: Vec<&str> = plan.placements.iter().map(|p| p.room_id.as_str()).collect();
    assert_ne!(rooms[0], rooms[1]);
}

#[test]
fn no_invigilator_free_is_reported_as_coverage() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20)],
        vec![invigilator("a", 13, 17)],
        vec![fixed("f", 9, 120, 0)],
    ));
    let plan = run(&problem(&snap, vec![task("s", "f", "p", 120)]), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.unplaced.len(), 1);
    assert_eq!(
        plan.unplaced[0].violations[0].rule,
        Rule::InvigilatorCoverage
    );
}

#[test]
fn a_full_separate_room_is_named_as_the_blocker() {
    let snap = Snapshot::new(centre(
        vec![room("small", 1)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![fixed("f", 9, 120, 0)],
    ));
    let tasks = vec![task("s0", "f", "p0", 120), task("s1", "f", "p1", 120)];
    let plan = run(&problem(&snap, tasks), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.unplaced.len(), 1);
    let rules: Vec<Rule> = plan.unplaced[0].violations.iter().map(|v| v.rule).collect();
    assert!(rules.contains(&Rule::RoomCapacity), "{rules:?}");
}

#[test]
fn an_exam_on_a_closed_day_is_refused_with_the_day() {
    let mut data = centre(
        vec![room("hall", 20)],
        vec![invigilator("a", 8, 17)],
        vec![fixed("f", 9, 120, 0)],
    );
    data.centre
        .calendar
        .closures
        .push(crate::calendar::Closure {
            from: day(),
            to: day(),
            reason: "Studiedag".into(),
        });
    let snap = Snapshot::new(data);
    let plan = run(&problem(&snap, vec![task("s", "f", "p", 120)]), 1);
    assert_eq!(plan.unplaced.len(), 1);
    let rules: Vec<Rule> = plan.unplaced[0].violations.iter().map(|v| v.rule).collect();
    assert!(rules.contains(&Rule::ClosedDay), "{rules:?}");
}

#[test]
fn a_student_is_never_in_two_places() {
    let snap = Snapshot::new(centre(
        vec![room("hall", 20), room("group", 8)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![fixed("f", 9, 120, 0), fixed("g", 9, 120, 0)],
    ));
    let tasks = vec![task("s0", "f", "same", 120), task("s1", "g", "same", 120)];
    let plan = run(&problem(&snap, tasks), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.unplaced.len(), 1);
    assert_eq!(
        plan.unplaced[0].violations[0].rule,
        Rule::StudentDoubleBooked
    );
}

/// Confirmed sittings stay where they are unless the run may move them, and a
/// run that may move them does so only to place more.
#[test]
fn confirmed_sittings_move_only_when_allowed_and_useful() {
    let mut data = centre(
        vec![room("hall", 1), room("group", 1)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![window("w", 120), fixed("f", 9, 120, 0)],
    );
    // A window sitting confirmed at 09:00 in the hall, where the fixed exam must go
    // (the group room is taken by a confirmed fixed sitting).
    data.sittings = vec![
        Sitting {
            id: "w0".into(),
            exam_request_id: "w".into(),
            student_id: "p0".into(),
            room_id: "hall".into(),
            start: local(day(), 9, 0),
            end: local(day(), 11, 0),
            computer: false,
            separate_room: false,
        },
        Sitting {
            id: "f0".into(),
            exam_request_id: "f".into(),
            student_id: "p1".into(),
            room_id: "group".into(),
            start: local(day(), 9, 0),
            end: local(day(), 11, 0),
            computer: false,
            separate_room: false,
        },
    ];
    let snap = Snapshot::new(data);
    let mut confirmed = task("w0", "w", "p0", 120);
    confirmed.current = Some(("hall".into(), local(day(), 9, 0)));
    let tasks = vec![confirmed, task("f1", "f", "p2", 120)];

    let stay = run(&problem(&snap, tasks.clone()), 1);
    assert_valid(&snap, &stay);
    let kept = stay
        .placements
        .iter()
        .find(|p| p.sitting_id == "w0")
        .unwrap();
    assert!(kept.moved_from.is_none());
    assert_eq!(stay.cost.moves, 0);
    assert_eq!(stay.unplaced.len(), 1);

    let mut p = problem(&snap, tasks);
    p.allow_moves = true;
    let moved = run(&p, 1);
    assert_valid(&snap, &moved);
    assert_eq!(moved.cost.unplaced, 0);
    assert_eq!(moved.cost.moves, 1);
    let w0 = moved
        .placements
        .iter()
        .find(|p| p.sitting_id == "w0")
        .unwrap();
    assert_eq!(
        w0.moved_from,
        Some(("hall".to_string(), local(day(), 9, 0)))
    );
}

/// A two-hour exam open from `opens` to `closes`.
fn long_window(opens: DateTime<Utc>, closes: DateTime<Utc>) -> Exam {
    Exam {
        id: "w".into(),
        timing: ExamTiming::Window {
            earliest_start: opens,
            latest_end: closes,
        },
        duration_minutes: 120,
        start_offset_minutes: 0,
    }
}

#[test]
fn a_window_reaching_a_thousand_years_costs_only_the_loaded_dates() {
    // Opens off the quarter-hour long before the loaded dates and closes a
    // thousand years after them: the candidates are the loaded days' only,
    // still on the window's own 15-minute grid.
    let opens = local(day() - Duration::days(400), 8, 5);
    let closes = local(NaiveDate::from_ymd_opt(3027, 3, 9).unwrap(), 17, 0);
    let exam = long_window(opens, closes);
    let data = centre(
        vec![room("hall", 20)],
        vec![invigilator("a", 8, 17)],
        vec![exam.clone()],
    );
    let starts = candidate_starts(&exam, Duration::minutes(120), (data.from, data.to));
    // Three loaded days plus a day's margin either side, every 15 minutes.
    assert!(
        !starts.is_empty() && starts.len() <= 6 * 24 * 4,
        "{}",
        starts.len()
    );
    assert!(starts.iter().all(|s| (*s - opens).num_minutes() % 15 == 0));
    let snap = Snapshot::new(data);
    let started = std::time::Instant::now();
    let plan = run(&problem(&snap, vec![task("s", "w", "p", 120)]), 1);
    assert_valid(&snap, &plan);
    assert_eq!(plan.cost.unplaced, 0);
    assert!(started.elapsed() < StdDuration::from_secs(5));
}

#[test]
fn the_longest_allowed_window_is_planned_quickly() {
    use crate::domain::bounds::MAX_WINDOW_DAYS;
    // A window of the longest length a request may ask for, over a snapshot
    // of as many days (what approval loads), twenty students.
    let closes = local(day() + Duration::days(MAX_WINDOW_DAYS - 1), 17, 0);
    let mut data = centre(
        vec![room("hall", 20), room("group", 8)],
        vec![invigilator("a", 8, 17), invigilator("b", 8, 17)],
        vec![long_window(local(day(), 8, 0), closes)],
    );
    data.to = day() + Duration::days(MAX_WINDOW_DAYS);
    let snap = Snapshot::new(data);
    let tasks = (0..20)
        .map(|i| task(&format!("s{i}"), "w", &format!("p{i}"), 120))
        .collect();
    let started = std::time::Instant::now();
    let plan = run(&problem(&snap, tasks), 1);
    let took = started.elapsed();
    assert_valid(&snap, &plan);
    assert_eq!(plan.cost.unplaced, 0);
    // This and the thousand-year test together took 0.27 s in a debug build
    // (2 shared cores); the bound leaves room for a loaded machine, far below
    // the 25 s a thousand-year window once took to approve.
    assert!(took < StdDuration::from_secs(10), "{took:?}");
}
