//! The rules of each kind of item: sittings, study bookings, invigilator assignments, and the cover an assignment leaves behind.

use super::*;

impl<'a> Ctx<'a> {
    // ---- per kind -------------------------------------------------------------------

    pub(super) fn sitting(&mut self, s: &'a Sitting) {
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

    pub(super) fn booking(&mut self, b: &'a StudyBooking) {
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

    pub(super) fn assignment(&mut self, a: &'a InvigilatorAssignment) {
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
                        || true,
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
    pub(super) fn lost_cover(&mut self, id: &str) {
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
}
