//! Dates and times as people read them on a page: `tis 9 dec`, `13:00–16:00`,
//! in the centre's zone. Pure, so the clock change can be pinned in tests.
//!
//! The names are locale data (as CLDR's), not sentences, so they live here
//! rather than in the pages' catalogues.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::domain::Language;

fn weekday(lang: Language, d: Weekday) -> &'static str {
    let i = d.num_days_from_monday() as usize;
    match lang {
        Language::Sv => ["mån", "tis", "ons", "tors", "fre", "lör", "sön"][i],
        Language::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

fn month(lang: Language, m: u32) -> &'static str {
    let i = (m.clamp(1, 12) - 1) as usize;
    match lang {
        Language::Sv => [
            "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
        ][i],
        Language::En => [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ][i],
    }
}

/// `tis 9 dec` (Swedish) or `Tue 9 Dec` (English).
pub fn day(lang: Language, date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        weekday(lang, date.weekday()),
        date.day(),
        month(lang, date.month())
    )
}

/// `tis 9 dec 2026`: for dates that may be in another year.
pub fn day_with_year(lang: Language, date: NaiveDate) -> String {
    format!("{} {}", day(lang, date), date.year())
}

/// `13:00`: the instant's wall-clock time in `tz`, 24-hour in both languages.
pub fn time(instant: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&instant.naive_utc())
        .format("%H:%M")
        .to_string()
}

/// `13:00–16:00` (an en dash, no spaces, as Swedish typography has it).
pub fn span(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    format!("{}–{}", time(start, tz), time(end, tz))
}

/// `tis 9 dec 13:00–16:00`; a span over midnight names its end's day too.
pub fn day_and_span(lang: Language, start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    if s.date_naive() == e.date_naive() {
        format!("{} {}", day(lang, s.date_naive()), span(start, end, tz))
    } else {
        format!(
            "{} {}–{} {}",
            day(lang, s.date_naive()),
            time(start, tz),
            day(lang, e.date_naive()),
            time(end, tz)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn days_read_as_swedes_and_english_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert_eq!(day(Language::Sv, d), "tis 8 dec");
        assert_eq!(day(Language::En, d), "Tue 8 Dec");
        let midsummer = NaiveDate::from_ymd_opt(2026, 6, 19).unwrap();
        assert_eq!(day(Language::Sv, midsummer), "fre 19 jun");
        assert_eq!(day_with_year(Language::Sv, midsummer), "fre 19 jun 2026");
        let may = NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        assert_eq!(day(Language::Sv, may), "mån 4 maj");
    }

    #[test]
    fn spans_are_local_on_both_sides_of_the_clock_change() {
        // Winter (UTC+1): 12:00Z is 13:00.
        assert_eq!(
            span(
                utc("2026-12-08T12:00:00Z"),
                utc("2026-12-08T15:00:00Z"),
                Stockholm
            ),
            "13:00–16:00"
        );
        // Summer (UTC+2): 11:00Z is 13:00.
        assert_eq!(
            span(
                utc("2026-06-09T11:00:00Z"),
                utc("2026-06-09T14:00:00Z"),
                Stockholm
            ),
            "13:00–16:00"
        );
        // Sunday 29 March 2026, 02:00 becomes 03:00: 00:30Z is 01:30, 01:30Z is 03:30.
        assert_eq!(
            span(
                utc("2026-03-29T00:30:00Z"),
                utc("2026-03-29T01:30:00Z"),
                Stockholm
            ),
            "01:30–03:30"
        );
        // Sunday 25 October 2026, 03:00 becomes 02:00: the same wall-clock
        // hour twice, told apart only by the offset.
        assert_eq!(time(utc("2026-10-25T00:30:00Z"), Stockholm), "02:30");
        assert_eq!(time(utc("2026-10-25T01:30:00Z"), Stockholm), "02:30");
    }

    #[test]
    fn a_span_names_its_day_and_the_end_day_when_it_crosses_midnight() {
        assert_eq!(
            day_and_span(
                Language::Sv,
                utc("2026-12-08T08:00:00Z"),
                utc("2026-12-08T12:00:00Z"),
                Stockholm
            ),
            "tis 8 dec 09:00–13:00"
        );
        assert_eq!(
            day_and_span(
                Language::En,
                utc("2026-12-08T22:00:00Z"),
                utc("2026-12-09T01:00:00Z"),
                Stockholm
            ),
            "Tue 8 Dec 23:00–Wed 9 Dec 02:00"
        );
    }
}
