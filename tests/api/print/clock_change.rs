//! Printed times stay local on either side of a daylight-saving change.

use serde_json::json;

use super::*;
use crate::app_test;
use crate::booking::{approve, request_body, submit, world};

/// The next day, at least a month ahead, after which Stockholm's offset
/// differs from the day before: a Sunday in late March or October.
fn next_clock_change() -> chrono::NaiveDate {
    use chrono::{Duration, TimeZone};
    let offset = |d: chrono::NaiveDate| {
        chrono_tz::Europe::Stockholm
            .from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .format("%z")
            .to_string()
    };
    let mut d = chrono::Utc::now().date_naive() + Duration::days(31);
    while offset(d) == offset(d - Duration::days(1)) {
        d += Duration::days(1);
    }
    d
}

/// The nearest weekday from `from` in steps of `step` days (±1) that is not
/// a holiday: the centre and its invigilators work weekdays only.
fn open_weekday(from: chrono::NaiveDate, step: i64) -> chrono::NaiveDate {
    use chrono::{Datelike, Duration, Weekday};
    let mut d = from;
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || skrivsal::calendar::holiday_on(d, skrivsal::calendar::HolidayOptions::default())
            .is_some()
    {
        d += Duration::days(step);
    }
    d
}

app_test!(
    print_times_stay_local_across_a_clock_change,
    |app| async move {
        use chrono::Duration;
        let w = world(&app).await;
        let change = next_clock_change();
        // The last working day before the change and the first after it (the
        // test centre is closed at weekends; Easter can push both further out).
        let before = open_weekday(change - Duration::days(1), -1);
        let after = open_weekday(change + Duration::days(1), 1);
        let mut placed = Vec::new();
        for (day, who) in [(before, "Före"), (after, "Efter")] {
            let body = request_body(day, json!(people(who, 1)));
            let r = submit(&app, &w, body).await;
            assert_eq!(r.status, 201, "{r:?}");
            let id = r.body["id"].as_str().unwrap().to_string();
            let r = approve(&app, &w, &id).await;
            assert_eq!(r.status, 200, "{r:?}");
            let s = &r.body["sittings"][0];
            placed.push((
                day,
                s["booking_code"].as_str().unwrap().to_string(),
                s["starts_at"].as_str().unwrap().to_string(),
                format!("{who} 0"),
            ));
        }
        // Both start at 09:00 local on either side of the change: 07:00 UTC in
        // summer time, 08:00 UTC in winter time.
        let offsets: Vec<&str> = placed.iter().map(|(_, _, s, _)| &s[19..]).collect();
        assert_ne!(offsets[0], offsets[1], "{placed:?}");
        for (_, _, starts_at, _) in &placed {
            assert_eq!(&starts_at[11..16], "09:00", "{placed:?}");
        }
        let utc: Vec<String> = placed
            .iter()
            .map(|(_, _, s, _)| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .unwrap()
                    .with_timezone(&chrono::Utc)
                    .format("%H:%M")
                    .to_string()
            })
            .collect();
        let mut sorted = utc.clone();
        sorted.sort();
        assert_eq!(sorted, ["07:00", "08:00"], "{utc:?}");

        let check_pdf = poppler();
        for (day, code, _, student) in &placed {
            let html = app
                .get_as(
                    &w.admin,
                    &format!("/print/centres/sundsvall/schedule?date={day}"),
                )
                .await;
            assert_eq!(html.status, 200);
            let html = html.body.as_str().unwrap().to_string();
            assert!(
                html.contains(&format!(
                    "<td>09:00</td><td>12:00</td><td class=\"code\">{code}</td>"
                )),
                "{day}: {html}"
            );
            let attendance = app
                .get_as(
                    &w.admin,
                    &format!("/print/centres/sundsvall/attendance?date={day}"),
                )
                .await;
            assert!(
            attendance.body.as_str().unwrap().contains(&format!(
                "<td class=\"code\">{code}</td><td>{student}</td><td>MA051G</td><td>09:00</td><td>12:00</td>"
            )),
            "{day}: {attendance:?}"
        );
            if !check_pdf {
                continue;
            }
            for document in ["schedule", "attendance"] {
                let pdf = read_pdf(
                    &fetch_pdf(
                        &app,
                        &w.admin,
                        &format!("/print/centres/sundsvall/{document}.pdf?date={day}"),
                    )
                    .await,
                );
                let row = pdf.line_with(code).unwrap_or_default();
                assert!(
                    row.contains("09:00") && row.contains("12:00"),
                    "{day} {document}: {row:?}\n{}",
                    pdf.all()
                );
                assert!(!row.contains("07:00") && !row.contains("08:00"), "{row}");
            }
        }
    }
);
