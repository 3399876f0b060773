//! The whole-state audit: every rule over every item, written independently of
//! [`super::check`] (no indexes, no overlay, no sweep line) so that each can be tested
//! against the other.
//!
//! Deliberately simple: pairs are compared all against all, and per-room counts are
//! taken by brute force at every boundary instant, so a room with `n` items costs
//! O(n²). Fine for tests and for a nightly "independent check over the whole
//! database" one centre and a few weeks at a time; not for the request path.
//!
//! Shape of the output: one violation per broken pair (`item` and `with` the two
//! items), per broken item (unary rules), and per maximal stretch of time in which a
//! room breaks rule 2 or the coverage/ratio part of rule 6 (`item` the room, `span` the
//! stretch). Items that cannot be checked (empty span, unknown room, exam or
//! invigilator) are reported as `invalid_item`; malformed spans are then left out of
//! everything else, and items in unknown rooms out of the per-room rules.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::model::{ExamTiming, Room, Sitting, Snapshot, SnapshotData, StudyBooking};
use super::rules::{
    closed_message, closure_ref, invigilators_needed, local_date, local_dates, local_span,
    ItemKind, ItemRef, Rule, Violation,
};
use crate::calendar::{access_covering, covering, days, CentreCalendarInput, Interval};

type Ts = DateTime<Utc>;

/// Audits the snapshot's own state (see [`audit_data`]).
pub fn audit(snap: &Snapshot) -> Vec<Violation> {
    audit_data(snap.data())
}

/// Every violation in `data`, whoever caused it.
pub fn audit_data(data: &SnapshotData) -> Vec<Violation> {
    let mut a = Auditor {
        data,
        cal: &data.centre.calendar,
        tz: data.centre.calendar.tz,
        out: Vec::new(),
    };
    a.unary();
    a.room_pairs();
    a.student_pairs();
    a.invigilator_pairs();
    for room in &data.rooms {
        a.room_counts(room);
    }
    a.out
}

struct Auditor<'a> {
    data: &'a SnapshotData,
    cal: &'a CentreCalendarInput,
    tz: Tz,
    out: Vec<Violation>,
}

