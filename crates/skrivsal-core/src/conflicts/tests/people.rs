//! Rules 5 and 6: students and invigilators.

use super::*;

// ---- rule 5 -------------------------------------------------------------------------

#[test]
fn student_double_booked() {
    let mut data = week();
    data.sittings = vec![sitting_on(
        "s1", "any", "stu", "hall", MON, "09:00", "12:00",
    )];
    data.assignments = vec![assignment_on("a0", "anna", "hall", MON, "09:00", "12:00")];
    let s = snap(data);
    only(
        check(
            &s,
            &[Change::BookStudy(booking_on(
                "b1", "stu", "study", MON, "11:00", "13:00",
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
    batch.push(Change::Assign(assignment_on(
        "a1", "anna", "hall", MON, "08:45", "12:00",
    )));
    ok(check(&s, &batch));

    // A relay also covers; a gap between two invigilators does not.
    let mut relay = sittings.clone();
    relay.push(Change::Assign(assignment_on(
        "a1", "anna", "hall", MON, "09:00", "10:30",
    )));
    relay.push(Change::Assign(assignment_on(
        "a2", "bo", "hall", MON, "10:30", "12:00",
    )));
    ok(check(&s, &relay));
    let mut gap = sittings;
    gap.push(Change::Assign(assignment_on(
        "a1", "anna", "hall", MON, "09:00", "10:00",
    )));
    gap.push(Change::Assign(assignment_on(
        "a2", "bo", "hall", MON, "10:30", "12:00",
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
    data.assignments = vec![assignment_on("a0", "anna", "hall", MON, "08:00", "13:00")];
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
            Change::Assign(assignment_on("a1", "bo", "hall", MON, "09:00", "12:00")),
        ],
    ));
    // The same person twice in one room still counts once.
    let res = check(
        &s,
        &[
            place(0),
            place(1),
            place(2),
            Change::Assign(assignment_on("a1", "anna", "hall", MON, "09:00", "12:00")),
        ],
    );
    assert_eq!(rules(&res), vec![Rule::InvigilatorRatio; 3]);
}

#[test]
fn invigilator_double_booked() {
    let mut data = week();
    data.assignments = vec![assignment_on("a0", "anna", "hall", MON, "09:00", "12:00")];
    let s = snap(data);
    let v = only(
        check(
            &s,
            &[Change::Assign(assignment_on(
                "a1", "anna", "lab", MON, "11:00", "13:00",
            ))],
        ),
        Rule::InvigilatorDoubleBooked,
        Some(r(ItemKind::InvigilatorAssignment, "a0")),
    );
    assert!(v.message.contains("Room hall"), "{}", v.message);
    ok(check(
        &s,
        &[Change::Assign(assignment_on(
            "a1", "anna", "lab", MON, "12:00", "13:00",
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
    data.sittings = vec![sitting_on(
        "s1", "fixed", "x", "hall", MON, "09:00", "12:00",
    )];
    data.assignments = vec![
        assignment_on("a0", "anna", "hall", MON, "09:00", "12:00"),
        assignment_on("a1", "bo", "hall", MON, "09:00", "10:00"),
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
            &[Change::Assign(assignment_on(
                "a0", "anna", "hall", MON, "09:00", "11:00",
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
            Change::Assign(assignment_on("a0", "anna", "hall", MON, "09:00", "11:00")),
            Change::Assign(assignment_on("a1", "bo", "hall", MON, "09:00", "12:00")),
        ],
    ));
}
