//! Rule 7, room purpose, input errors and extended time.

use super::*;

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
            &[Change::BookStudy(booking_on(
                "b1", "x", "hall", MON, "09:00", "10:00",
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
            &[Change::BookStudy(booking_on(
                "b1", "x", "old", MON, "09:00", "10:00",
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
            &[Change::BookStudy(booking_on(
                "b1", "x", "attic", MON, "09:00", "10:00",
            ))],
        ),
        Rule::InvalidItem,
        Some(room_ref("attic")),
    );
    only(
        check(
            &s,
            &[Change::BookStudy(booking_on(
                "b1", "x", "study", MON, "10:00", "10:00",
            ))],
        ),
        Rule::InvalidItem,
        None,
    );
    // Outside the loaded dates: other bookings there were not loaded.
    let v = only(
        check(
            &s,
            &[Change::BookStudy(booking_on(
                "b1",
                "x",
                "study",
                "2026-02-09",
                "09:00",
                "10:00",
            ))],
        ),
        Rule::InvalidItem,
        None,
    );
    assert!(v.message.contains("outside the dates"), "{}", v.message);
    only(
        check(
            &s,
            &[Change::Assign(assignment_on(
                "a1", "ghost", "hall", MON, "09:00", "10:00",
            ))],
        ),
        Rule::InvalidItem,
        Some(r(ItemKind::Invigilator, "ghost")),
    );
    // Removing twice: the second removal names a sitting that no longer exists.
    let mut data = week();
    data.sittings = vec![sitting_on("s1", "any", "x", "hall", MON, "09:00", "10:00")];
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
    data.study_bookings = vec![booking_on("b1", "stu", "study", MON, "13:30", "15:00")];
    data.assignments = vec![assignment_on("a0", "anna", "hall", MON, "09:00", "12:00")];
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
            Change::Assign(assignment_on("a0", "anna", "hall", MON, "09:00", "14:00")),
            Change::BookStudy(booking_on("b1", "stu", "study", MON, "14:00", "15:00")),
        ],
    ));
}
