//! Plain-data model of one centre's state (a [`Snapshot`]) and of proposed edits
//! ([`Change`]).
//!
//! Everything here is what a loader reads from the database and nothing more: ids are
//! the database ids as strings, times are instants (`DateTime<Utc>`) forming half-open
//! spans `[start, end)`, and no item carries a status, because the loader only puts
//! *live* items (placed sittings, confirmed bookings, current assignments) in a
//! snapshot.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{
    access_set, days, staffed_set, CentreCalendarInput, ClosedReason, Interval, IntervalSet,
};

/// The centre-wide settings the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreRules {
    /// Opening hours, access-card hours, closures, holidays and the time zone
    /// (`calendar.tz`).
    pub calendar: CentreCalendarInput,
    /// At least one invigilator per this many examinees in a room (PRODUCT.md rule 6).
    /// `0` is read as `1`, the strictest reading; the input layer should refuse it.
    pub invigilator_ratio: u32,
}

impl CentreRules {
    /// The default ratio of PRODUCT.md: one invigilator per 20 examinees.
    pub const DEFAULT_INVIGILATOR_RATIO: u32 = 20;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub id: String,
    /// For messages only.
    pub name: String,
    pub seats: u32,
    pub computer_seats: u32,
    pub bookable_exam: bool,
    pub bookable_study: bool,
    pub active: bool,
}

/// When an exam request says the exam is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExamTiming {
    /// The campus start; a centre may deviate by the institution's offset.
    Fixed { starts_at: DateTime<Utc> },
    /// An on-demand exam: every sitting starts and ends (extended time included)
    /// inside `[earliest_start, latest_end]`.
    Window {
        earliest_start: DateTime<Utc>,
        latest_end: DateTime<Utc>,
    },
}

/// The parts of an exam request (and its institution's rules) that the checker needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exam {
    /// The exam request's id.
    pub id: String,
    pub timing: ExamTiming,
    pub duration_minutes: u32,
    /// How far a sitting may start from a fixed start, either way (institution rule).
    pub start_offset_minutes: u32,
}

/// One student writing one exam in one room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sitting {
    pub id: String,
    pub exam_request_id: String,
    pub student_id: String,
    pub room_id: String,
    pub start: DateTime<Utc>,
    /// The student's own end: extended time and breaks included (see
    /// [`super::personal_duration`]).
    pub end: DateTime<Utc>,
    pub computer: bool,
    pub separate_room: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyBooking {
    pub id: String,
    pub student_id: String,
    pub room_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub computer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvigilatorAssignment {
    pub id: String,
    pub invigilator_id: String,
    pub room_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invigilator {
    pub id: String,
    /// For messages only.
    pub name: String,
    pub active: bool,
    /// Resolved availability over (at least) the snapshot's dates, e.g. from
    /// [`crate::calendar::available_set`].
    pub availability: IntervalSet<DateTime<Utc>>,
}

/// A student's access card at this centre, valid on the local dates
/// `valid_from..=valid_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessCard {
    pub student_id: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl AccessCard {
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }
}

/// One centre's state over the local dates `from..=to`, as loaded.
///
/// The loader must include every item that overlaps those dates (an item reaching
/// past `to` included), and invigilator availability covering them: the checker can
/// only see collisions with what is here, so [`super::check`] refuses changes that
/// reach outside the dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotData {
    pub centre: CentreRules,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub rooms: Vec<Room>,
    pub exams: Vec<Exam>,
    pub sittings: Vec<Sitting>,
    pub study_bookings: Vec<StudyBooking>,
    pub assignments: Vec<InvigilatorAssignment>,
    pub invigilators: Vec<Invigilator>,
    pub access_cards: Vec<AccessCard>,
}

