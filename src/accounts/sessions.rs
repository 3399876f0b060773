//! Browser sign-in: passwords for staff and institutions, one-time e-mailed
//! links for students, password resets, sessions and sign-out.
//!
//! Secrets (session cookies, link tokens) are 256 random bits; only their
//! SHA-256 is stored. Answers never reveal whether an address has an account.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use base64::Engine;
use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;

use crate::accounts::audit;
use crate::accounts::tokens::token_hash;
use crate::accounts::users::{hash_password, MIN_PASSWORD_LEN};
use crate::app::config::Settings;
use crate::db::models::{LoginToken, Session, User};
use crate::db::schema::{login_tokens, sessions, users};
use crate::db::{self, DbConn};
use crate::domain::{Email, Role};
use crate::error::Error;

pub const COOKIE: &str = "skrivsal_session";

pub fn random_secret() -> String {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// Where a request came from, for the session record and the audit log.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A new session: the cookie secret (shown once) and the CSRF token.
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub user: User,
    pub expires_at: chrono::NaiveDateTime,
}

fn create_session(
    conn: &mut DbConn,
    user: &User,
    settings: &Settings,
    client: &Client,
) -> QueryResult<NewSession> {
    let secret = random_secret();
    let csrf_token = random_secret();
    let now = db::now();
    let expires_at = now + Duration::hours(settings.auth.session_hours as i64);
    diesel::insert_into(sessions::table)
        .values(&Session {
            id: db::new_id(),
            user_id: user.id.clone(),
            token_hash: token_hash(&secret),
            csrf_token: csrf_token.clone(),
            created_at: now,
            expires_at,
            last_seen_at: now,
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        })
        .execute(conn)?;
    diesel::update(users::table.find(&user.id))
        .set(users::last_sign_in_at.eq(Some(now)))
        .execute(conn)?;
    Ok(NewSession {
        secret,
        csrf_token,
        user: user.clone(),
        expires_at,
    })
}

/// A fixed hash verified when the account does not exist, so that a wrong
/// address takes as long as a wrong password and reveals nothing.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

/// Whether a stored hash was made with other parameters than today's
/// defaults, in which case it is replaced after a successful sign-in.
fn needs_rehash(stored: &PasswordHash<'_>) -> bool {
    let current = argon2::Params::default();
    let Ok(params) = argon2::Params::try_from(stored) else {
        return true;
    };
    stored.algorithm.as_str() != "argon2id"
        || params.m_cost() != current.m_cost()
        || params.t_cost() != current.t_cost()
        || params.p_cost() != current.p_cost()
}

pub fn sign_in_with_password(
    conn: &mut DbConn,
    settings: &Settings,
    email: &str,
    password: &str,
    client: &Client,
) -> Result<NewSession, Error> {
    let email = Email::parse(email).map_err(|m| Error::invalid("email", "email", m))?;
    let user = users::table
        .filter(users::email.eq(email.as_str()))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let hash_text = stored.as_deref().unwrap_or_else(|| dummy_hash());
    let verified = PasswordHash::new(hash_text)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    let (Some(user), true, Some(stored)) = (user, verified, stored) else {
        db::write_tx(conn, |conn| {
            audit::record(
                conn,
                audit::Entry::new(email.as_str(), "sign_in.failure")
                    .ip(client.ip.clone())
                    .detail(serde_json::json!({ "method": "password" })),
            )
        })?;
        return Err(Error::Unauthorized);
    };
    let rehash = PasswordHash::new(&stored)
        .map(|h| needs_rehash(&h))
        .unwrap_or(true);
    let new_hash = if rehash {
        Some(hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?)
    } else {
        None
    };
    db::write_tx(conn, |conn| {
        if let Some(h) = new_hash {
            diesel::update(users::table.find(&user.id))
                .set(users::password_hash.eq(Some(h)))
                .execute(conn)?;
        }
        let session = create_session(conn, &user, settings, client)?;
        audit::record(
            conn,
            audit::Entry::new(&user.email, "sign_in.success")
                .by_user(&user.id)
                .ip(client.ip.clone())
                .detail(serde_json::json!({ "method": "password" })),
        )?;
        Ok(session)
    })
}

pub fn sign_out(conn: &mut DbConn, session_secret: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(session_secret))))
            .execute(conn)
    })?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    SignIn,
    PasswordReset,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::SignIn => "sign_in",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }
}

