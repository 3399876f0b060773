//! Mina pass: the invigilator's start page. Today's shifts first, then the
//! coming ones by day, the past folded away.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::{sitting_view, SittingView};
use crate::centres::shifts::{self, ShiftOut};
use crate::domain::Language;
use crate::web::pages::{fmt, run, Page, State, Viewer};

#[derive(Serialize)]
struct ShiftView {
    id: String,
    span: String,
    centre: String,
    room: String,
    sittings: Vec<SittingView>,
}

/// The shifts of one day, under its heading.
#[derive(Serialize)]
struct DayView {
    day: String,
    shifts: Vec<ShiftView>,
}

fn shift_view(s: ShiftOut) -> ShiftView {
    ShiftView {
        span: fmt::span(&s.starts_at, &s.ends_at),
        sittings: s.sittings.into_iter().map(sitting_view).collect(),
        id: s.id,
        centre: s.centre,
        room: s.room,
    }
}

/// Shifts (in order) grouped by their day.
fn by_day(lang: Language, list: Vec<ShiftOut>) -> Vec<DayView> {
    let mut days: Vec<DayView> = Vec::new();
    for s in list {
        let day = fmt::day(lang, s.date);
        match days.last_mut() {
            Some(d) if d.day == day => d.shifts.push(shift_view(s)),
            _ => days.push(DayView {
                day,
                shifts: vec![shift_view(s)],
            }),
        }
    }
    days
}

fn is_today(s: &ShiftOut, now: DateTime<Utc>) -> bool {
    let local_now: DateTime<FixedOffset> = now.with_timezone(s.starts_at.offset());
    s.date == local_now.date_naive()
}

pub(super) async fn shifts(state: State, viewer: Viewer) -> Page {
    let caller = viewer.invigilator()?.clone();
    let lang = viewer.lang;
    let (list, now) = run(&state, lang, move |c| {
        Ok((shifts::mine(c, &caller)?, crate::clock::now()))
    })
    .await?;
    let (mut today, mut upcoming, mut past) = (Vec::new(), Vec::new(), Vec::new());
    for s in list {
        // Today's shifts stay under "I dag" after they end: sittings are
        // marked completed then.
        if is_today(&s, now) {
            today.push(s);
        } else if s.ends_at.with_timezone(&Utc) <= now {
            past.push(s);
        } else {
            upcoming.push(s);
        }
    }
    // The most recent past shift first.
    past.reverse();
    viewer.render(
        "pages/invigilator_shifts.html",
        "title-my-shifts",
        minijinja::context! {
            today => today.into_iter().map(shift_view).collect::<Vec<_>>(),
            upcoming => by_day(lang, upcoming),
            past => by_day(lang, past),
        },
    )
}
