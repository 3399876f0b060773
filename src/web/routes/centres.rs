//! Centres, their weekly hours, closures and calendar (API.md "Set-up").

use actix_web::web;

use super::{created, no_content, ok, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::centres::centre as centres;
use crate::centres::{calendar as centre_calendar, closures, hours};
use crate::db::DbConn;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, CentreKey, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        signed_in: list_centres,
        create_centre,
        get_centre,
        update_centre,
        delete_centre,
        get_hours,
        put_hours,
        list_closures,
        create_closure,
        delete_closure,
        calendar,
        calendar_at
    ]
}

#[utoipa::path(
    get,
    path = "/api/v1/centres",
    tag = "centres",
    summary = "Centres the caller may see",
    params(PageQuery),
    responses(
        (status = 200, description = "Staff see their own centres, system admins all, students and institutions the active ones", body = Page<centres::CentreOut>),
        p::QueryErrors,
    ),
)]
async fn list_centres(state: State, caller: Caller, page: Query<PageQuery>) -> Reply {
    run(&state, ok, move |c| centres::list(c, &caller, &page)).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres",
    tag = "centres",
    summary = "Create a centre (system admins)",
    request_body = centres::CentreInput,
    responses(
        (status = 201, description = "The new centre", body = centres::CentreOut),
        p::CreateConflictErrors,
    ),
)]
async fn create_centre(
    state: State,
    caller: Caller,
    Body(input): Body<centres::CentreInput>,
) -> Reply {
    run(&state, created, move |c| centres::create(c, &caller, input)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}",
    tag = "centres",
    summary = "One centre",
    params(CentreKey),
    responses(
        (status = 200, description = "The centre", body = centres::CentreOut),
        p::ItemErrors,
    ),
)]
async fn get_centre(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, ok, move |c| {
        centres::find_visible(c, &caller, &path).map(centres::CentreOut::from)
    })
    .await
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
        p::EditConflictErrors,
    ),
)]
async fn update_centre(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(patch): Body<centres::CentrePatch>,
) -> Reply {
    run(&state, ok, move |c| {
        centres::update(c, &caller, &path, patch)
    })
    .await
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
        p::ActionErrors,
    ),
)]
async fn delete_centre(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let patch = centres::CentrePatch {
        active: Some(false),
        ..Default::default()
    };
    run(&state, no_content, move |c| {
        centres::update(c, &caller, &path, patch).map(drop)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/hours",
    tag = "centres",
    summary = "Weekly opening and access-card hours",
    params(CentreKey),
    responses(
        (status = 200, description = "The hours", body = hours::HoursInput),
        p::ItemErrors,
    ),
)]
async fn get_hours(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, ok, move |c| hours::get_hours(c, &caller, &path)).await
}

#[utoipa::path(
    put,
    path = "/api/v1/centres/{centre}/hours",
    tag = "centres",
    summary = "Replace the weekly hours (centre admins)",
    params(CentreKey),
    request_body = hours::HoursInput,
    responses(
        (status = 200, description = "The hours as stored", body = hours::HoursInput),
        p::EditErrors,
    ),
)]
async fn put_hours(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<hours::HoursInput>,
) -> Reply {
    run(&state, ok, move |c| {
        hours::put_hours(c, &caller, &path, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/closures",
    tag = "centres",
    summary = "A centre's closures",
    params(CentreKey, PageQuery),
    responses(
        (status = 200, description = "The closures", body = Page<closures::ClosureOut>),
        p::ItemQueryErrors,
    ),
)]
async fn list_closures(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Query(page): Query<PageQuery>,
) -> Reply {
    let load = move |c: &mut DbConn| closures::list_closures(c, &caller, &path);
    paged(&state, page, load, |x| x.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/centres/{centre}/closures",
    tag = "centres",
    summary = "Close the centre for a range of days (centre admins)",
    params(CentreKey),
    request_body = closures::ClosureInput,
    responses(
        (status = 201, description = "The new closure", body = closures::ClosureOut),
        p::EditErrors,
    ),
)]
async fn create_closure(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<closures::ClosureInput>,
) -> Reply {
    run(&state, created, move |c| {
        closures::create_closure(c, &caller, &path, input)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/closures/{id}",
    tag = "centres",
    summary = "Remove a closure (centre admins)",
    params(ItemId),
    responses(
        (status = 204, description = "Removed"),
        p::RemoveErrors,
    ),
)]
async fn delete_closure(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        closures::delete_closure(c, &caller, &path)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/calendar",
    tag = "centres",
    summary = "Staffed and access-card hours per day",
    params(CentreKey, centre_calendar::CalendarQuery),
    responses(
        (status = 200, description = "Per day: staffed and access-card spans in local time with offset, or why the centre is closed", body = centre_calendar::CalendarOut),
        p::ItemQueryErrors,
    ),
)]
async fn calendar(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    query: Query<centre_calendar::CalendarQuery>,
) -> Reply {
    run(&state, ok, move |c| {
        centre_calendar::calendar(c, &caller, &path, &query)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/centres/{centre}/calendar/at",
    tag = "centres",
    summary = "Staffed or open to card holders at one instant",
    params(CentreKey, centre_calendar::AtQuery),
    responses(
        (status = 200, description = "The state at that instant", body = centre_calendar::AtOut),
        p::ItemQueryErrors,
    ),
)]
async fn calendar_at(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    query: Query<centre_calendar::AtQuery>,
) -> Reply {
    run(&state, ok, move |c| {
        centre_calendar::at(c, &caller, &path, &query)
    })
    .await
}
