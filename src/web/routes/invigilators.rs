//! Invigilators and their availability (API.md "Set-up").

use actix_web::web;

use super::{created, no_content, ok, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::centres::invigilators;
use crate::db::DbConn;
use crate::pagination::{Page, PageQuery};
use crate::types::InvigilatorId;
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        signed_in: list_invigilators,
        create_invigilator,
        get_invigilator,
        update_invigilator,
        delete_invigilator,
        get_availability,
        put_availability
    ]
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/invigilators",
    tag = "invigilators",
    summary = "A centre's invigilators (its staff)",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The invigilators", body = Page<invigilators::InvigilatorOut>),
        p::StaffReadErrors,
    ),
)]
async fn list_invigilators(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Query(page): Query<PageQuery>,
) -> Reply {
    let load = move |c: &mut DbConn| invigilators::list(c, &caller, &path);
    paged(&state, page, load, |x| x.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/invigilators",
    tag = "invigilators",
    summary = "Add an invigilator (centre admins)",
    params(CentreKey),
    request_body = invigilators::InvigilatorInput,
    responses(
        (status = 201, description = "The new invigilator", body = invigilators::InvigilatorOut),
        p::EditConflictErrors,
    ),
)]
async fn create_invigilator(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<invigilators::InvigilatorInput>,
) -> Reply {
    run(&state, created, move |c| {
        invigilators::create(c, &caller, &path, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/invigilators/{id}",
    tag = "invigilators",
    summary = "One invigilator (staff of the centre)",
    params(ItemId),
    responses(
        (status = 200, description = "The invigilator", body = invigilators::InvigilatorOut),
        p::ItemErrors,
    ),
)]
async fn get_invigilator(state: State, caller: Caller, path: web::Path<InvigilatorId>) -> Reply {
    run(&state, ok, move |c| invigilators::get(c, &caller, &path)).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/invigilators/{id}",
    tag = "invigilators",
    summary = "Change an invigilator (centre admins)",
    params(ItemId),
    request_body = invigilators::InvigilatorPatch,
    responses(
        (status = 200, description = "The changed invigilator", body = invigilators::InvigilatorOut),
        p::EditConflictErrors,
    ),
)]
async fn update_invigilator(
    state: State,
    caller: Caller,
    path: web::Path<InvigilatorId>,
    Body(patch): Body<invigilators::InvigilatorPatch>,
) -> Reply {
    run(&state, ok, move |c| {
        invigilators::update(c, &caller, &path, patch)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/invigilators/{id}",
    tag = "invigilators",
    summary = "Deactivate an invigilator (centre admins)",
    description = "Refused with 409 while future invigilator assignments depend on them; `conflicts` names each one.",
    params(ItemId),
    responses(
        (status = 204, description = "Deactivated"),
        p::ActionErrors,
    ),
)]
async fn delete_invigilator(state: State, caller: Caller, path: web::Path<InvigilatorId>) -> Reply {
    run(&state, no_content, move |c| {
        invigilators::delete(c, &caller, &path)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/invigilators/{id}/availability",
    tag = "invigilators",
    summary = "An invigilator's availability",
    params(ItemId, invigilators::AvailabilityQuery),
    responses(
        (status = 200, description = "The weekly pattern and exceptions, and the resolved spans between from and to", body = invigilators::AvailabilityOut),
        p::ItemQueryErrors,
    ),
)]
async fn get_availability(
    state: State,
    caller: Caller,
    path: web::Path<InvigilatorId>,
    q: Query<invigilators::AvailabilityQuery>,
) -> Reply {
    run(&state, ok, move |c| {
        invigilators::get_availability(c, &caller, &path, &q)
    })
    .await
}

#[utoipa::path(
    put,
    path = "/api/v1/invigilators/{id}/availability",
    tag = "invigilators",
    summary = "Replace the availability (centre admins or the invigilator)",
    params(ItemId),
    request_body = invigilators::AvailabilityInput,
    responses(
        (status = 200, description = "The availability as stored, with the resolved spans", body = invigilators::AvailabilityOut),
        p::EditErrors,
    ),
)]
async fn put_availability(
    state: State,
    caller: Caller,
    path: web::Path<InvigilatorId>,
    Body(input): Body<invigilators::AvailabilityInput>,
) -> Reply {
    run(&state, ok, move |c| {
        invigilators::put_availability(c, &caller, &path, input)
    })
    .await
}
