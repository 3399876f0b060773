//! The PDF of a busy day: 200 sittings in four rooms, as the schedule and as
//! the attendance sheets (the two documents with a row per sitting), drawn
//! from a ready `DayDocument` (the load is the print view's, measured by the
//! load benchmark). Before criterion runs, the p50 and p95 of 50 plain runs of
//! each are printed, with the CPU time per document (this process's user and
//! system time over the 50, from `/proc/self/stat`, so other work on a shared
//! machine does not count): the budget is < 10 ms CPU per document.
//!
//! `cargo bench --bench pdf`

use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, Criterion};

use skrivsal::documents::pdf;
use skrivsal::documents::print::{
    CentreHeading, DayDocument, Document, Duty, InvigilatorDay, Labels, RoomDay, Shift, SittingRow,
};
use skrivsal::domain::Language;

const SITTINGS: usize = 200;
const ROOMS: usize = 4;

fn day(document: Document) -> DayDocument {
    let lang = Language::Sv;
    let per_room = SITTINGS / ROOMS;
    let rooms = (0..ROOMS)
        .map(|r| RoomDay {
            name: format!("Skrivsal {}", (b'A' + r as u8) as char),
            sittings: (0..per_room)
                .map(|i| SittingRow {
                    code: format!("K{r}{i:02}-{:03}", i * 7 % 1000),
                    start: Some("09:00".into()),
                    end: Some(if i % 5 == 0 { "13:45" } else { "12:00" }.into()),
                    course_code: format!("MA0{}{}G", r, i % 3),
                    title: "Linjär algebra, skriftlig tentamen".into(),
                    institution: Some("Mittuniversitetet".into()),
                    accommodations: if i % 5 == 0 {
                        "+50 % tid, eget rum, 15 min paus".into()
                    } else {
                        String::new()
                    },
                    aids: "Miniräknare, formelsamling".into(),
                    student: format!("Åsa Öberg-Lindqvist {i}"),
                })
                .collect(),
            invigilators: vec![
                Shift {
                    name: "Karin Sjöberg".into(),
                    start: "08:45".into(),
                    end: "12:00".into(),
                },
                Shift {
                    name: "Per Ek".into(),
                    start: "12:00".into(),
                    end: "14:00".into(),
                },
            ],
            study: 0,
            exams: vec!["MA051G Linjär algebra".into()],
            first_start: Some("09:00".into()),
            last_end: Some("13:45".into()),
        })
        .collect();
    DayDocument {
        document,
        lang,
        labels: Labels::get(lang),
        centre: CentreHeading {
            slug: "sundsvall".into(),
            name: "Lärcentrum Sundsvall".into(),
            address: "Storgatan 1, 852 30 Sundsvall".into(),
        },
        date: chrono::NaiveDate::from_ymd_opt(2026, 10, 23).unwrap_or_default(),
        printed_at: "2026-10-20 14:05".into(),
        rooms,
        invigilators: vec![InvigilatorDay {
            name: "Karin Sjöberg".into(),
            assignments: vec![Duty {
                start: "08:45".into(),
                end: "12:00".into(),
                room: "Skrivsal A".into(),
                exams: "MA051G".into(),
                contacts: "Lärare larare@miun.se".into(),
            }],
        }],
    }
}

/// This process's CPU time so far (user + system), where Linux tells it.
fn cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ, 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn percentiles(name: &str, doc: &DayDocument) {
    // The first run loads the fonts once per process; it is not a document's cost.
    let bytes = pdf::render(doc).expect("pdf");
    const RUNS: u32 = 50;
    let cpu_before = cpu();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            black_box(pdf::render(doc).expect("pdf"));
            t.elapsed()
        })
        .collect();
    let cpu_each = cpu()
        .zip(cpu_before)
        .map(|(after, before)| {
            format!(
                "{:.2} ms",
                (after - before).as_secs_f64() * 1e3 / f64::from(RUNS)
            )
        })
        .unwrap_or_else(|| "unknown".into());
    times.sort();
    println!(
        "{name}: {} bytes ({} rooms); wall p50 {:.2} ms, p95 {:.2} ms; CPU {cpu_each} per document",
        bytes.len(),
        doc.rooms.len(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() * 95 / 100].as_secs_f64() * 1e3,
    );
}

fn bench(c: &mut Criterion) {
    let schedule = day(Document::Schedule);
    let attendance = day(Document::Attendance);
    percentiles("schedule.pdf, 200 rows", &schedule);
    percentiles("attendance.pdf, 200 rows", &attendance);
    c.bench_function("schedule_pdf_200", |b| {
        b.iter(|| pdf::render(black_box(&schedule)))
    });
    c.bench_function("attendance_pdf_200", |b| {
        b.iter(|| pdf::render(black_box(&attendance)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
