//! Field validation that reports every problem at once, each naming its field
//! and rule, so a form can mark all its mistakes in one round trip.

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use crate::domain::bounds::{self, CentreDate, TextShape};
use crate::domain::{Email, Language, Slug};
use crate::error::{Error, FieldError};

#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, field: &str, rule: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, rule, message));
    }

    pub fn check(&mut self, ok: bool, field: &str, rule: &str, message: impl Into<String>) -> bool {
        if !ok {
            self.error(field, rule, message);
        }
        ok
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// How many errors so far: compare before and after to know whether one
    /// field passed.
    pub fn error_count(&self) -> usize {
        self.errors.len()
    }

    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.errors))
        }
    }

    /// A single-line field (name, title, code, reason): trimmed, not empty,
    /// at most `max` characters, no control character.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.error(field, "required", "must not be empty");
        } else {
            self.text(field, trimmed, max, TextShape::SingleLine);
        }
        trimmed.to_string()
    }

    /// A single-line field that may be empty.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        self.text(field, trimmed, max, TextShape::SingleLine);
        trimmed.to_string()
    }

    /// A multi-line field (notes, instructions): line feeds allowed, no other
    /// control character; CRLF is read as LF.
    pub fn multiline_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let text = value.trim().replace("\r\n", "\n");
        self.text(field, &text, max, TextShape::MultiLine);
        text
    }

    fn text(&mut self, field: &str, value: &str, max: usize, shape: TextShape) {
        if value.chars().count() > max {
            self.error(field, "max_length", format!("at most {max} characters"));
        }
        if let Some(c) = bounds::forbidden_char(value, shape) {
            let allowed = match shape {
                TextShape::SingleLine => "one line of text",
                TextShape::MultiLine => "text whose only control character is a line feed",
            };
            self.error(
                field,
                "control_character",
                format!("must be {allowed}; found U+{:04X}", u32::from(c)),
            );
        }
    }

    pub fn email(&mut self, field: &str, value: &str) -> Option<Email> {
        Email::parse(value)
            .map_err(|m| self.error(field, "email", m))
            .ok()
    }

    pub fn slug(&mut self, field: &str, value: &str) -> Option<Slug> {
        Slug::parse(value)
            .map_err(|m| self.error(field, "slug", m))
            .ok()
    }

    pub fn timezone(&mut self, field: &str, value: &str) -> Option<Tz> {
        value
            .parse::<Tz>()
            .map_err(|_| {
                self.error(
                    field,
                    "timezone",
                    format!("`{value}` is not an IANA time zone such as Europe/Stockholm"),
                )
            })
            .ok()
    }

    pub fn language(&mut self, field: &str, value: &str) -> Option<Language> {
        match value {
            "sv" => Some(Language::Sv),
            "en" => Some(Language::En),
            other => {
                self.error(field, "language", format!("`{other}` is neither sv nor en"));
                None
            }
        }
    }

    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> i32 {
        if value < min || value > max {
            self.error(field, "range", format!("must be between {min} and {max}"));
        }
        value.clamp(min, max) as i32
    }

    pub fn weekday(&mut self, field: &str, value: &str) -> Option<Weekday> {
        parse_weekday(value)
            .map_err(|m| self.error(field, "weekday", m))
            .ok()
    }

    /// A wall-clock time `HH:MM` (seconds allowed but unusual).
    pub fn time(&mut self, field: &str, value: &str) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(value, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
            .map_err(|_| self.error(field, "time", format!("`{value}` is not a time HH:MM")))
            .ok()
    }

    /// A date a centre can mean (`domain::bounds`): `YYYY-MM-DD`, 2000–2100.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        CentreDate::parse(value)
            .map(CentreDate::get)
            .map_err(|e| self.error(field, e.rule(), e.to_string()))
            .ok()
    }

    /// The range `from..=to`, both given, at most `max_days` days inclusive.
    pub fn required_range(
        &mut self,
        from: (&str, &str),
        to: (&str, &str),
        max_days: i64,
    ) -> Option<(NaiveDate, NaiveDate)> {
        // Both are given, so the default start is never used.
        self.date_range(
            (from.0, Some(from.1)),
            (to.0, Some(to.1)),
            NaiveDate::MIN,
            0,
            max_days,
        )
    }

    /// The range `from..=to`, each a date given or its default, at most
    /// `max_days` days inclusive; errors on `to` when they disagree. `None`
    /// when a date is missing or the range is refused.
    pub fn date_range(
        &mut self,
        from: (&str, Option<&str>),
        to: (&str, Option<&str>),
        default_from: NaiveDate,
        default_days: i64,
        max_days: i64,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let a = match from.1 {
            Some(f) => self.date(from.0, f),
            None => Some(default_from),
        };
        let b = match to.1 {
            Some(t) => self.date(to.0, t),
            None => {
                a.and_then(|a| a.checked_add_days(chrono::Days::new(default_days.max(0) as u64)))
            }
        };
        let (a, b) = a.zip(b)?;
        if !self.check(
            a <= b,
            to.0,
            "date_order",
            format!("must not be before {}", from.0),
        ) {
            return None;
        }
        self.check(
            bounds::days_inclusive(a, b) <= max_days,
            to.0,
            "range",
            format!("at most {max_days} days from {} (inclusive)", from.0),
        )
        .then_some((a, b))
    }
}

/// One date from a query, `default` when it is absent.
pub fn query_date(
    field: &str,
    value: Option<&str>,
    default: impl FnOnce() -> NaiveDate,
) -> Result<NaiveDate, Error> {
    match value {
        None => Ok(default()),
        Some(d) => CentreDate::parse(d)
            .map(CentreDate::get)
            .map_err(|e| Error::invalid(field, e.rule(), e.to_string())),
    }
}

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn parse_weekday(value: &str) -> Result<Weekday, String> {
    let lower = value.to_ascii_lowercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == lower)
        .map(|i| weekday_from_index(i as i32))
        .ok_or_else(|| {
            format!(
                "`{value}` is not a weekday: use one of {}",
                WEEKDAYS.join(", ")
            )
        })
}

/// 0 = Monday … 6 = Sunday, as stored in the database.
pub fn weekday_from_index(i: i32) -> Weekday {
    match i.rem_euclid(7) {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAYS[w.num_days_from_monday() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut v = Validator::new();
        v.email("email", "nope");
        v.timezone("timezone", "Mars/Olympus");
        v.time("opens", "25:00");
        v.weekday("weekday", "funday");
        let Err(Error::Invalid(errors)) = v.finish() else {
            panic!("expected errors")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "timezone", "opens", "weekday"]);
    }

    #[test]
    fn weekdays_round_trip() {
        for (i, name) in WEEKDAYS.iter().enumerate() {
            let w = parse_weekday(name).unwrap();
            assert_eq!(w.num_days_from_monday() as usize, i);
            assert_eq!(weekday_name(weekday_from_index(i as i32)), *name);
        }
        assert!(parse_weekday("MON").is_ok());
    }
}
