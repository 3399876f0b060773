//! One test per rule (that rule alone broken, naming the colliding item), plus
//! extended time, DST, batch semantics and the audit.

use chrono::{TimeDelta, Weekday};
use chrono_tz::Europe::Stockholm;

use super::testutil::*;
use super::*;
use crate::calendar::{parse_instant, CentreCalendarInput, HolidayOptions, Interval, IntervalSet};

fn room_ref(id: &str) -> ItemRef {
    ItemRef::new(ItemKind::Room, id)
}

fn r(kind: ItemKind, id: &str) -> ItemRef {
    ItemRef::new(kind, id)
}

fn rules(res: &Result<(), Vec<Violation>>) -> Vec<Rule> {
    res.as_ref()
        .err()
        .map(|vs| vs.iter().map(|v| v.rule).collect())
        .unwrap_or_default()
}

/// Exactly one violation, of `rule`, with `with`; returns it for further asserts.
#[track_caller]
fn only(res: Result<(), Vec<Violation>>, rule: Rule, with: Option<ItemRef>) -> Violation {
    let vs = res.expect_err("expected a violation");
    assert_eq!(vs.len(), 1, "{vs:#?}");
    let v = vs.into_iter().next().unwrap();
    assert_eq!(v.rule, rule, "{v:#?}");
    assert_eq!(v.with, with, "{v:#?}");
    assert!(!v.message.is_empty());
    v
}

#[track_caller]
fn ok(res: Result<(), Vec<Violation>>) {
    if let Err(vs) = res {
        panic!("expected OK, got {vs:#?}");
    }
}

fn snap(data: SnapshotData) -> Snapshot {
    Snapshot::new(data)
}

const MON: &str = "2026-02-02";
const TUE: &str = "2026-02-03";
const WED: &str = "2026-02-04";

/// A sitting of `any` in `hall` with Anna covering it: valid unless a test changes
/// something.
fn covered(id: &str, student: &str, day: &str, from: &str, to: &str) -> Vec<Change> {
    vec![
        Change::PlaceSitting(sitting(
            id,
            "any",
            student,
            "hall",
            at(day, from),
            at(day, to),
        )),
        Change::Assign(assignment(
            &format!("a-{id}"),
            "anna",
            "hall",
            at(day, from),
            at(day, to),
        )),
    ]
}

// ---- helpers and codes ------------------------------------------------------------

#[test]
fn personal_duration_rounds_up() {
    assert_eq!(personal_duration(180, 0, 0), TimeDelta::minutes(180));
    assert_eq!(personal_duration(180, 50, 0), TimeDelta::minutes(270));
    // 45 × 1.5 = 67.5 → 68.
    assert_eq!(personal_duration(45, 50, 0), TimeDelta::minutes(68));
    assert_eq!(personal_duration(45, 50, 15), TimeDelta::minutes(83));
    // 100 × 1.01 = 101 exactly: no spurious extra minute.
    assert_eq!(personal_duration(100, 1, 0), TimeDelta::minutes(101));
    assert_eq!(personal_duration(1, 1, 0), TimeDelta::minutes(2));
    assert_eq!(personal_duration(0, 50, 10), TimeDelta::minutes(10));
    assert_eq!(
        personal_duration(u32::MAX, u32::MAX, u32::MAX),
        TimeDelta::MAX
    );
}

#[test]
fn rule_codes_are_stable_snake_case_and_numbered() {
    let mut seen = std::collections::HashSet::new();
    for rule in Rule::ALL {
        // The serde code (rename_all = "snake_case") is the Debug name in snake case;
        // `code()` must agree with it.
        let debug = format!("{rule:?}");
        let mut snake = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        assert_eq!(rule.code(), snake);
        assert_eq!(rule.to_string(), snake);
        assert!(seen.insert(rule.code()));
    }
    let numbered: std::collections::BTreeSet<u8> =
        Rule::ALL.iter().filter_map(|r| r.product_rule()).collect();
    assert_eq!(numbered, (1..=7).collect());
    assert_eq!(Rule::InvigilatorRatio.product_rule(), Some(6));
    assert_eq!(Rule::RoomInactive.product_rule(), None);
    assert_eq!(
        ItemKind::InvigilatorAssignment.code(),
        "invigilator_assignment"
    );
}

#[test]
fn valid_batch_passes() {
    let s = snap(week());
    ok(check(&s, &covered("s1", "stu", MON, "09:00", "12:00")));
    ok(check(
        &s,
        &[Change::BookStudy(booking(
            "b1",
            "stu",
            "study",
            at(MON, "13:00"),
            at(MON, "15:00"),
        ))],
    ));
    ok(check(&s, &[]));
}

// ---- rule 1 -------------------------------------------------------------------------

