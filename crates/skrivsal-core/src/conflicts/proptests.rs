//! `check` against `audit` on random small centres and batches.
//!
//! The property (stronger than "OK iff no violation involves a changed item"): with
//! `after = apply(before, batch)`, the set of violations `check(before, batch)` reports
//! equals the set of violations `audit(after)` finds that involve the batch, compared on
//! `(rule, item, with)` keys, where "involve" is defined without reference to the
//! checker's code:
//! * a changed item is one the batch touches and that exists in `after`;
//! * a pairwise violation (separate room, exam/study mix, student or invigilator double
//!   booking) involves the batch when either side is a changed item; keys are unordered
//!   pairs, so a collision between two changed items counts once;
//! * a per-item violation involves the batch when its item is a changed item;
//! * a per-room violation (the audit reports the room and the stretch of time) involves
//!   every changed item in that room that contributes to it during the stretch: any
//!   sitting or study booking for capacity, computer users for computer seats, sittings
//!   for invigilator coverage/ratio; and, for coverage/ratio, every assignment the batch
//!   removed or moved whose lost time in that room meets the stretch (key: the
//!   assignment, with the room);
//! * removing an id that does not exist at that point of the batch is `invalid_item`
//!   (the audit cannot see it, so the test derives it by replaying the batch).
//!
//! In particular `check(..).is_ok()` iff the audit of `after` finds nothing that
//! involves the batch. Every generated change lies inside the snapshot's dates (outside
//! them `check` refuses by design and `audit` has nothing to compare).

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;

use super::testutil::*;
use super::*;
use crate::calendar::{Interval, IntervalSet};

type Key = (Rule, ItemRef, Option<ItemRef>);

const DAYS: [&str; 4] = ["2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05"];

/// Day, half-hour slot from 06:00, length in half-hours.
#[derive(Debug, Clone, Copy)]
struct When {
    day: usize,
    slot: i64,
    len: i64,
}

impl When {
    fn span(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = at(DAYS[self.day], "06:00") + TimeDelta::minutes(30 * self.slot);
        (start, start + TimeDelta::minutes(30 * self.len))
    }
}

/// Mostly inside staffed hours on open days, so that passing batches are common.
fn when() -> impl Strategy<Value = When> {
    let day =
        prop_oneof![6 => Just(0usize), 3 => Just(1usize), 1 => Just(2usize), 2 => Just(3usize)];
    let slot = prop_oneof![5 => 4i64..18, 1 => 0i64..32];
    (day, slot, 1i64..7).prop_map(|(day, slot, len)| When { day, slot, len })
}

