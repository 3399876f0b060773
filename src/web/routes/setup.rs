//! Set-up endpoints (API.md "Set-up"): centres, rooms, hours, closures, the
//! calendar, invigilators and availability, access cards, institutions.
//! Each handler parses, calls the area's module in one blocking task, and
//! renders.

use actix_web::http::Method;
use actix_web::{web, Route};

use super::{created, no_content, ok, Reply, State};
use crate::accounts::actor::Caller;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::Body;
use crate::web::openapi::{problems as p, CentreKey, InstitutionKey, ItemId};
use crate::{
    centres::access_cards, centres::centre as centres, centres::invigilators, centres::rooms,
    institutions::registry as institutions,
};

/// (method, path under /api/v1, handler) for every set-up endpoint.
pub fn routes() -> Vec<(Method, &'static str, Route)> {
    vec![
        (Method::GET, "/centres", web::get().to(list_centres)),
        (Method::POST, "/centres", web::post().to(create_centre)),
        (Method::GET, "/centres/{centre}", web::get().to(get_centre)),
        (
            Method::PATCH,
            "/centres/{centre}",
            web::patch().to(update_centre),
        ),
        (
            Method::DELETE,
            "/centres/{centre}",
            web::delete().to(delete_centre),
        ),
        (
            Method::GET,
            "/centres/{centre}/rooms",
            web::get().to(list_rooms),
        ),
        (
            Method::POST,
            "/centres/{centre}/rooms",
            web::post().to(create_room),
        ),
        (
            Method::GET,
            "/centres/{centre}/hours",
            web::get().to(get_hours),
        ),
        (
            Method::PUT,
            "/centres/{centre}/hours",
            web::put().to(put_hours),
        ),
        (
            Method::GET,
            "/centres/{centre}/closures",
            web::get().to(list_closures),
        ),
        (
            Method::POST,
            "/centres/{centre}/closures",
            web::post().to(create_closure),
        ),
        (
            Method::GET,
            "/centres/{centre}/calendar",
            web::get().to(calendar),
        ),
        (
            Method::GET,
            "/centres/{centre}/calendar/at",
            web::get().to(calendar_at),
        ),
        (
            Method::GET,
            "/centres/{centre}/invigilators",
            web::get().to(list_invigilators),
        ),
        (
            Method::POST,
            "/centres/{centre}/invigilators",
            web::post().to(create_invigilator),
        ),
        (
            Method::GET,
            "/centres/{centre}/access-cards",
            web::get().to(list_access_cards),
        ),
        (
            Method::POST,
            "/centres/{centre}/access-cards",
            web::post().to(create_access_card),
        ),
        (Method::GET, "/rooms/{id}", web::get().to(get_room)),
        (Method::PATCH, "/rooms/{id}", web::patch().to(update_room)),
        (Method::DELETE, "/rooms/{id}", web::delete().to(delete_room)),
        (
            Method::DELETE,
            "/closures/{id}",
            web::delete().to(delete_closure),
        ),
        (
            Method::GET,
            "/invigilators/{id}",
            web::get().to(get_invigilator),
        ),
        (
            Method::PATCH,
            "/invigilators/{id}",
            web::patch().to(update_invigilator),
        ),
        (
            Method::DELETE,
            "/invigilators/{id}",
            web::delete().to(delete_invigilator),
        ),
        (
            Method::GET,
            "/invigilators/{id}/availability",
            web::get().to(get_availability),
        ),
        (
            Method::PUT,
            "/invigilators/{id}/availability",
            web::put().to(put_availability),
        ),
        (
            Method::DELETE,
            "/access-cards/{id}",
            web::delete().to(revoke_access_card),
        ),
        (
            Method::GET,
            "/institutions",
            web::get().to(list_institutions),
        ),
        (
            Method::POST,
            "/institutions",
            web::post().to(create_institution),
        ),
        (
            Method::GET,
            "/institutions/{institution}",
            web::get().to(get_institution),
        ),
        (
            Method::PATCH,
            "/institutions/{institution}",
            web::patch().to(update_institution),
        ),
    ]
}

// ---- centres

