//! The core's closed sets that rows store (roles, languages), as TEXT.
//!
//! The core crate knows nothing of diesel, and the orphan rule forbids
//! implementing diesel's traits for its types here. So a row keeps the core
//! type and reads and writes it through `AsText`:
//! `#[diesel(serialize_as = AsText<Role>, deserialize_as = AsText<Role>)]`,
//! and a query binds `AsText(Role::Student)`.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::{Language, Role};

/// A core enum with one spelling per value, the one the migrations' CHECK
/// constraints allow.
pub trait CoreText: Copy + std::fmt::Debug + 'static {
    /// What a value is, for the error on a stored text outside the set.
    const WHAT: &'static str;
    const ALL: &'static [Self];
    fn text(self) -> &'static str;
}

impl CoreText for Role {
    const WHAT: &'static str = "role";
    const ALL: &'static [Self] = &Role::ALL;
    fn text(self) -> &'static str {
        self.as_str()
    }
}

impl CoreText for Language {
    const WHAT: &'static str = "language";
    const ALL: &'static [Self] = &[Language::Sv, Language::En];
    fn text(self) -> &'static str {
        self.as_str()
    }
}

/// A core value as a TEXT column's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct AsText<T>(pub T);

impl<T: CoreText> AsText<T> {
    pub fn parse(s: &str) -> Result<T, super::UnknownValue> {
        T::ALL
            .iter()
            .copied()
            .find(|v| v.text() == s)
            .ok_or_else(|| super::UnknownValue {
                what: T::WHAT,
                value: s.to_string(),
            })
    }
}

impl<T: CoreText> From<T> for AsText<T> {
    fn from(v: T) -> Self {
        AsText(v)
    }
}

impl From<AsText<Role>> for Role {
    fn from(v: AsText<Role>) -> Self {
        v.0
    }
}

impl From<AsText<Language>> for Language {
    fn from(v: AsText<Language>) -> Self {
        v.0
    }
}

impl<T, DB> ToSql<Text, DB> for AsText<T>
where
    T: CoreText,
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.text().to_sql(out)
    }
}

impl<T, DB> FromSql<Text, DB> for AsText<T>
where
    T: CoreText,
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let raw = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        Ok(AsText(Self::parse(&raw)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_values_keep_their_spellings_and_unknown_ones_are_named() {
        for r in Role::ALL {
            assert_eq!(AsText::<Role>::parse(r.as_str()), Ok(r));
        }
        assert_eq!(AsText::<Language>::parse("en"), Ok(Language::En));
        let err = AsText::<Language>::parse("de").unwrap_err();
        assert_eq!(err.to_string(), "`de` is not a language");
    }
}
