//! What a person chooses for themselves: the language of their pages and
//! messages (`users.language`, the same field mail reads).

use diesel::prelude::*;

use crate::accounts::actor::Caller;
use crate::db::schema::users;
use crate::db::DbConn;
use crate::domain::Language;
use crate::error::Error;
use crate::types::ids::UserId;

/// Anyone signed in may choose their own language; nobody else's.
pub fn set_language(conn: &mut DbConn, caller: &Caller, lang: Language) -> Result<(), Error> {
    diesel::update(users::table.find(caller.user_id.as_str()))
        .set((
            users::language.eq(lang.as_str()),
            users::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The language an account chose, `None` for an unknown account.
pub fn language_of(conn: &mut DbConn, user_id: &UserId) -> Result<Option<Language>, Error> {
    let stored: Option<String> = users::table
        .find(user_id.as_str())
        .select(users::language)
        .first(conn)
        .optional()?;
    Ok(stored.and_then(|code| match code.as_str() {
        "sv" => Some(Language::Sv),
        "en" => Some(Language::En),
        _ => None,
    }))
}
