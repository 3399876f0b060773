//! A centre's time zone, parsed once when the row is read.

use chrono_tz::Tz;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// `centres.timezone`: an IANA name. Input validation only lets known names
/// in, so an unknown stored one is a hand-edited row; reading it fails with
/// the name rather than quietly showing Swedish time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Zone(pub Tz);

impl Zone {
    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone(tz)
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Zone {
    type Err = super::UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Zone).map_err(|_| super::UnknownValue {
            what: "known time zone (centres.timezone)",
            value: s.to_string(),
        })
    }
}

impl<DB> ToSql<Text, DB> for Zone
where
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.name().to_sql(out)
    }
}

impl<DB> FromSql<Text, DB> for Zone
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let raw = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        Ok(raw.parse()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_zone_names_the_value() {
        let err = "Mars/Olympus".parse::<Zone>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`Mars/Olympus` is not a known time zone (centres.timezone)"
        );
        assert_eq!(
            "Europe/Stockholm".parse::<Zone>().unwrap().tz(),
            chrono_tz::Europe::Stockholm
        );
    }
}
