//! Exam requests, sittings, study places, own bookings and the day schedule
//! (API.md "Exams", "Study places", "Schedules").

use actix_web::http::Method;
use actix_web::{web, Route};

use super::{created, no_content, ok, Reply, State};
use crate::auth::Caller;
use crate::extract::Body;
use crate::sittings::{self, Transition};
use crate::{exams, study};

pub fn routes() -> Vec<(Method, &'static str, Route)> {
    vec![
        (Method::POST, "/exam-requests", web::post().to(submit)),
        (Method::GET, "/exam-requests", web::get().to(list)),
        (Method::GET, "/exam-requests/{id}", web::get().to(get)),
        (
            Method::POST,
            "/exam-requests/{id}/approve",
            web::post().to(approve),
        ),
        (
            Method::POST,
            "/exam-requests/{id}/reject",
            web::post().to(reject),
        ),
        (
            Method::POST,
            "/exam-requests/{id}/cancel",
            web::post().to(cancel),
        ),
        (Method::POST, "/exam-sittings", web::post().to(register)),
        (
            Method::POST,
            "/exam-sittings/{id}/approve",
            web::post().to(approve_sitting),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/check-in",
            web::post().to(check_in),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/complete",
            web::post().to(complete),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/no-show",
            web::post().to(no_show),
        ),
        (
            Method::POST,
            "/exam-sittings/{id}/cancel",
            web::post().to(cancel_sitting),
        ),
        (
            Method::GET,
            "/centres/{centre}/availability",
            web::get().to(availability),
        ),
        (Method::POST, "/study-bookings", web::post().to(book)),
        (
            Method::DELETE,
            "/study-bookings/{id}",
            web::delete().to(cancel_booking),
        ),
        (Method::GET, "/me/bookings", web::get().to(my_bookings)),
        (
            Method::GET,
            "/centres/{centre}/schedule",
            web::get().to(schedule),
        ),
    ]
}

fn host(state: &State) -> String {
    state
        .settings
        .server
        .public_url
        .host_str()
        .unwrap_or("skrivsal.localhost")
        .to_string()
}

async fn submit(state: State, caller: Caller, Body(input): Body<exams::ExamRequestInput>) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| exams::submit(c, &caller, &host, input))
            .await?,
    )
}

async fn list(state: State, caller: Caller, q: web::Query<exams::ListQuery>) -> Reply {
    let q = q.into_inner();
    ok(state.db.run(move |c| exams::list(c, &caller, &q)).await?)
}

async fn get(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    ok(state
        .db
        .run(move |c| exams::load_out(c, &caller, &id))
        .await?)
}

async fn approve(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| sittings::approve(c, &caller, &host, &id))
        .await?)
}

async fn reject(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    Body(input): Body<exams::ReasonInput>,
) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| exams::reject(c, &caller, &host, &id, input))
        .await?)
}

async fn cancel(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| exams::cancel(c, &caller, &host, &id))
        .await?)
}

async fn register(
    state: State,
    caller: Caller,
    Body(input): Body<sittings::RegisterInput>,
) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| sittings::register(c, &caller, &host, input))
            .await?,
    )
}

async fn approve_sitting(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    ok(state
        .db
        .run(move |c| sittings::approve_sitting(c, &caller, &host, &id))
        .await?)
}

async fn transition(state: State, caller: Caller, id: String, t: Transition) -> Reply {
    let host = host(&state);
    ok(state
        .db
        .run(move |c| sittings::transition(c, &caller, &host, &id, t))
        .await?)
}

async fn check_in(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::CheckIn).await
}

async fn complete(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::Complete).await
}

async fn no_show(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::NoShow).await
}

async fn cancel_sitting(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    transition(state, caller, path.into_inner(), Transition::Cancel).await
}

async fn availability(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<study::DateQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    ok(state
        .db
        .run(move |c| study::availability(c, &caller, &key, &q))
        .await?)
}

async fn book(state: State, caller: Caller, Body(input): Body<study::StudyInput>) -> Reply {
    let host = host(&state);
    created(
        state
            .db
            .run(move |c| study::book(c, &caller, &host, input))
            .await?,
    )
}

async fn cancel_booking(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let (id, host) = (path.into_inner(), host(&state));
    no_content(
        state
            .db
            .run(move |c| study::cancel(c, &caller, &host, &id))
            .await?,
    )
}

async fn my_bookings(state: State, caller: Caller) -> Reply {
    ok(state.db.run(move |c| study::mine(c, &caller)).await?)
}

async fn schedule(
    state: State,
    caller: Caller,
    path: web::Path<String>,
    q: web::Query<study::DateQuery>,
) -> Reply {
    let (key, q) = (path.into_inner(), q.into_inner());
    ok(state
        .db
        .run(move |c| study::schedule(c, &caller, &key, &q))
        .await?)
}