#[test]
fn opening_hours_for_exams() {
    let s = snap(week());
    let v = only(
        check(&s, &covered("s1", "stu", MON, "16:00", "18:00")),
        Rule::OpeningHours,
        None,
    );
    assert_eq!(v.item, r(ItemKind::Sitting, "s1"));
    assert!(
        v.message.contains("2026-02-02 16:00 to 2026-02-02 18:00"),
        "{}",
        v.message
    );
}

#[test]
fn study_places_use_card_hours_only_with_a_valid_card() {
    let s = snap(week());
    let evening = |student: &str| {
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                student,
                "study",
                at(MON, "18:00"),
                at(MON, "20:00"),
            ))],
        )
    };
    ok(evening("carded"));
    let v = only(evening("nocard"), Rule::AccessCardRequired, None);
    assert!(v.message.contains("2026-02-02"));
    only(evening("expired"), Rule::AccessCardRequired, None);
    // Beyond card hours, nobody.
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "carded",
                "study",
                at(MON, "20:00"),
                at(MON, "22:00"),
            ))],
        ),
        Rule::OpeningHours,
        None,
    );
}

#[test]
fn closed_day_names_the_closure() {
    let s = snap(week());
    let v = only(
        check(&s, &covered("s1", "stu", WED, "09:00", "12:00")),
        Rule::ClosedDay,
        Some(r(ItemKind::Closure, "2026-02-04")),
    );
    assert!(v.message.contains("Studiedag"), "{}", v.message);
}

#[test]
fn closed_day_names_the_holiday() {
    let mut data = week();
    data.from = date("2026-03-30");
    data.to = date("2026-04-10");
    data.invigilators[0].availability = always("2026-03-30", "2026-04-10");
    data.exams[2].timing = ExamTiming::Window {
        earliest_start: at("2026-03-30", "00:00"),
        latest_end: at("2026-04-10", "23:00"),
    };
    let s = snap(data);
    // Långfredagen 2026-04-03, a Friday.
    let v = only(
        check(&s, &covered("s1", "stu", "2026-04-03", "09:00", "12:00")),
        Rule::ClosedDay,
        Some(r(ItemKind::Closure, "2026-04-03")),
    );
    assert!(v.message.contains("långfredagen"), "{}", v.message);
    assert!(v.message.contains("Good Friday"), "{}", v.message);
    ok(check(
        &s,
        &covered("s1", "stu", "2026-04-02", "09:00", "12:00"),
    ));
}

// ---- rule 2 -------------------------------------------------------------------------

#[test]
fn room_capacity() {
    let mut data = week();
    data.study_bookings = vec![
        booking("b1", "x", "small", at(MON, "09:00"), at(MON, "12:00")),
        booking("b2", "y", "small", at(MON, "10:30"), at(MON, "13:00")),
    ];
    let s = snap(data);
    let new = |from, to| {
        check(
            &s,
            &[Change::BookStudy(booking(
                "b3",
                "z",
                "small",
                at(MON, from),
                at(MON, to),
            ))],
        )
    };
    // Only two at a time fit: 08:00–09:00 is free, 09:00–10:30 has one, 10:30–12:00 two.
    ok(new("08:00", "10:30"));
    let v = only(
        new("10:00", "11:00"),
        Rule::RoomCapacity,
        Some(room_ref("small")),
    );
    assert_eq!(v.span, Interval::new(at(MON, "10:30"), at(MON, "11:00")));
    assert!(v.message.contains("3 people"), "{}", v.message);
    // Back to back is not overlap.
    ok(new("13:00", "14:00"));
}

#[test]
fn computer_seats() {
    let mut data = week();
    let mut b1 = booking("b1", "x", "small", at(MON, "09:00"), at(MON, "12:00"));
    b1.computer = true;
    data.study_bookings = vec![b1];
    let s = snap(data);
    let mut b2 = booking("b2", "y", "small", at(MON, "10:00"), at(MON, "11:00"));
    ok(check(&s, &[Change::BookStudy(b2.clone())]));
    b2.computer = true;
    only(
        check(&s, &[Change::BookStudy(b2)]),
        Rule::ComputerSeats,
        Some(room_ref("small")),
    );
}

// ---- rule 3 -------------------------------------------------------------------------

