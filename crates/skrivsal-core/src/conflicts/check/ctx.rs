//! The checking context: queries over the final state and the preconditions every item shares.

use super::*;

pub(super) struct Ctx<'a> {
    pub(super) snap: &'a Snapshot,
    pub(super) ov: &'a Overlay<'a>,
    pub(super) tz: Tz,
    pub(super) out: Vec<Violation>,
}

/// A room resolved from an item's `room_id`.
#[derive(Clone, Copy)]
pub(super) struct RoomAt<'a> {
    pub(super) pos: usize,
    pub(super) room: &'a Room,
}

impl<'a> Ctx<'a> {
    pub(super) fn push(&mut self, v: Violation) {
        self.out.push(v);
    }

    pub(super) fn room_ref(room: &Room) -> ItemRef {
        ItemRef::new(ItemKind::Room, room.id.clone())
    }

    pub(super) fn span_text(&self, sp: Span) -> String {
        local_span(self.tz, sp.start(), sp.end())
    }

    // ---- queries over the final state -------------------------------------------

    pub(super) fn room_sittings(
        &self,
        r: RoomAt<'a>,
        sp: Span,
    ) -> impl Iterator<Item = &'a Sitting> + 'a {
        let room_id = r.room.id.as_str();
        query(
            &self.snap.data().sittings,
            self.snap.idx.room_sittings.get(r.pos),
            &self.ov.sittings,
            sp,
            (Key::Room, room_id),
        )
    }

    pub(super) fn room_bookings(
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
            (Key::Room, room_id),
        )
    }

    pub(super) fn room_assignments(
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
            (Key::Room, room_id),
        )
    }

    pub(super) fn student_sittings(
        &self,
        student: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a Sitting> + 'a {
        query(
            &self.snap.data().sittings,
            self.snap.idx.student_sittings.get(student),
            &self.ov.sittings,
            sp,
            (Key::Person, student),
        )
    }

    pub(super) fn student_bookings(
        &self,
        student: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a StudyBooking> + 'a {
        query(
            &self.snap.data().study_bookings,
            self.snap.idx.student_bookings.get(student),
            &self.ov.bookings,
            sp,
            (Key::Person, student),
        )
    }

    pub(super) fn invigilator_assignments(
        &self,
        invigilator: &'a str,
        sp: Span,
    ) -> impl Iterator<Item = &'a InvigilatorAssignment> + 'a {
        query(
            &self.snap.data().assignments,
            self.snap.idx.invigilator_assignments.get(invigilator),
            &self.ov.assignments,
            sp,
            (Key::Person, invigilator),
        )
    }

    pub(super) fn room(&self, id: &str) -> Option<RoomAt<'a>> {
        let data = self.snap.data();
        let pos = *self.snap.idx.room.get(id)?;
        data.rooms.get(pos).map(|room| RoomAt { pos, room })
    }

    pub(super) fn exam(&self, id: &str) -> Option<&'a Exam> {
        let pos = *self.snap.idx.exam.get(id)?;
        self.snap.data().exams.get(pos)
    }

    // ---- shared preconditions -----------------------------------------------------

    /// The item's span if it can be checked at all; reports why not otherwise.
    pub(super) fn usable_span(&mut self, me: &ItemRef, start: Ts, end: Ts) -> Option<Span> {
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

    pub(super) fn known_room(&mut self, me: &ItemRef, room_id: &str) -> Option<RoomAt<'a>> {
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

    pub(super) fn room_usable(&mut self, me: &ItemRef, r: RoomAt<'a>, purpose: Purpose) {
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
    pub(super) fn closed_days(&mut self, me: &ItemRef, what: &str, sp: Span) -> bool {
        let mut any = false;
        for date in local_dates(self.tz, sp.start(), sp.end()) {
            if let Some(reason) = self.snap.idx.closed.get(&date) {
                any = true;
                self.push(closed_day::violation(me, what, date, reason));
            }
        }
        any
    }
}
