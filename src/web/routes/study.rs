//! Study places, the caller's own bookings and a centre's day schedule
//! (API.md "Study places", "Schedules").

use actix_web::{web, HttpRequest};

use super::{created, host, no_content, ok, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::study;
use crate::types::StudyBookingId;
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: availability, book, move_booking, cancel_booking, my_bookings, schedule]
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/availability",
    tag = "study",
    operation_id = "study_availability",
    summary = "Free study seats on a day",
    params(CentreKey, study::availability::DateQuery),
    responses(
        (status = 200, description = "Per study room, the day cut into intervals with the seats free in each", body = study::availability::AvailabilityOut),
        p::ItemQueryErrors,
    ),
)]
async fn availability(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: Query<study::availability::DateQuery>,
) -> Reply {
    run(&state, ok, move |c| {
        study::availability::availability(c, &caller, &path, &q)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/study-bookings",
    tag = "study",
    operation_id = "book_study_place",
    summary = "Book a study place (students)",
    description = "Confirmed at once when every rule holds; otherwise 409 with `conflicts` naming each broken rule.",
    request_body = study::bookings::StudyInput,
    responses(
        (status = 201, description = "The confirmed booking", body = study::bookings::StudyBookingOut),
        p::CreateConflictErrors,
    ),
)]
async fn book(
    state: State,
    caller: Caller,
    Body(input): Body<study::bookings::StudyInput>,
) -> Reply {
    let host = host(&state);
    run(&state, created, move |c| {
        study::bookings::book(c, &caller, &host, input)
    })
    .await
}

#[utoipa::path(
    patch,
    path = "/api/v1/study-bookings/{id}",
    tag = "study",
    operation_id = "move_study_booking",
    summary = "Give a study booking a new time or room (its student)",
    description = "Checked as a new booking would be, with the booking's own old span counted as free; the old span is freed only when the new one is accepted. The booking keeps its id and booking code, and the student is sent the calendar invite again (same UID, higher SEQUENCE). 409 with `conflicts` naming each broken rule, the booking unchanged.",
    params(ItemId),
    request_body = study::moving::MoveInput,
    responses(
        (status = 200, description = "The booking at its new time", body = study::bookings::StudyBookingOut),
        p::EditConflictErrors,
    ),
)]
async fn move_booking(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<study::moving::MoveInput>,
) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        study::moving::move_booking(c, &caller, &host, &path, input)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/study-bookings/{id}",
    tag = "study",
    operation_id = "cancel_study_booking",
    summary = "Cancel a study booking (its student or the centre's admins)",
    params(ItemId),
    responses(
        (status = 204, description = "Cancelled"),
        p::ActionErrors,
    ),
)]
async fn cancel_booking(state: State, caller: Caller, path: web::Path<StudyBookingId>) -> Reply {
    let host = host(&state);
    run(&state, no_content, move |c| {
        study::bookings::cancel(c, &caller, &host, &path)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/me/bookings",
    tag = "study",
    summary = "The caller's own study bookings and sittings",
    responses(
        (status = 200, description = "Newest first", body = study::schedule::MyBookings),
    ),
)]
async fn my_bookings(state: State, caller: Caller) -> Reply {
    run(&state, ok, move |c| study::schedule::mine(c, &caller)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/schedule",
    tag = "schedule",
    summary = "The day at a centre, room by room (its staff)",
    params(CentreKey, study::availability::DateQuery),
    responses(
        (status = 200, description = "Rooms with sittings (by booking code), study bookings and invigilators", body = study::schedule::ScheduleOut,
            headers(("ETag" = String, description = "Strong tag of the day as it is now: send it back in `If-None-Match`"))),
        (status = 304, description = "The day is unchanged since the `If-None-Match` tag (checked after authorisation)"),
        p::StaffReadErrors,
    ),
)]
async fn schedule(
    state: State,
    caller: Caller,
    req: HttpRequest,
    path: web::Path<String>,
    q: Query<study::availability::DateQuery>,
) -> Reply {
    let inm = super::print::if_none_match(&req);
    let cache = state.reads.clone();
    let answer = state
        .db
        .run(move |c| study::schedule::cached(c, &cache, &caller, &path, &q, inm.as_deref()))
        .await?;
    Ok(super::print::day_document(answer, "application/json"))
}
