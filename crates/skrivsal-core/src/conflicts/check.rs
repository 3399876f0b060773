//! The incremental checker: looks only at the items a batch touches and their
//! neighbours in the snapshot's indexes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::model::{
    span, Change, Exam, ExamTiming, InvigilatorAssignment, Room, Sitting, Snapshot, SpanIndex,
    StudyBooking,
};
use super::rules::room_not_bookable::Purpose;
use super::rules::{
    access_card_required, closed_day, computer_seats, exam_and_study_mixed, exam_duration,
    exam_start, exam_window, invigilator_availability, invigilator_coverage,
    invigilator_double_booked, invigilator_ratio, local, local_date, local_dates, local_span,
    opening_hours, room_capacity, room_inactive, room_not_bookable, separate_room,
    student_double_booked, ItemKind, ItemRef, Rule, Violation,
};
use crate::calendar::{Interval, IntervalSet};

type Ts = DateTime<Utc>;
type Span = Interval<Ts>;

/// Checks `changes` against `snap`.
///
/// Semantics:
/// * The batch is applied in order to a copy-on-write view of the snapshot (see
///   [`super::apply`]) and the rules are judged on the **final state only**, so an
///   approval that places sittings and assigns their invigilators passes as a whole,
///   and a move (place with an existing id) does not collide with its own old position.
/// * Every item the batch touches and that exists at the end (a *changed item*) must
///   satisfy every rule: all its own rules and every rule that relates it to any other
///   item, including pre-existing items. Problems among untouched items alone are not
///   reported: they are not this batch's doing (the audit finds them).
/// * Removing things never breaks rules 1–5 or 7, but removing or moving an
///   invigilator assignment can uncover examinees: the span the assignment no longer
///   covers is re-checked for rule 6 coverage and ratio, and a violation there names the
///   assignment.
/// * A violation between two changed items is reported once.
/// * Changes must lie inside the snapshot's dates (`invalid_item` otherwise), since
///   items outside them were not loaded.
///
/// Returns every violation, in batch order, never stopping at the first.
pub fn check(snap: &Snapshot, changes: &[Change]) -> Result<(), Vec<Violation>> {
    let overlay = Overlay::build(snap, changes);
    let mut ctx = Ctx {
        snap,
        ov: &overlay,
        tz: snap.data().centre.calendar.tz,
        out: overlay.invalid.clone(),
    };
    for &(kind, id) in &overlay.order {
        match kind {
            ItemKind::Sitting => {
                if let Some(Some(s)) = overlay.sittings.get(id) {
                    ctx.sitting(s);
                }
            }
            ItemKind::StudyBooking => {
                if let Some(Some(b)) = overlay.bookings.get(id) {
                    ctx.booking(b);
                }
            }
            ItemKind::InvigilatorAssignment => {
                if let Some(Some(a)) = overlay.assignments.get(id) {
                    ctx.assignment(a);
                }
                ctx.lost_cover(id);
            }
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    let mut out = ctx.out;
    out.retain(|v| match (&v.with, v.rule.is_pairwise()) {
        (Some(w), true) => {
            let pair = if v.item <= *w {
                (v.rule, v.item.clone(), w.clone())
            } else {
                (v.rule, w.clone(), v.item.clone())
            };
            seen.insert(pair)
        }
        _ => true,
    });
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// Access to the fields every timed item shares.
trait Timed {
    fn id(&self) -> &str;
    fn start(&self) -> Ts;
    fn end(&self) -> Ts;
    fn span(&self) -> Option<Span> {
        span(self.start(), self.end())
    }
}

macro_rules! timed {
    ($t:ty) => {
        impl Timed for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn start(&self) -> Ts {
                self.start
            }
            fn end(&self) -> Ts {
                self.end
            }
        }
    };
}
timed!(Sitting);
timed!(StudyBooking);
timed!(InvigilatorAssignment);

/// The batch's final word on each id of one kind, in first-touch order.
struct Layer<'a, T> {
    slots: Vec<Option<&'a T>>,
    pos: HashMap<&'a str, usize>,
}

impl<'a, T: Timed> Layer<'a, T> {
    fn new() -> Self {
        Self {
            slots: Vec::new(),
            pos: HashMap::new(),
        }
    }

    fn set(&mut self, id: &'a str, item: Option<&'a T>) -> bool {
        match self.pos.get(id) {
            Some(&p) => {
                if let Some(slot) = self.slots.get_mut(p) {
                    *slot = item;
                }
                false
            }
            None => {
                self.pos.insert(id, self.slots.len());
                self.slots.push(item);
                true
            }
        }
    }

    /// `None`: untouched; `Some(None)`: removed; `Some(Some(x))`: final version.
    fn get(&self, id: &str) -> Option<Option<&'a T>> {
        self.pos.get(id).and_then(|&p| self.slots.get(p).copied())
    }

    fn touched(&self, id: &str) -> bool {
        self.pos.contains_key(id)
    }

    fn present(&self) -> impl Iterator<Item = &'a T> + '_ {
        self.slots.iter().filter_map(|s| *s)
    }
}

