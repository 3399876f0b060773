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

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::model::{ExamTiming, Room, Sitting, Snapshot, SnapshotData, StudyBooking};
use super::rules::room_not_bookable::Purpose;
use super::rules::{
    access_card_required, closed_day, computer_seats, exam_and_study_mixed, exam_duration,
    exam_start, exam_window, invigilator_availability, invigilator_coverage,
    invigilator_double_booked, invigilator_ratio, local, local_date, local_dates, local_span,
    opening_hours, room_capacity, room_inactive, room_not_bookable, separate_room,
    student_double_booked, ItemKind, ItemRef, Rule, Violation,
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

    /// The local span two overlapping items share.
    fn overlap(&self, a_start: Ts, a_end: Ts, b_start: Ts, b_end: Ts) -> String {
        self.when(a_start.max(b_start), a_end.min(b_end))
    }

    /// A room's name for messages (its id if unknown).
    fn room_name<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.room(id).map_or(id, |r| r.name.as_str())
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
                self.out
                    .push(closed_day::violation(item, what, date, reason));
            }
        }
        any
    }

    fn room_purpose(&mut self, item: &ItemRef, room_id: &str, purpose: Purpose) {
        let Some(room) = self.room(room_id) else {
            self.invalid(
                item.clone(),
                format!("Room {room_id} does not exist."),
                Some(ItemRef::new(ItemKind::Room, room_id)),
            );
            return;
        };
        if room_inactive::broken(room) {
            self.out.push(
                Violation::new(
                    Rule::RoomInactive,
                    item.clone(),
                    room_inactive::message(&room.name),
                )
                .with(room_ref(room)),
            );
        }
        if !room_not_bookable::bookable(room, purpose) {
            self.out.push(
                Violation::new(
                    Rule::RoomNotBookable,
                    item.clone(),
                    room_not_bookable::message(&room.name, purpose),
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
            if !self.closed(&me, &what, s.start, s.end)
                && opening_hours::sitting_broken(covering(self.cal, s.start, s.end))
            {
                self.out.push(Violation::new(
                    Rule::OpeningHours,
                    me.clone(),
                    opening_hours::sitting_message(&what),
                ));
            }
            self.room_purpose(&me, &s.room_id, Purpose::Exam);
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
                    let late_or_early =
                        match exam.timing {
                            ExamTiming::Fixed { starts_at } => {
                                exam_start::broken(s.start, starts_at, exam.start_offset_minutes)
                                    .then(|| {
                                        let message = exam_start::message(
                                            &local(self.tz, s.start),
                                            &local(self.tz, starts_at),
                                            exam.start_offset_minutes,
                                        );
                                        (Rule::ExamStart, message)
                                    })
                            }
                            ExamTiming::Window {
                                earliest_start,
                                latest_end,
                            } => exam_window::broken(s.start, s.end, earliest_start, latest_end)
                                .then(|| {
                                    let message = exam_window::message(
                                        &self.when(s.start, s.end),
                                        &self.when(earliest_start, latest_end),
                                    );
                                    (Rule::ExamWindow, message)
                                }),
                        };
                    if let Some((rule, message)) = late_or_early {
                        self.out
                            .push(Violation::new(rule, me.clone(), message).with(exam_ref.clone()));
                    }
                    if exam_duration::broken(s.end - s.start, exam.duration_minutes) {
                        self.out.push(
                            Violation::new(
                                Rule::ExamDuration,
                                me,
                                exam_duration::message(s.end - s.start, exam.duration_minutes),
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
            let staffed = covering(self.cal, b.start, b.end);
            if !self.closed(&me, &what, b.start, b.end) && !staffed {
                let date = local_date(self.tz, b.start);
                let holder = access_card_required::holds_card(
                    data.access_cards
                        .iter()
                        .filter(|c| c.student_id == b.student_id),
                    date,
                );
                let access = access_covering(self.cal, b.start, b.end);
                if opening_hours::study_broken(staffed, access) {
                    self.out.push(Violation::new(
                        Rule::OpeningHours,
                        me.clone(),
                        opening_hours::study_message(&what),
                    ));
                } else if access_card_required::broken(staffed, access, holder) {
                    self.out.push(Violation::new(
                        Rule::AccessCardRequired,
                        me.clone(),
                        access_card_required::message(&what, date),
                    ));
                }
            }
            self.room_purpose(&me, &b.room_id, Purpose::Study);
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
                    if invigilator_availability::broken(inv.active, inside) {
                        self.out.push(
                            Violation::new(
                                Rule::InvigilatorAvailability,
                                me.clone(),
                                invigilator_availability::message(
                                    &inv.name,
                                    inv.active,
                                    &self.when(asg.start, asg.end),
                                ),
                            )
                            .with(inv_ref),
                        );
                    }
                }
            }
            self.room_purpose(&me, &asg.room_id, Purpose::Staff);
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
                    && separate_room::sittings_clash(a.separate_room, b.separate_room)
                {
                    let (alone, other) = separate_room::alone(a, a.separate_room, b);
                    let message = separate_room::message(
                        &alone.id,
                        self.room_name(&alone.room_id),
                        ItemKind::Sitting,
                        &other.id,
                        &self.overlap(a.start, a.end, b.start, b.end),
                    );
                    self.out.push(
                        Violation::new(Rule::SeparateRoom, sitting_ref(alone), message)
                            .with(sitting_ref(other)),
                    );
                }
            }
            for b in &bookings {
                if a.room_id == b.room_id && overlaps((a.start, a.end), (b.start, b.end)) {
                    let room = self.room_name(&a.room_id);
                    let when = self.overlap(a.start, a.end, b.start, b.end);
                    if separate_room::study_clashes(a.separate_room) {
                        let message = separate_room::message(
                            &a.id,
                            room,
                            ItemKind::StudyBooking,
                            &b.id,
                            &when,
                        );
                        self.out.push(
                            Violation::new(Rule::SeparateRoom, sitting_ref(a), message)
                                .with(booking_ref(b)),
                        );
                    }
                    if exam_and_study_mixed::clash(false, true) {
                        let message = exam_and_study_mixed::message(&a.id, &b.id, room, &when);
                        self.out.push(
                            Violation::new(Rule::ExamAndStudyMixed, sitting_ref(a), message)
                                .with(booking_ref(b)),
                        );
                    }
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
                if student_double_booked::clash(a.1, b.1, || overlaps((a.2, a.3), (b.2, b.3))) {
                    let message = student_double_booked::message(
                        b.0.kind,
                        &b.0.id,
                        &self.overlap(a.2, a.3, b.2, b.3),
                    );
                    self.out.push(
                        Violation::new(Rule::StudentDoubleBooked, a.0.clone(), message)
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
                if invigilator_double_booked::clash(
                    &a.invigilator_id,
                    &a.room_id,
                    &b.invigilator_id,
                    &b.room_id,
                    || overlaps((a.start, a.end), (b.start, b.end)),
                ) {
                    let room = self
                        .room(&b.room_id)
                        .map_or(b.room_id.clone(), |r| format!("'{}'", r.name));
                    let message = invigilator_double_booked::message(
                        &room,
                        &b.id,
                        &self.overlap(a.start, a.end, b.start, b.end),
                    );
                    self.out.push(
                        Violation::new(
                            Rule::InvigilatorDoubleBooked,
                            ItemRef::new(ItemKind::InvigilatorAssignment, a.id.clone()),
                            message,
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
        // Per rule: the run being built, as (start, end, counts at its first instant).
        type Run = (Ts, Ts, (i64, i64));
        let mut open: [Option<Run>; 4] = Default::default();
        let mut finished: Vec<(Rule, Ts, Ts, (i64, i64))> = Vec::new();
        for w in cuts.windows(2) {
            let &[t, next] = w else { continue };
            let at = |s: Ts, e: Ts| s <= t && t < e;
            let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            let people = count(
                sittings.iter().filter(|s| at(s.start, s.end)).count()
                    + bookings.iter().filter(|b| at(b.start, b.end)).count(),
            );
            let computers = count(
                sittings
                    .iter()
                    .filter(|s| s.computer && at(s.start, s.end))
                    .count()
                    + bookings
                        .iter()
                        .filter(|b| b.computer && at(b.start, b.end))
                        .count(),
            );
            let examinees = count(sittings.iter().filter(|s| at(s.start, s.end)).count());
            let mut present: Vec<&str> = assignments
                .iter()
                .filter(|a| at(a.start, a.end))
                .map(|a| a.invigilator_id.as_str())
                .collect();
            present.sort_unstable();
            present.dedup();
            let invigilators = count(present.len());
            let ratio = data.centre.invigilator_ratio;

            let broken: [Option<(i64, i64)>; 4] = [
                room_capacity::broken(people, room.seats).then_some((people, 0)),
                computer_seats::broken(computers, room.computer_seats).then_some((computers, 0)),
                invigilator_coverage::broken(examinees, invigilators).then_some((examinees, 0)),
                invigilator_ratio::broken(examinees, invigilators, ratio)
                    .then_some((examinees, invigilators)),
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
        let ratio = data.centre.invigilator_ratio;
        for (rule, s, e, (n, k)) in finished {
            let when = self.when(s, e);
            let message = match rule {
                Rule::RoomCapacity => room_capacity::message(&room.name, n, room.seats, &when),
                Rule::ComputerSeats => {
                    computer_seats::message(&room.name, n, room.computer_seats, &when)
                }
                Rule::InvigilatorCoverage => invigilator_coverage::message(&room.name, n, &when),
                _ => invigilator_ratio::message(&room.name, n, k, ratio, &when),
            };
            let mut v = Violation::new(rule, room_ref(room), message);
            v.span = Interval::new(s, e);
            self.out.push(v);
        }
    }
}
