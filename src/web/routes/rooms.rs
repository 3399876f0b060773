//! A centre's rooms (API.md "Set-up").

use actix_web::web;

use super::{created, no_content, ok, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::centres::rooms;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::Body;
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![list_rooms, create_room, get_room, update_room, delete_room]
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct RoomListQuery {
    /// Also list deactivated rooms.
    #[serde(default)]
    include_inactive: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/rooms",
    tag = "rooms",
    summary = "A centre's rooms",
    params(CentreKey, RoomListQuery, PageQuery),
    responses(
        (status = 200, description = "The rooms, active ones unless asked otherwise", body = Page<rooms::RoomOut>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_rooms(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<RoomListQuery>,
    page: web::Query<PageQuery>,
) -> Reply {
    run(&state, ok, move |c| {
        Page::of_all(
            rooms::list(c, &caller, &path, q.include_inactive)?,
            &page,
            |x| x.id.clone(),
        )
    })
    .await
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
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
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_room(state: State, caller: Caller, path: web::Path<String>) -> Reply {
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn update_room(
    state: State,
    caller: Caller,
    path: web::Path<String>,
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn delete_room(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        rooms::delete(c, &caller, &path)
    })
    .await
}