/// Mostly known ids, sometimes an unknown one.
fn pick(prefix: &'static str, known: u8) -> impl Strategy<Value = String> {
    prop_oneof![
        30 => (0..known).prop_map(move |i| format!("{prefix}{i}")),
        1 => Just(format!("{prefix}9")),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Sitting {
        exam: String,
        student: u8,
        room: String,
        when: When,
        computer: bool,
        separate: bool,
        /// An invigilator (index) assigned over exactly this sitting, in the same
        /// batch or snapshot, so that rule 6 passes often enough to test the rest.
        cover: Option<u8>,
    },
    Booking {
        student: u8,
        room: String,
        when: When,
        computer: bool,
    },
    Assignment {
        invigilator: String,
        room: String,
        when: When,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (
            prop_oneof![1 => Just("e0".to_owned()), 4 => Just("e1".to_owned()), 1 => pick("e", 2)],
            0u8..4,
            pick("r", 3),
            when(),
            prop::bool::weighted(0.3),
            prop::bool::weighted(0.2),
            prop::option::weighted(0.6, 0u8..3),
        )
            .prop_map(|(exam, student, room, when, computer, separate, cover)| Op::Sitting {
                exam,
                student,
                room,
                when,
                computer,
                separate,
                cover,
            }),
        2 => (0u8..4, pick("r", 3), when(), prop::bool::weighted(0.3)).prop_map(
            |(student, room, when, computer)| Op::Booking {
                student,
                room,
                when,
                computer,
            }
        ),
        2 => (pick("i", 3), pick("r", 3), when()).prop_map(|(invigilator, room, when)| {
            Op::Assignment {
                invigilator,
                room,
                when,
            }
        }),
    ]
}

/// A change: place/replace (`remove == false`) or remove, of the kind `op` has, on id
/// number `id` (small numbers collide with existing items on purpose).
#[derive(Debug, Clone)]
struct ChangeSpec {
    op: Op,
    remove: bool,
    id: u8,
}

fn change_spec() -> impl Strategy<Value = ChangeSpec> {
    (op(), prop::bool::weighted(0.25), 0u8..8).prop_map(|(op, remove, id)| ChangeSpec {
        op,
        remove,
        id,
    })
}

/// The item, plus the covering assignment of a sitting that asks for one.
fn build_item(op: &Op, id: String) -> Vec<Change> {
    match op {
        Op::Sitting {
            exam,
            student,
            room,
            when,
            computer,
            separate,
            cover,
        } => {
            let (start, end) = when.span();
            let mut s = sitting(&id, exam, &format!("st{student}"), room, start, end);
            s.computer = *computer;
            s.separate_room = *separate;
            let mut out = vec![Change::PlaceSitting(s)];
            if let Some(i) = cover {
                out.push(Change::Assign(assignment(
                    &format!("c{id}"),
                    &format!("i{i}"),
                    room,
                    start,
                    end,
                )));
            }
            out
        }
        Op::Booking {
            student,
            room,
            when,
            computer,
        } => {
            let (start, end) = when.span();
            let mut b = booking(&id, &format!("st{student}"), room, start, end);
            b.computer = *computer;
            vec![Change::BookStudy(b)]
        }
        Op::Assignment {
            invigilator,
            room,
            when,
        } => {
            let (start, end) = when.span();
            vec![Change::Assign(assignment(
                &id,
                invigilator,
                room,
                start,
                end,
            ))]
        }
    }
}

fn id_for(op: &Op, n: u8) -> String {
    match op {
        Op::Sitting { .. } => format!("s{n}"),
        Op::Booking { .. } => format!("b{n}"),
        Op::Assignment { .. } => format!("a{n}"),
    }
}

/// Removals mostly name an existing item of their kind (`existing` are the ids of that
/// kind in the snapshot); placements may collide with one (a move) or be new.
fn to_changes(spec: &ChangeSpec, data: &SnapshotData) -> Vec<Change> {
    let existing: Vec<&String> = match spec.op {
        Op::Sitting { .. } => data.sittings.iter().map(|s| &s.id).collect(),
        Op::Booking { .. } => data.study_bookings.iter().map(|b| &b.id).collect(),
        Op::Assignment { .. } => data.assignments.iter().map(|a| &a.id).collect(),
    };
    let id = match existing.get(usize::from(spec.id) % existing.len().max(1)) {
        Some(id) if spec.remove || spec.id.is_multiple_of(2) => (*id).clone(),
        _ => id_for(&spec.op, spec.id + 100),
    };
    // A removal with nothing of its kind to remove is mostly an `invalid_item`; keep
    // a few (id 7) and turn the rest into placements.
    let remove = spec.remove && (!existing.is_empty() || spec.id == 7);
    match (&spec.op, remove) {
        (Op::Sitting { .. }, true) => vec![Change::RemoveSitting { id }],
        (Op::Booking { .. }, true) => vec![Change::CancelStudy { id }],
        (Op::Assignment { .. }, true) => vec![Change::Unassign { id }],
        (op, false) => build_item(op, id),
    }
}

#[derive(Debug, Clone)]
struct RoomSpec {
    seats: u32,
    computers: u32,
    exam: bool,
    study: bool,
    active: bool,
}

fn room_spec() -> impl Strategy<Value = RoomSpec> {
    (
        1u32..5,
        0u32..3,
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.95),
    )
        .prop_map(|(seats, computers, exam, study, active)| RoomSpec {
            seats,
            computers,
            exam,
            study,
            active,
        })
}

