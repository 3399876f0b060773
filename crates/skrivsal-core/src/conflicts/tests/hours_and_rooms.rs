//! Rules 1 to 4: opening hours, closed days, capacity, separate room, exams and study mixed.

use super::*;

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
            &[Change::BookStudy(booking_on(
                "b1", student, "study", MON, "18:00", "20:00",
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
            &[Change::BookStudy(booking_on(
                "b1", "carded", "study", MON, "20:00", "22:00",
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
        booking_on("b1", "x", "small", MON, "09:00", "12:00"),
        booking_on("b2", "y", "small", MON, "10:30", "13:00"),
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
    let mut b1 = booking_on("b1", "x", "small", MON, "09:00", "12:00");
    b1.computer = true;
    data.study_bookings = vec![b1];
    let s = snap(data);
    let mut b2 = booking_on("b2", "y", "small", MON, "10:00", "11:00");
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
    let mut alone = sitting_on("alone", "any", "x", "lab", MON, "09:00", "12:00");
    alone.separate_room = true;
    data.sittings = vec![alone.clone()];
    data.assignments = vec![assignment_on("a0", "anna", "lab", MON, "08:00", "14:00")];
    let s = snap(data);
    // An ordinary sitting joining the separate one.
    let v = only(
        check(
            &s,
            &[Change::PlaceSitting(sitting_on(
                "s2", "any", "y", "lab", MON, "11:00", "13:00",
            ))],
        ),
        Rule::SeparateRoom,
        Some(r(ItemKind::Sitting, "alone")),
    );
    assert_eq!(v.span, Interval::new(at(MON, "11:00"), at(MON, "12:00")));
    // Right after it: fine.
    ok(check(
        &s,
        &[Change::PlaceSitting(sitting_on(
            "s2", "any", "y", "lab", MON, "12:00", "13:00",
        ))],
    ));

    // The other direction: a new separate-room sitting where someone already sits.
    let mut data = week();
    data.sittings = vec![sitting_on("s1", "any", "x", "lab", MON, "09:00", "12:00")];
    data.assignments = vec![assignment_on("a0", "anna", "lab", MON, "08:00", "14:00")];
    let s = snap(data);
    let mut mine = sitting_on("mine", "any", "y", "lab", MON, "10:00", "13:00");
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
    data.sittings = vec![sitting_on("s1", "any", "x", "flex", MON, "09:00", "12:00")];
    data.assignments = vec![assignment_on("a0", "anna", "flex", MON, "09:00", "12:00")];
    let s = snap(data);
    let v = only(
        check(
            &s,
            &[Change::BookStudy(booking_on(
                "b1", "y", "flex", MON, "11:00", "13:00",
            ))],
        ),
        Rule::ExamAndStudyMixed,
        Some(r(ItemKind::Sitting, "s1")),
    );
    assert_eq!(v.item, r(ItemKind::StudyBooking, "b1"));
    ok(check(
        &s,
        &[Change::BookStudy(booking_on(
            "b1", "y", "flex", MON, "12:00", "13:00",
        ))],
    ));
}
