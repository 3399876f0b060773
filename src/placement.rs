//! First-fit placement of an exam request's sittings: rooms, starts and
//! invigilators, judged by the conflict checker. Pure: it takes a snapshot
//! and returns the batch of changes to write, or the violations that blocked
//! it. (The optimising scheduler replaces this with the same interface.)

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::conflicts::{
    self, apply, Change, Exam, ExamTiming, InvigilatorAssignment, ItemKind, ItemRef, Rule, Sitting,
    Snapshot, Violation,
};

/// A span during which a student is busy elsewhere, and with what.
pub type BusySpan = (DateTime<Utc>, DateTime<Utc>, ItemRef);

/// A sitting waiting for a place.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: String,
    pub student_id: String,
    pub length: Duration,
    pub computer: bool,
    pub separate_room: bool,
    /// The student's commitments at other centres, which this snapshot does
    /// not hold: a start that overlaps one is skipped (rule 5).
    pub busy_elsewhere: Vec<BusySpan>,
}

/// Candidate starts, best first: the exact start, then alternately later and
/// earlier in 15-minute steps within the allowed offset; for a window, every
/// 15 minutes from its opening while the sitting still ends inside it.
fn starts(exam: &Exam, length: Duration) -> Vec<DateTime<Utc>> {
    const STEP: i64 = 15;
    match exam.timing {
        ExamTiming::Fixed { starts_at } => {
            let mut out = vec![starts_at];
            let mut k = STEP;
            while k <= exam.start_offset_minutes as i64 {
                out.push(starts_at + Duration::minutes(k));
                out.push(starts_at - Duration::minutes(k));
                k += STEP;
            }
            out
        }
        ExamTiming::Window {
            earliest_start,
            latest_end,
        } => {
            let mut out = Vec::new();
            let mut t = earliest_start;
            while t + length <= latest_end {
                out.push(t);
                t += Duration::minutes(STEP);
            }
            out
        }
    }
}

fn is_staffing_rule(rule: Rule) -> bool {
    matches!(rule, Rule::InvigilatorCoverage | Rule::InvigilatorRatio)
}

/// Places `pending` for `exam`. Sittings that need a separate room or a
/// computer go first, since they have the fewest rooms to choose from.
pub fn place(
    snapshot: &Snapshot,
    exam: &Exam,
    pending: &[Pending],
) -> Result<Vec<Change>, Vec<Violation>> {
    let data = snapshot.data();
    let mut order: Vec<&Pending> = pending.iter().collect();
    order.sort_by_key(|p| (!p.separate_room, !p.computer, p.id.clone()));
    // Rooms: separate rooms first for separate-room sittings, otherwise the
    // largest halls first so that an exam stays together.
    let mut rooms: Vec<&conflicts::Room> = data
        .rooms
        .iter()
        .filter(|r| r.active && r.bookable_exam)
        .collect();
    rooms.sort_by(|a, b| b.seats.cmp(&a.seats).then(a.id.cmp(&b.id)));

    let mut changes: Vec<Change> = Vec::new();
    let mut blocked: Vec<Violation> = Vec::new();
    for p in order {
        let mut room_order: Vec<&&conflicts::Room> = rooms.iter().collect();
        if p.separate_room {
            room_order.sort_by_key(|r| r.seats);
        }
        let mut first_refusal: Option<Vec<Violation>> = None;
        let mut placed = false;
        'search: for start in starts(exam, p.length) {
            let end = start + p.length;
            if let Some((_, _, with)) = p
                .busy_elsewhere
                .iter()
                .find(|(a, b, _)| *a < end && start < *b)
            {
                first_refusal.get_or_insert_with(|| {
                    vec![Violation {
                        rule: Rule::StudentDoubleBooked,
                        message: "the student has another booking at that time at another centre"
                            .into(),
                        item: ItemRef::new(ItemKind::Sitting, p.id.clone()),
                        with: Some(with.clone()),
                        span: None,
                    }]
                });
                continue;
            }
            for room in &room_order {
                let mut trial = changes.clone();
                trial.push(Change::PlaceSitting(Sitting {
                    id: p.id.clone(),
                    exam_request_id: exam.id.clone(),
                    student_id: p.student_id.clone(),
                    room_id: room.id.clone(),
                    start,
                    end,
                    computer: p.computer,
                    separate_room: p.separate_room,
                }));
                // Invigilators are assigned once every sitting has a place.
                let refusals: Vec<Violation> = match conflicts::check(snapshot, &trial) {
                    Ok(()) => Vec::new(),
                    Err(v) => v
                        .into_iter()
                        .filter(|v| !is_staffing_rule(v.rule))
                        .collect(),
                };
                if refusals.is_empty() {
                    changes = trial;
                    placed = true;
                    break 'search;
                }
                first_refusal.get_or_insert(refusals);
            }
        }
        if !placed {
            blocked.extend(first_refusal.unwrap_or_else(|| {
                vec![Violation {
                    rule: Rule::ExamWindow,
                    message: "no start fits the exam's time".into(),
                    item: ItemRef::new(ItemKind::Sitting, p.id.clone()),
                    with: Some(ItemRef::new(ItemKind::ExamRequest, exam.id.clone())),
                    span: None,
                }]
            }));
        }
    }
    if !blocked.is_empty() {
        return Err(blocked);
    }
    staff(snapshot, changes)
}

