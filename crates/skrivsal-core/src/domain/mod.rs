//! Typed domain values, parsed at the edge (HTTP, CLI) so that the rest of the
//! program never handles an unchecked e-mail address, role or slug.

pub mod booking_code;
pub mod bounds;
pub mod personnummer;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A syntactically valid e-mail address, stored lower-cased so that the same
/// person is one account whatever case they type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let trimmed = raw.trim();
        if trimmed.len() > 254 {
            return Err("an e-mail address is at most 254 characters".into());
        }
        let parsed = email_address::EmailAddress::from_str(trimmed)
            .map_err(|e| format!("`{trimmed}` is not an e-mail address: {e}"))?;
        // email_address accepts "a@b"; people's mail needs a domain with a dot.
        if !parsed.domain().contains('.') {
            return Err(format!("`{trimmed}` has no domain like example.se"));
        }
        Ok(Email(parsed.as_str().to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the @, a fallback display name.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Its OpenAPI schema is declared at the service edge (`skrivsal::openapi::schemas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    CentreAdmin,
    Invigilator,
    Institution,
    Student,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SystemAdmin,
        Role::CentreAdmin,
        Role::Invigilator,
        Role::Institution,
        Role::Student,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::CentreAdmin => "centre_admin",
            Role::Invigilator => "invigilator",
            Role::Institution => "institution",
            Role::Student => "student",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a role; use one of {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The languages messages and print-outs come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Sv,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }
}

/// A URL-safe identifier for centres and institutions: lower-case ASCII
/// letters, digits and single hyphens, 2–64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let ok_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !(2..=64).contains(&raw.len()) {
            return Err("a slug is 2 to 64 characters".into());
        }
        if !ok_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(format!(
                "`{raw}` is not a slug: use a-z, 0-9 and single hyphens inside"
            ));
        }
        Ok(Slug(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Anna.Berg@Miun.SE ").unwrap().as_str(),
            "anna.berg@miun.se"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@miun.se",
            "anna@miun",
            "an na@miun.se",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("admin"
            .parse::<Role>()
            .unwrap_err()
            .contains("system_admin"));
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("sundsvall").is_ok());
        assert!(Slug::parse("lc-ostersund-2").is_ok());
        for bad in ["a", "Sundsvall", "-x", "x-", "a--b", "ö-vik", "a b"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
