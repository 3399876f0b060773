//! One check against a busy day: 20 rooms (10 exam halls, 10 study areas), 300
//! sittings + 200 study bookings, 30 invigilators with 40 assignments.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use chrono_tz::Europe::Stockholm;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

use skrivsal::calendar::{
    resolve_local, CentreCalendarInput, HolidayOptions, Interval, IntervalSet, WeeklyHours,
};
use skrivsal::conflicts::{
    audit, check, AccessCard, CentreRules, Change, Exam, ExamTiming, Invigilator,
    InvigilatorAssignment, Room, Sitting, Snapshot, SnapshotData, StudyBooking,
};

const DAY: &str = "2026-02-03";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("date");
    let t = NaiveTime::from_hms_opt(h, m, 0).expect("time");
    resolve_local(Stockholm, d.and_time(t)).expect("instant")
}

fn busy_day() -> SnapshotData {
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let wh = |o: u32, c: u32| -> Vec<WeeklyHours> {
        weekdays
            .iter()
            .map(|&weekday| WeeklyHours {
                weekday,
                opens: NaiveTime::from_hms_opt(o, 0, 0).expect("time"),
                closes: NaiveTime::from_hms_opt(c, 0, 0).expect("time"),
            })
            .collect()
    };
    let calendar = CentreCalendarInput {
        tz: Stockholm,
        opening: wh(8, 17),
        access_card: wh(7, 21),
        closures: vec![],
        holidays: HolidayOptions::default(),
    };
    let rooms: Vec<Room> = (0..20)
        .map(|i| Room {
            id: format!("room-{i:02}"),
            name: format!("Room {i}"),
            seats: if i < 10 { 30 } else { 25 },
            computer_seats: 10,
            bookable_exam: i < 10,
            bookable_study: i >= 10,
            active: true,
        })
        .collect();
    let exams = vec![Exam {
        id: "exam".into(),
        timing: ExamTiming::Window {
            earliest_start: at(8, 0),
            latest_end: at(17, 0),
        },
        duration_minutes: 120,
        start_offset_minutes: 0,
    }];
    // A deterministic pseudo-random sequence for variety.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut sittings = Vec::new();
    for room in 0..10 {
        for k in 0..30u32 {
            // Two blocks per hall, 08:30–12:00 and 13:00–16:30, some with extended time.
            let (start, base) = if k < 15 {
                (at(8, 30), 120)
            } else {
                (at(13, 0), 120)
            };
            let extra = if next(5) == 0 { 60 } else { 0 };
            sittings.push(Sitting {
                id: format!("sit-{room}-{k}"),
                exam_request_id: "exam".into(),
                student_id: format!("stu-{}", room * 30 + k),
                room_id: format!("room-{room:02}"),
                start,
                end: start + TimeDelta::minutes(base + extra),
                computer: k % 4 == 0,
                separate_room: false,
            });
        }
    }
    let mut study_bookings = Vec::new();
    for room in 10..20 {
        for k in 0..20u32 {
            let start = at(8, 0) + TimeDelta::minutes(30 * i64::try_from(next(14)).unwrap_or(0));
            let len = TimeDelta::minutes(30 * (1 + i64::try_from(next(4)).unwrap_or(0)));
            study_bookings.push(StudyBooking {
                id: format!("book-{room}-{k}"),
                student_id: format!("stu-{}", 300 + (room - 10) * 20 + k),
                room_id: format!("room-{room:02}"),
                start,
                end: start + len,
                computer: k % 5 == 0,
            });
        }
    }
    let invigilators: Vec<Invigilator> = (0..30)
        .map(|i| Invigilator {
            id: format!("inv-{i}"),
            name: format!("Invigilator {i}"),
            active: true,
            availability: IntervalSet::from(Interval::new(at(7, 0), at(18, 0)).expect("span")),
        })
        .collect();
    // Two per hall per block (30 examinees, ratio 20).
    let mut assignments = Vec::new();
    for room in 0..10 {
        for (b, (from, to)) in [(at(8, 15), at(12, 0)), (at(12, 45), at(16, 30))]
            .into_iter()
            .enumerate()
        {
            for p in 0..2 {
                let who = (room * 3 + b + p) % 30;
                assignments.push(InvigilatorAssignment {
                    id: format!("asg-{room}-{b}-{p}"),
                    invigilator_id: format!("inv-{who}"),
                    room_id: format!("room-{room:02}"),
                    start: from,
                    end: to,
                });
            }
        }
    }
    let date = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").expect("date");
    let access_cards = (0..500)
        .step_by(3)
        .map(|s| AccessCard {
            student_id: format!("stu-{s}"),
            valid_from: date - TimeDelta::days(30),
            valid_to: date + TimeDelta::days(30),
        })
        .collect();
    SnapshotData {
        centre: CentreRules {
            calendar,
            invigilator_ratio: 20,
        },
        from: date,
        to: date,
        rooms,
        exams,
        sittings,
        study_bookings,
        assignments,
        invigilators,
        access_cards,
    }
}