/// Adds invigilator assignments until every room with examinees is covered
/// at the required ratio, extending the block a shortfall lies in.
pub fn staff(snapshot: &Snapshot, mut changes: Vec<Change>) -> Result<Vec<Change>, Vec<Violation>> {
    let data = snapshot.data();
    let mut added = 0usize;
    loop {
        let violations = match conflicts::check(snapshot, &changes) {
            Ok(()) => return Ok(changes),
            Err(v) => v,
        };
        let Some(shortfall) = violations.iter().find(|v| is_staffing_rule(v.rule)) else {
            return Err(violations);
        };
        if added > 4 * data.invigilators.len() + 8 {
            return Err(violations);
        }
        // The room and the continuous block of examinees around the shortfall.
        let state = apply(data, &changes);
        let room_id = match (&shortfall.with, &shortfall.item) {
            (Some(w), _) if w.kind == ItemKind::Room => w.id.clone(),
            (_, i) if i.kind == ItemKind::Room => i.id.clone(),
            (_, i) => state
                .sittings
                .iter()
                .find(|s| s.id == i.id)
                .map(|s| s.room_id.clone())
                .unwrap_or_default(),
        };
        let at = shortfall.span.map(|s| s.start());
        let mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)> = state
            .sittings
            .iter()
            .filter(|s| s.room_id == room_id)
            .map(|s| (s.start, s.end))
            .collect();
        spans.sort();
        let mut blocks: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
        for (a, b) in spans {
            match blocks.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => blocks.push((a, b)),
            }
        }
        let block = blocks
            .iter()
            .find(|(a, b)| at.is_none_or(|t| *a <= t && t < *b))
            .copied();
        let Some((from, to)) = block else {
            return Err(violations);
        };
        // Invigilators busy with the least: those already here are not added twice.
        let busy: HashMap<&str, usize> =
            state.assignments.iter().fold(HashMap::new(), |mut m, a| {
                *m.entry(a.invigilator_id.as_str()).or_default() += 1;
                m
            });
        let mut candidates: Vec<&conflicts::Invigilator> =
            data.invigilators.iter().filter(|i| i.active).collect();
        candidates.sort_by_key(|i| (busy.get(i.id.as_str()).copied().unwrap_or(0), i.id.clone()));
        let mut chosen = None;
        for inv in candidates {
            let already_here = state.assignments.iter().any(|a| {
                a.invigilator_id == inv.id && a.room_id == room_id && a.start <= from && to <= a.end
            });
            if already_here {
                continue;
            }
            let mut trial = changes.clone();
            trial.push(Change::Assign(InvigilatorAssignment {
                id: crate::db::new_id(),
                invigilator_id: inv.id.clone(),
                room_id: room_id.clone(),
                start: from,
                end: to,
            }));
            let fine = match conflicts::check(snapshot, &trial) {
                Ok(()) => true,
                Err(v) => v.iter().all(|v| is_staffing_rule(v.rule)),
            };
            if fine {
                chosen = Some(trial);
                break;
            }
        }
        match chosen {
            Some(trial) => {
                changes = trial;
                added += 1;
            }
            None => return Err(violations),
        }
    }
}