/// Queues a one-time link for the address if it belongs to an account that
/// may use it (students sign in by link; password resets for accounts with a
/// password). Always succeeds for a well-formed address, so that the answer
/// does not tell whether the account exists.
pub fn request_link(
    conn: &mut DbConn,
    settings: &Settings,
    email: &str,
    purpose: LinkPurpose,
) -> Result<(), Error> {
    let email = Email::parse(email).map_err(|m| Error::invalid("email", "email", m))?;
    db::write_tx(conn, |conn| {
        let user = users::table
            .filter(users::email.eq(email.as_str()))
            .filter(users::active.eq(true))
            .select(User::as_select())
            .first(conn)
            .optional()?;
        let Some(user) = user else { return Ok(()) };
        let eligible = match purpose {
            LinkPurpose::SignIn => user.role == Role::Student,
            LinkPurpose::PasswordReset => user.role != Role::Student,
        };
        if !eligible {
            return Ok(());
        }
        let secret = random_secret();
        let now = db::now();
        let minutes = match purpose {
            LinkPurpose::SignIn => settings.auth.link_minutes,
            LinkPurpose::PasswordReset => settings.auth.reset_minutes,
        };
        diesel::insert_into(login_tokens::table)
            .values(&LoginToken {
                id: db::new_id(),
                user_id: user.id.clone(),
                purpose: purpose.as_str().into(),
                token_hash: token_hash(&secret),
                created_at: now,
                expires_at: now + Duration::minutes(minutes as i64),
                used_at: None,
            })
            .execute(conn)?;
        let base = settings.server.public_url.as_str().trim_end_matches('/');
        let (kind, link) = match purpose {
            LinkPurpose::SignIn => ("sign_in_link", format!("{base}/auth/link?token={secret}")),
            LinkPurpose::PasswordReset => (
                "password_reset",
                format!("{base}/auth/password-reset?token={secret}"),
            ),
        };
        crate::mail::notify::queue(
            conn,
            settings
                .server
                .public_url
                .host_str()
                .unwrap_or("skrivsal.localhost"),
            kind,
            crate::mail::notify::Recipient {
                address: &user.email,
                name: &user.name,
                language: user.language,
            },
            minijinja::context! { name => &user.name, minutes => minutes, link => &link },
            Some(("user", &user.id)),
            None,
        )?;
        Ok(())
    })
}

/// Marks a link used and returns its user, if it is valid for `purpose`.
fn consume(conn: &mut DbConn, secret: &str, purpose: LinkPurpose) -> Result<User, Error> {
    let now = db::now();
    let token = login_tokens::table
        .filter(login_tokens::token_hash.eq(token_hash(secret)))
        .filter(login_tokens::purpose.eq(purpose.as_str()))
        .select(LoginToken::as_select())
        .first(conn)
        .optional()?;
    let invalid = || {
        Error::invalid(
            "token",
            "link",
            "this link is invalid, used or expired; ask for a new one",
        )
    };
    let Some(token) = token else {
        return Err(invalid());
    };
    if token.used_at.is_some() || token.expires_at <= now {
        return Err(invalid());
    }
    // The update's condition makes "single use" hold even when the link is
    // opened twice at the same moment: only one update finds it unused.
    let updated = diesel::update(
        login_tokens::table
            .filter(login_tokens::id.eq(&token.id))
            .filter(login_tokens::used_at.is_null()),
    )
    .set(login_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    if updated != 1 {
        return Err(invalid());
    }
    users::table
        .find(&token.user_id)
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(invalid)
}

pub fn sign_in_with_link(
    conn: &mut DbConn,
    settings: &Settings,
    secret: &str,
    client: &Client,
) -> Result<NewSession, Error> {
    db::write_tx(conn, |conn| {
        let user = consume(conn, secret, LinkPurpose::SignIn)?;
        let session = create_session(conn, &user, settings, client)?;
        audit::record(
            conn,
            audit::Entry::new(&user.email, "sign_in.success")
                .by_user(&user.id)
                .ip(client.ip.clone())
                .detail(serde_json::json!({ "method": "link" })),
        )?;
        Ok(session)
    })
}

/// Sets a new password from a reset link and ends the user's other sessions.
pub fn reset_password(
    conn: &mut DbConn,
    secret: &str,
    password: &str,
    client: &Client,
) -> Result<(), Error> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::invalid(
            "password",
            "min_length",
            format!("at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    let hash = hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    db::write_tx(conn, |conn| {
        let user = consume(conn, secret, LinkPurpose::PasswordReset)?;
        diesel::update(users::table.find(&user.id))
            .set((
                users::password_hash.eq(Some(hash)),
                users::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(&user.id))).execute(conn)?;
        audit::record(
            conn,
            audit::Entry::new(&user.email, "password.reset")
                .by_user(&user.id)
                .ip(client.ip.clone()),
        )?;
        Ok(())
    })
}

/// The session behind a cookie, if it is valid: (session, user).
pub fn lookup(conn: &mut DbConn, secret: &str) -> QueryResult<Option<(Session, User)>> {
    let now = db::now();
    let found = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash(secret)))
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select((Session::as_select(), User::as_select()))
        .first::<(Session, User)>(conn)
        .optional()?;
    if let Some((s, _)) = &found {
        if (now - s.last_seen_at).num_seconds() >= 60 {
            db::write_tx(conn, |conn| {
                diesel::update(sessions::table.find(&s.id))
                    .set(sessions::last_seen_at.eq(now))
                    .execute(conn)
            })?;
        }
    }
    Ok(found)
}
