//! A centre's rooms (API.md "Set-up").

use actix_web::web;

use super::{created, no_content, ok, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::centres::rooms;
use crate::db::DbConn;
use crate::pagination::{Page, PageQuery};
use crate::types::RoomId;
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: list_rooms, create_room, get_room, update_room, delete_room]
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RoomListQuery {
    /// Also list deactivated rooms.
    #[serde(default)]
    include_inactive: bool,
    // The page, as `PageQuery` (one type, so that `Query` knows every
    // parameter this operation takes).
    /// Page size, 1–500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/rooms",
    tag = "rooms",
    summary = "A centre's rooms",
    params(CentreKey, RoomListQuery),
    responses(
        (status = 200, description = "The rooms, active ones unless asked otherwise", body = Page<rooms::RoomOut>),
        p::ItemQueryErrors,
    ),
)]
async fn list_rooms(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Query(q): Query<RoomListQuery>,
) -> Reply {
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    };
    let load = move |c: &mut DbConn| rooms::list(c, &caller, &path, q.include_inactive);
    paged(&state, page, load, |x| x.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/rooms",
    tag = "rooms",
    summary = "Add a room (centre admins)",
    params(CentreKey),
    request_body = rooms::RoomInput,
    responses(
        (status = 201, description = "The new room", body = rooms::RoomOut),
        p::EditConflictErrors,
    ),
)]
async fn create_room(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<rooms::RoomInput>,
) -> Reply {
    run(&state, created, move |c| {
        rooms::create(c, &caller, &path, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/rooms/{id}",
    tag = "rooms",
    summary = "One room",
    params(ItemId),
    responses(
        (status = 200, description = "The room", body = rooms::RoomOut),
        p::ItemErrors,
    ),
)]
async fn get_room(state: State, caller: Caller, path: web::Path<RoomId>) -> Reply {
    run(&state, ok, move |c| rooms::get(c, &caller, &path)).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/rooms/{id}",
    tag = "rooms",
    summary = "Change a room (centre admins)",
    params(ItemId),
    request_body = rooms::RoomPatch,
    responses(
        (status = 200, description = "The changed room", body = rooms::RoomOut),
        p::EditConflictErrors,
    ),
)]
async fn update_room(
    state: State,
    caller: Caller,
    path: web::Path<RoomId>,
    Body(patch): Body<rooms::RoomPatch>,
) -> Reply {
    run(&state, ok, move |c| rooms::update(c, &caller, &path, patch)).await
}

#[utoipa::path(
    delete,
    path = "/api/v1/rooms/{id}",
    tag = "rooms",
    summary = "Deactivate a room (centre admins)",
    description = "Refused with 409 while future sittings or study bookings use it; `conflicts` names each one.",
    params(ItemId),
    responses(
        (status = 204, description = "Deactivated"),
        p::ActionErrors,
    ),
)]
async fn delete_room(state: State, caller: Caller, path: web::Path<RoomId>) -> Reply {
    run(&state, no_content, move |c| {
        rooms::delete(c, &caller, &path)
    })
    .await
}
