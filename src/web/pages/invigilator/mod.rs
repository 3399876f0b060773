//! The invigilator's pages: Mina pass (start), a room's run sheet with
//! check-in, complete and no-show, and Tillgänglighet (Kalender is shared,
//! `pages::calendar`). Each calls the operation the API calls.

mod availability;
mod run_sheet;
mod shifts;

use actix_web::web;
use serde::Serialize;

use crate::centres::shifts::RoomSitting;
use crate::exams::sittings::Transition;
use crate::web::pages::fmt;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/me/shifts", web::get().to(shifts::shifts))
        .route("/me/shifts/{id}", web::get().to(run_sheet::run_sheet))
        .route(
            "/me/shifts/{id}/sittings/{sitting}/{mark}",
            web::post().to(run_sheet::mark),
        )
        .route("/me/availability", web::get().to(availability::page))
        .route("/me/availability", web::post().to(availability::submit));
}

/// What an invigilator marks a sitting as: the name in the address and the
/// button's catalogue key.
const MARKS: [(Transition, &str, &str); 3] = [
    (Transition::CheckIn, "check-in", "mark-check-in"),
    (Transition::Complete, "complete", "mark-complete"),
    (Transition::NoShow, "no-show", "mark-no-show"),
];

#[derive(Serialize)]
struct MarkButton {
    slug: &'static str,
    key: &'static str,
}

#[derive(Serialize)]
struct SittingView {
    id: String,
    code: String,
    student: Option<String>,
    course_code: String,
    title: String,
    span: String,
    extra_time: i64,
    accommodations: Vec<&'static str>,
    other: Option<String>,
    aids: String,
    status_key: String,
    marks: Vec<MarkButton>,
}

fn sitting_view(s: RoomSitting) -> SittingView {
    let marks = MARKS
        .iter()
        .filter(|(t, _, _)| s.may_mark && t.applies_to(s.status))
        .map(|&(_, slug, key)| MarkButton { slug, key })
        .collect();
    SittingView {
        span: fmt::span(&s.starts_at, &s.ends_at),
        extra_time: s.accommodations.extra_time_percent,
        accommodations: fmt::accommodation_keys(&s.accommodations),
        other: s.accommodations.other.clone(),
        status_key: format!("status-{}", s.status),
        marks,
        id: s.id,
        code: s.booking_code,
        student: s.student,
        course_code: s.course_code,
        title: s.title,
        aids: s.aids,
    }
}
