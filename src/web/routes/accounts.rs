//! The caller, API tokens, accounts and the audit log.

use actix_web::web;

use super::{created, no_content, ok, paged, run, Endpoint, Reply, State};
use crate::accounts::actor::Caller;
use crate::accounts::tokens;
use crate::accounts::users as accounts;
use crate::db::DbConn;
use crate::pagination::{Page, PageQuery};
use crate::web::extract::{Body, Query};
use crate::web::openapi::{problems as p, ItemId};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    endpoints![
        signed_in: me,
        list_tokens,
        create_token,
        revoke_token,
        list_users,
        create_user,
        audit,
        outbox,
        retry_mail
    ]
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    summary = "Who am I",
    responses(
        (status = 200, description = "The caller: role, centres, institution", body = accounts::MeOut),
    ),
)]
async fn me(state: State, caller: Caller) -> Reply {
    run(&state, ok, move |c| accounts::me(c, &caller)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/tokens",
    tag = "accounts",
    summary = "API tokens",
    params(PageQuery),
    responses(
        (status = 200, description = "The caller's tokens (a system admin's: everyone's), without their secrets", body = Page<tokens::TokenOut>),
        p::QueryErrors,
    ),
)]
async fn list_tokens(state: State, caller: Caller, Query(page): Query<PageQuery>) -> Reply {
    let load = move |c: &mut DbConn| tokens::api_list_tokens(c, &caller);
    paged(&state, page, load, |t| t.id.clone()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/tokens",
    tag = "accounts",
    summary = "Create an API token",
    description = "Another user's token (`user`) is for system admins only.",
    request_body = tokens::TokenInput,
    responses(
        (status = 201, description = "The token, with its secret in `token`: shown this once, stored only as its SHA-256", body = tokens::TokenOut),
        p::CreateErrors,
    ),
)]
async fn create_token(
    state: State,
    caller: Caller,
    Body(input): Body<tokens::TokenInput>,
) -> Reply {
    run(&state, created, move |c| {
        tokens::api_create_token(c, &caller, input)
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/api/v1/tokens/{id}",
    tag = "accounts",
    summary = "Revoke an API token",
    description = "Another user's token is for system admins only; to anyone else it does not exist (404).",
    params(ItemId),
    responses(
        (status = 204, description = "Revoked"),
        p::ItemErrors,
    ),
)]
async fn revoke_token(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        tokens::api_revoke_token(c, &caller, &path)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "accounts",
    summary = "Accounts (system admins)",
    params(PageQuery),
    responses(
        (status = 200, description = "The accounts", body = Page<accounts::UserOut>),
        p::AdminListErrors,
    ),
)]
async fn list_users(state: State, caller: Caller, page: Query<PageQuery>) -> Reply {
    run(&state, ok, move |c| {
        accounts::api_list_users(c, &caller, &page)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "accounts",
    summary = "Create an account (system admins)",
    request_body = accounts::UserInput,
    responses(
        (status = 201, description = "The new account; the password is never echoed", body = accounts::UserOut),
        p::CreateConflictErrors,
    ),
)]
async fn create_user(
    state: State,
    caller: Caller,
    Body(input): Body<accounts::UserInput>,
) -> Reply {
    run(&state, created, move |c| {
        accounts::api_create_user(c, &caller, input)
    })
    .await
}

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "accounts",
    summary = "The audit log, newest first (system admins)",
    params(accounts::AuditQuery),
    responses(
        (status = 200, description = "The entries", body = Page<accounts::AuditOut>),
        p::AdminListErrors,
    ),
)]
async fn audit(state: State, caller: Caller, query: Query<accounts::AuditQuery>) -> Reply {
    run(&state, ok, move |c| accounts::api_audit(c, &caller, &query)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/mail",
    tag = "accounts",
    summary = "The mail outbox (system admins)",
    description = "Messages waiting, being sent, sent or failed; `status=failed` lists what needs attention.",
    params(crate::mail::OutboxQuery),
    responses(
        (status = 200, description = "The messages", body = Page<crate::mail::OutboxOut>),
        p::AdminListErrors,
    ),
)]
async fn outbox(state: State, caller: Caller, q: Query<crate::mail::OutboxQuery>) -> Reply {
    run(&state, ok, move |c| crate::mail::list(c, &caller, &q)).await
}

#[utoipa::path(
    post,
    path = "/api/v1/mail/{id}/retry",
    tag = "accounts",
    summary = "Send a failed message again (system admins)",
    description = "Puts the message back in line, due now, with a fresh set of attempts. Only failed messages: others answer 409.",
    params(ItemId),
    responses(
        (status = 204, description = "Back in line"),
        p::ActionErrors,
    ),
)]
async fn retry_mail(state: State, caller: Caller, path: web::Path<String>) -> Reply {
    run(&state, no_content, move |c| {
        crate::mail::retry(c, &caller, &path)
    })
    .await
}
