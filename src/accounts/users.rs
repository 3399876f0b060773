//! User accounts: creating them, hashing their passwords, and the account
//! endpoints' operations (who am I, users, the audit log). Passwords are
//! hashed with argon2id (the argon2 crate's default, RFC 9106 parameters).

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use diesel::prelude::*;
use utoipa::{IntoParams, ToSchema};

use crate::accounts::audit;
use crate::db::models::{User, UserCentre};
use crate::db::schema::{centres, institutions, users};
use crate::db::{self, DbConn};
use crate::domain::{Email, Language, Role};
use crate::types::{CentreId, InstitutionId};

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

/// A new, active account row with no password, identity number or
/// institution; callers set what applies.
pub fn user_row(email: &Email, name: &str, role: Role, language: Language) -> User {
    let now = db::now();
    User {
        id: db::new_id(),
        email: email.to_string(),
        name: name.to_string(),
        role,
        institution_id: None,
        password_hash: None,
        personnummer: None,
        protected_identity: false,
        language,
        municipality: None,
        active: true,
        created_at: now,
        updated_at: now,
        last_sign_in_at: None,
    }
}

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
    db::write_tx(conn, |conn| {
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
                    .first::<InstitutionId>(conn)
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
                .first::<CentreId>(conn)
                .optional()?
                .ok_or_else(|| AccountError::UnknownCentre(slug.clone()))?;
            if !centre_ids.contains(&id) {
                centre_ids.push(id);
            }
        }
        let mut user = user_row(&new.email, &new.name, new.role, new.language);
        user.institution_id = institution_id;
        user.password_hash = password_hash;
        diesel::insert_into(users::table)
            .values(user.clone())
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
}

// ------------------------------------------------------------ over the API

use crate::accounts::actor::Caller;
use crate::error::Error;

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MeOut {
    pub id: String,
    pub email: String,
    pub name: String,
    #[schema(value_type = crate::web::openapi::schemas::Role)]
    pub role: Role,
    /// Slugs of the centres the caller works at.
    pub centres: Vec<String>,
    /// The institution's slug, for institution accounts.
    pub institution: Option<String>,
}

pub fn me(conn: &mut DbConn, caller: &Caller) -> Result<MeOut, Error> {
    let centres: Vec<String> = centres::table
        .filter(centres::id.eq_any(&caller.centre_ids))
        .select(centres::slug)
        .order(centres::slug)
        .load(conn)?;
    let institution = match &caller.institution_id {
        Some(id) => institutions::table
            .find(id)
            .select(institutions::slug)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(MeOut {
        id: caller.user_id.to_string(),
        email: caller.email.clone(),
        name: caller.name.clone(),
        role: caller.role,
        centres,
        institution,
    })
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub email: String,
    /// `system_admin`, `centre_admin`, `invigilator`, `institution` or `student`.
    #[schema(example = "centre_admin")]
    pub role: String,
    pub name: Option<String>,
    #[serde(default)]
    pub centres: Vec<String>,
    pub institution: Option<String>,
    /// Optional; at least 10 characters. Never echoed or logged.
    #[schema(format = Password)]
    pub password: Option<String>,
    /// `sv` (default) or `en`.
    pub language: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub language: String,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        UserOut {
            id: u.id.into(),
            email: u.email,
            name: u.name,
            role: u.role.to_string(),
            language: u.language.as_str().to_string(),
            active: u.active,
            created_at: crate::timefmt::utc(u.created_at),
            last_sign_in_at: u.last_sign_in_at.map(crate::timefmt::utc),
        }
    }
}

/// System admins create accounts. The password is never echoed or logged.
pub fn api_create_user(
    conn: &mut DbConn,
    caller: &Caller,
    input: UserInput,
) -> Result<UserOut, Error> {
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ManageUsers,
        crate::accounts::policy::Resource::Service,
    )?;
    let mut v = crate::validate::Validator::new();
    let email = v.email("email", &input.email);
    let role = input
        .role
        .parse::<Role>()
        .map_err(|m| v.error("role", "role", m))
        .ok();
    let language = v.language("language", input.language.as_deref().unwrap_or("sv"));
    if let Some(pw) = &input.password {
        v.check(
            pw.chars().count() >= MIN_PASSWORD_LEN,
            "password",
            "min_length",
            format!("at least {MIN_PASSWORD_LEN} characters"),
        );
    }
    v.finish()?;
    let (Some(email), Some(role), Some(language)) = (email, role, language) else {
        return Err(anyhow::anyhow!("validated fields missing").into());
    };
    let name = input.name.clone().unwrap_or_else(|| {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string()
    });
    let account = NewAccount {
        email,
        role,
        name,
        centres: input.centres,
        institution: input.institution,
        password: input.password,
        language,
    };
    create_user(conn, account, &caller.email)
        .map(UserOut::from)
        .map_err(|e| match e {
            AccountError::EmailTaken(m) => Error::invalid(
                "email",
                "unique",
                format!("a user with e-mail {m} already exists"),
            ),
            AccountError::UnknownCentre(s) => {
                Error::invalid("centres", "exists", format!("no centre with slug `{s}`"))
            }
            AccountError::UnknownInstitution(s) => Error::invalid(
                "institution",
                "exists",
                format!("no institution with slug `{s}`"),
            ),
            AccountError::Invalid(m) => Error::invalid("role", "role_scope", m),
            AccountError::Database(d) => d.into(),
            other => Error::Internal(anyhow::anyhow!("{other}")),
        })
}

pub fn api_list_users(
    conn: &mut DbConn,
    caller: &Caller,
    page: &crate::pagination::PageQuery,
) -> Result<crate::pagination::Page<UserOut>, Error> {
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ManageUsers,
        crate::accounts::policy::Resource::Service,
    )?;
    let limit = page.limit()?;
    let mut q = users::table
        .select(User::as_select())
        .order(users::id)
        .into_boxed();
    if let Some(c) = page.cursor()? {
        q = q.filter(users::id.gt(c));
    }
    let rows = q.limit(limit + 1).load(conn)?;
    Ok(crate::pagination::Page::from_rows(
        rows,
        limit,
        |u| u.id.to_string(),
        UserOut::from,
    ))
}

#[derive(Debug, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size, 1–500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only entries of this action, e.g. `sign_in.failure`.
    pub action: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct AuditOut {
    pub id: String,
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub actor: String,
    pub actor_user_id: Option<String>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    /// Whatever the action records; its shape depends on `action`.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// The audit log, newest first, for system admins.
pub fn api_audit(
    conn: &mut DbConn,
    caller: &Caller,
    query: &AuditQuery,
) -> Result<crate::pagination::Page<AuditOut>, Error> {
    use crate::db::models::AuditEntry;
    use crate::db::schema::audit_log;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::ManageUsers,
        crate::accounts::policy::Resource::Service,
    )?;
    let page = crate::pagination::PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut q = audit_log::table
        .select(AuditEntry::as_select())
        .order(audit_log::id.desc())
        .into_boxed();
    if let Some(c) = page.cursor()? {
        q = q.filter(audit_log::id.lt(c));
    }
    if let Some(a) = &query.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    let rows = q.limit(limit + 1).load(conn)?;
    Ok(crate::pagination::Page::from_rows(
        rows,
        limit,
        |e| e.id.clone(),
        |e| AuditOut {
            id: e.id,
            at: crate::timefmt::utc(e.at),
            actor: e.actor_label,
            actor_user_id: e.actor_user_id.map(String::from),
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            ip: e.ip,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        },
    ))
}
