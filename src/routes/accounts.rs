//! The caller, API tokens, accounts and the audit log.

use actix_web::http::Method;
use actix_web::{web, Route};

use super::{created, no_content, ok, Reply, State};
use crate::accounts;
use crate::auth::Caller;
use crate::extract::Body;
use crate::pagination::PageQuery;

pub fn routes() -> Vec<(Method, &'static str, Route)> {
    vec![
        (Method::GET, "/me", web::get().to(me)),
        (Method::GET, "/tokens", web::get().to(list_tokens)),
        (Method::POST, "/tokens", web::post().to(create_token)),
        (
            Method::DELETE,
            "/tokens/{id}",
            web::delete().to(revoke_token),
        ),
        (Method::GET, "/users", web::get().to(list_users)),
        (Method::POST, "/users", web::post().to(create_user)),
        (Method::GET, "/audit", web::get().to(audit)),
        (Method::GET, "/mail", web::get().to(outbox)),
        (Method::POST, "/mail/{id}/retry", web::post().to(retry_mail)),
    ]
}

async fn me(state: State, caller: Caller) -> Reply {
    ok(state.db.run(move |c| accounts::me(c, &caller)).await?)
}

async fn list_tokens(state: State, caller: Caller) -> Reply {
    ok(state
        .db
        .run(move |c| accounts::api_list_tokens(c, &caller))
        .await?)
}

async fn create_token(
    state: State,
    caller: Caller,
    Body(input): Body<accounts::TokenInput>,
) -> Reply {
    created(
        state
            .db
            .run(move |c| accounts::api_create_token(c, &caller, input))
            .await?,
    )
}

async fn revoke_token(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| accounts::api_revoke_token(c, &caller, &id))
            .await?,
    )
}

async fn list_users(state: State, caller: Caller, page: web::Query<PageQuery>) -> Reply {
    let page = page.into_inner();
    ok(state
        .db
        .run(move |c| accounts::api_list_users(c, &caller, &page))
        .await?)
}

async fn create_user(
    state: State,
    caller: Caller,
    Body(input): Body<accounts::UserInput>,
) -> Reply {
    created(
        state
            .db
            .run(move |c| accounts::api_create_user(c, &caller, input))
            .await?,
    )
}

async fn audit(state: State, caller: Caller, query: web::Query<accounts::AuditQuery>) -> Reply {
    let query = query.into_inner();
    ok(state
        .db
        .run(move |c| accounts::api_audit(c, &caller, &query))
        .await?)
}

async fn outbox(state: State, caller: Caller, q: web::Query<crate::mail::OutboxQuery>) -> Reply {
    let q = q.into_inner();
    ok(state
        .db
        .run(move |c| crate::mail::list(c, &caller, &q))
        .await?)
}

async fn retry_mail(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    let id = path.into_inner();
    no_content(
        state
            .db
            .run(move |c| crate::mail::retry(c, &caller, &id))
            .await?,
    )
}
