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

mod ctx;
mod helpers;
mod kinds;
mod overlay;

use ctx::{Ctx, RoomAt};
use overlay::{query, Key, Overlay, Timed};

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