struct Overlay<'a> {
    sittings: Layer<'a, Sitting>,
    bookings: Layer<'a, StudyBooking>,
    assignments: Layer<'a, InvigilatorAssignment>,
    order: Vec<(ItemKind, &'a str)>,
    invalid: Vec<Violation>,
}

impl<'a> Overlay<'a> {
    fn build(snap: &Snapshot, changes: &'a [Change]) -> Self {
        let mut ov = Overlay {
            sittings: Layer::new(),
            bookings: Layer::new(),
            assignments: Layer::new(),
            order: Vec::new(),
            invalid: Vec::new(),
        };
        let idx = &snap.idx;
        for change in changes {
            let (kind, id, fresh) = match change {
                Change::PlaceSitting(s) => {
                    (ItemKind::Sitting, &s.id, ov.sittings.set(&s.id, Some(s)))
                }
                Change::BookStudy(b) => (
                    ItemKind::StudyBooking,
                    &b.id,
                    ov.bookings.set(&b.id, Some(b)),
                ),
                Change::Assign(a) => (
                    ItemKind::InvigilatorAssignment,
                    &a.id,
                    ov.assignments.set(&a.id, Some(a)),
                ),
                Change::RemoveSitting { id } => {
                    let exists = ov
                        .sittings
                        .get(id)
                        .map_or(idx.sitting.contains_key(id), |s| s.is_some());
                    ov.note_missing(exists, ItemKind::Sitting, id);
                    (ItemKind::Sitting, id, ov.sittings.set(id, None))
                }
                Change::CancelStudy { id } => {
                    let exists = ov
                        .bookings
                        .get(id)
                        .map_or(idx.booking.contains_key(id), |b| b.is_some());
                    ov.note_missing(exists, ItemKind::StudyBooking, id);
                    (ItemKind::StudyBooking, id, ov.bookings.set(id, None))
                }
                Change::Unassign { id } => {
                    let exists = ov
                        .assignments
                        .get(id)
                        .map_or(idx.assignment.contains_key(id), |a| a.is_some());
                    ov.note_missing(exists, ItemKind::InvigilatorAssignment, id);
                    (
                        ItemKind::InvigilatorAssignment,
                        id,
                        ov.assignments.set(id, None),
                    )
                }
            };
            if fresh {
                ov.order.push((kind, id.as_str()));
            }
        }
        ov
    }

    fn note_missing(&mut self, exists: bool, kind: ItemKind, id: &str) {
        if !exists {
            self.invalid.push(Violation::new(
                Rule::InvalidItem,
                ItemRef::new(kind, id),
                format!(
                    "There is no {} with id {id} to remove.",
                    kind.code().replace('_', " ")
                ),
            ));
        }
    }
}

/// Base items of `index` overlapping `sp` that the batch did not touch, then the
/// batch's final items passing `keep` and overlapping `sp`.
fn query<'a, T: Timed>(
    base: &'a [T],
    index: Option<&'a SpanIndex>,
    layer: &'a Layer<'a, T>,
    sp: Span,
    keep: impl Fn(&T) -> bool + 'a,
) -> impl Iterator<Item = &'a T> + 'a {
    let from_base = index
        .into_iter()
        .flat_map(move |ix| ix.overlapping(sp))
        .filter_map(move |p| base.get(p))
        .filter(move |x| !layer.touched(x.id()));
    let from_batch = layer
        .present()
        .filter(move |x| keep(x) && x.span().is_some_and(|s| s.overlaps(&sp)));
    from_base.chain(from_batch)
}

