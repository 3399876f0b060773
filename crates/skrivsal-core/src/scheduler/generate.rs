//! Seeded, realistic centre workloads for tests and benchmarks: centres
//! with an exam hall, group rooms (also rented for study) and small rooms,
//! full- and part-time invigilators, and weeks of exam requests mixing
//! campus-timed and window exams, with the accommodations distance students
//! ask for. The same spec and seed always give the same workload.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::Task;
use crate::calendar::{
    holiday_on, CentreCalendarInput, HolidayOptions, Interval, IntervalSet, WeeklyHours,
};
use crate::conflicts::{
    personal_duration, CentreRules, Exam, ExamTiming, Invigilator, Room, Snapshot, SnapshotData,
    StudyBooking,
};

#[derive(Debug, Clone)]
pub struct Spec {
    pub seed: u64,
    pub centres: usize,
    /// Weeks from `first_monday`.
    pub weeks: u32,
    pub first_monday: NaiveDate,
    /// Exam requests per centre and week, on average.
    pub requests_per_week: u32,
}

impl Spec {
    /// One centre, one week: what an administrator approves in a busy week.
    pub fn week(seed: u64) -> Self {
        Self {
            seed,
            centres: 1,
            weeks: 1,
            first_monday: NaiveDate::from_ymd_opt(2027, 3, 8).unwrap_or_default(),
            requests_per_week: 14,
        }
    }

    /// The Nitus region: 19 centres over a spring term of 20 weeks.
    pub fn term(seed: u64) -> Self {
        Self {
            seed,
            centres: 19,
            weeks: 20,
            first_monday: NaiveDate::from_ymd_opt(2027, 1, 18).unwrap_or_default(),
            requests_per_week: 14,
        }
    }
}

/// One centre's planning problem.
pub struct CentreWorkload {
    pub name: String,
    pub snapshot: Snapshot,
    pub tasks: Vec<Task>,
    pub accessible_rooms: Vec<String>,
}

