//! Exam requests and a centre's re-plan (API.md "Exams").

use actix_web::web;

use super::{created, host, ok, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::pagination::Page;
use crate::types::ExamRequestId;
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};
use crate::{exams::replan, exams::requests as exams, exams::sittings};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: submit, list, get, approve, reject, cancel, plan]
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-requests",
    tag = "exams",
    operation_id = "submit_exam_request",
    summary = "Submit an exam request (institutions)",
    description = "A system admin submits on an institution's behalf by naming it in `institution`. With `open: true` students add themselves until the registration deadline.",
    request_body = exams::ExamRequestInput,
    responses(
        (status = 201, description = "The request, `submitted`, with a sitting per student", body = exams::ExamRequestOut),
        p::CreateConflictErrors,
    ),
)]
async fn submit(state: State, caller: Caller, Body(input): Body<exams::ExamRequestInput>) -> Reply {
    let host = host(&state);
    run(&state, created, move |c| {
        exams::submit(c, &caller, &host, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/exam-requests",
    tag = "exams",
    operation_id = "list_exam_requests",
    summary = "Exam requests the caller may see",
    params(exams::ListQuery),
    responses(
        (status = 200, description = "The centre's staff see its requests, an institution its own", body = Page<exams::ExamRequestOut>),
        p::ItemQueryErrors,
    ),
)]
async fn list(state: State, caller: Caller, q: Query<exams::ListQuery>) -> Reply {
    run(&state, ok, move |c| exams::list(c, &caller, &q)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/exam-requests/{id}",
    tag = "exams",
    operation_id = "get_exam_request",
    summary = "One exam request with its sittings",
    params(ItemId),
    responses(
        (status = 200, description = "The request; a student sees only their own sitting", body = exams::ExamRequestOut),
        p::ItemErrors,
    ),
)]
async fn get(state: State, caller: Caller, path: web::Path<ExamRequestId>) -> Reply {
    run(&state, ok, move |c| exams::load_out(c, &caller, &path)).await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-requests/{id}/approve",
    tag = "exams",
    operation_id = "approve_exam_request",
    summary = "Approve: place every sitting and assign invigilators (centre admins)",
    description = "All or nothing: when a sitting cannot be placed the answer is 409 with `conflicts` naming each broken rule, and nothing changes.",
    params(ItemId),
    responses(
        (status = 200, description = "The request with its placed sittings", body = exams::ExamRequestOut),
        p::ActionErrors,
    ),
)]
async fn approve(state: State, caller: Caller, path: web::Path<ExamRequestId>) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        sittings::approve(c, &caller, &host, &path)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-requests/{id}/reject",
    tag = "exams",
    operation_id = "reject_exam_request",
    summary = "Reject an exam request (centre admins)",
    params(ItemId),
    request_body = exams::ReasonInput,
    responses(
        (status = 200, description = "The rejected request", body = exams::ExamRequestOut),
        p::EditConflictErrors,
    ),
)]
async fn reject(
    state: State,
    caller: Caller,
    path: web::Path<ExamRequestId>,
    Body(input): Body<exams::ReasonInput>,
) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        exams::reject(c, &caller, &host, &path, input)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-requests/{id}/cancel",
    tag = "exams",
    operation_id = "cancel_exam_request",
    summary = "Cancel an exam request (its institution or the centre's admins)",
    params(ItemId),
    responses(
        (status = 200, description = "The cancelled request", body = exams::ExamRequestOut),
        p::ActionErrors,
    ),
)]
async fn cancel(state: State, caller: Caller, path: web::Path<ExamRequestId>) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| exams::cancel(c, &caller, &host, &path)).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/plan",
    tag = "exams",
    operation_id = "plan_centre",
    summary = "Re-plan a centre over a date range (centre admins)",
    description = "Places every sitting of an approved request that still has no place in the range, with the optimising engine; with `allow_moves` confirmed sittings may move and the range's invigilators are rebuilt. `dry_run` (the default) answers with the diff and changes nothing. A real run writes the plan in one transaction and sends the confirmations; if the centre's bookings changed while it searched, 409 and nothing is written.",
    params(CentreKey),
    request_body = replan::PlanInput,
    responses(
        (status = 200, description = "What moves, what gets placed, what stays unplaced and why", body = replan::PlanOut),
        p::EditConflictErrors,
    ),
)]
async fn plan(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<replan::PlanInput>,
) -> Reply {
    let host = host(&state);
    run(&state, ok, move |c| {
        replan::run(c, &caller, &host, &path, &input, &mut |_| {})
    })
    .await
}