struct Ctx<'a> {
    snap: &'a Snapshot,
    ov: &'a Overlay<'a>,
    tz: Tz,
    out: Vec<Violation>,
}

/// A room resolved from an item's `room_id`.
#[derive(Clone, Copy)]
struct RoomAt<'a> {
    pos: usize,
    room: &'a Room,
}

impl<'a> Ctx<'a> {
    fn push(&mut self, v: Violation) {
        self.out.push(v);
    }

    fn room_ref(room: &Room) -> ItemRef {
        ItemRef::new(ItemKind::Room, room.id.clone())
    }

    fn span_text(&self, sp: Span) -> String {
        local_span(self.tz, sp.start(), sp.end())
    }

    // ---- queries over the final state -------------------------------------------

    fn room_sittings(&self, r: RoomAt<'a>, sp: Span) -> impl Iterator<Item = &'a Sitting> + 'a {
        let room_id = r.room.id.as_str();
        query(
            &self.snap.data().sittings,
            self.snap.idx.room_sittings.get(r.pos),
            &self.ov.sittings,
            sp,
            move |s| s.room_id == room_id,
        )
    }

    fn room_bookings(
        &self,
        r: RoomAt<'a>,
        sp: Span,
    ) -> impl Iterator<Item = &'a StudyBooking> + 'a {
        let room_id = r.room.id.as_str();
        query(
            &self.snap.data().study_bookings,
            self.snap.idx.room_bookings.get(r.pos),
            &self.ov.bookings,
            sp,
            move |b| b.room_id == room_id,
        )
    }

    fn room_assignments(
        &self,
        r: RoomAt<'a>,
        sp: Span,
    ) -> impl Iterator<Item = &'a InvigilatorAssignment> + 'a {
        let room_id = r.room.id.as_str();
        query(
            &self.snap.data().assignments,
            self.snap.idx.room_assignments.get(r.pos),
            &self.ov.assignments,
            sp,
            move |a| a.room_id == room_id,
        )
    }

    fn student_sittings(
        &self,
        student: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a Sitting> + 'a {
        query(
            &self.snap.data().sittings,
            self.snap.idx.student_sittings.get(student),
            &self.ov.sittings,
            sp,
            move |s| s.student_id == student,
        )
    }

    fn student_bookings(
        &self,
        student: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a StudyBooking> + 'a {
        query(
            &self.snap.data().study_bookings,
            self.snap.idx.student_bookings.get(student),
            &self.ov.bookings,
            sp,
            move |b| b.student_id == student,
        )
    }

    fn invigilator_assignments(
        &self,
        invigilator: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a InvigilatorAssignment> + 'a {
        query(
            &self.snap.data().assignments,
            self.snap.idx.invigilator_assignments.get(invigilator),
            &self.ov.assignments,
            sp,
            move |a| a.invigilator_id == invigilator,
        )
    }