#[test]
fn separate_room_both_directions() {
    let mut data = week();
    let mut alone = sitting(
        "alone",
        "any",
        "x",
        "lab",
        at(MON, "09:00"),
        at(MON, "12:00"),
    );
    alone.separate_room = true;
    data.sittings = vec![alone.clone()];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "lab",
        at(MON, "08:00"),
        at(MON, "14:00"),
    )];
    let s = snap(data);
    // An ordinary sitting joining the separate one.
    let v = only(
        check(
            &s,
            &[Change::PlaceSitting(sitting(
                "s2",
                "any",
                "y",
                "lab",
                at(MON, "11:00"),
                at(MON, "13:00"),
            ))],
        ),
        Rule::SeparateRoom,
        Some(r(ItemKind::Sitting, "alone")),
    );
    assert_eq!(v.span, Interval::new(at(MON, "11:00"), at(MON, "12:00")));
    // Right after it: fine.
    ok(check(
        &s,
        &[Change::PlaceSitting(sitting(
            "s2",
            "any",
            "y",
            "lab",
            at(MON, "12:00"),
            at(MON, "13:00"),
        ))],
    ));

    // The other direction: a new separate-room sitting where someone already sits.
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "x",
        "lab",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "lab",
        at(MON, "08:00"),
        at(MON, "14:00"),
    )];
    let s = snap(data);
    let mut mine = sitting(
        "mine",
        "any",
        "y",
        "lab",
        at(MON, "10:00"),
        at(MON, "13:00"),
    );
    mine.separate_room = true;
    only(
        check(&s, &[Change::PlaceSitting(mine)]),
        Rule::SeparateRoom,
        Some(r(ItemKind::Sitting, "s1")),
    );
}

// ---- rule 4 -------------------------------------------------------------------------

#[test]
fn exam_and_study_mixed() {
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "x",
        "flex",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "flex",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    let s = snap(data);
    let v = only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "y",
                "flex",
                at(MON, "11:00"),
                at(MON, "13:00"),
            ))],
        ),
        Rule::ExamAndStudyMixed,
        Some(r(ItemKind::Sitting, "s1")),
    );
    assert_eq!(v.item, r(ItemKind::StudyBooking, "b1"));
    ok(check(
        &s,
        &[Change::BookStudy(booking(
            "b1",
            "y",
            "flex",
            at(MON, "12:00"),
            at(MON, "13:00"),
        ))],
    ));
}

// ---- rule 5 -------------------------------------------------------------------------

#[test]
fn student_double_booked() {
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "stu",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    let s = snap(data);
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "stu",
                "study",
                at(MON, "11:00"),
                at(MON, "13:00"),
            ))],
        ),
        Rule::StudentDoubleBooked,
        Some(r(ItemKind::Sitting, "s1")),
    );
    // Two sittings of one student in different rooms.
    let mut changes = covered("s2", "stu", MON, "11:30", "12:30");
    if let Change::PlaceSitting(s2) = &mut changes[0] {
        s2.room_id = "lab".into();
    }
    if let Change::Assign(a) = &mut changes[1] {
        a.room_id = "lab".into();
        a.invigilator_id = "bo".into();
    }
    only(
        check(&s, &changes),
        Rule::StudentDoubleBooked,
        Some(r(ItemKind::Sitting, "s1")),
    );
}

// ---- rule 6 -------------------------------------------------------------------------

#[test]
fn coverage_is_judged_on_the_whole_batch() {
    let s = snap(week());
    let sittings: Vec<Change> = (0..3)
        .map(|i| {
            Change::PlaceSitting(sitting(
                &format!("s{i}"),
                "fixed",
                &format!("stu{i}"),
                "hall",
                at(MON, "09:00"),
                at(MON, "12:00"),
            ))
        })
        .collect();
    let res = check(&s, &sittings);
    assert_eq!(rules(&res), vec![Rule::InvigilatorCoverage; 3]);
    for v in res.unwrap_err() {
        assert_eq!(v.with, Some(room_ref("hall")));
        assert_eq!(v.span, Interval::new(at(MON, "09:00"), at(MON, "12:00")));
    }

    // The approval places the sittings and assigns Anna in one batch: OK.
    let mut batch = sittings.clone();
    batch.push(Change::Assign(assignment(
        "a1",
        "anna",
        "hall",
        at(MON, "08:45"),
        at(MON, "12:00"),
    )));
    ok(check(&s, &batch));

    // A relay also covers; a gap between two invigilators does not.
    let mut relay = sittings.clone();
    relay.push(Change::Assign(assignment(
        "a1",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "10:30"),
    )));
    relay.push(Change::Assign(assignment(
        "a2",
        "bo",
        "hall",
        at(MON, "10:30"),
        at(MON, "12:00"),
    )));
    ok(check(&s, &relay));
    let mut gap = sittings;
    gap.push(Change::Assign(assignment(
        "a1",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "10:00"),
    )));
    gap.push(Change::Assign(assignment(
        "a2",
        "bo",
        "hall",
        at(MON, "10:30"),
        at(MON, "12:00"),
    )));
    let res = check(&s, &gap);
    assert_eq!(rules(&res), vec![Rule::InvigilatorCoverage; 3]);
    assert_eq!(
        res.unwrap_err()[0].span,
        Interval::new(at(MON, "10:00"), at(MON, "10:30"))
    );
}

