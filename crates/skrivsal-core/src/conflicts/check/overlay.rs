//! The batch's final word on each item, over the snapshot: what a query sees.

use super::*;

/// Access to the fields every timed item shares.
pub(super) trait Timed {
    fn id(&self) -> &str;
    fn start(&self) -> Ts;
    fn end(&self) -> Ts;
    /// What the queries look items up by: the room, then the person (student
    /// or invigilator).
    fn keys(&self) -> [&str; 2];
    fn span(&self) -> Option<Span> {
        span(self.start(), self.end())
    }
}

macro_rules! timed {
    ($t:ty, $person:ident) => {
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
            fn keys(&self) -> [&str; 2] {
                [&self.room_id, &self.$person]
            }
        }
    };
}
timed!(Sitting, student_id);
timed!(StudyBooking, student_id);
timed!(InvigilatorAssignment, invigilator_id);

/// Which of [`Timed::keys`] a query looks items up by.
#[derive(Clone, Copy)]
pub(super) enum Key {
    Room,
    Person,
}

/// The batch's final word on each id of one kind, in first-touch order.
pub(super) struct Layer<'a, T> {
    pub(super) slots: Vec<Option<&'a T>>,
    pub(super) pos: HashMap<&'a str, usize>,
    /// The final items' slots per room and per person, built once the batch
    /// is read: a query looks only at its room's or person's items, so a
    /// long batch (an approval, a re-plan) is not scanned once per item.
    by_room: HashMap<&'a str, Vec<usize>>,
    by_person: HashMap<&'a str, Vec<usize>>,
}

impl<'a, T: Timed> Layer<'a, T> {
    pub(super) fn new() -> Self {
        Self {
            slots: Vec::new(),
            pos: HashMap::new(),
            by_room: HashMap::new(),
            by_person: HashMap::new(),
        }
    }

    fn index(&mut self) {
        for (p, item) in self.slots.iter().enumerate() {
            if let Some(item) = item {
                let [room, person] = item.keys();
                self.by_room.entry(room).or_default().push(p);
                self.by_person.entry(person).or_default().push(p);
            }
        }
    }

    /// The final items whose `key` is `value`.
    fn with_key(&self, key: Key, value: &str) -> impl Iterator<Item = &'a T> + '_ {
        let by = match key {
            Key::Room => &self.by_room,
            Key::Person => &self.by_person,
        };
        by.get(value)
            .into_iter()
            .flatten()
            .filter_map(|&p| self.slots.get(p).copied().flatten())
    }

    pub(super) fn set(&mut self, id: &'a str, item: Option<&'a T>) -> bool {
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
    pub(super) fn get(&self, id: &str) -> Option<Option<&'a T>> {
        self.pos.get(id).and_then(|&p| self.slots.get(p).copied())
    }

    pub(super) fn touched(&self, id: &str) -> bool {
        self.pos.contains_key(id)
    }
}

pub(super) struct Overlay<'a> {
    pub(super) sittings: Layer<'a, Sitting>,
    pub(super) bookings: Layer<'a, StudyBooking>,
    pub(super) assignments: Layer<'a, InvigilatorAssignment>,
    pub(super) order: Vec<(ItemKind, &'a str)>,
    pub(super) invalid: Vec<Violation>,
}

impl<'a> Overlay<'a> {
    pub(super) fn build(snap: &Snapshot, changes: &'a [Change]) -> Self {
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
        ov.sittings.index();
        ov.bookings.index();
        ov.assignments.index();
        ov
    }

    pub(super) fn note_missing(&mut self, exists: bool, kind: ItemKind, id: &str) {
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
/// batch's final items with `key` equal to `value` overlapping `sp`.
pub(super) fn query<'a, T: Timed>(
    base: &'a [T],
    index: Option<&'a SpanIndex>,
    layer: &'a Layer<'a, T>,
    sp: Span,
    (key, value): (Key, &'a str),
) -> impl Iterator<Item = &'a T> + 'a {
    let from_base = index
        .into_iter()
        .flat_map(move |ix| ix.overlapping(sp))
        .filter_map(move |p| base.get(p))
        .filter(move |x| !layer.touched(x.id()));
    let from_batch = layer
        .with_key(key, value)
        .filter(move |x| x.span().is_some_and(|s| s.overlaps(&sp)));
    from_base.chain(from_batch)
}