    fn room(&self, id: &str) -> Option<RoomAt<'a>> {
        let data = self.snap.data();
        let pos = *self.snap.idx.room.get(id)?;
        data.rooms.get(pos).map(|room| RoomAt { pos, room })
    }

    fn exam(&self, id: &str) -> Option<&'a Exam> {
        let pos = *self.snap.idx.exam.get(id)?;
        self.snap.data().exams.get(pos)
    }

    // ---- shared preconditions -----------------------------------------------------

    /// The item's span if it can be checked at all; reports why not otherwise.
    fn usable_span(&mut self, me: &ItemRef, start: Ts, end: Ts) -> Option<Span> {
        let Some(sp) = span(start, end) else {
            self.push(Violation::new(
                Rule::InvalidItem,
                me.clone(),
                format!(
                    "The {} ends ({}) before it starts ({}).",
                    me.kind.code().replace('_', " "),
                    local(self.tz, end),
                    local(self.tz, start)
                ),
            ));
            return None;
        };
        let data = self.snap.data();
        let first = local_date(self.tz, start);
        let last = local_dates(self.tz, start, end).last().unwrap_or(first);
        if first < data.from || last > data.to {
            self.push(Violation::new(
                Rule::InvalidItem,
                me.clone(),
                format!(
                    "{} reaches outside the dates this check loaded ({} to {}); it cannot be checked.",
                    self.span_text(sp),
                    data.from,
                    data.to
                ),
            ));
            return None;
        }
        Some(sp)
    }

    fn known_room(&mut self, me: &ItemRef, room_id: &str) -> Option<RoomAt<'a>> {
        let found = self.room(room_id);
        if found.is_none() {
            self.push(
                Violation::new(
                    Rule::InvalidItem,
                    me.clone(),
                    format!("There is no room with id {room_id} at this centre."),
                )
                .with(ItemRef::new(ItemKind::Room, room_id)),
            );
        }
        found
    }

    fn room_usable(&mut self, me: &ItemRef, r: RoomAt<'a>, purpose: Purpose) {
        if room_inactive::broken(r.room) {
            self.push(
                Violation::new(
                    Rule::RoomInactive,
                    me.clone(),
                    room_inactive::message(&r.room.name),
                )
                .with(Self::room_ref(r.room)),
            );
        }
        if !room_not_bookable::bookable(r.room, purpose) {
            self.push(
                Violation::new(
                    Rule::RoomNotBookable,
                    me.clone(),
                    room_not_bookable::message(&r.room.name, purpose),
                )
                .with(Self::room_ref(r.room)),
            );
        }
    }

    /// Rule 1's closed days; `true` when the item touches one.
    fn closed_days(&mut self, me: &ItemRef, what: &str, sp: Span) -> bool {
        let mut any = false;
        for date in local_dates(self.tz, sp.start(), sp.end()) {
            if let Some(reason) = self.snap.idx.closed.get(&date) {
                any = true;
                self.push(closed_day::violation(me, what, date, reason));
            }
        }
        any
    }

    // ---- per kind -------------------------------------------------------------------

    fn sitting(&mut self, s: &'a Sitting) {
        let me = ItemRef::new(ItemKind::Sitting, s.id.clone());
        let Some(sp) = self.usable_span(&me, s.start, s.end) else {
            return;
        };
        let what = format!("The sitting {}", self.span_text(sp));

        // Rule 1.
        if !self.closed_days(&me, &what, sp)
            && opening_hours::sitting_broken(self.snap.idx.staffed.covers(&sp))
        {
            self.push(Violation::new(
                Rule::OpeningHours,
                me.clone(),
                opening_hours::sitting_message(&what),
            ));
        }

        // Rule 7.
        match self.exam(&s.exam_request_id) {
            Some(exam) => self.exam_timing(&me, exam, sp),
            None => self.push(
                Violation::new(
                    Rule::InvalidItem,
                    me.clone(),
                    format!(
                        "There is no exam request with id {} at this centre.",
                        s.exam_request_id
                    ),
                )
                .with(ItemRef::new(
                    ItemKind::ExamRequest,
                    s.exam_request_id.clone(),
                )),
            ),
        }

        if let Some(r) = self.known_room(&me, &s.room_id) {
            self.room_usable(&me, r, Purpose::Exam);
            self.capacity(&me, r, sp, s.computer);

            // Rule 3, both directions: this sitting's own room, and entering another's.
            let others_sittings: Vec<&Sitting> =
                self.room_sittings(r, sp).filter(|o| o.id != s.id).collect();
            let bookings: Vec<&StudyBooking> = self.room_bookings(r, sp).collect();
            for o in &others_sittings {
                if separate_room::sittings_clash(s.separate_room, o.separate_room) {
                    let who = if s.separate_room { &s.id } else { &o.id };
                    self.push(self.separate_violation(
                        &me,
                        who,
                        r,
                        ItemKind::Sitting,
                        &o.id,
                        sp,
                        o.span(),
                    ));
                }
            }
            if separate_room::study_clashes(s.separate_room) {
                for b in &bookings {
                    self.push(self.separate_violation(
                        &me,
                        &s.id,
                        r,
                        ItemKind::StudyBooking,
                        &b.id,
                        sp,
                        b.span(),
                    ));
                }
            }
            // Rule 4.
            for b in bookings
                .iter()
                .filter(|_| exam_and_study_mixed::clash(false, true))
            {
                self.push(self.mixed_violation(
                    &me,
                    r,
                    ItemKind::StudyBooking,
                    &b.id,
                    sp,
                    b.span(),
                ));
            }
            // Rule 6.
            self.coverage(&me, r, sp);
        }

        // Rule 5.
        self.student(&me, &s.student_id, sp);
    }

    fn booking(&mut self, b: &'a StudyBooking) {
        let me = ItemRef::new(ItemKind::StudyBooking, b.id.clone());
        let Some(sp) = self.usable_span(&me, b.start, b.end) else {
            return;
        };
        let what = format!("The study booking {}", self.span_text(sp));

        // Rule 1: card holders may use access-card hours.
        let staffed = self.snap.idx.staffed.covers(&sp);
        if !self.closed_days(&me, &what, sp) && !staffed {
            let date = local_date(self.tz, sp.start());
            let holder = access_card_required::holds_card(
                self.snap
                    .idx
                    .cards
                    .get(&b.student_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|&p| self.snap.data().access_cards.get(p)),
                date,
            );
            let access = self.snap.idx.access.covers(&sp);
            if opening_hours::study_broken(staffed, access) {
                self.push(Violation::new(
                    Rule::OpeningHours,
                    me.clone(),
                    opening_hours::study_message(&what),
                ));
            } else if access_card_required::broken(staffed, access, holder) {
                self.push(Violation::new(
                    Rule::AccessCardRequired,
                    me.clone(),
                    access_card_required::message(&what, date),
                ));
            }
        }

        if let Some(r) = self.known_room(&me, &b.room_id) {
            self.room_usable(&me, r, Purpose::Study);
            self.capacity(&me, r, sp, b.computer);
            let sittings: Vec<&Sitting> = self.room_sittings(r, sp).collect();
            for s in &sittings {
                // Rule 3.
                if separate_room::study_clashes(s.separate_room) {
                    self.push(self.separate_violation(
                        &me,
                        &s.id,
                        r,
                        ItemKind::Sitting,
                        &s.id,
                        sp,
                        s.span(),
                    ));
                }
                // Rule 4.
                if exam_and_study_mixed::clash(true, false) {
                    self.push(self.mixed_violation(&me, r, ItemKind::Sitting, &s.id, sp, s.span()));
                }
            }
        }

        // Rule 5.
        self.student(&me, &b.student_id, sp);
    }

    fn assignment(&mut self, a: &'a InvigilatorAssignment) {
        let me = ItemRef::new(ItemKind::InvigilatorAssignment, a.id.clone());
        let Some(sp) = self.usable_span(&me, a.start, a.end) else {
            return;
        };
        let inv_ref = ItemRef::new(ItemKind::Invigilator, a.invigilator_id.clone());
        let invigilator = self
            .snap
            .idx
            .invigilator
            .get(&a.invigilator_id)
            .and_then(|&p| self.snap.data().invigilators.get(p));
        match invigilator {
            None => self.push(
                Violation::new(
                    Rule::InvalidItem,
                    me.clone(),
                    format!(
                        "There is no invigilator with id {} at this centre.",
                        a.invigilator_id
                    ),
                )
                .with(inv_ref.clone()),
            ),
            Some(i) => {
                if invigilator_availability::broken(i.active, i.availability.covers(&sp)) {
                    self.push(
                        Violation::new(
                            Rule::InvigilatorAvailability,
                            me.clone(),
                            invigilator_availability::message(
                                &i.name,
                                i.active,
                                &self.span_text(sp),
                            ),
                        )
                        .with(inv_ref.clone()),
                    );
                }
            }
        }

        if let Some(r) = self.known_room(&me, &a.room_id) {
            self.room_usable(&me, r, Purpose::Staff);
        }

        // Rule 6: one room at a time.
        let clashes: Vec<&InvigilatorAssignment> = self
            .invigilator_assignments(&a.invigilator_id, sp)
            .filter(|o| {
                o.id != a.id
                    && invigilator_double_booked::clash(
                        &a.invigilator_id,
                        &a.room_id,
                        &o.invigilator_id,
                        &o.room_id,
                        true,
                    )
            })
            .collect();
        for o in clashes {
            let when = o.span().and_then(|os| os.intersection(&sp)).unwrap_or(sp);
            let room_name = self
                .room(&o.room_id)
                .map_or(o.room_id.clone(), |r| format!("'{}'", r.room.name));
            self.push(
                Violation::new(
                    Rule::InvigilatorDoubleBooked,
                    me.clone(),
                    invigilator_double_booked::message(&room_name, &o.id, &self.span_text(when)),
                )
                .with(ItemRef::new(ItemKind::InvigilatorAssignment, o.id.clone()))
                .during(when),
            );
        }
    }

    /// Rule 6 over the time a touched assignment no longer covers.
    fn lost_cover(&mut self, id: &str) {
        let data = self.snap.data();
        let Some(old) = self
            .snap
            .idx
            .assignment
            .get(id)
            .and_then(|&p| data.assignments.get(p))
        else {
            return;
        };
        let (Some(old_span), Some(r)) = (old.span(), self.room(&old.room_id)) else {
            return;
        };
        let still = match self.ov.assignments.get(id) {
            Some(Some(new))
                if new.room_id == old.room_id && new.invigilator_id == old.invigilator_id =>
            {
                new.span().map(IntervalSet::from).unwrap_or_default()
            }
            Some(_) => IntervalSet::new(),
            None => return,
        };
        let lost = IntervalSet::from(old_span).difference(&still);
        let me = ItemRef::new(ItemKind::InvigilatorAssignment, id);
        let mut first_gap = None;
        let mut first_short = None;
        for piece in &lost {
            let (gap, short) = self.cover_runs(r, *piece);
            first_gap = first_gap.or(gap);
            first_short = first_short.or(short);
        }
        let room = r.room;
        if let Some((run, n, _)) = first_gap {
            self.push(
                Violation::new(
                    Rule::InvigilatorCoverage,
                    me.clone(),
                    invigilator_coverage::without_message(id, &room.name, n, &self.span_text(run)),
                )
                .with(Self::room_ref(room))
                .during(run),
            );
        }
        if let Some((run, n, k)) = first_short {
            let msg = self.ratio_message(room, n, k, run);
            self.push(
                Violation::new(
                    Rule::InvigilatorRatio,
                    me,
                    invigilator_ratio::without_message(id, &msg),
                )
                .with(Self::room_ref(room))
                .during(run),
            );
        }
    }

    // ---- rule helpers -----------------------------------------------------------

    fn exam_timing(&mut self, me: &ItemRef, exam: &Exam, sp: Span) {
        let exam_ref = ItemRef::new(ItemKind::ExamRequest, exam.id.clone());
        match exam.timing {
            ExamTiming::Fixed { starts_at } => {
                if exam_start::broken(sp.start(), starts_at, exam.start_offset_minutes) {
                    self.push(
                        Violation::new(
                            Rule::ExamStart,
                            me.clone(),
                            exam_start::message(
                                &local(self.tz, sp.start()),
                                &local(self.tz, starts_at),
                                exam.start_offset_minutes,
                            ),
                        )
                        .with(exam_ref.clone()),
                    );
                }
            }
            ExamTiming::Window {
                earliest_start,
                latest_end,
            } => {
                if exam_window::broken(sp.start(), sp.end(), earliest_start, latest_end) {
                    self.push(
                        Violation::new(
                            Rule::ExamWindow,
                            me.clone(),
                            exam_window::message(
                                &self.span_text(sp),
                                &local_span(self.tz, earliest_start, latest_end),
                            ),
                        )
                        .with(exam_ref.clone()),
                    );
                }
            }
        }
        if exam_duration::broken(sp.end() - sp.start(), exam.duration_minutes) {
            self.push(
                Violation::new(
                    Rule::ExamDuration,
                    me.clone(),
                    exam_duration::message(sp.end() - sp.start(), exam.duration_minutes),
                )
                .with(exam_ref),
            );
        }
    }

    /// Rule 2 for an item in `r` over its span `sp`.
    fn capacity(&mut self, me: &ItemRef, r: RoomAt<'a>, sp: Span, computer: bool) {
        let mut events = Vec::new();
        let mut computers = Vec::new();
        for s in self.room_sittings(r, sp) {
            add(&mut events, s.span(), sp, 0);
            if s.computer {
                add(&mut computers, s.span(), sp, 0);
            }
        }
        for b in self.room_bookings(r, sp) {
            add(&mut events, b.span(), sp, 0);
            if b.computer {
                add(&mut computers, b.span(), sp, 0);
            }
        }
        let seats = r.room.seats;
        if let Some((run, worst)) = first_run(
            &sweep::<1>(sp, events),
            |c| room_capacity::broken(c[0], seats),
            |c| c[0],
        ) {
            self.push(
                Violation::new(
                    Rule::RoomCapacity,
                    me.clone(),
                    room_capacity::message(&r.room.name, worst, seats, &self.span_text(run)),
                )
                .with(Self::room_ref(r.room))
                .during(run),
            );
        }
        if computer {
            let seats = r.room.computer_seats;
            if let Some((run, worst)) = first_run(
                &sweep::<1>(sp, computers),
                |c| computer_seats::broken(c[0], seats),
                |c| c[0],
            ) {
                self.push(
                    Violation::new(
                        Rule::ComputerSeats,
                        me.clone(),
                        computer_seats::message(&r.room.name, worst, seats, &self.span_text(run)),
                    )
                    .with(Self::room_ref(r.room))
                    .during(run),
                );
            }
        }
    }

    /// Examinee and distinct-invigilator counts in `r` over `within`: the first run
    /// without any invigilator and the first run short of the ratio, each with
    /// `(run, examinees, invigilators)` at the run's worst instant.
    #[allow(clippy::type_complexity)]
    fn cover_runs(
        &self,
        r: RoomAt<'a>,
        within: Span,
    ) -> (Option<(Span, i64, i64)>, Option<(Span, i64, i64)>) {
        let mut events = Vec::new();
        for s in self.room_sittings(r, within) {
            add(&mut events, s.span(), within, 0);
        }
        // One person counts once however many of their assignments overlap here.
        let mut per: Vec<(&str, Span)> = self
            .room_assignments(r, within)
            .filter_map(|a| Some((a.invigilator_id.as_str(), a.span()?)))
            .collect();
        per.sort_unstable();
        for one in per.chunk_by(|a, b| a.0 == b.0) {
            for iv in IntervalSet::from_intervals(one.iter().map(|p| p.1)) {
                add(&mut events, Some(iv), within, 1);
            }
        }
        let ratio = self.snap.data().centre.invigilator_ratio;
        let segs = sweep::<2>(within, events);
        let gap = first_run(
            &segs,
            |c| invigilator_coverage::broken(c[0], c[1]),
            |c| c[0],
        )
        .map(|(run, n)| (run, n, 0));
        let short = first_run(
            &segs,
            |c| invigilator_ratio::broken(c[0], c[1], ratio),
            |c| c[0] - c[1],
        )
        .map(|(run, _)| {
            // Report the counts at the run's worst instant.
            let worst = segs
                .iter()
                .filter(|(s, _)| run.covers(s))
                .max_by_key(|(_, c)| invigilator_ratio::needed_i64(c[0], ratio) - c[1])
                .map_or((0, 0), |(_, c)| (c[0], c[1]));
            (run, worst.0, worst.1)
        });
        (gap, short)
    }

    fn coverage(&mut self, me: &ItemRef, r: RoomAt<'a>, sp: Span) {
        let (gap, short) = self.cover_runs(r, sp);
        if let Some((run, n, _)) = gap {
            self.push(
                Violation::new(
                    Rule::InvigilatorCoverage,
                    me.clone(),
                    invigilator_coverage::message(&r.room.name, n, &self.span_text(run)),
                )
                .with(Self::room_ref(r.room))
                .during(run),
            );
        }
        if let Some((run, n, k)) = short {
            let msg = self.ratio_message(r.room, n, k, run);
            self.push(
                Violation::new(Rule::InvigilatorRatio, me.clone(), msg)
                    .with(Self::room_ref(r.room))
                    .during(run),
            );
        }
    }

    fn ratio_message(&self, room: &Room, n: i64, k: i64, run: Span) -> String {
        let ratio = self.snap.data().centre.invigilator_ratio;
        invigilator_ratio::message(&room.name, n, k, ratio, &self.span_text(run))
    }

    fn student(&mut self, me: &ItemRef, student: &'a str, sp: Span) {
        let mut hits: Vec<(ItemKind, &'a str, Option<Span>)> = Vec::new();
        // The indexes only return items overlapping `sp`.
        for s in self.student_sittings(student, sp) {
            if student_double_booked::clash(student, &s.student_id, true) {
                hits.push((ItemKind::Sitting, &s.id, s.span()));
            }
        }
        for b in self.student_bookings(student, sp) {
            if student_double_booked::clash(student, &b.student_id, true) {
                hits.push((ItemKind::StudyBooking, &b.id, b.span()));
            }
        }
        for (kind, id, other) in hits {
            if kind == me.kind && id == me.id {
                continue;
            }
            let when = other.and_then(|o| o.intersection(&sp)).unwrap_or(sp);
            self.push(
                Violation::new(
                    Rule::StudentDoubleBooked,
                    me.clone(),
                    student_double_booked::message(kind, id, &self.span_text(when)),
                )
                .with(ItemRef::new(kind, id))
                .during(when),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn separate_violation(
        &self,
        me: &ItemRef,
        separate_id: &str,
        r: RoomAt<'a>,
        other_kind: ItemKind,
        other_id: &str,
        sp: Span,
        other: Option<Span>,
    ) -> Violation {
        let when = other.and_then(|o| o.intersection(&sp)).unwrap_or(sp);
        let message = if me.kind == ItemKind::Sitting && me.id == separate_id {
            separate_room::message(
                separate_id,
                &r.room.name,
                other_kind,
                other_id,
                &self.span_text(when),
            )
        } else {
            separate_room::entering_message(
                separate_id,
                &r.room.name,
                me.kind,
                &self.span_text(when),
            )
        };
        Violation::new(Rule::SeparateRoom, me.clone(), message)
            .with(ItemRef::new(other_kind, other_id))
            .during(when)
    }

    fn mixed_violation(
        &self,
        me: &ItemRef,
        r: RoomAt<'a>,
        other_kind: ItemKind,
        other_id: &str,
        sp: Span,
        other: Option<Span>,
    ) -> Violation {
        let when = other.and_then(|o| o.intersection(&sp)).unwrap_or(sp);
        let (sitting, booking) = if me.kind == ItemKind::Sitting {
            (me.id.as_str(), other_id)
        } else {
            (other_id, me.id.as_str())
        };
        Violation::new(
            Rule::ExamAndStudyMixed,
            me.clone(),
            exam_and_study_mixed::message(sitting, booking, &r.room.name, &self.span_text(when)),
        )
        .with(ItemRef::new(other_kind, other_id))
        .during(when)
    }
}

/// Adds `item` clipped to `within` as +1/−1 events on counter `k`.
fn add(events: &mut Vec<(Ts, usize, i64)>, item: Option<Span>, within: Span, k: usize) {
    if let Some(piece) = item.and_then(|i| i.intersection(&within)) {
        events.push((piece.start(), k, 1));
        events.push((piece.end(), k, -1));
    }
}

/// Splits `within` at every event into segments with the counters in force on each.
fn sweep<const K: usize>(within: Span, mut events: Vec<(Ts, usize, i64)>) -> Vec<(Span, [i64; K])> {
    events.sort_unstable_by_key(|e| e.0);
    let mut out = Vec::with_capacity(events.len() + 1);
    let mut counts = [0i64; K];
    let mut i = 0;
    let mut t = within.start();
    loop {
        while let Some(&(at, k, d)) = events.get(i) {
            if at > t {
                break;
            }
            if let Some(c) = counts.get_mut(k) {
                *c += d;
            }
            i += 1;
        }
        let next = events
            .get(i)
            .map_or(within.end(), |e| e.0.min(within.end()));
        if let Some(seg) = Interval::new(t, next) {
            out.push((seg, counts));
        }
        if next >= within.end() {
            return out;
        }
        t = next;
    }
}

/// The first maximal run of consecutive segments where `bad` holds, with the largest
/// `score` over it.
fn first_run<const K: usize>(
    segs: &[(Span, [i64; K])],
    bad: impl Fn(&[i64; K]) -> bool,
    score: impl Fn(&[i64; K]) -> i64,
) -> Option<(Span, i64)> {
    let first = segs.iter().position(|(_, c)| bad(c))?;
    let mut run: Option<Span> = None;
    let mut worst = i64::MIN;
    for (seg, c) in segs.get(first..).unwrap_or_default() {
        // Segments from `sweep` tile their range, so consecutive ones always touch.
        if !bad(c) || run.is_some_and(|r| r.end() != seg.start()) {
            break;
        }
        run = Interval::new(run.map_or(seg.start(), |r| r.start()), seg.end());
        worst = worst.max(score(c));
    }
    let run = run?;
    Some((run, worst))
}
