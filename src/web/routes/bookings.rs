//! Exam requests, sittings, study places, own bookings and the day schedule
//! (API.md "Exams", "Study places", "Schedules").

use actix_web::http::Method;
use actix_web::{web, Route};

use super::{created, no_content, ok, Reply, State};
use crate::accounts::actor::Caller;
use crate::exams::sittings::{self, Transition};
use crate::pagination::Page;
use crate::web::extract::Body;
use crate::web::openapi::{problems as p, CentreKey, ItemId};
use crate::{exams::replan, exams::requests as exams, study::bookings as study};

pub fn routes() -> Vec<(Method, &'static str, Route)> {
    vec![
        (Method::POST, "/exam-requests", web::post().to(submit)),
        (Method::POST, "/centres/{centre}/plan", web::post().to(plan)),
        (Method::GET, "/exam-requests", web::get().to(list)),
        (Method::GET, "/exam-requests/{id}", web::get().to(get)),
        (
            Method::POST,
            "/exam-requests/{id}/approve",
            web::post().to(approve),
        ),
        (
            Method::POST,
            "/exam-requests/{id}/reject",
            web::post().to(reject),
        ),
        (
            Method::POST,
            "/exam-requests/{id}/cancel",
            web::post().to(cancel),
        ),
        (Method::POST, "/exam-sittings", web::post().to(register)),
        (
            Method::POST,
            "/exam-sittings/{id}/approve",
            web::post().to(approve_sitting),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/move",
            web::post().to(move_sitting),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/check-in",
            web::post().to(check_in),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/complete",
            web::post().to(complete),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/no-show",
            web::post().to(no_show),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/cancel",
            web::post().to(cancel_sitting),
        ),
        (
            Method::GET,
            "/centres/{centre}/availability",
            web::get().to(availability),
        ),
        (Method::POST, "/study-bookings", web::post().to(book)),
        (
            Method::DELETE,
            "/study-bookings/{id}",
            web::delete().to(cancel_booking),
        ),
        (Method::GET, "/me/bookings", web::get().to(my_bookings)),
        (
            Method::GET,
            "/centres/{centre}/schedule",
            web::get().to(schedule),
        ),
    ]
}

fn host(state: &State) -> String {
    state
        .settings
        .server
        .public_url
        .host_str()
        .unwrap_or("skrivsal.localhost")
        .to_string()
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn submit(state: State, caller: Caller, Body(input): Body<exams::ExamRequestInput>) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| exams::submit(c, &caller, &host, input))
            .await?,
    )
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
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list(state: State, caller: Caller, q: web::Query<exams::ListQuery>) -> Reply {
    let q = q.into_inner();
    ok(state.db.run(move |c| exams::list(c, &caller, &q)).await?)
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
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| exams::load_out(c, &caller, &id))
        .await?)
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn approve(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| sittings::approve(c, &caller, &host, &id))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn reject(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<exams::ReasonInput>,
) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| exams::reject(c, &caller, &host, &id, input))
        .await?)
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn cancel(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| exams::cancel(c, &caller, &host, &id))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn register(
    state: State,
    caller: Caller,
    Body(input): Body<sittings::RegisterInput>,
) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| sittings::register(c, &caller, &host, input))
            .await?,
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/exam-sittings/{id}/approve",
    tag = "exams",
    summary = "Approve one requested sitting: place it (centre admins)",
    params(ItemId),
    responses(
        (status = 200, description = "The request with the placed sitting", body = exams::ExamRequestOut),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn approve_sitting(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| sittings::approve_sitting(c, &caller, &host, &id))
        .await?)
}

async fn transition(state: State, caller: Caller, id: String, t: Transition) -> Reply {
    let host = host(&state);
    ok(state
        .db
        .run(move |c| sittings::transition(c, &caller, &host, &id, t))
        .await?)
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn check_in(state: State, caller: Caller, path: web::Path<String>) -> Reply {
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn complete(state: State, caller: Caller, path: web::Path<String>) -> Reply {
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn no_show(state: State, caller: Caller, path: web::Path<String>) -> Reply {
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn cancel_sitting(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::Cancel).await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/availability",
    tag = "study",
    operation_id = "study_availability",
    summary = "Free study seats on a day",
    params(CentreKey, study::DateQuery),
    responses(
        (status = 200, description = "Per study room, the day cut into intervals with the seats free in each", body = study::AvailabilityOut),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn availability(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<study::DateQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    ok(state
        .db
        .run(move |c| study::availability(c, &caller, &key, &q))
        .await?)
}

#[utoipa::path(
    post,
    path = "/api/v1/study-bookings",
    tag = "study",
    operation_id = "book_study_place",
    summary = "Book a study place (students)",
    description = "Confirmed at once when every rule holds; otherwise 409 with `conflicts` naming each broken rule.",
    request_body = study::StudyInput,
    responses(
        (status = 201, description = "The confirmed booking", body = study::StudyBookingOut),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn book(state: State, caller: Caller, Body(input): Body<study::StudyInput>) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| study::book(c, &caller, &host, input))
            .await?,
    )
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn cancel_booking(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    no_content(
        state
            .db
            .run(move |c| study::cancel(c, &caller, &host, &id))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/me/bookings",
    tag = "study",
    summary = "The caller's own study bookings and sittings",
    responses(
        (status = 200, description = "Newest first", body = study::MyBookings),
        (status = 401, response = p::Unauthorized),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn my_bookings(state: State, caller: Caller) -> Reply {
    ok(state.db.run(move |c| study::mine(c, &caller)).await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/schedule",
    tag = "schedule",
    summary = "The day at a centre, room by room (its staff)",
    params(CentreKey, study::DateQuery),
    responses(
        (status = 200, description = "Rooms with sittings (by booking code), study bookings and invigilators", body = study::ScheduleOut),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn schedule(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<study::DateQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    ok(state
        .db
        .run(move |c| study::schedule(c, &caller, &key, &q))
        .await?)
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
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
        (status = 413, response = p::PayloadTooLarge),
        (status = 415, response = p::UnsupportedMediaType),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn move_sitting(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<sittings::MoveInput>,
) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| sittings::move_sitting(c, &caller, &host, &id, input))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn plan(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<replan::PlanInput>,
) -> Reply {
    let (key, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| replan::run(c, &caller, &host, &key, &input, &mut |_| {}))
        .await?)
}