/// A proposed edit. Placing (booking, assigning) an item whose id already exists
/// replaces it: that is how a move is expressed. A batch is applied in order, so a
/// later change to the same id wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Change {
    PlaceSitting(Sitting),
    RemoveSitting { id: String },
    BookStudy(StudyBooking),
    CancelStudy { id: String },
    Assign(InvigilatorAssignment),
    Unassign { id: String },
}

/// The state after `changes`, with the batch semantics of [`super::check`]. Removing
/// an id that does not exist is a no-op here (the checker reports it).
pub fn apply(data: &SnapshotData, changes: &[Change]) -> SnapshotData {
    fn upsert<T: Clone>(items: &mut Vec<T>, item: &T, same: impl Fn(&T) -> bool) {
        match items.iter_mut().find(|x| same(x)) {
            Some(slot) => *slot = item.clone(),
            None => items.push(item.clone()),
        }
    }
    let mut out = data.clone();
    for change in changes {
        match change {
            Change::PlaceSitting(s) => upsert(&mut out.sittings, s, |x| x.id == s.id),
            Change::RemoveSitting { id } => out.sittings.retain(|x| &x.id != id),
            Change::BookStudy(b) => upsert(&mut out.study_bookings, b, |x| x.id == b.id),
            Change::CancelStudy { id } => out.study_bookings.retain(|x| &x.id != id),
            Change::Assign(a) => upsert(&mut out.assignments, a, |x| x.id == a.id),
            Change::Unassign { id } => out.assignments.retain(|x| &x.id != id),
        }
    }
    out
}

/// Items sorted by start, for "what overlaps this span" in O(log n + k).
#[derive(Debug, Clone, Default)]
pub(super) struct SpanIndex {
    /// `(start, end, position in the snapshot's vector)`, sorted by start.
    entries: Vec<(DateTime<Utc>, DateTime<Utc>, usize)>,
    /// The longest item: an item starting earlier than `span.start - max_len` must end
    /// before `span.start`, which bounds the backward scan.
    max_len: TimeDelta,
}

impl SpanIndex {
    fn push(&mut self, span: Interval<DateTime<Utc>>, pos: usize) {
        self.entries.push((span.start(), span.end(), pos));
        self.max_len = self.max_len.max(span.end() - span.start());
    }

    fn finish(&mut self) {
        self.entries.sort_unstable();
    }

    /// Positions of the indexed items overlapping `span`, in start order.
    pub(super) fn overlapping(
        &self,
        span: Interval<DateTime<Utc>>,
    ) -> impl Iterator<Item = usize> + '_ {
        let earliest = span
            .start()
            .checked_sub_signed(self.max_len)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let first = self.entries.partition_point(|e| e.0 < earliest);
        self.entries[first..]
            .iter()
            .take_while(move |e| e.0 < span.end())
            .filter(move |e| e.1 > span.start())
            .map(|e| e.2)
    }
}

/// Lookups built once per snapshot so that one check touches only nearby items.
#[derive(Debug, Clone, Default)]
pub(super) struct Indexes {
    pub room: HashMap<String, usize>,
    pub exam: HashMap<String, usize>,
    pub invigilator: HashMap<String, usize>,
    pub sitting: HashMap<String, usize>,
    pub booking: HashMap<String, usize>,
    pub assignment: HashMap<String, usize>,
    /// Per room position.
    pub room_sittings: Vec<SpanIndex>,
    pub room_bookings: Vec<SpanIndex>,
    pub room_assignments: Vec<SpanIndex>,
    pub student_sittings: HashMap<String, SpanIndex>,
    pub student_bookings: HashMap<String, SpanIndex>,
    pub invigilator_assignments: HashMap<String, SpanIndex>,
    pub cards: HashMap<String, Vec<usize>>,
    pub staffed: IntervalSet<DateTime<Utc>>,
    /// Effective access-card time (card hours ∪ staffed hours).
    pub access: IntervalSet<DateTime<Utc>>,
    pub closed: HashMap<NaiveDate, ClosedReason>,
}