fn at(tz: Tz, date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    tz.from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn weekdays(first: NaiveDate, weeks: u32) -> Vec<NaiveDate> {
    (0..i64::from(weeks) * 7)
        .map(|k| first + Duration::days(k))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        // Institutions do not set exams on the days centres are closed.
        .filter(|d| holiday_on(*d, HolidayOptions::default()).is_none())
        .collect()
}

pub fn generate(spec: &Spec) -> Vec<CentreWorkload> {
    let mut rng = SmallRng::seed_from_u64(spec.seed);
    (0..spec.centres)
        .map(|c| centre(spec, c, &mut rng))
        .collect()
}

fn centre(spec: &Spec, c: usize, rng: &mut SmallRng) -> CentreWorkload {
    let tz = chrono_tz::Europe::Stockholm;
    let days = weekdays(spec.first_monday, spec.weeks);
    let last = spec.first_monday + Duration::days(i64::from(spec.weeks) * 7 - 1);
    let calendar = CentreCalendarInput {
        tz,
        opening: [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .map(|weekday| WeeklyHours {
            weekday,
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
        })
        .collect(),
        access_card: Vec::new(),
        closures: Vec::new(),
        holidays: HolidayOptions::default(),
    };

    let mut rooms = vec![Room {
        id: format!("c{c}-hall"),
        name: "Skrivsalen".into(),
        seats: rng.gen_range(16..=36),
        computer_seats: rng.gen_range(0..=6),
        bookable_exam: true,
        bookable_study: false,
        active: true,
    }];
    let mut accessible = vec![rooms[0].id.clone()];
    for g in 0..rng.gen_range(1..=3) {
        rooms.push(Room {
            id: format!("c{c}-group{g}"),
            name: format!("Grupprum {}", g + 1),
            seats: rng.gen_range(6..=12),
            computer_seats: rng.gen_range(0..=4),
            bookable_exam: true,
            bookable_study: true,
            active: true,
        });
    }
    for s in 0..rng.gen_range(1..=2) {
        let id = format!("c{c}-small{s}");
        if s == 0 {
            accessible.push(id.clone());
        }
        rooms.push(Room {
            id,
            name: format!("Enskilt rum {}", s + 1),
            seats: rng.gen_range(1..=2),
            computer_seats: 1,
            bookable_exam: true,
            bookable_study: false,
            active: true,
        });
    }

    let invigilators: Vec<Invigilator> = (0..rng.gen_range(4..=8))
        .map(|i| {
            // Most work full days; some mornings or afternoons only.
            let (from, to) = match rng.gen_range(0..20) {
                0..=13 => ((8, 0), (17, 0)),
                14..=16 => ((8, 0), (12, 30)),
                _ => ((12, 0), (17, 0)),
            };
            let day_off = rng.gen_range(0..10);
            let availability: IntervalSet<DateTime<Utc>> = days
                .iter()
                .filter(|d| day_off >= 5 || d.weekday().num_days_from_monday() != day_off)
                .filter_map(|d| Interval::new(at(tz, *d, from.0, from.1), at(tz, *d, to.0, to.1)))
                .collect();
            Invigilator {
                id: format!("c{c}-inv{i}"),
                name: format!("Skrivvakt {}", i + 1),
                active: true,
                availability,
            }
        })
        .collect();

    // Study places rented in the group rooms now and then (rule 4).
    let mut study_bookings = Vec::new();
    for (k, d) in days.iter().enumerate() {
        for room in rooms.iter().filter(|r| r.bookable_study) {
            if rng.gen_bool(0.15) {
                let h = rng.gen_range(8..=14);
                study_bookings.push(StudyBooking {
                    id: format!("c{c}-study{k}-{}", room.id),
                    student_id: format!("c{c}-renter{k}-{}", room.id),
                    room_id: room.id.clone(),
                    start: at(tz, *d, h, 0),
                    end: at(tz, *d, h + 2, 0),
                    computer: false,
                });
            }
        }
    }

    let mut exams = Vec::new();
    let mut tasks = Vec::new();
    let requests = spec.requests_per_week * spec.weeks;
    let pool = (requests as usize * 3).max(4);
    for r in 0..requests {
        let day = days[rng.gen_range(0..days.len())];
        let id = format!("c{c}-exam{r}");
        let (timing, duration, offset) = if rng.gen_bool(0.6) {
            // Campus exams: the morning ones are long, afternoon ones shorter.
            let (hour, duration) = if rng.gen_bool(0.6) {
                (
                    9,
                    *[180u32, 240, 300].get(rng.gen_range(0..3)).unwrap_or(&240),
                )
            } else {
                (13, *[120u32, 180].get(rng.gen_range(0..2)).unwrap_or(&120))
            };
            let offset = *[0u32, 30, 60].get(rng.gen_range(0..3)).unwrap_or(&0);
            (
                ExamTiming::Fixed {
                    starts_at: at(tz, day, hour, 0),
                },
                duration,
                offset,
            )
        } else {
            let span = rng.gen_range(0..3i64);
            let end_day = days
                .iter()
                .copied()
                .filter(|d| *d >= day)
                .nth(span as usize)
                .unwrap_or(day);
            (
                ExamTiming::Window {
                    earliest_start: at(tz, day, 8, 0),
                    latest_end: at(tz, end_day, 17, 0),
                },
                *[60u32, 90, 120, 180, 240]
                    .get(rng.gen_range(0..5))
                    .unwrap_or(&120),
                0,
            )
        };
        let all_computer = rng.gen_bool(0.1);
        exams.push(Exam {
            id: id.clone(),
            timing,
            duration_minutes: duration,
            start_offset_minutes: offset,
        });
        // Distance students write alone or in small groups.
        let students = match rng.gen_range(0..10) {
            0..=4 => rng.gen_range(1..=2),
            5..=8 => rng.gen_range(3..=6),
            _ => rng.gen_range(7..=14),
        };
        let mut seen = Vec::new();
        for s in 0..students {
            let student = format!("c{c}-student{}", rng.gen_range(0..pool));
            if seen.contains(&student) {
                continue;
            }
            seen.push(student.clone());
            let extra = match rng.gen_range(0..100) {
                0..=9 => 50,
                10..=14 => 25,
                _ => 0,
            };
            let breaks = if rng.gen_bool(0.03) { 15 } else { 0 };
            let length = personal_duration(duration, extra, breaks);
            // Five hours plus half again does not fit a day: no such students here.
            let length = if length > Duration::hours(8) {
                personal_duration(duration, 0, 0)
            } else {
                length
            };
            tasks.push(Task {
                id: format!("{id}-s{s}"),
                exam_id: id.clone(),
                student_id: student,
                length,
                computer: all_computer || rng.gen_bool(0.06),
                separate_room: rng.gen_bool(0.04),
                accessible_room: rng.gen_bool(0.03),
                current: None,
                busy_elsewhere: Vec::new(),
            });
        }
    }

    let data = SnapshotData {
        centre: CentreRules {
            calendar,
            invigilator_ratio: CentreRules::DEFAULT_INVIGILATOR_RATIO,
        },
        from: spec.first_monday - Duration::days(1),
        to: last + Duration::days(1),
        rooms,
        exams,
        sittings: Vec::new(),
        study_bookings,
        assignments: Vec::new(),
        invigilators,
        access_cards: Vec::new(),
    };
    CentreWorkload {
        name: format!("centre {c}"),
        snapshot: Snapshot::new(data),
        tasks,
        accessible_rooms: accessible,
    }
}
