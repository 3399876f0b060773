//! Daylight saving, batch semantics and the audit.

use super::*;

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
    data.sittings = vec![sitting_on(
        "s1", "any", "stu", "hall", MON, "09:00", "12:00",
    )];
    data.assignments = vec![assignment_on("a0", "anna", "hall", MON, "08:00", "17:00")];
    let s = snap(data);
    ok(check(
        &s,
        &[Change::PlaceSitting(sitting_on(
            "s1", "any", "stu", "hall", MON, "10:00", "13:00",
        ))],
    ));
    // Moving it onto the student's new study booking in the same batch does collide,
    // and the pair is reported once.
    let res = check(
        &s,
        &[
            Change::PlaceSitting(sitting_on(
                "s1", "any", "stu", "hall", MON, "10:00", "13:00",
            )),
            Change::BookStudy(booking_on("b1", "stu", "study", MON, "12:00", "14:00")),
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
            Change::BookStudy(booking_on("b1", "stu", "study", MON, "10:00", "11:00")),
        ],
    ));
}

#[test]
fn pre_existing_problems_are_not_blamed_on_a_change() {
    let mut data = week();
    // `small` is already over capacity on Monday morning and `hall` has an uncovered
    // sitting: both are someone else's problem.
    data.study_bookings = vec![
        booking_on("b1", "x", "small", MON, "09:00", "12:00"),
        booking_on("b2", "y", "small", MON, "09:00", "12:00"),
        booking_on("b3", "z", "small", MON, "09:00", "12:00"),
    ];
    data.sittings = vec![sitting_on("s1", "any", "w", "hall", TUE, "09:00", "12:00")];
    let s = snap(data);
    ok(check(
        &s,
        &[Change::BookStudy(booking_on(
            "b4", "v", "study", MON, "09:00", "12:00",
        ))],
    ));
    ok(check(&s, &covered("s2", "u", MON, "09:00", "12:00")));
    // But joining the crowded room is refused, and the audit sees both problems.
    only(
        check(
            &s,
            &[Change::BookStudy(booking_on(
                "b4", "v", "small", MON, "11:00", "13:00",
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
    let mut sep = sitting_on("sep", "fixed", "p1", "lab", MON, "11:00", "14:00");
    sep.separate_room = true;
    sep.computer = true;
    let mut comp = sitting_on("comp", "any", "p2", "lab", MON, "09:00", "12:00");
    comp.computer = true;
    data.sittings = vec![
        sep,
        comp,
        sitting_on("late", "fixed", "p3", "flex", MON, "15:00", "18:00"),
        sitting_on("closed", "window", "p4", "flex", WED, "09:00", "10:00"),
        sitting_on("short", "window", "p5", "old", MON, "09:00", "10:00"),
    ];
    data.study_bookings = vec![
        booking_on("mix", "p3", "flex", MON, "16:00", "17:00"),
        booking_on("eve", "nocard", "study", MON, "18:00", "19:00"),
        booking_on("hall", "p6", "hall", MON, "10:00", "11:00"),
    ];
    data.rooms[4].seats = 1; // lab
    data.assignments = vec![
        assignment_on("a1", "bo", "lab", MON, "09:00", "12:00"),
        assignment_on("a2", "bo", "flex", MON, "11:00", "19:00"),
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
        sitting_on("x", "fixed", "p1", "hall", MON, "09:00", "12:00"),
        sitting_on("y", "fixed", "p2", "hall", MON, "10:00", "13:00"),
    ];
    data.assignments = vec![assignment_on("a", "anna", "hall", MON, "09:00", "13:00")];
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
    data.sittings = vec![sitting_on("s1", "any", "x", "hall", MON, "09:00", "10:00")];
    let out = apply(
        &data,
        &[
            Change::PlaceSitting(sitting_on("s1", "any", "x", "hall", MON, "11:00", "12:00")),
            Change::BookStudy(booking_on("b1", "x", "study", MON, "13:00", "14:00")),
            Change::CancelStudy { id: "b1".into() },
            Change::Unassign { id: "none".into() },
        ],
    );
    assert_eq!(out.sittings.len(), 1);
    assert_eq!(out.sittings[0].start, at(MON, "11:00"));
    assert!(out.study_bookings.is_empty());
}