/// A [`SnapshotData`] with its indexes. Build once per request (or per scheduler run)
/// and check many batches against it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    data: SnapshotData,
    pub(super) idx: Indexes,
}

/// The half-open span of an item, or `None` when it is empty or inverted.
pub(super) fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Interval<DateTime<Utc>>> {
    Interval::new(start, end)
}

impl Snapshot {
    pub fn new(data: SnapshotData) -> Self {
        let mut idx = Indexes::default();
        let first = |map: &mut HashMap<String, usize>, id: &str, pos: usize| {
            // Ids are primary keys; should one repeat anyway, the first wins everywhere.
            map.entry(id.to_owned()).or_insert(pos);
        };
        for (pos, r) in data.rooms.iter().enumerate() {
            first(&mut idx.room, &r.id, pos);
        }
        for (pos, e) in data.exams.iter().enumerate() {
            first(&mut idx.exam, &e.id, pos);
        }
        for (pos, i) in data.invigilators.iter().enumerate() {
            first(&mut idx.invigilator, &i.id, pos);
        }
        let rooms = data.rooms.len();
        idx.room_sittings = vec![SpanIndex::default(); rooms];
        idx.room_bookings = vec![SpanIndex::default(); rooms];
        idx.room_assignments = vec![SpanIndex::default(); rooms];

        for (pos, s) in data.sittings.iter().enumerate() {
            first(&mut idx.sitting, &s.id, pos);
            // Malformed items (empty span, unknown room) occupy nothing; the audit
            // reports them.
            let Some(sp) = span(s.start, s.end) else {
                continue;
            };
            if let Some(list) = idx
                .room
                .get(&s.room_id)
                .and_then(|&r| idx.room_sittings.get_mut(r))
            {
                list.push(sp, pos);
            }
            idx.student_sittings
                .entry(s.student_id.clone())
                .or_default()
                .push(sp, pos);
        }
        for (pos, b) in data.study_bookings.iter().enumerate() {
            first(&mut idx.booking, &b.id, pos);
            let Some(sp) = span(b.start, b.end) else {
                continue;
            };
            if let Some(list) = idx
                .room
                .get(&b.room_id)
                .and_then(|&r| idx.room_bookings.get_mut(r))
            {
                list.push(sp, pos);
            }
            idx.student_bookings
                .entry(b.student_id.clone())
                .or_default()
                .push(sp, pos);
        }
        for (pos, a) in data.assignments.iter().enumerate() {
            first(&mut idx.assignment, &a.id, pos);
            let Some(sp) = span(a.start, a.end) else {
                continue;
            };
            if let Some(list) = idx
                .room
                .get(&a.room_id)
                .and_then(|&r| idx.room_assignments.get_mut(r))
            {
                list.push(sp, pos);
            }
            idx.invigilator_assignments
                .entry(a.invigilator_id.clone())
                .or_default()
                .push(sp, pos);
        }
        for (pos, c) in data.access_cards.iter().enumerate() {
            idx.cards.entry(c.student_id.clone()).or_default().push(pos);
        }
        for list in idx
            .room_sittings
            .iter_mut()
            .chain(idx.room_bookings.iter_mut())
            .chain(idx.room_assignments.iter_mut())
            .chain(idx.student_sittings.values_mut())
            .chain(idx.student_bookings.values_mut())
            .chain(idx.invigilator_assignments.values_mut())
        {
            list.finish();
        }

        let cal = &data.centre.calendar;
        idx.staffed = staffed_set(cal, data.from, data.to);
        idx.access = access_set(cal, data.from, data.to);
        idx.closed = days(cal, data.from, data.to)
            .into_iter()
            .filter_map(|d| d.closed.map(|c| (d.date, c)))
            .collect();
        Self { data, idx }
    }

    pub fn data(&self) -> &SnapshotData {
        &self.data
    }

    pub fn into_data(self) -> SnapshotData {
        self.data
    }
}
