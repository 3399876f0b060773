//! What a person chooses for themselves: the language of their pages and
//! messages (`users.language`, the same field mail reads).

use diesel::prelude::*;

use crate::accounts::actor::Caller;
use crate::db::schema::users;
use crate::db::DbConn;
use crate::domain::Language;
use crate::error::Error;
use crate::types::AsText;

/// Anyone signed in may choose their own language; nobody else's.
pub fn set_language(conn: &mut DbConn, caller: &Caller, lang: Language) -> Result<(), Error> {
    diesel::update(users::table.find(&caller.user_id))
        .set((
            users::language.eq(AsText(lang)),
            users::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}