#[test]
fn invigilator_ratio() {
    let mut data = week();
    data.centre.invigilator_ratio = 2;
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "hall",
        at(MON, "08:00"),
        at(MON, "13:00"),
    )];
    let s = snap(data);
    let place = |i: usize| {
        Change::PlaceSitting(sitting(
            &format!("s{i}"),
            "fixed",
            &format!("stu{i}"),
            "hall",
            at(MON, "09:00"),
            at(MON, "12:00"),
        ))
    };
    ok(check(&s, &[place(0), place(1)]));
    let res = check(&s, &[place(0), place(1), place(2)]);
    assert_eq!(rules(&res), vec![Rule::InvigilatorRatio; 3]);
    let v = &res.as_ref().unwrap_err()[0];
    assert_eq!(v.with, Some(room_ref("hall")));
    assert!(
        v.message.contains("3 examinees but only 1"),
        "{}",
        v.message
    );
    ok(check(
        &s,
        &[
            place(0),
            place(1),
            place(2),
            Change::Assign(assignment(
                "a1",
                "bo",
                "hall",
                at(MON, "09:00"),
                at(MON, "12:00"),
            )),
        ],
    ));
    // The same person twice in one room still counts once.
    let res = check(
        &s,
        &[
            place(0),
            place(1),
            place(2),
            Change::Assign(assignment(
                "a1",
                "anna",
                "hall",
                at(MON, "09:00"),
                at(MON, "12:00"),
            )),
        ],
    );
    assert_eq!(rules(&res), vec![Rule::InvigilatorRatio; 3]);
}

#[test]
fn invigilator_double_booked() {
    let mut data = week();
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    let s = snap(data);
    let v = only(
        check(
            &s,
            &[Change::Assign(assignment(
                "a1",
                "anna",
                "lab",
                at(MON, "11:00"),
                at(MON, "13:00"),
            ))],
        ),
        Rule::InvigilatorDoubleBooked,
        Some(r(ItemKind::InvigilatorAssignment, "a0")),
    );
    assert!(v.message.contains("Room hall"), "{}", v.message);
    ok(check(
        &s,
        &[Change::Assign(assignment(
            "a1",
            "anna",
            "lab",
            at(MON, "12:00"),
            at(MON, "13:00"),
        ))],
    ));
}

#[test]
fn invigilator_availability() {
    let s = snap(week());
    let assign = |who: &str, from, to| {
        check(
            &s,
            &[Change::Assign(assignment(
                "a1",
                who,
                "hall",
                at(MON, from),
                at(MON, to),
            ))],
        )
    };
    ok(assign("bo", "08:00", "17:00"));
    only(
        assign("bo", "16:00", "18:00"),
        Rule::InvigilatorAvailability,
        Some(r(ItemKind::Invigilator, "bo")),
    );
    let v = only(
        assign("cia", "09:00", "10:00"),
        Rule::InvigilatorAvailability,
        Some(r(ItemKind::Invigilator, "cia")),
    );
    assert!(v.message.contains("inactive"));
}

#[test]
fn removing_an_assignment_uncovers_sittings() {
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "fixed",
        "x",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    data.assignments = vec![
        assignment("a0", "anna", "hall", at(MON, "09:00"), at(MON, "12:00")),
        assignment("a1", "bo", "hall", at(MON, "09:00"), at(MON, "10:00")),
    ];
    let s = snap(data);
    // Bo is spare: removing him is fine.
    ok(check(&s, &[Change::Unassign { id: "a1".into() }]));
    let v = only(
        check(&s, &[Change::Unassign { id: "a0".into() }]),
        Rule::InvigilatorCoverage,
        Some(room_ref("hall")),
    );
    assert_eq!(v.item, r(ItemKind::InvigilatorAssignment, "a0"));
    assert_eq!(v.span, Interval::new(at(MON, "10:00"), at(MON, "12:00")));
    // Shortening Anna's assignment uncovers the end.
    let v = only(
        check(
            &s,
            &[Change::Assign(assignment(
                "a0",
                "anna",
                "hall",
                at(MON, "09:00"),
                at(MON, "11:00"),
            ))],
        ),
        Rule::InvigilatorCoverage,
        Some(room_ref("hall")),
    );
    assert_eq!(v.span, Interval::new(at(MON, "11:00"), at(MON, "12:00")));
    // Handing over to Bo in the same batch keeps it covered.
    ok(check(
        &s,
        &[
            Change::Assign(assignment(
                "a0",
                "anna",
                "hall",
                at(MON, "09:00"),
                at(MON, "11:00"),
            )),
            Change::Assign(assignment(
                "a1",
                "bo",
                "hall",
                at(MON, "09:00"),
                at(MON, "12:00"),
            )),
        ],
    ));
}

