//! One test per rule (that rule alone broken, naming the colliding item), plus
//! extended time, DST, batch semantics and the audit.

use chrono::{TimeDelta, Weekday};
use chrono_tz::Europe::Stockholm;

use super::testutil::*;
use super::*;
use crate::calendar::{parse_instant, CentreCalendarInput, HolidayOptions, Interval, IntervalSet};

mod dst_batch_audit;
mod hours_and_rooms;
mod people;
mod timing_and_input;

fn room_ref(id: &str) -> ItemRef {
    ItemRef::new(ItemKind::Room, id)
}

fn r(kind: ItemKind, id: &str) -> ItemRef {
    ItemRef::new(kind, id)
}

fn rules(res: &Result<(), Vec<Violation>>) -> Vec<Rule> {
    res.as_ref()
        .err()
        .map(|vs| vs.iter().map(|v| v.rule).collect())
        .unwrap_or_default()
}

/// Exactly one violation, of `rule`, with `with`; returns it for further asserts.
#[track_caller]
fn only(res: Result<(), Vec<Violation>>, rule: Rule, with: Option<ItemRef>) -> Violation {
    let vs = res.expect_err("expected a violation");
    assert_eq!(vs.len(), 1, "{vs:#?}");
    let v = vs.into_iter().next().unwrap();
    assert_eq!(v.rule, rule, "{v:#?}");
    assert_eq!(v.with, with, "{v:#?}");
    assert!(!v.message.is_empty());
    v
}

#[track_caller]
fn ok(res: Result<(), Vec<Violation>>) {
    if let Err(vs) = res {
        panic!("expected OK, got {vs:#?}");
    }
}

fn snap(data: SnapshotData) -> Snapshot {
    Snapshot::new(data)
}

const MON: &str = "2026-02-02";
const TUE: &str = "2026-02-03";
const WED: &str = "2026-02-04";

/// A sitting of `any` in `hall` with Anna covering it: valid unless a test changes
/// something.
fn covered(id: &str, student: &str, day: &str, from: &str, to: &str) -> Vec<Change> {
    vec![
        Change::PlaceSitting(sitting_on(id, "any", student, "hall", day, from, to)),
        Change::Assign(assignment_on(
            &format!("a-{id}"),
            "anna",
            "hall",
            day,
            from,
            to,
        )),
    ]
}

// ---- helpers and codes ------------------------------------------------------------

#[test]
fn personal_duration_rounds_up() {
    assert_eq!(personal_duration(180, 0, 0), TimeDelta::minutes(180));
    assert_eq!(personal_duration(180, 50, 0), TimeDelta::minutes(270));
    // 45 × 1.5 = 67.5 → 68.
    assert_eq!(personal_duration(45, 50, 0), TimeDelta::minutes(68));
    assert_eq!(personal_duration(45, 50, 15), TimeDelta::minutes(83));
    // 100 × 1.01 = 101 exactly: no spurious extra minute.
    assert_eq!(personal_duration(100, 1, 0), TimeDelta::minutes(101));
    assert_eq!(personal_duration(1, 1, 0), TimeDelta::minutes(2));
    assert_eq!(personal_duration(0, 50, 10), TimeDelta::minutes(10));
    assert_eq!(
        personal_duration(u32::MAX, u32::MAX, u32::MAX),
        TimeDelta::MAX
    );
}

#[test]
fn rule_codes_are_stable_snake_case_and_numbered() {
    let mut seen = std::collections::HashSet::new();
    for rule in Rule::ALL {
        // The serde code (rename_all = "snake_case") is the Debug name in snake case;
        // `code()` must agree with it.
        let debug = format!("{rule:?}");
        let mut snake = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        assert_eq!(rule.code(), snake);
        assert_eq!(rule.to_string(), snake);
        assert!(seen.insert(rule.code()));
    }
    let numbered: std::collections::BTreeSet<u8> =
        Rule::ALL.iter().filter_map(|r| r.product_rule()).collect();
    assert_eq!(numbered, (1..=7).collect());
    assert_eq!(Rule::InvigilatorRatio.product_rule(), Some(6));
    assert_eq!(Rule::RoomInactive.product_rule(), None);
    assert_eq!(
        ItemKind::InvigilatorAssignment.code(),
        "invigilator_assignment"
    );
}

#[test]
fn valid_batch_passes() {
    let s = snap(week());
    ok(check(&s, &covered("s1", "stu", MON, "09:00", "12:00")));
    ok(check(
        &s,
        &[Change::BookStudy(booking_on(
            "b1", "stu", "study", MON, "13:00", "15:00",
        ))],
    ));
    ok(check(&s, &[]));
}