#[utoipa::path(
    get,
    path = "/api/v1/centres",
    tag = "centres",
    summary = "Centres the caller may see",
    params(PageQuery),
    responses(
        (status = 200, description = "Staff see their own centres, system admins all, students and institutions the active ones", body = Page<centres::CentreOut>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_centres(state: State, caller: Caller, page: web::Query<PageQuery>) -> Reply {
    let page = page.into_inner();
    ok(state
        .db
        .run(move |c| centres::list(c, &caller, &page))
        .await?)
}

#[utoipa::path(
    post,
    path = "/api/v1/centres",
    tag = "centres",
    summary = "Create a centre (system admins)",
    request_body = centres::CentreInput,
    responses(
        (status = 201, description = "The new centre", body = centres::CentreOut),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn create_centre(
    state: State,
    caller: Caller,
    Body(input): Body<centres::CentreInput>,
) -> Reply {
    created(
        state
            .db
            .run(move |c| centres::create(c, &caller, input))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}",
    tag = "centres",
    summary = "One centre",
    params(CentreKey),
    responses(
        (status = 200, description = "The centre", body = centres::CentreOut),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_centre(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::find_visible(c, &caller, &key).map(centres::CentreOut::from))
        .await?)
}

#[utoipa::path(
    patch,
    path = "/api/v1/centres/{centre}",
    tag = "centres",
    summary = "Change a centre (its admins; slug and activation: system admins)",
    params(CentreKey),
    request_body = centres::CentrePatch,
    responses(
        (status = 200, description = "The changed centre", body = centres::CentreOut),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn update_centre(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(patch): Body<centres::CentrePatch>,
) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::update(c, &caller, &key, patch))
        .await?)
}

/// Deactivates the centre (API: DELETE); refused while it has future bookings.
#[utoipa::path(
    delete,
    path = "/api/v1/centres/{centre}",
    tag = "centres",
    summary = "Deactivate a centre (system admins)",
    description = "Refused with 409 while future sittings, study bookings or invigilator assignments depend on it; `conflicts` names each one.",
    params(CentreKey),
    responses(
        (status = 204, description = "Deactivated; its history keeps the name"),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn delete_centre(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    let patch = centres::CentrePatch {
        active: Some(false),
        ..Default::default()
    };
    state
        .db
        .run(move |c| centres::update(c, &caller, &key, patch))
        .await?;
    no_content(())
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/hours",
    tag = "centres",
    summary = "Weekly opening and access-card hours",
    params(CentreKey),
    responses(
        (status = 200, description = "The hours", body = centres::HoursInput),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_hours(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::get_hours(c, &caller, &key))
        .await?)
}

#[utoipa::path(
    put,
    path = "/api/v1/centres/{centre}/hours",
    tag = "centres",
    summary = "Replace the weekly hours (centre admins)",
    params(CentreKey),
    request_body = centres::HoursInput,
    responses(
        (status = 200, description = "The hours as stored", body = centres::HoursInput),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn put_hours(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<centres::HoursInput>,
) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::put_hours(c, &caller, &key, input))
        .await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/closures",
    tag = "centres",
    summary = "A centre's closures",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The closures", body = Page<centres::ClosureOut>),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_closures(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Reply {
    let (key, page) = (path.into_inner(), page.into_inner());
    ok(state
        .db
        .run(move |c| {
            Page::of_all(centres::list_closures(c, &caller, &key)?, &page, |x| {
                x.id.clone()
            })
        })
        .await?)
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/closures",
    tag = "centres",
    summary = "Close the centre for a range of days (centre admins)",
    params(CentreKey),
    request_body = centres::ClosureInput,
    responses(
        (status = 201, description = "The new closure", body = centres::ClosureOut),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn create_closure(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<centres::ClosureInput>,
) -> Reply {
    let key = path.into_inner();
    created(
        state
            .db
            .run(move |c| centres::create_closure(c, &caller, &key, input))
            .await?,
    )
}

#[utoipa::path(
    delete,
    path = "/api/v1/closures/{id}",
    tag = "centres",
    summary = "Remove a closure (centre admins)",
    params(ItemId),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn delete_closure(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| centres::delete_closure(c, &caller, &id))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/calendar",
    tag = "centres",
    summary = "Staffed and access-card hours per day",
    params(CentreKey, centres::CalendarQuery),
    responses(
        (status = 200, description = "Per day: staffed and access-card spans in local time with offset, or why the centre is closed", body = centres::CalendarOut),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn calendar(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<centres::CalendarQuery>,
) -> Reply {
    let key = path.into_inner();
    let query = query.into_inner();
    ok(state
        .db
        .run(move |c| centres::calendar(c, &caller, &key, &query))
        .await?)
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/calendar/at",
    tag = "centres",
    summary = "Staffed or open to card holders at one instant",
    params(CentreKey, centres::AtQuery),
    responses(
        (status = 200, description = "The state at that instant", body = centres::AtOut),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn calendar_at(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<centres::AtQuery>,
) -> Reply {
    let key = path.into_inner();
    let query = query.into_inner();
    ok(state
        .db
        .run(move |c| centres::at(c, &caller, &key, &query))
        .await?)
}

// ---- rooms

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
    let (key, page) = (path.into_inner(), page.into_inner());
    let all = q.include_inactive;
    ok(state
        .db
        .run(move |c| Page::of_all(rooms::list(c, &caller, &key, all)?, &page, |x| x.id.clone()))
        .await?)
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
    let key = path.into_inner();
    created(
        state
            .db
            .run(move |c| rooms::create(c, &caller, &key, input))
            .await?,
    )
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
    let id = path.into_inner();
    ok(state.db.run(move |c| rooms::get(c, &caller, &id)).await?)
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
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| rooms::update(c, &caller, &id, patch))
        .await?)
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
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| rooms::delete(c, &caller, &id))
            .await?,
    )
}

// ---- invigilators

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/invigilators",
    tag = "invigilators",
    summary = "A centre's invigilators (its staff)",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The invigilators", body = Page<invigilators::InvigilatorOut>),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_invigilators(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Reply {
    let (key, page) = (path.into_inner(), page.into_inner());
    ok(state
        .db
        .run(move |c| {
            Page::of_all(invigilators::list(c, &caller, &key)?, &page, |x| {
                x.id.clone()
            })
        })
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn create_invigilator(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<invigilators::InvigilatorInput>,
) -> Reply {
    let key = path.into_inner();
    created(
        state
            .db
            .run(move |c| invigilators::create(c, &caller, &key, input))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/invigilators/{id}",
    tag = "invigilators",
    summary = "One invigilator (staff of the centre)",
    params(ItemId),
    responses(
        (status = 200, description = "The invigilator", body = invigilators::InvigilatorOut),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_invigilator(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::get(c, &caller, &id))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn update_invigilator(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(patch): Body<invigilators::InvigilatorPatch>,
) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::update(c, &caller, &id, patch))
        .await?)
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
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn delete_invigilator(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| invigilators::delete(c, &caller, &id))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/invigilators/{id}/availability",
    tag = "invigilators",
    summary = "An invigilator's availability",
    params(ItemId, invigilators::AvailabilityQuery),
    responses(
        (status = 200, description = "The weekly pattern and exceptions, and the resolved spans between from and to", body = invigilators::AvailabilityOut),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_availability(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<invigilators::AvailabilityQuery>,
) -> Reply {
    let id = path.into_inner();
    let q = q.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::get_availability(c, &caller, &id, &q))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn put_availability(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<invigilators::AvailabilityInput>,
) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::put_availability(c, &caller, &id, input))
        .await?)
}

// ---- access cards

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/access-cards",
    tag = "access-cards",
    summary = "A centre's access cards (its staff)",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The access cards", body = Page<access_cards::AccessCardOut>),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_access_cards(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    page: web::Query<PageQuery>,
) -> Reply {
    let (key, page) = (path.into_inner(), page.into_inner());
    ok(state
        .db
        .run(move |c| {
            Page::of_all(access_cards::list(c, &caller, &key)?, &page, |x| {
                x.id.clone()
            })
        })
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn create_access_card(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<access_cards::AccessCardInput>,
) -> Reply {
    let key = path.into_inner();
    created(
        state
            .db
            .run(move |c| access_cards::create(c, &caller, &key, input))
            .await?,
    )
}

#[utoipa::path(
    delete,
    path = "/api/v1/access-cards/{id}",
    tag = "access-cards",
    summary = "Revoke an access card (centre admins)",
    params(ItemId),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn revoke_access_card(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| access_cards::revoke(c, &caller, &id))
            .await?,
    )
}