// ---- rule 7 -------------------------------------------------------------------------

#[test]
fn exam_start_offset() {
    let s = snap(week());
    let fixed = |from: &str, to: &str| {
        let mut c = covered("s1", "stu", MON, from, to);
        if let Change::PlaceSitting(x) = &mut c[0] {
            x.exam_request_id = "fixed".into();
        }
        check(&s, &c)
    };
    ok(fixed("09:00", "12:00"));
    // ±60 minutes inclusive.
    ok(fixed("10:00", "13:00"));
    ok(fixed("08:00", "11:00"));
    let v = only(
        fixed("10:01", "13:01"),
        Rule::ExamStart,
        Some(r(ItemKind::ExamRequest, "fixed")),
    );
    assert!(v.message.contains("60 minutes"), "{}", v.message);
}

#[test]
fn exam_window_and_duration() {
    let s = snap(week());
    let window = |from: &str, to: &str| {
        let mut c = covered("s1", "stu", MON, from, to);
        if let Change::PlaceSitting(x) = &mut c[0] {
            x.exam_request_id = "window".into();
        }
        check(&s, &c)
    };
    ok(window("13:00", "16:00"));
    only(
        window("14:00", "16:01"),
        Rule::ExamWindow,
        Some(r(ItemKind::ExamRequest, "window")),
    );
    only(
        window("10:00", "11:59"),
        Rule::ExamDuration,
        Some(r(ItemKind::ExamRequest, "window")),
    );
}

// ---- room purpose, input errors -------------------------------------------------------

#[test]
fn room_not_bookable_and_inactive() {
    let s = snap(week());
    // Study booking in the exam hall.
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "x",
                "hall",
                at(MON, "09:00"),
                at(MON, "10:00"),
            ))],
        ),
        Rule::RoomNotBookable,
        Some(room_ref("hall")),
    );
    // Sitting in a study-only room.
    let mut c = covered("s1", "stu", MON, "09:00", "12:00");
    for change in &mut c {
        match change {
            Change::PlaceSitting(x) => x.room_id = "study".into(),
            Change::Assign(a) => a.room_id = "study".into(),
            _ => {}
        }
    }
    only(
        check(&s, &c),
        Rule::RoomNotBookable,
        Some(room_ref("study")),
    );
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "x",
                "old",
                at(MON, "09:00"),
                at(MON, "10:00"),
            ))],
        ),
        Rule::RoomInactive,
        Some(room_ref("old")),
    );
}

#[test]
fn invalid_items() {
    let s = snap(week());
    only(
        check(&s, &[Change::CancelStudy { id: "nope".into() }]),
        Rule::InvalidItem,
        None,
    );
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "x",
                "attic",
                at(MON, "09:00"),
                at(MON, "10:00"),
            ))],
        ),
        Rule::InvalidItem,
        Some(room_ref("attic")),
    );
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "x",
                "study",
                at(MON, "10:00"),
                at(MON, "10:00"),
            ))],
        ),
        Rule::InvalidItem,
        None,
    );
    // Outside the loaded dates: other bookings there were not loaded.
    let v = only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b1",
                "x",
                "study",
                at("2026-02-09", "09:00"),
                at("2026-02-09", "10:00"),
            ))],
        ),
        Rule::InvalidItem,
        None,
    );
    assert!(v.message.contains("outside the dates"), "{}", v.message);
    only(
        check(
            &s,
            &[Change::Assign(assignment(
                "a1",
                "ghost",
                "hall",
                at(MON, "09:00"),
                at(MON, "10:00"),
            ))],
        ),
        Rule::InvalidItem,
        Some(r(ItemKind::Invigilator, "ghost")),
    );
    // Removing twice: the second removal names a sitting that no longer exists.
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "x",
        "hall",
        at(MON, "09:00"),
        at(MON, "10:00"),
    )];
    let s = snap(data);
    ok(check(&s, &[Change::RemoveSitting { id: "s1".into() }]));
    only(
        check(
            &s,
            &[
                Change::RemoveSitting { id: "s1".into() },
                Change::RemoveSitting { id: "s1".into() },
            ],
        ),
        Rule::InvalidItem,
        None,
    );
}

// ---- extended time ----------------------------------------------------------------------

