use super::*;
use crate::calendar::holidays::HolidayKind;
use chrono::{NaiveDateTime, TimeDelta};
use chrono_tz::Europe::Stockholm;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc()
}

fn wh(weekday: Weekday, opens: (u32, u32), closes: (u32, u32)) -> WeeklyHours {
    WeeklyHours {
        weekday,
        opens: t(opens.0, opens.1),
        closes: t(closes.0, closes.1),
    }
}

fn weekdays() -> [Weekday; 5] {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

/// Mon–Thu 08–17, Fri 08–12 + 13–16, Sun 08–17 (to exercise DST Sundays);
/// access card Mon–Fri 07–20, Sun 00–06.
fn centre() -> CentreCalendarInput {
    let mut opening: Vec<_> = weekdays()[..4]
        .iter()
        .map(|&d| wh(d, (8, 0), (17, 0)))
        .collect();
    opening.push(wh(Weekday::Fri, (8, 0), (12, 0)));
    opening.push(wh(Weekday::Fri, (13, 0), (16, 0)));
    opening.push(wh(Weekday::Sun, (8, 0), (17, 0)));
    let mut access_card: Vec<_> = weekdays().iter().map(|&d| wh(d, (7, 0), (20, 0))).collect();
    access_card.push(wh(Weekday::Sun, (0, 0), (6, 0)));
    CentreCalendarInput {
        tz: Stockholm,
        opening,
        access_card,
        closures: vec![Closure {
            from: date("2026-07-06"),
            to: date("2026-07-31"),
            reason: "Sommarstängt".into(),
        }],
        holidays: HolidayOptions::default(),
    }
}

fn duration(span: &Span) -> TimeDelta {
    span.end_utc - span.start_utc
}

#[test]
fn ordinary_week() {
    let ds = days(&centre(), date("2026-02-02"), date("2026-02-08"));
    assert_eq!(ds.len(), 7);
    assert_eq!(ds[0].weekday, Weekday::Mon);
    assert!(ds.iter().all(|d| d.closed.is_none()));
    let mon = &ds[0];
    assert_eq!(mon.staffed.len(), 1);
    assert_eq!(mon.staffed[0].start_utc, utc("2026-02-02 07:00"));
    assert_eq!(
        mon.staffed[0].start_local.to_rfc3339(),
        "2026-02-02T08:00:00+01:00"
    );
    assert_eq!(
        mon.staffed[0].end_local.to_rfc3339(),
        "2026-02-02T17:00:00+01:00"
    );
    let fri = &ds[4];
    let fri_spans: Vec<_> = fri
        .staffed
        .iter()
        .map(|s| (s.start_local.time(), s.end_local.time()))
        .collect();
    assert_eq!(fri_spans, [(t(8, 0), t(12, 0)), (t(13, 0), t(16, 0))]);
    assert!(ds[5].staffed.is_empty() && ds[5].access_card.is_empty());
    assert_eq!(ds[6].access_card.len(), 1);
}

#[test]
fn summer_offsets() {
    let d = &days(&centre(), date("2026-06-01"), date("2026-06-01"))[0];
    assert_eq!(d.staffed[0].start_utc, utc("2026-06-01 06:00"));
    assert_eq!(
        d.staffed[0].start_local.to_rfc3339(),
        "2026-06-01T08:00:00+02:00"
    );
}

#[test]
fn holidays_close_days() {
    // Week of midsummer 2026: Fri 19 midsommarafton (de facto), Sat 20 midsommardagen.
    let ds = days(&centre(), date("2026-06-15"), date("2026-06-21"));
    let fri = &ds[4];
    let reason = fri.closed.as_ref().unwrap();
    assert_eq!(reason.reason, "midsommarafton");
    assert_eq!(reason.holiday.unwrap().kind, HolidayKind::DeFacto);
    assert!(!reason.closure);
    assert!(fri.staffed.is_empty() && fri.access_card.is_empty());
    assert_eq!(ds[5].closed.as_ref().unwrap().reason, "midsommardagen");
    assert!(ds[6].closed.is_none());
    assert!(ds[..4]
        .iter()
        .all(|d| d.closed.is_none() && !d.staffed.is_empty()));

    // Without de-facto days, midsommarafton is an ordinary Friday.
    let mut input = centre();
    input.holidays.de_facto_closed = false;
    let fri = &days(&input, date("2026-06-19"), date("2026-06-19"))[0];
    assert!(fri.closed.is_none());
    assert_eq!(fri.staffed.len(), 2);
}

#[test]
fn closures_are_inclusive_and_win_the_reason() {
    let mut input = centre();
    input.closures.push(Closure {
        from: date("2026-12-23"),
        to: date("2026-12-28"),
        reason: "Julstängt".into(),
    });
    input.closures.push(Closure {
        from: date("2026-05-05"),
        to: date("2026-05-04"),
        reason: "inverted: closes nothing".into(),
    });
    let ds = days(&input, date("2026-12-22"), date("2026-12-29"));
    assert!(ds[0].closed.is_none());
    assert!(ds[7].closed.is_none());
    for d in &ds[1..7] {
        let c = d.closed.as_ref().unwrap();
        assert_eq!(c.reason, "Julstängt");
        assert!(c.closure);
        assert!(d.staffed.is_empty());
    }
    let juldagen = ds[3].closed.as_ref().unwrap();
    assert_eq!(juldagen.holiday.unwrap().name_sv, "juldagen");
    assert_eq!(ds[1].closed.as_ref().unwrap().holiday, None);

    let summer = days(&input, date("2026-07-05"), date("2026-08-01"));
    assert!(summer.first().unwrap().closed.is_none());
    assert!(summer.last().unwrap().closed.is_none());
    assert!(summer[1..27]
        .iter()
        .all(|d| d.closed.as_ref().unwrap().reason == "Sommarstängt"));
    assert!(days(&input, date("2026-05-04"), date("2026-05-05"))
        .iter()
        .all(|d| d.closed.is_none()));
}

#[test]
fn spring_forward_sunday_2026() {
    let d = &days(&centre(), date("2026-03-29"), date("2026-03-29"))[0];
    assert_eq!(duration(&d.staffed[0]), TimeDelta::hours(9));
    assert_eq!(d.staffed[0].start_utc, utc("2026-03-29 06:00"));
    let card = &d.access_card[0];
    assert_eq!(duration(card), TimeDelta::hours(5));
    assert_eq!(card.start_local.to_rfc3339(), "2026-03-29T00:00:00+01:00");
    assert_eq!(card.end_local.to_rfc3339(), "2026-03-29T06:00:00+02:00");
}

#[test]
fn fall_back_sunday_2026_and_2027() {
    for day in ["2026-10-25", "2027-10-31"] {
        let d = &days(&centre(), date(day), date(day))[0];
        assert_eq!(duration(&d.staffed[0]), TimeDelta::hours(9));
        assert_eq!(duration(&d.access_card[0]), TimeDelta::hours(7));
        assert_eq!(
            d.access_card[0].start_local.offset().local_minus_utc(),
            7200
        );
        assert_eq!(d.access_card[0].end_local.offset().local_minus_utc(), 3600);
    }
}

#[test]
fn gap_and_fold_edges_inside_hours() {
    let mut input = centre();
    input.opening = vec![
        wh(Weekday::Sun, (2, 30), (4, 0)),
        wh(Weekday::Sun, (1, 0), (2, 30)),
    ];
    input.access_card.clear();
    // Spring: 01:00–02:30 ends at the gap's end (03:00 CEST); 02:30–04:00 starts
    // there; merged they run 01:00 CET – 04:00 CEST = 2 h.
    let spring = &days(&input, date("2026-03-29"), date("2026-03-29"))[0];
    assert_eq!(spring.staffed.len(), 1);
    assert_eq!(duration(&spring.staffed[0]), TimeDelta::hours(2));
    // Autumn: 01:00 CEST – 02:30 (latest, CET) and 02:30 (earliest, CEST) – 04:00
    // overlap and merge to 01:00 CEST – 04:00 CET = 4 h.
    let autumn = &days(&input, date("2026-10-25"), date("2026-10-25"))[0];
    assert_eq!(autumn.staffed.len(), 1);
    assert_eq!(duration(&autumn.staffed[0]), TimeDelta::hours(4));
}

#[test]
fn every_dst_sunday_2020_to_2040() {
    // Card hours Sun 00:00–06:00 last 6 h except 5 h on the last Sunday of March
    // and 7 h on the last Sunday of October.
    let input = centre();
    for d in days(&input, date("2020-01-01"), date("2040-12-31")) {
        if d.weekday != Weekday::Sun || d.closed.is_some() {
            continue;
        }
        let last_sunday = d.date.day() + 7 > 31;
        let expected = match (d.date.month(), last_sunday) {
            (3, true) => 5,
            (10, true) => 7,
            _ => 6,
        };
        assert_eq!(
            duration(&d.access_card[0]),
            TimeDelta::hours(expected),
            "{}",
            d.date
        );
    }
}

#[test]
fn midnight_close_means_end_of_day() {
    let mut input = centre();
    input.opening = vec![
        wh(Weekday::Mon, (18, 0), (0, 0)),
        wh(Weekday::Tue, (0, 0), (2, 0)),
        wh(Weekday::Wed, (0, 0), (0, 0)),
        wh(Weekday::Thu, (17, 0), (9, 0)), // inverted: ignored
    ];
    let ds = days(&input, date("2026-02-02"), date("2026-02-05"));
    assert_eq!(
        ds[0].staffed[0].end_local.to_rfc3339(),
        "2026-02-03T00:00:00+01:00"
    );
    assert_eq!(duration(&ds[2].staffed[0]), TimeDelta::hours(24));
    assert!(ds[3].staffed.is_empty());
    // Monday evening and Tuesday night touch, so a booking across midnight is covered.
    assert!(covering(
        &input,
        utc("2026-02-02 22:00"),
        utc("2026-02-03 00:30")
    ));
    assert!(!covering(
        &input,
        utc("2026-02-02 22:00"),
        utc("2026-02-03 01:30")
    ));
    assert_eq!(
        staffed_set(&input, date("2026-02-02"), date("2026-02-03")).len(),
        1
    );
}

#[test]
fn sets_match_days() {
    let input = centre();
    let (from, to) = (date("2026-03-01"), date("2026-07-10"));
    let staffed = staffed_set(&input, from, to);
    let from_days: IntervalSet<_> = days(&input, from, to)
        .iter()
        .flat_map(|d| d.staffed.iter().filter_map(Span::interval))
        .collect();
    assert_eq!(staffed, from_days);

    let access = access_set(&input, from, to);
    let configured: IntervalSet<_> = days(&input, from, to)
        .iter()
        .flat_map(|d| d.access_card.iter().filter_map(Span::interval))
        .collect();
    assert_eq!(access, configured.union(&staffed));
    assert_eq!(staffed.difference(&access), IntervalSet::new());
    // Sunday daytime is staffed but not in the configured card hours, yet reachable.
    let sunday_noon = utc("2026-03-08 11:00");
    assert!(!configured.contains(sunday_noon));
    assert!(access.contains(sunday_noon));
}

#[test]
fn covering_checks() {
    let input = centre();
    assert!(covering(
        &input,
        utc("2026-02-02 08:00"),
        utc("2026-02-02 11:00")
    ));
    assert!(covering(
        &input,
        utc("2026-02-02 07:00"),
        utc("2026-02-02 16:00")
    ));
    assert!(!covering(
        &input,
        utc("2026-02-02 06:59"),
        utc("2026-02-02 09:00")
    ));
    assert!(!covering(
        &input,
        utc("2026-02-02 15:00"),
        utc("2026-02-02 16:01")
    ));
    // Across the Friday lunch break.
    assert!(!covering(
        &input,
        utc("2026-02-06 10:30"),
        utc("2026-02-06 12:30")
    ));
    // Långfredagen 2026-04-03.
    assert!(!covering(
        &input,
        utc("2026-04-03 07:00"),
        utc("2026-04-03 09:00")
    ));
    // Empty and inverted ranges are not covered.
    assert!(!covering(
        &input,
        utc("2026-02-02 09:00"),
        utc("2026-02-02 09:00")
    ));
    assert!(!covering(
        &input,
        utc("2026-02-02 10:00"),
        utc("2026-02-02 09:00")
    ));
    // Evening is card-only.
    assert!(!covering(
        &input,
        utc("2026-02-02 17:00"),
        utc("2026-02-02 18:00")
    ));
    assert!(access_covering(
        &input,
        utc("2026-02-02 17:00"),
        utc("2026-02-02 18:00")
    ));
    // Card hours plus staffed hours join up on Sunday only if they touch; they don't.
    assert!(!access_covering(
        &input,
        utc("2026-02-08 04:00"),
        utc("2026-02-08 08:00")
    ));
}

#[test]
fn empty_range_and_extreme_dates() {
    let input = centre();
    assert!(days(&input, date("2026-02-02"), date("2026-02-01")).is_empty());
    assert!(staffed_set(&input, date("2026-02-02"), date("2026-02-01")).is_empty());
    let end = days(&input, NaiveDate::MAX, NaiveDate::MAX);
    assert_eq!(end.len(), 1);
    let _ = covering(
        &input,
        DateTime::<Utc>::MAX_UTC - TimeDelta::hours(1),
        DateTime::<Utc>::MAX_UTC,
    );
    let _ = covering(
        &input,
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MIN_UTC + TimeDelta::hours(1),
    );
}
