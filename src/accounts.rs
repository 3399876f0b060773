//! Accounts and API tokens: creating them, hashing their secrets.
//!
//! Passwords are hashed with argon2id (the argon2 crate's default, RFC 9106
//! parameters); API tokens are 256 random bits shown once and stored as their
//! SHA-256, which is enough for a secret that long and keeps the per-request
//! lookup a cheap indexed equality match.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::audit;
use crate::db::models::{ApiToken, User, UserCentre};
use crate::db::schema::{centres, institutions, users};
use crate::db::{self, DbConn};
use crate::domain::{Email, Language, Role};

/// Everything `user create` needs, already parsed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub role: Role,
    pub name: String,
    pub centres: Vec<String>,
    pub institution: Option<String>,
    pub password: Option<String>,
    pub language: Language,
}

pub const MIN_PASSWORD_LEN: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a user with e-mail {0} already exists")]
    EmailTaken(String),
    #[error("no centre with slug `{0}`")]
    UnknownCentre(String),
    #[error("no institution with slug `{0}`")]
    UnknownInstitution(String),
    #[error("{0}")]
    Invalid(String),
    #[error("no user with e-mail {0}")]
    UnknownUser(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("hashing the password: {0}")]
    Hash(String),
}

pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Checks the combination of role, centres and institution, then creates the
/// user and their centre memberships in one transaction.
pub fn create_user(conn: &mut DbConn, new: NewAccount, actor: &str) -> Result<User, AccountError> {
    match new.role {
        Role::CentreAdmin | Role::Invigilator if new.centres.is_empty() => {
            return Err(AccountError::Invalid(format!(
                "a {} needs at least one --centre",
                new.role
            )))
        }
        Role::Institution if new.institution.is_none() => {
            return Err(AccountError::Invalid(
                "an institution user needs --institution".into(),
            ))
        }
        Role::SystemAdmin | Role::Student | Role::Institution if !new.centres.is_empty() => {
            return Err(AccountError::Invalid(format!(
                "a {} is not tied to centres; leave out --centre",
                new.role
            )))
        }
        r if r != Role::Institution && new.institution.is_some() => {
            return Err(AccountError::Invalid(format!(
                "only institution users belong to an institution, not a {r}"
            )))
        }
        _ => {}
    }
    if let Some(pw) = &new.password {
        if pw.chars().count() < MIN_PASSWORD_LEN {
            return Err(AccountError::Invalid(format!(
                "the password must be at least {MIN_PASSWORD_LEN} characters"
            )));
        }
    }
    let password_hash = new.password.as_deref().map(hash_password).transpose()?;
    conn.transaction(|conn| {
        let taken: i64 = users::table
            .filter(users::email.eq(new.email.as_str()))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(AccountError::EmailTaken(new.email.to_string()));
        }
        let institution_id = match &new.institution {
            Some(slug) => Some(
                institutions::table
                    .filter(institutions::slug.eq(slug))
                    .select(institutions::id)
                    .first::<String>(conn)
                    .optional()?
                    .ok_or_else(|| AccountError::UnknownInstitution(slug.clone()))?,
            ),
            None => None,
        };
        let mut centre_ids = Vec::new();
        for slug in &new.centres {
            let id = centres::table
                .filter(centres::slug.eq(slug))
                .select(centres::id)
                .first::<String>(conn)
                .optional()?
                .ok_or_else(|| AccountError::UnknownCentre(slug.clone()))?;
            if !centre_ids.contains(&id) {
                centre_ids.push(id);
            }
        }
        let now = db::now();
        let user = User {
            id: db::new_id(),
            email: new.email.to_string(),
            name: new.name.clone(),
            role: new.role.as_str().to_string(),
            institution_id,
            password_hash,
            personnummer: None,
            protected_identity: false,
            language: new.language.as_str().to_string(),
            municipality: None,
            active: true,
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)?;
        for centre_id in centre_ids {
            diesel::insert_into(crate::db::schema::user_centres::table)
                .values(&UserCentre {
                    user_id: user.id.clone(),
                    centre_id,
                })
                .execute(conn)?;
        }
        audit::record(
            conn,
            audit::Entry::new(actor, "user.create")
                .target("user", &user.id)
                .detail(serde_json::json!({ "email": user.email, "role": user.role })),
        )?;
        Ok(user)
    })
}

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

pub fn create_token(
    conn: &mut DbConn,
    user_email: &Email,
    name: &str,
    actor: &str,
) -> Result<IssuedToken, AccountError> {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    );
    conn.transaction(|conn| {
        let user_id = users::table
            .filter(users::email.eq(user_email.as_str()))
            .select(users::id)
            .first::<String>(conn)
            .optional()?
            .ok_or_else(|| AccountError::UnknownUser(user_email.to_string()))?;
        let row = ApiToken {
            id: db::new_id(),
            user_id: user_id.clone(),
            name: name.to_string(),
            token_hash: token_hash(&secret),
            prefix: secret.chars().take(TOKEN_PREFIX.len() + 6).collect(),
            created_at: db::now(),
            last_used_at: None,
            expires_at: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_are_argon2id_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
