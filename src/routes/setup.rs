//! Set-up endpoints (API.md "Set-up"): centres, rooms, hours, closures, the
//! calendar, invigilators and availability, access cards, institutions.
//! Each handler parses, calls the area's module in one blocking task, and
//! renders.

use actix_web::http::Method;
use actix_web::{web, Route};

use super::{created, no_content, ok, Reply, State};
use crate::auth::Caller;
use crate::extract::Body;
use crate::pagination::PageQuery;
use crate::{access_cards, centres, institutions, invigilators, rooms};

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

async fn list_centres(state: State, caller: Caller, page: web::Query<PageQuery>) -> Reply {
    let page = page.into_inner();
    ok(state
        .db
        .run(move |c| centres::list(c, &caller, &page))
        .await?)
}

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

async fn get_centre(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::find_visible(c, &caller, &key).map(centres::CentreOut::from))
        .await?)
}

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

async fn get_hours(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::get_hours(c, &caller, &key))
        .await?)
}

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

async fn list_closures(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| centres::list_closures(c, &caller, &key))
        .await?)
}

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

async fn delete_closure(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| centres::delete_closure(c, &caller, &id))
            .await?,
    )
}

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

#[derive(serde::Deserialize)]
struct RoomListQuery {
    #[serde(default)]
    include_inactive: bool,
}

async fn list_rooms(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<RoomListQuery>,
) -> Reply {
    let key = path.into_inner();
    let all = q.include_inactive;
    ok(state
        .db
        .run(move |c| rooms::list(c, &caller, &key, all))
        .await?)
}

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

async fn get_room(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    ok(state.db.run(move |c| rooms::get(c, &caller, &id)).await?)
}

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

async fn list_invigilators(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::list(c, &caller, &key))
        .await?)
}

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

async fn get_invigilator(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| invigilators::get(c, &caller, &id))
        .await?)
}

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

async fn delete_invigilator(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| invigilators::delete(c, &caller, &id))
            .await?,
    )
}

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

async fn list_access_cards(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| access_cards::list(c, &caller, &key))
        .await?)
}

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

async fn list_institutions(state: State, caller: Caller, page: web::Query<PageQuery>) -> Reply {
    let page = page.into_inner();
    ok(state
        .db
        .run(move |c| institutions::list(c, &caller, &page))
        .await?)
}

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

async fn get_institution(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let key = path.into_inner();
    ok(state
        .db
        .run(move |c| institutions::get(c, &caller, &key))
        .await?)
}

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