#[test]
fn extended_time_and_breaks_end_later_and_collide() {
    let mut data = week();
    // The student has a study booking at 13:30 in another room.
    data.study_bookings = vec![booking(
        "b1",
        "stu",
        "study",
        at(MON, "13:30"),
        at(MON, "15:00"),
    )];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    let s = snap(data);
    let start = at(MON, "09:00");
    // Plain: 180 minutes, ends 12:00, covered by Anna, no clash.
    let plain = sitting(
        "s1",
        "fixed",
        "stu",
        "hall",
        start,
        start + personal_duration(180, 0, 0),
    );
    ok(check(&s, &[Change::PlaceSitting(plain)]));
    // +50 % and 20 minutes of breaks: 290 minutes, ends 13:50.
    let end = start + personal_duration(180, 50, 20);
    assert_eq!(end, at(MON, "13:50"));
    let long = sitting("s1", "fixed", "stu", "hall", start, end);
    let res = check(&s, &[Change::PlaceSitting(long.clone())]);
    let vs = res.unwrap_err();
    assert_eq!(
        vs.iter()
            .map(|v| (v.rule, v.with.clone()))
            .collect::<Vec<_>>(),
        vec![
            (Rule::InvigilatorCoverage, Some(room_ref("hall"))),
            (
                Rule::StudentDoubleBooked,
                Some(r(ItemKind::StudyBooking, "b1"))
            ),
        ]
    );
    assert_eq!(
        vs[0].span,
        Interval::new(at(MON, "12:00"), at(MON, "13:50"))
    );
    assert_eq!(
        vs[1].span,
        Interval::new(at(MON, "13:30"), at(MON, "13:50"))
    );
    // Extending the invigilator and moving the booking fixes both.
    ok(check(
        &s,
        &[
            Change::PlaceSitting(long),
            Change::Assign(assignment(
                "a0",
                "anna",
                "hall",
                at(MON, "09:00"),
                at(MON, "14:00"),
            )),
            Change::BookStudy(booking(
                "b1",
                "stu",
                "study",
                at(MON, "14:00"),
                at(MON, "15:00"),
            )),
        ],
    ));
}

// ---- DST ------------------------------------------------------------------------------------

/// Open (staffed) on Sundays 00:00–06:00 and 08:00–17:00, so that sittings can run
/// across the clock changes.
fn night_centre(from: &str, to: &str) -> SnapshotData {
    let mut data = week();
    let mut opening = hours(&WEEKDAYS, (8, 0), (17, 0));
    opening.extend(hours(&[Weekday::Sun], (0, 0), (6, 0)));
    opening.extend(hours(&[Weekday::Sun], (8, 0), (17, 0)));
    data.centre.calendar = CentreCalendarInput {
        tz: Stockholm,
        opening,
        access_card: vec![],
        closures: vec![],
        holidays: HolidayOptions::default(),
    };
    data.from = date(from);
    data.to = date(to);
    let all = IntervalSet::from(
        Interval::new(
            utc(&format!("{from} 00:00")) - TimeDelta::days(1),
            utc(&format!("{to} 23:00")) + TimeDelta::days(1),
        )
        .unwrap(),
    );
    data.invigilators[0].availability = all;
    data.exams = vec![Exam {
        id: "night".into(),
        timing: ExamTiming::Window {
            earliest_start: utc(&format!("{from} 00:00")) - TimeDelta::days(1),
            latest_end: utc(&format!("{to} 23:00")),
        },
        duration_minutes: 60,
        start_offset_minutes: 0,
    }];
    data
}

fn night_sitting(
    id: &str,
    student: &str,
    start: chrono::DateTime<chrono::Utc>,
    minutes: i64,
) -> Vec<Change> {
    let end = start + TimeDelta::minutes(minutes);
    vec![
        Change::PlaceSitting(sitting(id, "night", student, "hall", start, end)),
        Change::Assign(assignment(&format!("a-{id}"), "anna", "hall", start, end)),
    ]
}

#[test]
fn autumn_sitting_is_measured_in_real_time() {
    let s = snap(night_centre("2026-10-24", "2026-10-26"));
    // 01:00 CEST Sunday 2026-10-25 + 240 real minutes = 04:00 CET (3 wall-clock hours).
    let start = parse_instant("2026-10-25T01:00:00+02:00", Stockholm).unwrap();
    let changes = night_sitting("s1", "stu", start, 240);
    ok(check(&s, &changes));
    if let Change::PlaceSitting(x) = &changes[0] {
        assert_eq!(
            x.end,
            parse_instant("2026-10-25T04:00:00+01:00", Stockholm).unwrap()
        );
    }
    let mut data = night_centre("2026-10-24", "2026-10-26");
    if let [Change::PlaceSitting(x), Change::Assign(a)] = &changes[..] {
        data.sittings.push(x.clone());
        data.assignments.push(a.clone());
    }
    let s = snap(data);
    // 02:30 CET (the second 02:30) is 01:30 UTC: inside the sitting in real time.
    let clash_start = parse_instant("2026-10-25T02:30:00+01:00", Stockholm).unwrap();
    let b = sitting(
        "s2",
        "night",
        "stu",
        "lab",
        clash_start,
        clash_start + TimeDelta::minutes(240),
    );
    let res = check(
        &s,
        &[
            Change::PlaceSitting(b),
            Change::Assign(assignment(
                "a2",
                "bo",
                "lab",
                clash_start,
                clash_start + TimeDelta::minutes(240),
            )),
        ],
    );
    // Bo is not available at night; the double booking must still be found.
    let vs = res.unwrap_err();
    let v = vs
        .iter()
        .find(|v| v.rule == Rule::StudentDoubleBooked)
        .expect("student double booked");
    assert_eq!(v.with, Some(r(ItemKind::Sitting, "s1")));
    // The overlap starts at a folded local time, so the message carries the offset.
    assert!(v.message.contains("02:30 (UTC+01:00)"), "{}", v.message);
    // Starting at 04:00 CET, exactly when s1 ends in real time, is no clash.
    let after = parse_instant("2026-10-25T04:00:00+01:00", Stockholm).unwrap();
    let res = check(&s, &night_sitting("s3", "stu", after, 60));
    ok(res);
}

