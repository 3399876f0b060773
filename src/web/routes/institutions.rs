//! Institutions and their exam rules (API.md "Set-up").

use actix_web::web;

use super::{created, ok, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::institutions::registry as institutions;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, InstitutionKey};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        signed_in: list_institutions,
        create_institution,
        get_institution,
        update_institution
    ]
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions",
    tag = "institutions",
    summary = "Institutions the caller may see",
    params(PageQuery),
    responses(
        (status = 200, description = "An institution sees only itself", body = Page<institutions::InstitutionOut>),
        p::QueryErrors,
    ),
)]
async fn list_institutions(state: State, caller: Caller, page: Query<PageQuery>) -> Reply {
    run(&state, ok, move |c| institutions::list(c, &caller, &page)).await
}

#[utoipa::path(
    post,
    path = "/api/v1/institutions",
    tag = "institutions",
    summary = "Create an institution (system admins)",
    request_body = institutions::InstitutionInput,
    responses(
        (status = 201, description = "The new institution", body = institutions::InstitutionOut),
        p::CreateConflictErrors,
    ),
)]
async fn create_institution(
    state: State,
    caller: Caller,
    Body(input): Body<institutions::InstitutionInput>,
) -> Reply {
    run(&state, created, move |c| {
        institutions::create(c, &caller, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions/{institution}",
    tag = "institutions",
    summary = "One institution",
    params(InstitutionKey),
    responses(
        (status = 200, description = "The institution with its exam rules", body = institutions::InstitutionOut),
        p::ItemErrors,
    ),
)]
async fn get_institution(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, ok, move |c| institutions::get(c, &caller, &path)).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/institutions/{institution}",
    tag = "institutions",
    summary = "Change an institution (system admins, or the institution itself)",
    params(InstitutionKey),
    request_body = institutions::InstitutionPatch,
    responses(
        (status = 200, description = "The changed institution", body = institutions::InstitutionOut),
        p::EditErrors,
    ),
)]
async fn update_institution(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(patch): Body<institutions::InstitutionPatch>,
) -> Reply {
    run(&state, ok, move |c| {
        institutions::update(c, &caller, &path, patch)
    })
    .await
}
