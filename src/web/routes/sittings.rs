//! Exam sittings: registration, approval, moves and the day's transitions
//! (API.md "Exams").

use actix_web::web;

use super::{created, host, ok, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::exams::requests as exams;
use crate::exams::sittings::{self, Transition};
use crate::types::SittingId;
use crate::web::extract::Body;
use crate::web::openapi::{problems as p, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        signed_in: register,
        approve_sitting,
        check_in,
        complete,
        no_show,
        cancel_sitting,
        move_sitting
    ]
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings",
    tag = "exams",
    operation_id = "register_sitting",
    summary = "Ask for a seat in an open exam request (students)",
    request_body = sittings::RegisterInput,
    responses(
        (status = 201, description = "The request with the new sitting, `requested` until the centre approves it", body = exams::ExamRequestOut),
        p::CreateConflictErrors,
    ),
)]
async fn register(
    state: State,
    caller: Caller,
    Body(input): Body<sittings::RegisterInput>,
) -> Reply {
    let host = host(&state);
    run(&state, created, move |c| {
        sittings::register(c, &caller, &host, input)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/approve",
    tag = "exams",
    summary = "Approve one requested sitting: place it (centre admins)",
    params(ItemId),
    responses(
        (status = 200, description = "The request with the placed sitting", body = exams::ExamRequestOut),
        p::ActionErrors,
    ),
)]
async fn approve_sitting(state: State, caller: Caller, path: web::Path<SittingId>) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        sittings::approve_sitting(c, &caller, &host, &path)
    })
    .await
}

async fn transition(state: State, caller: Caller, id: SittingId, t: Transition) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        sittings::transition(c, &caller, &host, &id, t)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/check-in",
    tag = "exams",
    operation_id = "check_in_sitting",
    summary = "Check a student in (centre staff)",
    params(ItemId),
    responses(
        (status = 200, description = "The sitting, `checked_in`", body = sittings::SittingState),
        p::ActionErrors,
    ),
)]
async fn check_in(state: State, caller: Caller, path: web::Path<SittingId>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::CheckIn).await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/complete",
    tag = "exams",
    operation_id = "complete_sitting",
    summary = "Mark a sitting completed (centre staff)",
    params(ItemId),
    responses(
        (status = 200, description = "The sitting, `completed`", body = sittings::SittingState),
        p::ActionErrors,
    ),
)]
async fn complete(state: State, caller: Caller, path: web::Path<SittingId>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::Complete).await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/no-show",
    tag = "exams",
    operation_id = "no_show_sitting",
    summary = "Mark a no-show (centre staff)",
    params(ItemId),
    responses(
        (status = 200, description = "The sitting, `no_show`", body = sittings::SittingState),
        p::ActionErrors,
    ),
)]
async fn no_show(state: State, caller: Caller, path: web::Path<SittingId>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::NoShow).await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/cancel",
    tag = "exams",
    summary = "Cancel a sitting (the student, the institution or the centre's admins)",
    params(ItemId),
    responses(
        (status = 200, description = "The sitting, `cancelled`", body = sittings::SittingState),
        p::ActionErrors,
    ),
)]
async fn cancel_sitting(state: State, caller: Caller, path: web::Path<SittingId>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::Cancel).await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/move",
    tag = "exams",
    summary = "Move a confirmed sitting to another room or start (centre admins)",
    description = "Judged by every rule like a new placement; invigilators are added where needed. The student gets a 'changed' message whose invite updates the same calendar entry. 409 with the conflicts, and nothing changed, when the new place breaks a rule.",
    params(ItemId),
    request_body = sittings::MoveInput,
    responses(
        (status = 200, description = "The request with the moved sitting", body = exams::ExamRequestOut),
        p::EditConflictErrors,
    ),
)]
async fn move_sitting(
    state: State,
    caller: Caller,
    path: web::Path<SittingId>,
    Body(input): Body<sittings::MoveInput>,
) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        sittings::move_sitting(c, &caller, &host, &path, input)
    })
    .await
}