fn overlaps(a: (Ts, Ts), b: (Ts, Ts)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn valid(start: Ts, end: Ts) -> bool {
    start < end
}

fn sitting_ref(s: &Sitting) -> ItemRef {
    ItemRef::new(ItemKind::Sitting, s.id.clone())
}

fn booking_ref(b: &StudyBooking) -> ItemRef {
    ItemRef::new(ItemKind::StudyBooking, b.id.clone())
}

fn room_ref(r: &Room) -> ItemRef {
    ItemRef::new(ItemKind::Room, r.id.clone())
}

impl<'a> Auditor<'a> {
    fn room(&self, id: &str) -> Option<&'a Room> {
        self.data.rooms.iter().find(|r| r.id == id)
    }

    fn when(&self, start: Ts, end: Ts) -> String {
        local_span(self.tz, start, end)
    }

    fn invalid(&mut self, item: ItemRef, message: String, with: Option<ItemRef>) {
        let mut v = Violation::new(Rule::InvalidItem, item, message);
        v.with = with;
        self.out.push(v);
    }

    /// Rule 1's closed-day part, via the calendar's day list. `true` if any.
    fn closed(&mut self, item: &ItemRef, what: &str, start: Ts, end: Ts) -> bool {
        let mut any = false;
        for date in local_dates(self.tz, start, end) {
            let day = days(self.cal, date, date);
            if let Some(reason) = day.first().and_then(|d| d.closed.as_ref()) {
                any = true;
                self.out.push(
                    Violation::new(
                        Rule::ClosedDay,
                        item.clone(),
                        closed_message(what, date, reason),
                    )
                    .with(closure_ref(date)),
                );
            }
        }
        any
    }

    fn room_purpose(&mut self, item: &ItemRef, room_id: &str, purpose: Option<bool>) {
        let Some(room) = self.room(room_id) else {
            self.invalid(
                item.clone(),
                format!("Room {room_id} does not exist."),
                Some(ItemRef::new(ItemKind::Room, room_id)),
            );
            return;
        };
        if !room.active {
            self.out.push(
                Violation::new(
                    Rule::RoomInactive,
                    item.clone(),
                    format!("Room '{}' is inactive.", room.name),
                )
                .with(room_ref(room)),
            );
        }
        let bookable = match purpose {
            Some(true) => room.bookable_exam,
            Some(false) => room.bookable_study,
            None => true,
        };
        if !bookable {
            self.out.push(
                Violation::new(
                    Rule::RoomNotBookable,
                    item.clone(),
                    format!("Room '{}' is not bookable for this purpose.", room.name),
                )
                .with(room_ref(room)),
            );
        }
    }

    fn unary(&mut self) {
        let data = self.data;
        for s in &data.sittings {
            let me = sitting_ref(s);
            if !valid(s.start, s.end) {
                self.invalid(me, "The sitting's span is empty.".into(), None);
                continue;
            }
            let what = format!("The sitting {}", self.when(s.start, s.end));
            if !self.closed(&me, &what, s.start, s.end) && !covering(self.cal, s.start, s.end) {
                self.out.push(Violation::new(
                    Rule::OpeningHours,
                    me.clone(),
                    format!("{what} is outside staffed hours."),
                ));
            }
            self.room_purpose(&me, &s.room_id, Some(true));
            match data.exams.iter().find(|e| e.id == s.exam_request_id) {
                None => self.invalid(
                    me,
                    format!("Exam request {} does not exist.", s.exam_request_id),
                    Some(ItemRef::new(
                        ItemKind::ExamRequest,
                        s.exam_request_id.clone(),
                    )),
                ),
                Some(exam) => {
                    let exam_ref = ItemRef::new(ItemKind::ExamRequest, exam.id.clone());
                    let late_or_early = match exam.timing {
                        ExamTiming::Fixed { starts_at } => {
                            let off = (s.start - starts_at).num_seconds().abs();
                            (off > i64::from(exam.start_offset_minutes) * 60)
                                .then_some(Rule::ExamStart)
                        }
                        ExamTiming::Window {
                            earliest_start,
                            latest_end,
                        } => (s.start < earliest_start || s.end > latest_end)
                            .then_some(Rule::ExamWindow),
                    };
                    if let Some(rule) = late_or_early {
                        self.out.push(
                            Violation::new(
                                rule,
                                me.clone(),
                                format!(
                                    "The sitting {} breaks the exam's timing.",
                                    self.when(s.start, s.end)
                                ),
                            )
                            .with(exam_ref.clone()),
                        );
                    }
                    if (s.end - s.start) < TimeDelta::minutes(i64::from(exam.duration_minutes)) {
                        self.out.push(
                            Violation::new(
                                Rule::ExamDuration,
                                me,
                                "The sitting is shorter than the exam.".into(),
                            )
                            .with(exam_ref),
                        );
                    }
                }
            }
        }

        for b in &data.study_bookings {
            let me = booking_ref(b);
            if !valid(b.start, b.end) {
                self.invalid(me, "The study booking's span is empty.".into(), None);
                continue;
            }
            let what = format!("The study booking {}", self.when(b.start, b.end));
            if !self.closed(&me, &what, b.start, b.end) && !covering(self.cal, b.start, b.end) {
                let date = local_date(self.tz, b.start);
                let holder = data
                    .access_cards
                    .iter()
                    .any(|c| c.student_id == b.student_id && c.valid_on(date));
                if !access_covering(self.cal, b.start, b.end) {
                    self.out.push(Violation::new(
                        Rule::OpeningHours,
                        me.clone(),
                        format!("{what} is outside opening and access-card hours."),
                    ));
                } else if !holder {
                    self.out.push(Violation::new(
                        Rule::AccessCardRequired,
                        me.clone(),
                        format!("{what} needs an access card valid on {date}."),
                    ));
                }
            }
            self.room_purpose(&me, &b.room_id, Some(false));
        }

        for asg in &data.assignments {
            let me = ItemRef::new(ItemKind::InvigilatorAssignment, asg.id.clone());
            if !valid(asg.start, asg.end) {
                self.invalid(me, "The assignment's span is empty.".into(), None);
                continue;
            }
            let inv_ref = ItemRef::new(ItemKind::Invigilator, asg.invigilator_id.clone());
            match data
                .invigilators
                .iter()
                .find(|i| i.id == asg.invigilator_id)
            {
                None => self.invalid(
                    me.clone(),
                    format!("Invigilator {} does not exist.", asg.invigilator_id),
                    Some(inv_ref),
                ),
                Some(inv) => {
                    let inside = Interval::new(asg.start, asg.end)
                        .is_some_and(|sp| inv.availability.covers(&sp));
                    if !inv.active || !inside {
                        self.out.push(
                            Violation::new(
                                Rule::InvigilatorAvailability,
                                me.clone(),
                                format!(
                                    "Invigilator '{}' is not available {}.",
                                    inv.name,
                                    self.when(asg.start, asg.end)
                                ),
                            )
                            .with(inv_ref),
                        );
                    }
                }
            }
            self.room_purpose(&me, &asg.room_id, None);
        }
    }

    /// Rules 3 and 4 between items in the same (existing) room.
    fn room_pairs(&mut self) {
        let data = self.data;
        let known = |room_id: &str| data.rooms.iter().any(|r| r.id == room_id);
        let sittings: Vec<&Sitting> = data
            .sittings
            .iter()
            .filter(|s| valid(s.start, s.end) && known(&s.room_id))
            .collect();
        let bookings: Vec<&StudyBooking> = data
            .study_bookings
            .iter()
            .filter(|b| valid(b.start, b.end) && known(&b.room_id))
            .collect();
        for (i, a) in sittings.iter().enumerate() {
            for b in &sittings[i + 1..] {
                if a.room_id == b.room_id
                    && overlaps((a.start, a.end), (b.start, b.end))
                    && (a.separate_room || b.separate_room)
                {
                    let (alone, other) = if a.separate_room { (a, b) } else { (b, a) };
                    self.out.push(
                        Violation::new(
                            Rule::SeparateRoom,
                            sitting_ref(alone),
                            format!(
                                "Sitting {} needs its room to itself but shares it with sitting {}.",
                                alone.id, other.id
                            ),
                        )
                        .with(sitting_ref(other)),
                    );
                }
            }
            for b in &bookings {
                if a.room_id == b.room_id && overlaps((a.start, a.end), (b.start, b.end)) {
                    if a.separate_room {
                        self.out.push(
                            Violation::new(
                                Rule::SeparateRoom,
                                sitting_ref(a),
                                format!(
                                    "Sitting {} needs its room to itself but shares it with study booking {}.",
                                    a.id, b.id
                                ),
                            )
                            .with(booking_ref(b)),
                        );
                    }
                    self.out.push(
                        Violation::new(
                            Rule::ExamAndStudyMixed,
                            sitting_ref(a),
                            format!("Sitting {} and study booking {} share a room.", a.id, b.id),
                        )
                        .with(booking_ref(b)),
                    );
                }
            }
        }
    }

    /// Rule 5 over every pair of a student's items, in any room.
    fn student_pairs(&mut self) {
        let data = self.data;
        let items: Vec<(ItemRef, &str, Ts, Ts)> = data
            .sittings
            .iter()
            .filter(|s| valid(s.start, s.end))
            .map(|s| (sitting_ref(s), s.student_id.as_str(), s.start, s.end))
            .chain(
                data.study_bookings
                    .iter()
                    .filter(|b| valid(b.start, b.end))
                    .map(|b| (booking_ref(b), b.student_id.as_str(), b.start, b.end)),
            )
            .collect();
        for (i, a) in items.iter().enumerate() {
            for b in &items[i + 1..] {
                if a.1 == b.1 && overlaps((a.2, a.3), (b.2, b.3)) {
                    self.out.push(
                        Violation::new(
                            Rule::StudentDoubleBooked,
                            a.0.clone(),
                            format!(
                                "The student is in {} {} at the same time.",
                                b.0.kind.code(),
                                b.0.id
                            ),
                        )
                        .with(b.0.clone()),
                    );
                }
            }
        }
    }

    /// Rule 6: one room at a time.
    fn invigilator_pairs(&mut self) {
        let list: Vec<_> = self
            .data
            .assignments
            .iter()
            .filter(|a| valid(a.start, a.end))
            .collect();
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if a.invigilator_id == b.invigilator_id
                    && a.room_id != b.room_id
                    && overlaps((a.start, a.end), (b.start, b.end))
                {
                    self.out.push(
                        Violation::new(
                            Rule::InvigilatorDoubleBooked,
                            ItemRef::new(ItemKind::InvigilatorAssignment, a.id.clone()),
                            format!(
                                "Invigilator {} is in rooms {} and {} at once.",
                                a.invigilator_id, a.room_id, b.room_id
                            ),
                        )
                        .with(ItemRef::new(ItemKind::InvigilatorAssignment, b.id.clone())),
                    );
                }
            }
        }
    }

    /// Rules 2 and 6 (coverage, ratio) by counting at every boundary instant.
    fn room_counts(&mut self, room: &Room) {
        let data = self.data;
        let sittings: Vec<&Sitting> = data
            .sittings
            .iter()
            .filter(|s| s.room_id == room.id && valid(s.start, s.end))
            .collect();
        let bookings: Vec<&StudyBooking> = data
            .study_bookings
            .iter()
            .filter(|b| b.room_id == room.id && valid(b.start, b.end))
            .collect();
        let assignments: Vec<_> = data
            .assignments
            .iter()
            .filter(|a| a.room_id == room.id && valid(a.start, a.end))
            .collect();
        let mut cuts: Vec<Ts> = sittings
            .iter()
            .flat_map(|s| [s.start, s.end])
            .chain(bookings.iter().flat_map(|b| [b.start, b.end]))
            .chain(assignments.iter().flat_map(|a| [a.start, a.end]))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();

        const RULES: [Rule; 4] = [
            Rule::RoomCapacity,
            Rule::ComputerSeats,
            Rule::InvigilatorCoverage,
            Rule::InvigilatorRatio,
        ];
        // Per rule: the run being built, as (start, end, worst description).
        let mut open: [Option<(Ts, Ts, String)>; 4] = Default::default();
        let mut finished: Vec<(Rule, Ts, Ts, String)> = Vec::new();
        for w in cuts.windows(2) {
            let &[t, next] = w else { continue };
            let at = |s: Ts, e: Ts| s <= t && t < e;
            let people = sittings.iter().filter(|s| at(s.start, s.end)).count()
                + bookings.iter().filter(|b| at(b.start, b.end)).count();
            let computers = sittings
                .iter()
                .filter(|s| s.computer && at(s.start, s.end))
                .count()
                + bookings
                    .iter()
                    .filter(|b| b.computer && at(b.start, b.end))
                    .count();
            let examinees = sittings.iter().filter(|s| at(s.start, s.end)).count();
            let mut present: Vec<&str> = assignments
                .iter()
                .filter(|a| at(a.start, a.end))
                .map(|a| a.invigilator_id.as_str())
                .collect();
            present.sort_unstable();
            present.dedup();
            let invigilators = present.len();
            let needed = invigilators_needed(examinees, data.centre.invigilator_ratio);

            let broken: [Option<String>; 4] = [
                (people > room.seats as usize)
                    .then(|| format!("{people} people for {} seats", room.seats)),
                (computers > room.computer_seats as usize).then(|| {
                    format!(
                        "{computers} computer users for {} computer seats",
                        room.computer_seats
                    )
                }),
                (examinees > 0 && invigilators == 0)
                    .then(|| format!("{examinees} examinee(s) and no invigilator")),
                (examinees > 0 && invigilators > 0 && invigilators < needed).then(|| {
                    format!(
                        "{examinees} examinees and {invigilators} invigilator(s), {needed} needed"
                    )
                }),
            ];
            for ((rule, slot), what) in RULES.iter().zip(open.iter_mut()).zip(broken) {
                match (what, slot.take()) {
                    (Some(_), Some((s, _, desc))) => *slot = Some((s, next, desc)),
                    (Some(desc), None) => *slot = Some((t, next, desc)),
                    (None, Some((s, e, desc))) => finished.push((*rule, s, e, desc)),
                    (None, None) => {}
                }
            }
        }
        for (rule, run) in RULES.iter().zip(open) {
            if let Some((s, e, desc)) = run {
                finished.push((*rule, s, e, desc));
            }
        }
        finished.sort_by_key(|f| (f.1, f.0));
        for (rule, s, e, desc) in finished {
            let mut v = Violation::new(
                rule,
                room_ref(room),
                format!("Room '{}' has {desc} from {}.", room.name, self.when(s, e)),
            );
            v.span = Interval::new(s, e);
            self.out.push(v);
        }
    }
}
