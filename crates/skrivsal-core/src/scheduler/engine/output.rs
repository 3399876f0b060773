//! From the engine's state to a plan: placements, assignments, and why a sitting is left unplaced.

use super::*;

impl<'a> Engine<'a> {
    pub(super) fn placements(&self) -> Vec<Placement> {
        let data = self.problem.snapshot.data();
        let mut out = Vec::new();
        for (t, task) in self.problem.tasks.iter().enumerate() {
            let Some(c) = self.pos[t] else {
                continue;
            };
            let room_id = data.rooms[c.room as usize].id.clone();
            let start = instant(c.start);
            let moved_from = task
                .current
                .clone()
                .filter(|(room, at)| *room != room_id || *at != start);
            out.push(Placement {
                sitting_id: task.id.clone(),
                exam_request_id: task.exam_id.clone(),
                student_id: task.student_id.clone(),
                room_id,
                start,
                end: instant(c.start + self.tasks[t].length),
                computer: task.computer,
                separate_room: task.separate_room,
                moved_from,
            });
        }
        out
    }

    /// The plan as it stands (without the unplaced report) and its batch,
    /// with placeholder ids for the new assignments.
    pub(super) fn draft(&self, iterations: u64) -> (Plan, Vec<Change>) {
        let plan = Plan {
            placements: self.placements(),
            unplaced: Vec::new(),
            new_assignments: self.new_assignments(),
            removed_assignments: self.removed_assignments.clone(),
            conflicts: Vec::new(),
            cost: self.cost(),
            iterations,
            corrections: 0,
        };
        let mut n = 0;
        let changes = plan.changes(|| {
            n += 1;
            format!("plan-assignment-{n}")
        });
        (plan, changes)
    }

    pub(super) fn new_assignments(&self) -> Vec<NewAssignment> {
        let data = self.problem.snapshot.data();
        let mut out: Vec<NewAssignment> = self
            .day_pieces
            .iter()
            .flatten()
            .map(|p| NewAssignment {
                invigilator_id: data.invigilators[p.invigilator].id.clone(),
                room_id: data.rooms[p.room].id.clone(),
                start: instant(p.start),
                end: instant(p.end),
            })
            .collect();
        out.sort_by(|a, b| (a.start, &a.room_id).cmp(&(b.start, &b.room_id)));
        out
    }

    pub(super) fn local(&self, t: DateTime<Utc>) -> String {
        wall_clock(self.tz, t).map_or_else(
            || t.format("%Y-%m-%d %H:%M UTC").to_string(),
            |l| l.format("%Y-%m-%d %H:%M").to_string(),
        )
    }

    /// Why `t` has no place: the rules its least-blocked candidate breaks,
    /// as the checker words them, against the final state.
    pub(super) fn explain(&self, t: usize, final_state: &Snapshot) -> Vec<Violation> {
        let task = &self.problem.tasks[t];
        let data = final_state.data();
        let sitting_ref = ItemRef::new(ItemKind::Sitting, task.id.clone());
        let Some(exam) = data.exams.iter().find(|e| e.id == task.exam_id) else {
            return vec![Violation {
                rule: Rule::InvalidItem,
                message: "the exam request is not in the centre's dates".into(),
                item: sitting_ref,
                with: Some(ItemRef::new(ItemKind::ExamRequest, task.exam_id.clone())),
                span: None,
                words: Vec::new(),
            }];
        };
        let starts = candidate_starts(exam, task.length, (data.from, data.to));
        if starts.is_empty() {
            return vec![Violation {
                rule: Rule::ExamWindow,
                message: "the sitting, extended time included, is longer than the exam's window"
                    .into(),
                item: sitting_ref,
                with: Some(ItemRef::new(ItemKind::ExamRequest, exam.id.clone())),
                span: None,
                words: Vec::new(),
            }];
        }
        // Bounded: enough to name the rule, cheap on a long window.
        let step = (starts.len() / 48).max(1);
        let mut best: Option<Vec<Violation>> = None;
        for start in starts.iter().step_by(step) {
            let end = *start + task.length;
            let violations = if let Some((_, _, with)) = task
                .busy_elsewhere
                .iter()
                .find(|(a, b, _)| *a < end && *start < *b)
            {
                vec![Violation {
                    rule: Rule::StudentDoubleBooked,
                    message: "the student has another booking at that time at another centre"
                        .into(),
                    item: sitting_ref.clone(),
                    with: Some(with.clone()),
                    span: None,
                    words: Vec::new(),
                }]
            } else {
                let mut best_room: Option<Vec<Violation>> = None;
                for room in &data.rooms {
                    let trial = [Change::PlaceSitting(Sitting {
                        id: task.id.clone(),
                        exam_request_id: task.exam_id.clone(),
                        student_id: task.student_id.clone(),
                        room_id: room.id.clone(),
                        start: *start,
                        end,
                        computer: task.computer,
                        separate_room: task.separate_room,
                    })];
                    let mut v: Vec<Violation> = match conflicts::check(final_state, &trial) {
                        Ok(()) => Vec::new(),
                        Err(v) => v
                            .into_iter()
                            .filter(|v| !is_staffing_rule(v.rule))
                            .collect(),
                    };
                    if v.is_empty() {
                        v.push(Violation {
                            rule: Rule::InvigilatorCoverage,
                            message: format!(
                                "no invigilator is available to cover {} from {}",
                                room.name,
                                self.local(*start)
                            ),
                            item: sitting_ref.clone(),
                            with: Some(ItemRef::new(ItemKind::Room, room.id.clone())),
                            span: Interval::new(*start, end),
                            words: Vec::new(),
                        });
                    }
                    if best_room.as_ref().is_none_or(|b| v.len() < b.len()) {
                        best_room = Some(v);
                    }
                }
                best_room.unwrap_or_default()
            };
            if best.as_ref().is_none_or(|b| violations.len() < b.len()) {
                best = Some(violations);
            }
        }
        best.unwrap_or_default()
    }
}
