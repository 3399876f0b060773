//! Rules shared by several kinds (timing, capacity, coverage, the student, the room pairs), and the sweep line they count with.

use super::*;

impl<'a> Ctx<'a> {
    // ---- rule helpers -----------------------------------------------------------

    pub(super) fn exam_timing(&mut self, me: &ItemRef, exam: &Exam, sp: Span) {
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
    pub(super) fn capacity(&mut self, me: &ItemRef, r: RoomAt<'a>, sp: Span, computer: bool) {
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
    pub(super) fn cover_runs(
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

    pub(super) fn coverage(&mut self, me: &ItemRef, r: RoomAt<'a>, sp: Span) {
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

    pub(super) fn ratio_message(&self, room: &Room, n: i64, k: i64, run: Span) -> String {
        let ratio = self.snap.data().centre.invigilator_ratio;
        invigilator_ratio::message(&room.name, n, k, ratio, &self.span_text(run))
    }

    pub(super) fn student(&mut self, me: &ItemRef, student: &'a str, sp: Span) {
        let mut hits: Vec<(ItemKind, &'a str, Option<Span>)> = Vec::new();
        // The indexes only return items overlapping `sp`.
        for s in self.student_sittings(student, sp) {
            if student_double_booked::clash(student, &s.student_id, || true) {
                hits.push((ItemKind::Sitting, &s.id, s.span()));
            }
        }
        for b in self.student_bookings(student, sp) {
            if student_double_booked::clash(student, &b.student_id, || true) {
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
                .during(when)
                .words(student_double_booked::words(
                    kind,
                    other.unwrap_or(when),
                    self.tz,
                )),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn separate_violation(
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

    pub(super) fn mixed_violation(
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
pub(super) fn add(events: &mut Vec<(Ts, usize, i64)>, item: Option<Span>, within: Span, k: usize) {
    if let Some(piece) = item.and_then(|i| i.intersection(&within)) {
        events.push((piece.start(), k, 1));
        events.push((piece.end(), k, -1));
    }
}

/// Splits `within` at every event into segments with the counters in force on each.
pub(super) fn sweep<const K: usize>(
    within: Span,
    mut events: Vec<(Ts, usize, i64)>,
) -> Vec<(Span, [i64; K])> {
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
pub(super) fn first_run<const K: usize>(
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