// ---- institutions

#[utoipa::path(
    get,
    path = "/api/v1/institutions",
    tag = "institutions",
    summary = "Institutions the caller may see",
    params(PageQuery),
    responses(
        (status = 200, description = "An institution sees only itself", body = Page<institutions::InstitutionOut>),
        (status = 400, response = p::BadRequest),
        (status = 401, response = p::Unauthorized),
        (status = 422, response = p::ValidationFailed),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn list_institutions(state: State, caller: Caller, page: web::Query<PageQuery>) -> Reply {
    let page = page.into_inner();
    ok(state
        .db
        .run(move |c| institutions::list(c, &caller, &page))
        .await?)
}

#[utoipa::path(
    post,
    path = "/api/v1/institutions",
    tag = "institutions",
    summary = "Create an institution (system admins)",
    request_body = institutions::InstitutionInput,
    responses(
        (status = 201, description = "The new institution", body = institutions::InstitutionOut),
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 409, response = p::Conflict),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn create_institution(
    state: State,
    caller: Caller,
    Body(input): Body<institutions::InstitutionInput>,
) -> Reply {
    created(
        state
            .db
            .run(move |c| institutions::create(c, &caller, input))
            .await?,
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/institutions/{institution}",
    tag = "institutions",
    summary = "One institution",
    params(InstitutionKey),
    responses(
        (status = 200, description = "The institution with its exam rules", body = institutions::InstitutionOut),
        (status = 401, response = p::Unauthorized),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [])),
)]
async fn get_institution(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| institutions::get(c, &caller, &key))
        .await?)
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
        p::JsonBody,
        (status = 401, response = p::Unauthorized),
        (status = 403, response = p::Forbidden),
        (status = 404, response = p::NotFound),
    ),
    security(("bearer" = []), ("cookie" = [], "csrf" = [])),
)]
async fn update_institution(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(patch): Body<institutions::InstitutionPatch>,
) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| institutions::update(c, &caller, &key, patch))
        .await?)
}