#[derive(Debug, Clone)]
struct World {
    ratio: u32,
    rooms: Vec<RoomSpec>,
    availability: Vec<(bool, Vec<When>)>,
    cards: Vec<Option<(usize, usize)>>,
    existing: Vec<Op>,
    batch: Vec<ChangeSpec>,
}

fn world() -> impl Strategy<Value = World> {
    (
        prop_oneof![3 => Just(1u32), 1 => 2u32..4],
        prop::collection::vec(room_spec(), 3),
        prop::collection::vec(
            (
                prop::bool::weighted(0.9),
                prop::collection::vec(when(), 0..3),
            ),
            3,
        ),
        prop::collection::vec(prop::option::of((0usize..4, 0usize..4)), 4),
        prop::collection::vec(op(), 0..18),
        prop::collection::vec(change_spec(), 1..5),
    )
        .prop_map(
            |(ratio, rooms, availability, cards, existing, batch)| World {
                ratio,
                rooms,
                availability,
                cards,
                existing,
                batch,
            },
        )
}

fn data_of(w: &World) -> SnapshotData {
    let mut data = week();
    data.centre.invigilator_ratio = w.ratio;
    data.rooms = w
        .rooms
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut room = room(&format!("r{i}"), r.seats, r.computers, r.exam, r.study);
            room.active = r.active;
            room
        })
        .collect();
    data.exams = vec![
        Exam {
            id: "e0".into(),
            timing: ExamTiming::Fixed {
                starts_at: at(DAYS[0], "10:00"),
            },
            duration_minutes: 60,
            start_offset_minutes: 90,
        },
        Exam {
            id: "e1".into(),
            timing: ExamTiming::Window {
                earliest_start: at(DAYS[0], "08:00"),
                latest_end: at(DAYS[3], "17:00"),
            },
            duration_minutes: 30,
            start_offset_minutes: 0,
        },
    ];
    data.invigilators = w
        .availability
        .iter()
        .enumerate()
        .map(|(i, (active, spans))| Invigilator {
            id: format!("i{i}"),
            name: format!("Invigilator {i}"),
            active: *active,
            // Available all week except for the generated holes.
            availability: always(DAYS[0], DAYS[3]).difference(
                &spans
                    .iter()
                    .filter_map(|w| {
                        let (s, e) = w.span();
                        Interval::new(s, e)
                    })
                    .collect(),
            ),
        })
        .collect();
    data.access_cards = w
        .cards
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.map(|(a, b)| AccessCard {
                student_id: format!("st{i}"),
                valid_from: date(DAYS[a.min(b)]),
                valid_to: date(DAYS[a.max(b)]),
            })
        })
        .collect();
    for (n, op) in w.existing.iter().enumerate() {
        let id = id_for(op, u8::try_from(n).unwrap());
        for change in build_item(op, id) {
            match change {
                Change::PlaceSitting(s) => data.sittings.push(s),
                Change::BookStudy(b) => data.study_bookings.push(b),
                Change::Assign(a) => data.assignments.push(a),
                _ => unreachable!(),
            }
        }
    }
    data
}

fn normalise(rule: Rule, item: ItemRef, with: Option<ItemRef>) -> Key {
    match with {
        Some(w) if rule.is_pairwise() && w < item => (rule, w, Some(item)),
        with => (rule, item, with),
    }
}

