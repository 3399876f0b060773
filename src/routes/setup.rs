//! Set-up endpoints (API.md "Set-up"): centres, rooms, hours, closures, the
//! calendar, invigilators and availability, access cards, institutions.
//! Each handler parses, calls the area's module in one blocking task, and
//! renders.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Body;
use crate::pagination::PageQuery;
use crate::startup::AppState;
use crate::{access_cards, centres, institutions, invigilators, rooms};

type State = web::Data<AppState>;
type Reply = Result<HttpResponse, ApiError>;

fn ok<T: Serialize>(value: T) -> Reply {
    Ok(HttpResponse::Ok().json(value))
}

fn created<T: Serialize>(value: T) -> Reply {
    Ok(HttpResponse::Created().json(value))
}

fn no_content(_: ()) -> Reply {
    Ok(HttpResponse::NoContent().finish())
}

/// A resource whose unsupported methods answer a 405 problem, not an empty body.
fn res(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> Reply {
    Err(ApiError::MethodNotAllowed)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        res("/centres")
            .route(web::get().to(list_centres))
            .route(web::post().to(create_centre)),
    )
    .service(
        res("/centres/{centre}")
            .route(web::get().to(get_centre))
            .route(web::patch().to(update_centre))
            .route(web::delete().to(delete_centre)),
    )
    .service(
        res("/centres/{centre}/rooms")
            .route(web::get().to(list_rooms))
            .route(web::post().to(create_room)),
    )
    .service(
        res("/centres/{centre}/hours")
            .route(web::get().to(get_hours))
            .route(web::put().to(put_hours)),
    )
    .service(
        res("/centres/{centre}/closures")
            .route(web::get().to(list_closures))
            .route(web::post().to(create_closure)),
    )
    .service(res("/centres/{centre}/calendar").route(web::get().to(calendar)))
    .service(res("/centres/{centre}/calendar/at").route(web::get().to(calendar_at)))
    .service(
        res("/centres/{centre}/invigilators")
            .route(web::get().to(list_invigilators))
            .route(web::post().to(create_invigilator)),
    )
    .service(
        res("/centres/{centre}/access-cards")
            .route(web::get().to(list_access_cards))
            .route(web::post().to(create_access_card)),
    )
    .service(
        res("/rooms/{id}")
            .route(web::get().to(get_room))
            .route(web::patch().to(update_room))
            .route(web::delete().to(delete_room)),
    )
    .service(res("/closures/{id}").route(web::delete().to(delete_closure)))
    .service(
        res("/invigilators/{id}")
            .route(web::get().to(get_invigilator))
            .route(web::patch().to(update_invigilator))
            .route(web::delete().to(delete_invigilator)),
    )
    .service(
        res("/invigilators/{id}/availability")
            .route(web::get().to(get_availability))
            .route(web::put().to(put_availability)),
    )
    .service(res("/access-cards/{id}").route(web::delete().to(revoke_access_card)))
    .service(
        res("/institutions")
            .route(web::get().to(list_institutions))
            .route(web::post().to(create_institution)),
    )
    .service(
        res("/institutions/{institution}")
            .route(web::get().to(get_institution))
            .route(web::patch().to(update_institution)),
    );
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
