//! API tokens: 256 random bits shown once and stored as their SHA-256,
//! which is enough for a secret that long and keeps the per-request lookup a
//! cheap indexed equality match.

use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::accounts::actor::Caller;
use crate::accounts::audit;
use crate::accounts::policy::{self, Listing, Scope};
use crate::accounts::users::AccountError;
use crate::db::models::ApiToken;
use crate::db::schema::users;
use crate::db::{self, DbConn};
use crate::domain::Email;
use crate::error::Error;
use crate::types::UserId;

/// A new API token: the secret to show once, and the row that stores its hash.
pub struct IssuedToken {
    pub secret: String,
    pub row: ApiToken,
}

pub const TOKEN_PREFIX: &str = "sks_";

pub fn token_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Issues a token that is valid until revoked.
pub fn create_token(
    conn: &mut DbConn,
    user_email: &Email,
    name: &str,
    actor: &str,
) -> Result<IssuedToken, AccountError> {
    issue_token(conn, user_email, name, None, actor)
}

/// Issues a token, valid for `expires_in_days` if given, else until revoked;
/// the expiry is written with the token, in its transaction.
pub fn issue_token(
    conn: &mut DbConn,
    user_email: &Email,
    name: &str,
    expires_in_days: Option<i64>,
    actor: &str,
) -> Result<IssuedToken, AccountError> {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    );
    db::write_tx(conn, |conn| {
        let user_id = users::table
            .filter(users::email.eq(user_email.as_str()))
            .select(users::id)
            .first::<UserId>(conn)
            .optional()?
            .ok_or_else(|| AccountError::UnknownUser(user_email.to_string()))?;
        let created_at = db::now();
        let row = ApiToken {
            id: db::new_id(),
            user_id: user_id.clone(),
            name: name.to_string(),
            token_hash: token_hash(&secret),
            prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
            created_at,
            last_used_at: None,
            expires_at: expires_in_days.map(|days| created_at + chrono::Duration::days(days)),
            revoked_at: None,
        };
        diesel::insert_into(crate::db::schema::api_tokens::table)
            .values(&row)
            .execute(conn)?;
        audit::record(
            conn,
            audit::Entry::new(actor, "token.create")
                .target("api_token", &row.id)
                .detail(serde_json::json!({ "user_id": user_id, "name": name })),
        )?;
        Ok(IssuedToken { secret, row })
    })
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    pub name: String,
    /// Another user's e-mail (system admins only); default: the caller.
    pub user: Option<String>,
    /// Days until the token stops working; none: until revoked.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub user_id: String,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub last_used_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub expires_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub revoked: bool,
    /// Only in the answer to creation: the token itself, shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

fn token_out(t: ApiToken, secret: Option<String>) -> TokenOut {
    use crate::timefmt::utc;
    TokenOut {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        user_id: t.user_id.into(),
        created_at: utc(t.created_at),
        last_used_at: t.last_used_at.map(utc),
        expires_at: t.expires_at.map(utc),
        revoked: t.revoked_at.is_some(),
        token: secret,
    }
}

pub fn api_create_token(
    conn: &mut DbConn,
    caller: &Caller,
    input: TokenInput,
) -> Result<TokenOut, Error> {
    let mut v = crate::validate::Validator::new();
    let name = v.required_text("name", &input.name, 100);
    let email = match &input.user {
        Some(e) => v.email("user", e),
        None => Email::parse(&caller.email).ok(),
    };
    if let Some(d) = input.expires_in_days {
        v.range("expires_in_days", d, 1, 3650);
    }
    v.finish()?;
    let email = email.ok_or_else(|| anyhow::anyhow!("caller e-mail invalid"))?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::IssueToken,
        crate::accounts::policy::Resource::User {
            email: email.as_str(),
        },
    )?;
    let issued = issue_token(conn, &email, &name, input.expires_in_days, &caller.email).map_err(
        |e| match e {
            AccountError::UnknownUser(u) => {
                Error::invalid("user", "exists", format!("no user with e-mail {u}"))
            }
            AccountError::Database(d) => d.into(),
            other => Error::Internal(anyhow::anyhow!("{other}")),
        },
    )?;
    Ok(token_out(issued.row, Some(issued.secret)))
}

pub fn api_list_tokens(conn: &mut DbConn, caller: &Caller) -> Result<Vec<TokenOut>, Error> {
    use crate::db::schema::api_tokens;
    let mut q = api_tokens::table
        .select(ApiToken::as_select())
        .order(api_tokens::id)
        .into_boxed();
    if let Scope::Owner(owner) = policy::scope(caller, Listing::Owned) {
        q = q.filter(api_tokens::user_id.eq(owner));
    }
    Ok(q.load(conn)?
        .into_iter()
        .map(|t| token_out(t, None))
        .collect())
}

pub fn api_revoke_token(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), Error> {
    use crate::db::schema::api_tokens;
    crate::db::write_tx(conn, |conn| {
        let token = api_tokens::table
            .find(id)
            .select(ApiToken::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        crate::accounts::policy::authorize(
            caller,
            crate::accounts::policy::Action::Read,
            crate::accounts::policy::Resource::Owned {
                owner: &token.user_id,
            },
        )?;
        diesel::update(api_tokens::table.find(id))
            .set(api_tokens::revoked_at.eq(Some(db::now())))
            .execute(conn)?;
        audit::record_by(conn, caller, "token.revoke", "api_token", id)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