fn span_of(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Interval<DateTime<Utc>>> {
    Interval::new(start, end)
}

/// What the audit of the final state says about the batch (see the module docs).
fn expected(before: &SnapshotData, changes: &[Change]) -> BTreeSet<Key> {
    let after = apply(before, changes);
    let mut keys = BTreeSet::new();

    // Replay for removals of ids that do not exist at that point.
    let mut present: HashSet<ItemRef> = before
        .sittings
        .iter()
        .map(|s| ItemRef::new(ItemKind::Sitting, s.id.clone()))
        .chain(
            before
                .study_bookings
                .iter()
                .map(|b| ItemRef::new(ItemKind::StudyBooking, b.id.clone())),
        )
        .chain(
            before
                .assignments
                .iter()
                .map(|a| ItemRef::new(ItemKind::InvigilatorAssignment, a.id.clone())),
        )
        .collect();
    let mut touched = Vec::new();
    for c in changes {
        let (item, place) = match c {
            Change::PlaceSitting(s) => (ItemRef::new(ItemKind::Sitting, s.id.clone()), true),
            Change::BookStudy(b) => (ItemRef::new(ItemKind::StudyBooking, b.id.clone()), true),
            Change::Assign(a) => (
                ItemRef::new(ItemKind::InvigilatorAssignment, a.id.clone()),
                true,
            ),
            Change::RemoveSitting { id } => (ItemRef::new(ItemKind::Sitting, id.clone()), false),
            Change::CancelStudy { id } => (ItemRef::new(ItemKind::StudyBooking, id.clone()), false),
            Change::Unassign { id } => (
                ItemRef::new(ItemKind::InvigilatorAssignment, id.clone()),
                false,
            ),
        };
        if place {
            present.insert(item.clone());
        } else if !present.remove(&item) {
            keys.insert((Rule::InvalidItem, item.clone(), None));
        }
        touched.push(item);
    }
    let changed: HashSet<ItemRef> = touched
        .iter()
        .filter(|i| present.contains(*i))
        .cloned()
        .collect();

    // Time each removed or moved assignment no longer covers, per (old) room.
    let mut lost: Vec<(ItemRef, String, IntervalSet<DateTime<Utc>>)> = Vec::new();
    for old in &before.assignments {
        let me = ItemRef::new(ItemKind::InvigilatorAssignment, old.id.clone());
        if !touched.contains(&me) {
            continue;
        }
        let Some(old_span) = span_of(old.start, old.end) else {
            continue;
        };
        let still = after
            .assignments
            .iter()
            .find(|a| a.id == old.id)
            .filter(|a| a.room_id == old.room_id && a.invigilator_id == old.invigilator_id)
            .and_then(|a| span_of(a.start, a.end))
            .map(IntervalSet::from)
            .unwrap_or_default();
        lost.push((
            me,
            old.room_id.clone(),
            IntervalSet::from(old_span).difference(&still),
        ));
    }

    for v in audit_data(&after) {
        match v.rule {
            Rule::RoomCapacity
            | Rule::ComputerSeats
            | Rule::InvigilatorCoverage
            | Rule::InvigilatorRatio => {
                let Some(stretch) = v.span else { continue };
                let room = v.item.id.clone();
                let meets = |s, e| span_of(s, e).is_some_and(|x| x.overlaps(&stretch));
                let sittings_count = true;
                let bookings_count = matches!(v.rule, Rule::RoomCapacity | Rule::ComputerSeats);
                let computers_only = v.rule == Rule::ComputerSeats;
                for s in &after.sittings {
                    let me = ItemRef::new(ItemKind::Sitting, s.id.clone());
                    if sittings_count
                        && changed.contains(&me)
                        && s.room_id == room
                        && (!computers_only || s.computer)
                        && meets(s.start, s.end)
                    {
                        keys.insert((v.rule, me, Some(v.item.clone())));
                    }
                }
                for b in &after.study_bookings {
                    let me = ItemRef::new(ItemKind::StudyBooking, b.id.clone());
                    if bookings_count
                        && changed.contains(&me)
                        && b.room_id == room
                        && (!computers_only || b.computer)
                        && meets(b.start, b.end)
                    {
                        keys.insert((v.rule, me, Some(v.item.clone())));
                    }
                }
                if !bookings_count {
                    for (me, lost_room, lost_time) in &lost {
                        if *lost_room == room && lost_time.overlaps(&stretch) {
                            keys.insert((v.rule, me.clone(), Some(v.item.clone())));
                        }
                    }
                }
            }
            rule if rule.is_pairwise() => {
                let involved = changed.contains(&v.item)
                    || v.with.as_ref().is_some_and(|w| changed.contains(w));
                if involved {
                    keys.insert(normalise(rule, v.item, v.with));
                }
            }
            rule => {
                if changed.contains(&v.item) {
                    keys.insert((rule, v.item, v.with));
                }
            }
        }
    }
    keys
}

fn got(res: &Result<(), Vec<Violation>>) -> BTreeSet<Key> {
    res.as_ref()
        .err()
        .into_iter()
        .flatten()
        .map(|v| normalise(v.rule, v.item.clone(), v.with.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn check_agrees_with_audit_of_the_result(w in world()) {
        let before = data_of(&w);
        let changes: Vec<Change> = w.batch.iter().flat_map(|c| to_changes(c, &before)).collect();
        let snap = Snapshot::new(before.clone());
        let res = check(&snap, &changes);
        let want = expected(&before, &changes);
        prop_assert_eq!(got(&res), want.clone(), "changes: {:#?}", changes);
        prop_assert_eq!(res.is_ok(), want.is_empty());
        // A pair of changed items is reported once, not from both sides.
        if let Err(vs) = &res {
            let keys: Vec<Key> = vs
                .iter()
                .filter(|v| v.rule.is_pairwise())
                .map(|v| normalise(v.rule, v.item.clone(), v.with.clone()))
                .collect();
            let unique: BTreeSet<&Key> = keys.iter().collect();
            prop_assert_eq!(keys.len(), unique.len());
        }
    }

    /// Checking an empty batch never fails, and the audit of a state that the
    /// checker accepted item by item (each item checked as a one-item batch against
    /// the empty centre, then the whole as one batch) is clean.
    #[test]
    fn accepted_whole_state_audits_clean(w in world()) {
        let mut empty = data_of(&w);
        let items: Vec<Change> = empty
            .sittings
            .drain(..)
            .map(Change::PlaceSitting)
            .chain(empty.study_bookings.drain(..).map(Change::BookStudy))
            .chain(empty.assignments.drain(..).map(Change::Assign))
            .collect();
        let snap = Snapshot::new(empty.clone());
        prop_assert!(check(&snap, &[]).is_ok());
        let whole = check(&snap, &items);
        let audited = audit_data(&apply(&empty, &items));
        prop_assert_eq!(whole.is_ok(), audited.is_empty(), "{:#?}", audited);
    }
}

/// How often each rule fires on the generated batches, to keep the generator honest
/// (every rule should fire, and a fair share of batches should pass):
/// `cargo test --lib generator_coverage -- --ignored --nocapture`.
#[test]
#[ignore]
fn generator_coverage() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut passed = 0;
    let mut fired = std::collections::BTreeMap::new();
    for _ in 0..2000 {
        let w = world().new_tree(&mut runner).unwrap().current();
        let before = data_of(&w);
        let changes: Vec<Change> = w
            .batch
            .iter()
            .flat_map(|c| to_changes(c, &before))
            .collect();
        match check(&Snapshot::new(before), &changes) {
            Ok(()) => passed += 1,
            Err(vs) => {
                for rule in vs.iter().map(|v| v.rule).collect::<BTreeSet<_>>() {
                    *fired.entry(rule.code()).or_insert(0) += 1;
                }
            }
        }
    }
    println!("passed {passed} / 2000; batches per rule: {fired:#?}");
    assert_eq!(fired.len(), Rule::ALL.len());
}