#[test]
fn staffed_hours_on_change_days_are_real_time() {
    // Spring: Sunday 00:00–06:00 is 5 real hours (02:00–03:00 does not exist).
    let s = snap(night_centre("2026-03-28", "2026-03-30"));
    let midnight = parse_instant("2026-03-29T00:00:00+01:00", Stockholm).unwrap();
    ok(check(&s, &night_sitting("s1", "stu", midnight, 300)));
    let res = check(&s, &night_sitting("s1", "stu", midnight, 301));
    assert_eq!(rules(&res), vec![Rule::OpeningHours]);

    // Autumn: Sunday 00:00–06:00 is 7 real hours.
    let s = snap(night_centre("2026-10-24", "2026-10-26"));
    let midnight = parse_instant("2026-10-25T00:00:00+02:00", Stockholm).unwrap();
    ok(check(&s, &night_sitting("s1", "stu", midnight, 420)));
    let res = check(&s, &night_sitting("s1", "stu", midnight, 421));
    assert_eq!(rules(&res), vec![Rule::OpeningHours]);
}

// ---- batch semantics ---------------------------------------------------------------------

#[test]
fn a_move_does_not_collide_with_its_old_position() {
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "stu",
        "hall",
        at(MON, "09:00"),
        at(MON, "12:00"),
    )];
    data.assignments = vec![assignment(
        "a0",
        "anna",
        "hall",
        at(MON, "08:00"),
        at(MON, "17:00"),
    )];
    let s = snap(data);
    ok(check(
        &s,
        &[Change::PlaceSitting(sitting(
            "s1",
            "any",
            "stu",
            "hall",
            at(MON, "10:00"),
            at(MON, "13:00"),
        ))],
    ));
    // Moving it onto the student's new study booking in the same batch does collide,
    // and the pair is reported once.
    let res = check(
        &s,
        &[
            Change::PlaceSitting(sitting(
                "s1",
                "any",
                "stu",
                "hall",
                at(MON, "10:00"),
                at(MON, "13:00"),
            )),
            Change::BookStudy(booking(
                "b1",
                "stu",
                "study",
                at(MON, "12:00"),
                at(MON, "14:00"),
            )),
        ],
    );
    let vs = res.unwrap_err();
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(vs[0].rule, Rule::StudentDoubleBooked);
    assert_eq!(vs[0].item, r(ItemKind::Sitting, "s1"));
    assert_eq!(vs[0].with, Some(r(ItemKind::StudyBooking, "b1")));
    // Removing and re-adding in one batch: the final state counts.
    ok(check(
        &s,
        &[
            Change::RemoveSitting { id: "s1".into() },
            Change::BookStudy(booking(
                "b1",
                "stu",
                "study",
                at(MON, "10:00"),
                at(MON, "11:00"),
            )),
        ],
    ));
}

