//! What a date, a range and a line of text a centre can mean: the one place
//! that says so, so that every input (query, body, command line) is held to
//! the same rules and nothing downstream does date arithmetic near the ends of
//! chrono's range.
//!
//! * A date is four-digit `YYYY-MM-DD` (two-digit month and day) in the years
//!   [`MIN_YEAR`]..=[`MAX_YEAR`]: `-2027-01-01`, `+2027-01-01`, `2027-1-1` and
//!   `-262143-01-01` are refused rather than read as something nobody meant.
//! * An exam window is at most [`MAX_WINDOW_DAYS`] long, a plan or export
//!   range at most [`MAX_RANGE_DAYS`] days, inclusive, an access card at
//!   most [`MAX_ACCESS_CARD_DAYS`].
//! * A single-line field holds no control character (C0, DEL, C1; CR, LF and
//!   TAB included); a multi-line field allows LF only.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// The first year a centre can mean.
pub const MIN_YEAR: i32 = 2000;
/// The last year a centre can mean.
pub const MAX_YEAR: i32 = 2100;
/// The longest exam window, first to last day: on-demand exams are open for
/// a few weeks at most, and approval searches every start in the window.
pub const MAX_WINDOW_DAYS: i64 = 31;
/// The longest date range one export, calendar or closure covers, days
/// inclusive (a re-plan is held to less, `exams::replan::MAX_DAYS`).
pub const MAX_RANGE_DAYS: i64 = 366;
/// The longest an access card is valid: a study programme, five years.
pub const MAX_ACCESS_CARD_DAYS: i64 = 5 * 366;

/// Why a date string is not a centre's date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("`{input}` is not a date YYYY-MM-DD (four-digit year, two-digit month and day)")]
    Format { input: String },
    #[error("`{input}` is outside the years {MIN_YEAR}–{MAX_YEAR}")]
    OutOfRange { input: String },
}

impl DateError {
    /// Stable machine-readable code for API error bodies.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Format { .. } => "date",
            Self::OutOfRange { .. } => "date_range",
        }
    }
}

/// A date a centre can mean: parsed only by [`CentreDate::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CentreDate(NaiveDate);

impl CentreDate {
    pub fn parse(input: &str) -> Result<CentreDate, DateError> {
        let format = || DateError::Format {
            input: input.to_owned(),
        };
        let b = input.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(format());
        }
        let date = NaiveDate::parse_from_str(input, "%Y-%m-%d").map_err(|_| format())?;
        CentreDate::new(date).ok_or_else(|| DateError::OutOfRange {
            input: input.to_owned(),
        })
    }

    /// `date` if it is in the years a centre can mean.
    pub fn new(date: NaiveDate) -> Option<CentreDate> {
        (MIN_YEAR..=MAX_YEAR)
            .contains(&date.year())
            .then_some(CentreDate(date))
    }

    pub fn get(self) -> NaiveDate {
        self.0
    }
}

impl fmt::Display for CentreDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Days in `from..=to`, 0 when `to` is before `from`.
pub fn days_inclusive(from: NaiveDate, to: NaiveDate) -> i64 {
    ((to - from).num_days() + 1).max(0)
}

/// Why a line of text is refused, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextShape {
    /// Names, titles, codes, reasons shown on one line (and in mail subjects).
    SingleLine,
    /// Notes and instructions: line feeds allowed, nothing else.
    MultiLine,
}

/// The first character `shape` does not allow, if any. Control characters
/// are what `char::is_control` says: C0 (CR, LF, TAB included), DEL and C1.
pub fn forbidden_char(text: &str, shape: TextShape) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !(shape == TextShape::MultiLine && c == '\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_a_centre_can_mean() {
        assert_eq!(
            CentreDate::parse("2027-01-31").map(CentreDate::get),
            Ok(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap())
        );
        assert!(CentreDate::parse("2000-01-01").is_ok());
        assert!(CentreDate::parse("2100-12-31").is_ok());
        for bad in [
            "2027-1-1",
            "-2027-01-01",
            "+2027-01-01",
            "-262143-01-01",
            "20270101",
            "2027-02-30",
            " 2027-01-01",
            "2027-01-01T00:00",
            "٢٠٢٧-01-01",
        ] {
            assert_eq!(
                CentreDate::parse(bad).map_err(|e| e.rule()),
                Err("date"),
                "{bad}"
            );
        }
        for far in ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"] {
            assert_eq!(
                CentreDate::parse(far).map_err(|e| e.rule()),
                Err("date_range"),
                "{far}"
            );
        }
    }

    #[test]
    fn control_characters() {
        let single = TextShape::SingleLine;
        assert_eq!(forbidden_char("Tentamen i matematik", single), None);
        assert_eq!(forbidden_char("Åsa Öberg-Ärlig", single), None);
        assert_eq!(forbidden_char("a\r\nBcc: x@example.se", single), Some('\r'));
        assert_eq!(forbidden_char("a\tb", single), Some('\t'));
        assert_eq!(forbidden_char("a\u{7f}", single), Some('\u{7f}'));
        assert_eq!(forbidden_char("a\u{85}", single), Some('\u{85}'));
        let multi = TextShape::MultiLine;
        assert_eq!(forbidden_char("rad ett\nrad två", multi), None);
        assert_eq!(forbidden_char("rad ett\r\nrad två", multi), Some('\r'));
        assert_eq!(forbidden_char("a\u{0}", multi), Some('\u{0}'));
    }

    #[test]
    fn inclusive_days() {
        let d = |s| CentreDate::parse(s).unwrap().get();
        assert_eq!(days_inclusive(d("2027-01-01"), d("2027-01-01")), 1);
        assert_eq!(days_inclusive(d("2027-01-01"), d("2027-12-31")), 365);
        assert_eq!(days_inclusive(d("2027-01-02"), d("2027-01-01")), 0);
    }
}
