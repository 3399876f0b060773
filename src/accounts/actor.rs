//! Who is calling: a `Caller` is a user with their role and tenancy, resolved
//! from an API token or a session (the extractor is `web::auth`).
//!
//! What a caller may do is decided in `policy`; this module only establishes
//! identity.

use diesel::prelude::*;

use crate::accounts::tokens::token_hash;
use crate::db::schema::{api_tokens, user_centres, users};
use crate::db::{self, DbConn};
use crate::domain::{Language, Role};
use crate::error::Error;
use crate::types::{AsText, CentreId, InstitutionId, UserId};

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Centres a centre admin manages or an invigilator works at.
    pub centre_ids: Vec<CentreId>,
    pub institution_id: Option<InstitutionId>,
    /// Set when the caller came with a session cookie.
    pub session_id: Option<String>,
}

/// Recording every use would turn each read into a write; once a minute is
/// enough to tell which tokens are alive.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

pub fn caller_for_token(conn: &mut DbConn, token: &str) -> Result<Caller, Error> {
    let now = db::now();
    let found = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((
            api_tokens::id,
            api_tokens::expires_at,
            api_tokens::last_used_at,
            users::id,
            users::email,
            users::name,
            users::role,
            users::institution_id,
        ))
        .first::<(
            String,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
            UserId,
            String,
            String,
            AsText<Role>,
            Option<InstitutionId>,
        )>(conn)
        .optional()?;
    let Some((token_id, expires_at, last_used_at, user_id, email, name, role, institution_id)) =
        found
    else {
        return Err(Error::Unauthorized);
    };
    if expires_at.is_some_and(|e| e <= now) {
        return Err(Error::Unauthorized);
    }
    if last_used_at.is_none_or(|t| (now - t).num_seconds() >= LAST_USED_RESOLUTION_SECS) {
        db::write_tx(conn, |conn| {
            diesel::update(api_tokens::table.find(&token_id))
                .set(api_tokens::last_used_at.eq(now))
                .execute(conn)
        })?;
    }
    caller_for_user(conn, user_id, email, name, role.0, institution_id)
}

/// A browser session's caller, with what the edge checks besides: the
/// session's CSRF token and the account's stored language.
pub struct SessionCaller {
    pub caller: Caller,
    pub csrf_token: String,
    pub language: Language,
}

/// The caller of a live session cookie, `None` when the session is unknown or
/// expired: the one lookup behind both the API's extractor and the pages'.
pub fn caller_for_session(conn: &mut DbConn, secret: &str) -> Result<Option<SessionCaller>, Error> {
    let Some((session, user)) = crate::accounts::sessions::lookup(conn, secret)? else {
        return Ok(None);
    };
    let mut caller = caller_for_user(
        conn,
        user.id,
        user.email,
        user.name,
        user.role,
        user.institution_id,
    )?;
    caller.session_id = Some(session.id);
    Ok(Some(SessionCaller {
        caller,
        csrf_token: session.csrf_token,
        language: user.language,
    }))
}

pub(crate) fn caller_for_user(
    conn: &mut DbConn,
    user_id: UserId,
    email: String,
    name: String,
    role: Role,
    institution_id: Option<InstitutionId>,
) -> Result<Caller, Error> {
    let centre_ids = user_centres::table
        .filter(user_centres::user_id.eq(&user_id))
        .select(user_centres::centre_id)
        .load(conn)?;
    Ok(Caller {
        user_id,
        email,
        name,
        role,
        centre_ids,
        institution_id,
        session_id: None,
    })
}

/// Who acts: a signed-in user, or the operator at the command line, who has
/// no account and acts as a system administrator. The audit log records the
/// operator as "cli" without a user id.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a Caller),
    Operator,
}

impl<'a> From<&'a Caller> for Actor<'a> {
    fn from(c: &'a Caller) -> Actor<'a> {
        Actor::User(c)
    }
}

impl Actor<'_> {
    /// The readable label the audit log keeps even if the user is deleted.
    pub fn label(&self) -> &str {
        match self {
            Actor::User(c) => &c.email,
            Actor::Operator => "cli",
        }
    }

    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            Actor::User(c) => Some(&c.user_id),
            Actor::Operator => None,
        }
    }
}
