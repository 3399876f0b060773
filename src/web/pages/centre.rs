//! `/centres/{slug}`: a centre's public page, for anyone.

use actix_web::web;
use serde::Serialize;

use super::{fmt, run, Page, State, Viewer};
use crate::calendar::Day;
use crate::centres::public;
use crate::domain::Language;
use crate::types::RoomKind;

#[derive(Serialize)]
struct RoomView {
    name: String,
    kind_key: String,
    seats: i32,
    computer_seats: i32,
    accessible: bool,
}

#[derive(Serialize)]
struct DayView {
    day: String,
    closed: Option<String>,
    staffed: Vec<String>,
    access_card: Vec<String>,
}

fn closed_reason(lang: Language, d: &Day) -> Option<String> {
    d.closed
        .as_ref()
        .map(|c| match (&c.holiday, c.closure, lang) {
            (Some(h), false, Language::En) => h.name_en.to_string(),
            (Some(h), false, Language::Sv) => h.name_sv.to_string(),
            _ => c.reason.clone(),
        })
}

fn day_view(lang: Language, d: &Day) -> DayView {
    DayView {
        day: fmt::day(lang, d.date),
        closed: closed_reason(lang, d),
        staffed: d
            .staffed
            .iter()
            .map(|s| fmt::span(&s.start_local, &s.end_local))
            .collect(),
        access_card: d
            .access_card
            .iter()
            .map(|s| fmt::span(&s.start_local, &s.end_local))
            .collect(),
    }
}

pub(super) async fn page(state: State, viewer: Viewer, slug: web::Path<String>) -> Page {
    let slug = slug.into_inner();
    let found = run(&state, viewer.lang, move |c| public::find(c, &slug)).await?;
    let lang = viewer.lang;
    let rooms: Vec<RoomView> = found
        .rooms
        .iter()
        .map(|r| RoomView {
            name: r.name.clone(),
            kind_key: format!("room-kind-{}", r.kind.as_str()),
            seats: r.seats,
            computer_seats: r.computer_seats,
            accessible: r.accessible,
        })
        .collect();
    let offers = minijinja::context! {
        study => found.rooms.iter().any(|r| r.bookable_study),
        exams => found.rooms.iter().any(|r| r.bookable_exam),
        computers => found.rooms.iter().map(|r| r.computer_seats).sum::<i32>(),
        accessible => found.rooms.iter().any(|r| r.accessible),
        separate => found.rooms.iter().any(|r| r.kind == RoomKind::SeparateRoom),
    };
    let c = &found.centre;
    viewer.render(
        "pages/centre.html",
        "title-centre",
        minijinja::context! {
            centre => minijinja::context! {
                name => c.name, municipality => c.municipality, address => c.address, email => c.email,
            },
            heading => c.name,
            offers,
            rooms,
            week => found.week.iter().map(|d| day_view(lang, d)).collect::<Vec<_>>(),
            closures => found.closures_ahead.iter().map(|d| day_view(lang, d)).collect::<Vec<_>>(),
        },
    )
}