#[test]
fn pre_existing_problems_are_not_blamed_on_a_change() {
    let mut data = week();
    // `small` is already over capacity on Monday morning and `hall` has an uncovered
    // sitting: both are someone else's problem.
    data.study_bookings = vec![
        booking("b1", "x", "small", at(MON, "09:00"), at(MON, "12:00")),
        booking("b2", "y", "small", at(MON, "09:00"), at(MON, "12:00")),
        booking("b3", "z", "small", at(MON, "09:00"), at(MON, "12:00")),
    ];
    data.sittings = vec![sitting(
        "s1",
        "any",
        "w",
        "hall",
        at(TUE, "09:00"),
        at(TUE, "12:00"),
    )];
    let s = snap(data);
    ok(check(
        &s,
        &[Change::BookStudy(booking(
            "b4",
            "v",
            "study",
            at(MON, "09:00"),
            at(MON, "12:00"),
        ))],
    ));
    ok(check(&s, &covered("s2", "u", MON, "09:00", "12:00")));
    // But joining the crowded room is refused, and the audit sees both problems.
    only(
        check(
            &s,
            &[Change::BookStudy(booking(
                "b4",
                "v",
                "small",
                at(MON, "11:00"),
                at(MON, "13:00"),
            ))],
        ),
        Rule::RoomCapacity,
        Some(room_ref("small")),
    );
    let found: Vec<(Rule, ItemRef)> = audit(&s).into_iter().map(|v| (v.rule, v.item)).collect();
    assert_eq!(
        found,
        vec![
            (Rule::InvigilatorCoverage, room_ref("hall")),
            (Rule::RoomCapacity, room_ref("small")),
        ]
    );
}

// ---- audit ------------------------------------------------------------------------------------

#[test]
fn audit_finds_every_rule() {
    let mut data = week();
    data.centre.invigilator_ratio = 1;
    let mut sep = sitting(
        "sep",
        "fixed",
        "p1",
        "lab",
        at(MON, "11:00"),
        at(MON, "14:00"),
    );
    sep.separate_room = true;
    sep.computer = true;
    let mut comp = sitting(
        "comp",
        "any",
        "p2",
        "lab",
        at(MON, "09:00"),
        at(MON, "12:00"),
    );
    comp.computer = true;
    data.sittings = vec![
        sep,
        comp,
        sitting(
            "late",
            "fixed",
            "p3",
            "flex",
            at(MON, "15:00"),
            at(MON, "18:00"),
        ),
        sitting(
            "closed",
            "window",
            "p4",
            "flex",
            at(WED, "09:00"),
            at(WED, "10:00"),
        ),
        sitting(
            "short",
            "window",
            "p5",
            "old",
            at(MON, "09:00"),
            at(MON, "10:00"),
        ),
    ];
    data.study_bookings = vec![
        booking("mix", "p3", "flex", at(MON, "16:00"), at(MON, "17:00")),
        booking("eve", "nocard", "study", at(MON, "18:00"), at(MON, "19:00")),
        booking("hall", "p6", "hall", at(MON, "10:00"), at(MON, "11:00")),
    ];
    data.rooms[4].seats = 1; // lab
    data.assignments = vec![
        assignment("a1", "bo", "lab", at(MON, "09:00"), at(MON, "12:00")),
        assignment("a2", "bo", "flex", at(MON, "11:00"), at(MON, "19:00")),
    ];
    let found: std::collections::BTreeSet<Rule> =
        audit_data(&data).into_iter().map(|v| v.rule).collect();
    let expected: std::collections::BTreeSet<Rule> = Rule::ALL
        .into_iter()
        .filter(|r| *r != Rule::InvalidItem)
        .collect();
    assert_eq!(found, expected);

    // Ratio needs two examinees and one invigilator.
    let mut data = week();
    data.centre.invigilator_ratio = 1;
    data.sittings = vec![
        sitting(
            "x",
            "fixed",
            "p1",
            "hall",
            at(MON, "09:00"),
            at(MON, "12:00"),
        ),
        sitting(
            "y",
            "fixed",
            "p2",
            "hall",
            at(MON, "10:00"),
            at(MON, "13:00"),
        ),
    ];
    data.assignments = vec![assignment(
        "a",
        "anna",
        "hall",
        at(MON, "09:00"),
        at(MON, "13:00"),
    )];
    let vs = audit_data(&data);
    assert_eq!(vs.len(), 1, "{vs:#?}");
    assert_eq!(vs[0].rule, Rule::InvigilatorRatio);
    assert_eq!(
        vs[0].span,
        Interval::new(at(MON, "10:00"), at(MON, "12:00"))
    );
}

#[test]
fn apply_upserts_and_removes() {
    let mut data = week();
    data.sittings = vec![sitting(
        "s1",
        "any",
        "x",
        "hall",
        at(MON, "09:00"),
        at(MON, "10:00"),
    )];
    let out = apply(
        &data,
        &[
            Change::PlaceSitting(sitting(
                "s1",
                "any",
                "x",
                "hall",
                at(MON, "11:00"),
                at(MON, "12:00"),
            )),
            Change::BookStudy(booking(
                "b1",
                "x",
                "study",
                at(MON, "13:00"),
                at(MON, "14:00"),
            )),
            Change::CancelStudy { id: "b1".into() },
            Change::Unassign { id: "none".into() },
        ],
    );
    assert_eq!(out.sittings.len(), 1);
    assert_eq!(out.sittings[0].start, at(MON, "11:00"));
    assert!(out.study_bookings.is_empty());
}
