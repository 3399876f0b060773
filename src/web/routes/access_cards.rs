//! Access cards (API.md "Set-up").

use actix_web::web;

use super::{created, no_content, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::centres::access_cards;
use crate::db::DbConn;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: list_access_cards, create_access_card, revoke_access_card]
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/access-cards",
    tag = "access-cards",
    summary = "A centre's access cards (its staff)",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The access cards", body = Page<access_cards::AccessCardOut>),
        p::StaffReadErrors,
    ),
)]
async fn list_access_cards(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Query(page): Query<PageQuery>,
) -> Reply {
    let load = move |c: &mut DbConn| access_cards::list(c, &caller, &path);
    paged(&state, page, load, |x| x.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/access-cards",
    tag = "access-cards",
    summary = "Register an access card (centre admins)",
    params(CentreKey),
    request_body = access_cards::AccessCardInput,
    responses(
        (status = 201, description = "The new card; the student account is created if new", body = access_cards::AccessCardOut),
        p::EditConflictErrors,
    ),
)]
async fn create_access_card(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<access_cards::AccessCardInput>,
) -> Reply {
    run(&state, created, move |c| {
        access_cards::create(c, &caller, &path, input)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/access-cards/{id}",
    tag = "access-cards",
    summary = "Revoke an access card (centre admins)",
    params(ItemId),
    responses(
        (status = 204, description = "Revoked"),
        p::RemoveErrors,
    ),
)]
async fn revoke_access_card(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        access_cards::revoke(c, &caller, &path)
    })
    .await
}
