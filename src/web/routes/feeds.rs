//! Calendar feeds: managing them (`/api/v1/feeds`) and serving them at their
//! secret addresses (`/feeds/{secret}.ics`).

use actix_web::{web, HttpResponse};

use super::{created, host, no_content, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::db::DbConn;
use crate::documents::feeds;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, ItemId};
use crate::web::problem::ApiError;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![signed_in: list, create, revoke; public: serve]
}

#[utoipa::path(
    get,
    path = "/api/v1/feeds",
    tag = "feeds",
    summary = "The caller's calendar feeds (a system admin's: everyone's), without their addresses",
    params(PageQuery),
    responses(
        (status = 200, description = "The feeds", body = Page<feeds::FeedOut>),
        p::QueryErrors,
    ),
)]
pub(crate) async fn list(state: State, caller: Caller, Query(page): Query<PageQuery>) -> Reply {
    let load = move |c: &mut DbConn| feeds::list(c, &caller);
    paged(&state, page, load, |f| f.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/feeds",
    tag = "feeds",
    summary = "Create a calendar feed; the secret address is shown once",
    description = "`student`: your own sittings and study places; `invigilator`: an invigilator's assignments (your own, or at a centre you manage); `room`: a room's bookings (its centre's staff).",
    request_body = feeds::FeedInput,
    responses(
        (status = 201, description = "The feed with its address", body = feeds::FeedOut),
        p::JsonBody,
    ),
)]
pub(crate) async fn create(
    state: State,
    caller: Caller,
    Body(input): Body<feeds::FeedInput>,
) -> Reply {
    let base = state.settings.server.public_url.to_string();
    run(&state, created, move |c| {
        feeds::create(c, &caller, &base, input)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/feeds/{id}",
    tag = "feeds",
    summary = "Revoke a calendar feed: its address stops working",
    params(ItemId),
    responses(
        (status = 204, description = "Revoked"),
        p::ItemErrors,
    ),
)]
pub(crate) async fn revoke(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        feeds::revoke(c, &caller, &path)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/feeds/{file}",
    tag = "feeds",
    summary = "A calendar feed (iCalendar) at its secret address",
    description = "`file` is `SECRET.ics`. No other credential: the address is the key. Unknown or revoked addresses answer 404.",
    params(("file" = String, Path, description = "The secret followed by .ics")),
    responses(
        (status = 200, description = "The calendar", body = String, content_type = "text/calendar"),
        p::ItemErrors,
    ),
)]
pub(crate) async fn serve(state: State, path: web::Path<String>) -> Reply {
    let file = path.into_inner();
    let secret = file
        .strip_suffix(".ics")
        .ok_or(ApiError::NotFound)?
        .to_string();
    let host = host(&state);
    run(&state, calendar, move |c| feeds::render(c, &host, &secret)).await
}

fn calendar(body: String) -> Reply {
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        // A calendar app polls; nothing in between should keep a stale copy.
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(body))
}
