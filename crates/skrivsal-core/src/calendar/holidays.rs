//! Swedish public holidays (allmänna helgdagar) and the de-facto closed eves.
//!
//! Easter is computed here with the Anonymous Gregorian algorithm (Meeus/Jones/Butcher)
//! rather than taken from a crates.io holiday crate: the algorithm is twenty lines, has
//! no failure modes inside chrono's date range, and is cross-checked in the tests against
//! Gauss's independent formulation for every year 1583–4099. A holiday crate would add a
//! dependency (and its update cadence) for the same twenty lines, and the ones available
//! disagree about whether eves such as midsommarafton are "holidays", which is exactly the
//! distinction this module must make explicitly.
//!
//! The rules are today's (Lag (1989:253) om allmänna helgdagar, with Sveriges nationaldag
//! replacing annandag pingst since 2005) applied to every year; historical rule changes
//! are deliberately not modelled because bookings concern the present and the future.
//! Sundays are also allmänna helgdagar by law but are not listed: a centre's weekly
//! opening hours already decide what happens on a Sunday.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Whether a day is a holiday by law or merely a day on which Swedish workplaces are
/// closed by custom and collective agreements.
///
/// Its OpenAPI schema is declared at the service edge (`skrivsal::openapi::schemas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// An allmän helgdag under Lag (1989:253).
    Public,
    /// Not a holiday by law, but practically every workplace is closed (e.g. julafton).
    DeFacto,
}

/// One holiday occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_sv: &'static str,
    pub name_en: &'static str,
    pub kind: HolidayKind,
}

/// Which non-statutory closed days a centre observes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct HolidayOptions {
    /// Include midsommarafton, julafton and nyårsafton. Default `true`, because staff
    /// at municipal centres are off on those days under the usual agreements.
    pub de_facto_closed: bool,
    /// Additionally include påskafton and pingstafton. Default `false`: both are always
    /// Saturdays, which most centres do not open anyway, and some that do open keep them.
    /// Only has an effect when `de_facto_closed` is also set, since these eves are a
    /// subset of the de-facto closed days.
    pub easter_and_whitsun_eves: bool,
}

impl Default for HolidayOptions {
    fn default() -> Self {
        Self {
            de_facto_closed: true,
            easter_and_whitsun_eves: false,
        }
    }
}

/// Easter Sunday in the Gregorian calendar (Anonymous Gregorian algorithm).
///
/// Returns `None` only when the date falls outside chrono's representable range.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    // Euclidean division keeps the arithmetic meaningful (and panic-free) for any i32;
    // i64 keeps 19 * a + ... far from overflow.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n.div_euclid(31)).ok()?;
    let day = u32::try_from(n.rem_euclid(31) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The first date in `[from_day, from_day + 6]` of `month` that is a `weekday`.
fn first_weekday_from(year: i32, month: u32, from_day: u32, weekday: Weekday) -> Option<NaiveDate> {
    let start = NaiveDate::from_ymd_opt(year, month, from_day)?;
    let offset = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start.checked_add_days(Days::new(u64::from(offset)))
}

fn shift(date: Option<NaiveDate>, days: i64) -> Option<NaiveDate> {
    let date = date?;
    let magnitude = Days::new(days.unsigned_abs());
    if days >= 0 {
        date.checked_add_days(magnitude)
    } else {
        date.checked_sub_days(magnitude)
    }
}

/// All holidays of `year` that `opts` selects, sorted by date; on a date with two
/// holidays (första maj can be Kristi himmelsfärds dag, e.g. 2008; pingstdagen can be
/// the national day) public ones come first, then the order in which the law lists them.
pub fn holidays(year: i32, opts: HolidayOptions) -> Vec<Holiday> {
    use HolidayKind::{DeFacto, Public};

    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter_sunday(year);
    let midsummer_day = first_weekday_from(year, 6, 20, Weekday::Sat);
    let all_saints = first_weekday_from(year, 10, 31, Weekday::Sat);

    let mut candidates: Vec<(Option<NaiveDate>, &'static str, &'static str, HolidayKind)> = vec![
        (ymd(1, 1), "nyårsdagen", "New Year's Day", Public),
        (ymd(1, 6), "trettondedag jul", "Epiphany", Public),
        (shift(easter, -2), "långfredagen", "Good Friday", Public),
        (easter, "påskdagen", "Easter Sunday", Public),
        (shift(easter, 1), "annandag påsk", "Easter Monday", Public),
        (ymd(5, 1), "första maj", "May Day", Public),
        (
            shift(easter, 39),
            "Kristi himmelsfärds dag",
            "Ascension Day",
            Public,
        ),
        (shift(easter, 49), "pingstdagen", "Whit Sunday", Public),
        (
            ymd(6, 6),
            "Sveriges nationaldag",
            "National Day of Sweden",
            Public,
        ),
        (midsummer_day, "midsommardagen", "Midsummer Day", Public),
        (all_saints, "alla helgons dag", "All Saints' Day", Public),
        (ymd(12, 25), "juldagen", "Christmas Day", Public),
        (ymd(12, 26), "annandag jul", "Boxing Day", Public),
    ];
    if opts.de_facto_closed {
        candidates.extend([
            (
                shift(midsummer_day, -1),
                "midsommarafton",
                "Midsummer Eve",
                DeFacto,
            ),
            (ymd(12, 24), "julafton", "Christmas Eve", DeFacto),
            (ymd(12, 31), "nyårsafton", "New Year's Eve", DeFacto),
        ]);
        if opts.easter_and_whitsun_eves {
            candidates.extend([
                (shift(easter, -1), "påskafton", "Holy Saturday", DeFacto),
                (shift(easter, 48), "pingstafton", "Whitsun Eve", DeFacto),
            ]);
        }
    }

    let mut out: Vec<Holiday> = candidates
        .into_iter()
        .filter_map(|(date, name_sv, name_en, kind)| {
            date.map(|date| Holiday {
                date,
                name_sv,
                name_en,
                kind,
            })
        })
        .collect();
    // Stable sort: ties keep the listing order above.
    out.sort_by_key(|h| (h.date, h.kind));
    out
}

/// All holidays falling on `date` (usually zero or one; see [`holidays`] for ties).
pub fn holidays_on(date: NaiveDate, opts: HolidayOptions) -> Vec<Holiday> {
    holidays(date.year(), opts)
        .into_iter()
        .filter(|h| h.date == date)
        .collect()
}

/// The holiday on `date`, preferring a public holiday when two coincide.
pub fn holiday_on(date: NaiveDate, opts: HolidayOptions) -> Option<Holiday> {
    holidays_on(date, opts).into_iter().next()
}

#[cfg(test)]
mod tests;