fn bench(c: &mut Criterion) {
    let data = busy_day();
    let snap = Snapshot::new(data.clone());

    let booking = vec![Change::BookStudy(StudyBooking {
        id: "new-booking".into(),
        student_id: "stu-999".into(),
        room_id: "room-12".into(),
        start: at(10, 0),
        end: at(12, 0),
        computer: true,
    })];
    let sitting = vec![Change::PlaceSitting(Sitting {
        id: "new-sitting".into(),
        exam_request_id: "exam".into(),
        student_id: "stu-998".into(),
        room_id: "room-03".into(),
        start: at(13, 0),
        end: at(16, 0),
        computer: true,
        separate_room: false,
    })];
    // Whatever the verdict, the work is the same; print it once for the record.
    println!(
        "verdicts: booking {:?}, sitting {:?}",
        check(&snap, &booking).map_err(|v| v.len()),
        check(&snap, &sitting).map_err(|v| v.len())
    );
    // An approval: 20 sittings in an empty hall plus its invigilator.
    let mut empty = data.clone();
    empty.sittings.retain(|s| s.room_id != "room-09");
    empty.assignments.retain(|a| a.room_id != "room-09");
    let empty_snap = Snapshot::new(empty);
    let mut approval: Vec<Change> = (0..20)
        .map(|k| {
            Change::PlaceSitting(Sitting {
                id: format!("appr-{k}"),
                exam_request_id: "exam".into(),
                student_id: format!("new-stu-{k}"),
                room_id: "room-09".into(),
                start: at(9, 0),
                end: at(11, 0) + TimeDelta::minutes(if k % 4 == 0 { 60 } else { 0 }),
                computer: false,
                separate_room: false,
            })
        })
        .collect();
    approval.push(Change::Assign(InvigilatorAssignment {
        id: "appr-asg".into(),
        invigilator_id: "inv-29".into(),
        room_id: "room-09".into(),
        start: at(8, 45),
        end: at(12, 0),
    }));
    println!(
        "approval verdict: {:?}",
        check(&empty_snap, &approval).map_err(|v| v.len())
    );

    c.bench_function("check one study booking (busy day)", |b| {
        b.iter(|| check(black_box(&snap), black_box(&booking)))
    });
    c.bench_function("check one sitting placement (busy day)", |b| {
        b.iter(|| check(black_box(&snap), black_box(&sitting)))
    });
    c.bench_function("check approval of 20 sittings + 1 assignment", |b| {
        b.iter(|| check(black_box(&empty_snap), black_box(&approval)))
    });
    c.bench_function("build snapshot indexes (busy day)", |b| {
        b.iter(|| Snapshot::new(black_box(data.clone())))
    });
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.bench_function("audit whole busy day", |b| {
        b.iter(|| audit(black_box(&snap)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
