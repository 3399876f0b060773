//! Swedish personal identity numbers (personnummer) and co-ordination
//! numbers (samordningsnummer, day + 60), parsed from what people type and
//! stored as 12 digits. Never shown on schedules, lists or in e-mail.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Personnummer(String);

impl Personnummer {
    /// Accepts `YYYYMMDD-NNNN`, `YYYYMMDDNNNN`, `YYMMDD-NNNN`, `YYMMDDNNNN`
    /// and `YYMMDD+NNNN` (the plus marks someone 100 or older). Short forms
    /// get their century from `today`: the most recent past year that fits.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Personnummer, String> {
        let trimmed = input.trim();
        let plus = trimmed.contains('+');
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        let others = trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == '-' || c == '+' || c == ' '));
        if others {
            return Err("use digits, optionally with - or + before the last four".into());
        }
        let full = match digits.len() {
            12 => digits,
            10 => {
                let yy: i32 = digits[0..2].parse().map_err(|_| "bad year".to_string())?;
                let this_year = today.year();
                let mut year = this_year - (this_year % 100) + yy;
                if year > this_year {
                    year -= 100;
                }
                if plus {
                    year -= 100;
                }
                format!("{year:04}{}", &digits[2..])
            }
            _ => return Err("a personnummer has 10 or 12 digits".into()),
        };
        let year: i32 = full[0..4].parse().map_err(|_| "bad year".to_string())?;
        let month: u32 = full[4..6].parse().map_err(|_| "bad month".to_string())?;
        let mut day: u32 = full[6..8].parse().map_err(|_| "bad day".to_string())?;
        if day > 60 {
            // samordningsnummer: the day of birth plus 60
            day -= 60;
        }
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err(format!("{} is not a date of birth", &full[0..8]));
        }
        if !luhn_ok(&full[2..]) {
            return Err("the check digit does not match (Luhn)".into());
        }
        Ok(Personnummer(full))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_coordination_number(&self) -> bool {
        self.0[6..8].parse::<u32>().map(|d| d > 60).unwrap_or(false)
    }
}

/// The Luhn check over the ten digits YYMMDDNNNC.
fn luhn_ok(ten: &str) -> bool {
    let digits: Vec<u32> = ten.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn accepts_the_written_forms() {
        // Skatteverket's test number 19811218-9876.
        for input in [
            "19811218-9876",
            "198112189876",
            "811218-9876",
            "8112189876",
            " 811218 9876 ",
        ] {
            assert_eq!(
                Personnummer::parse(input, today()).unwrap().as_str(),
                "198112189876",
                "{input}"
            );
        }
    }

    #[test]
    fn century_from_context() {
        let p = Personnummer::parse("121212-1212", today()).unwrap();
        assert_eq!(p.as_str(), "201212121212");
        let p = Personnummer::parse("121212+1212", today()).unwrap();
        assert_eq!(p.as_str(), "191212121212");
    }

    #[test]
    fn coordination_numbers_are_accepted() {
        // Day 18 + 60 = 78; check digit recomputed for the new digits.
        let p = Personnummer::parse("198112789873", today()).unwrap();
        assert!(p.is_coordination_number());
    }

    #[test]
    fn refuses_bad_numbers() {
        assert!(Personnummer::parse("19811218-9875", today())
            .unwrap_err()
            .contains("Luhn"));
        assert!(Personnummer::parse("19811318-9876", today())
            .unwrap_err()
            .contains("date"));
        assert!(Personnummer::parse("12345", today()).is_err());
        assert!(Personnummer::parse("19811218/9876", today()).is_err());
    }
}
