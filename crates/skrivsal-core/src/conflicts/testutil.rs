//! Fixtures shared by the unit and property tests.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono_tz::Europe::Stockholm;

use super::*;
use crate::calendar::{
    resolve_local, CentreCalendarInput, Closure, HolidayOptions, Interval, IntervalSet, WeeklyHours,
};

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Stockholm wall clock, strict (no DST gap or fold).
pub fn at(day: &str, hm: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(&format!("{day} {hm}"), "%Y-%m-%d %H:%M").unwrap();
    resolve_local(Stockholm, local).unwrap()
}

pub fn utc(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub fn hours(weekdays: &[Weekday], opens: (u32, u32), closes: (u32, u32)) -> Vec<WeeklyHours> {
    weekdays
        .iter()
        .map(|&weekday| WeeklyHours {
            weekday,
            opens: hm(opens.0, opens.1),
            closes: hm(closes.0, closes.1),
        })
        .collect()
}

pub const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// Mon–Fri staffed 08–17, access card 07–21; closed Wed 2026-02-04 ("Studiedag").
pub fn calendar() -> CentreCalendarInput {
    CentreCalendarInput {
        tz: Stockholm,
        opening: hours(&WEEKDAYS, (8, 0), (17, 0)),
        access_card: hours(&WEEKDAYS, (7, 0), (21, 0)),
        closures: vec![Closure {
            from: date("2026-02-04"),
            to: date("2026-02-04"),
            reason: "Studiedag".into(),
        }],
        holidays: HolidayOptions::default(),
    }
}

pub fn room(id: &str, seats: u32, computers: u32, exam: bool, study: bool) -> Room {
    Room {
        id: id.into(),
        name: format!("Room {id}"),
        seats,
        computer_seats: computers,
        bookable_exam: exam,
        bookable_study: study,
        active: true,
    }
}

pub fn always(from: &str, to: &str) -> IntervalSet<DateTime<Utc>> {
    IntervalSet::from(Interval::new(at(from, "00:00"), at(to, "23:59")).unwrap())
}

pub fn sitting(
    id: &str,
    exam: &str,
    student: &str,
    room: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Sitting {
    Sitting {
        id: id.into(),
        exam_request_id: exam.into(),
        student_id: student.into(),
        room_id: room.into(),
        start,
        end,
        computer: false,
        separate_room: false,
    }
}

pub fn booking(
    id: &str,
    student: &str,
    room: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> StudyBooking {
    StudyBooking {
        id: id.into(),
        student_id: student.into(),
        room_id: room.into(),
        start,
        end,
        computer: false,
    }
}

pub fn assignment(
    id: &str,
    invigilator: &str,
    room: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> InvigilatorAssignment {
    InvigilatorAssignment {
        id: id.into(),
        invigilator_id: invigilator.into(),
        room_id: room.into(),
        start,
        end,
    }
}

/// [`sitting`] from `from` to `to` on `day` (Stockholm wall clock): the form
/// most tests need, on one line.
pub fn sitting_on(
    id: &str,
    exam: &str,
    student: &str,
    room: &str,
    day: &str,
    from: &str,
    to: &str,
) -> Sitting {
    sitting(id, exam, student, room, at(day, from), at(day, to))
}

/// [`booking`] from `from` to `to` on `day`.
pub fn booking_on(
    id: &str,
    student: &str,
    room: &str,
    day: &str,
    from: &str,
    to: &str,
) -> StudyBooking {
    booking(id, student, room, at(day, from), at(day, to))
}

/// [`assignment`] from `from` to `to` on `day`.
pub fn assignment_on(
    id: &str,
    invigilator: &str,
    room: &str,
    day: &str,
    from: &str,
    to: &str,
) -> InvigilatorAssignment {
    assignment(id, invigilator, room, at(day, from), at(day, to))
}

/// The week of Mon 2026-02-02 with:
/// * rooms `hall` (exam, 30 seats, 10 computers), `study` (study, 10 seats, 2
///   computers), `small` (study, 2 seats, 1 computer), `flex` (both, 20 seats),
///   `lab` (exam, 5 seats, 1 computer), `old` (exam, inactive);
/// * exams `fixed` (Mon 09:00, 180 min, ±60 min), `window` (Mon 09:00–16:00, 120 min),
///   `any` (window over the whole week, 60 min);
/// * invigilators `anna` (always available), `bo` (Mon–Fri 08–17), `cia` (inactive);
/// * student `carded` holds a card for the week; `expired` one that ended 2026-01-31.
pub fn week() -> SnapshotData {
    let mut old = room("old", 10, 0, true, true);
    old.active = false;
    let bo: IntervalSet<_> = ["02", "03", "04", "05", "06"]
        .iter()
        .map(|d| {
            let day = format!("2026-02-{d}");
            Interval::new(at(&day, "08:00"), at(&day, "17:00")).unwrap()
        })
        .collect();
    SnapshotData {
        centre: CentreRules {
            calendar: calendar(),
            invigilator_ratio: CentreRules::DEFAULT_INVIGILATOR_RATIO,
        },
        from: date("2026-02-01"),
        to: date("2026-02-08"),
        rooms: vec![
            room("hall", 30, 10, true, false),
            room("study", 10, 2, false, true),
            room("small", 2, 1, false, true),
            room("flex", 20, 0, true, true),
            room("lab", 5, 1, true, false),
            old,
        ],
        exams: vec![
            Exam {
                id: "fixed".into(),
                timing: ExamTiming::Fixed {
                    starts_at: at("2026-02-02", "09:00"),
                },
                duration_minutes: 180,
                start_offset_minutes: 60,
            },
            Exam {
                id: "window".into(),
                timing: ExamTiming::Window {
                    earliest_start: at("2026-02-02", "09:00"),
                    latest_end: at("2026-02-02", "16:00"),
                },
                duration_minutes: 120,
                start_offset_minutes: 0,
            },
            Exam {
                id: "any".into(),
                timing: ExamTiming::Window {
                    earliest_start: at("2026-02-01", "00:00"),
                    latest_end: at("2026-02-08", "23:00"),
                },
                duration_minutes: 60,
                start_offset_minutes: 0,
            },
        ],
        sittings: vec![],
        study_bookings: vec![],
        assignments: vec![],
        invigilators: vec![
            Invigilator {
                id: "anna".into(),
                name: "Anna".into(),
                active: true,
                availability: always("2026-02-01", "2026-02-08"),
            },
            Invigilator {
                id: "bo".into(),
                name: "Bo".into(),
                active: true,
                availability: bo,
            },
            Invigilator {
                id: "cia".into(),
                name: "Cia".into(),
                active: false,
                availability: always("2026-02-01", "2026-02-08"),
            },
        ],
        access_cards: vec![
            AccessCard {
                student_id: "carded".into(),
                valid_from: date("2026-01-01"),
                valid_to: date("2026-06-30"),
            },
            AccessCard {
                student_id: "expired".into(),
                valid_from: date("2025-08-01"),
                valid_to: date("2026-01-31"),
            },
        ],
    }
}
