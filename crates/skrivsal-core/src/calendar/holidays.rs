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
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn date_of(year: i32, name_sv: &str, opts: HolidayOptions) -> NaiveDate {
        let all = holidays(year, opts);
        let found: Vec<_> = all.iter().filter(|h| h.name_sv == name_sv).collect();
        assert_eq!(found.len(), 1, "{name_sv} in {year}: {all:?}");
        found[0].date
    }

    const ALL: HolidayOptions = HolidayOptions {
        de_facto_closed: true,
        easter_and_whitsun_eves: true,
    };

    /// Gauss's Easter algorithm (with its two exception rules): an independent
    /// formulation to cross-check the Anonymous Gregorian one.
    fn gauss_easter(y: i32) -> NaiveDate {
        let a = y % 19;
        let b = y % 4;
        let c = y % 7;
        let k = y / 100;
        let p = (13 + 8 * k) / 25;
        let q = k / 4;
        let m = (15 - p + k - q).rem_euclid(30);
        let n = (4 + k - q).rem_euclid(7);
        let dd = (19 * a + m) % 30;
        let e = (2 * b + 4 * c + 6 * dd + n) % 7;
        let (month, day) = if dd == 29 && e == 6 {
            (4, 19)
        } else if dd == 28 && e == 6 && (11 * m + 11) % 30 < 19 {
            (4, 18)
        } else if 22 + dd + e <= 31 {
            (3, 22 + dd + e)
        } else {
            (4, dd + e - 9)
        };
        NaiveDate::from_ymd_opt(y, month as u32, day as u32).unwrap()
    }

    #[test]
    fn easter_2024_to_2030_pinned() {
        let expected = [
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2029, "2029-04-01"),
            (2030, "2030-04-21"),
        ];
        for (year, date) in expected {
            assert_eq!(easter_sunday(year), Some(d(date)), "{year}");
        }
    }

    #[test]
    fn easter_known_historical_and_extreme_dates() {
        // Including the earliest (22 Mar) and latest (25 Apr) possible Easters and the
        // two exceptional cases of Gauss's rule (1981-04-19, 1954-04-18).
        for s in [
            "1900-04-15",
            "1913-03-23",
            "1943-04-25",
            "1954-04-18",
            "1981-04-19",
            "2000-04-23",
            "2008-03-23",
            "2011-04-24",
            "2038-04-25",
            "2049-04-18",
            "2100-03-28",
            "2200-04-06",
            "2285-03-22",
        ] {
            let date = d(s);
            assert_eq!(easter_sunday(date.year()), Some(date), "{s}");
        }
    }

    #[test]
    fn easter_matches_gauss_and_is_a_sunday_in_window() {
        for year in 1583..=4099 {
            let e = easter_sunday(year).unwrap();
            assert_eq!(e, gauss_easter(year), "{year}");
            assert_eq!(e.weekday(), Weekday::Sun, "{year}");
            assert!(e >= d(&format!("{year}-03-22")) && e <= d(&format!("{year}-04-25")));
        }
    }

    #[test]
    fn easter_never_panics_on_extreme_years() {
        for year in [i32::MIN, -1_000_000, -1, 0, 1, 262_143, 262_144, i32::MAX] {
            let _ = easter_sunday(year);
            let _ = holidays(year, ALL);
        }
    }

    #[test]
    fn pinned_2024_to_2030() {
        // (name, [2024, 2025, 2026, 2027, 2028, 2029, 2030])
        let table: [(&str, [&str; 7]); 18] = [
            (
                "nyårsdagen",
                [
                    "2024-01-01",
                    "2025-01-01",
                    "2026-01-01",
                    "2027-01-01",
                    "2028-01-01",
                    "2029-01-01",
                    "2030-01-01",
                ],
            ),
            (
                "trettondedag jul",
                [
                    "2024-01-06",
                    "2025-01-06",
                    "2026-01-06",
                    "2027-01-06",
                    "2028-01-06",
                    "2029-01-06",
                    "2030-01-06",
                ],
            ),
            (
                "långfredagen",
                [
                    "2024-03-29",
                    "2025-04-18",
                    "2026-04-03",
                    "2027-03-26",
                    "2028-04-14",
                    "2029-03-30",
                    "2030-04-19",
                ],
            ),
            (
                "påskafton",
                [
                    "2024-03-30",
                    "2025-04-19",
                    "2026-04-04",
                    "2027-03-27",
                    "2028-04-15",
                    "2029-03-31",
                    "2030-04-20",
                ],
            ),
            (
                "påskdagen",
                [
                    "2024-03-31",
                    "2025-04-20",
                    "2026-04-05",
                    "2027-03-28",
                    "2028-04-16",
                    "2029-04-01",
                    "2030-04-21",
                ],
            ),
            (
                "annandag påsk",
                [
                    "2024-04-01",
                    "2025-04-21",
                    "2026-04-06",
                    "2027-03-29",
                    "2028-04-17",
                    "2029-04-02",
                    "2030-04-22",
                ],
            ),
            (
                "första maj",
                [
                    "2024-05-01",
                    "2025-05-01",
                    "2026-05-01",
                    "2027-05-01",
                    "2028-05-01",
                    "2029-05-01",
                    "2030-05-01",
                ],
            ),
            (
                "Kristi himmelsfärds dag",
                [
                    "2024-05-09",
                    "2025-05-29",
                    "2026-05-14",
                    "2027-05-06",
                    "2028-05-25",
                    "2029-05-10",
                    "2030-05-30",
                ],
            ),
            (
                "pingstafton",
                [
                    "2024-05-18",
                    "2025-06-07",
                    "2026-05-23",
                    "2027-05-15",
                    "2028-06-03",
                    "2029-05-19",
                    "2030-06-08",
                ],
            ),
            (
                "pingstdagen",
                [
                    "2024-05-19",
                    "2025-06-08",
                    "2026-05-24",
                    "2027-05-16",
                    "2028-06-04",
                    "2029-05-20",
                    "2030-06-09",
                ],
            ),
            (
                "Sveriges nationaldag",
                [
                    "2024-06-06",
                    "2025-06-06",
                    "2026-06-06",
                    "2027-06-06",
                    "2028-06-06",
                    "2029-06-06",
                    "2030-06-06",
                ],
            ),
            (
                "midsommarafton",
                [
                    "2024-06-21",
                    "2025-06-20",
                    "2026-06-19",
                    "2027-06-25",
                    "2028-06-23",
                    "2029-06-22",
                    "2030-06-21",
                ],
            ),
            (
                "midsommardagen",
                [
                    "2024-06-22",
                    "2025-06-21",
                    "2026-06-20",
                    "2027-06-26",
                    "2028-06-24",
                    "2029-06-23",
                    "2030-06-22",
                ],
            ),
            (
                "alla helgons dag",
                [
                    "2024-11-02",
                    "2025-11-01",
                    "2026-10-31",
                    "2027-11-06",
                    "2028-11-04",
                    "2029-11-03",
                    "2030-11-02",
                ],
            ),
            (
                "julafton",
                [
                    "2024-12-24",
                    "2025-12-24",
                    "2026-12-24",
                    "2027-12-24",
                    "2028-12-24",
                    "2029-12-24",
                    "2030-12-24",
                ],
            ),
            (
                "juldagen",
                [
                    "2024-12-25",
                    "2025-12-25",
                    "2026-12-25",
                    "2027-12-25",
                    "2028-12-25",
                    "2029-12-25",
                    "2030-12-25",
                ],
            ),
            (
                "annandag jul",
                [
                    "2024-12-26",
                    "2025-12-26",
                    "2026-12-26",
                    "2027-12-26",
                    "2028-12-26",
                    "2029-12-26",
                    "2030-12-26",
                ],
            ),
            (
                "nyårsafton",
                [
                    "2024-12-31",
                    "2025-12-31",
                    "2026-12-31",
                    "2027-12-31",
                    "2028-12-31",
                    "2029-12-31",
                    "2030-12-31",
                ],
            ),
        ];
        for (name, dates) in table {
            for (i, s) in dates.iter().enumerate() {
                let year = 2024 + i as i32;
                assert_eq!(date_of(year, name, ALL), d(s), "{name} {year}");
            }
        }
        for year in 2024..=2030 {
            assert_eq!(holidays(year, ALL).len(), 18, "{year}");
        }
    }

    #[test]
    fn brief_examples() {
        let o = HolidayOptions::default();
        assert_eq!(
            holiday_on(d("2025-04-18"), o).unwrap().name_sv,
            "långfredagen"
        );
        let eve = holiday_on(d("2026-06-19"), o).unwrap();
        assert_eq!(
            (eve.name_sv, eve.kind),
            ("midsommarafton", HolidayKind::DeFacto)
        );
        assert_eq!(
            holiday_on(d("2028-05-25"), o).unwrap().name_sv,
            "Kristi himmelsfärds dag"
        );
        assert_eq!(
            holiday_on(d("2027-11-06"), o).unwrap().name_sv,
            "alla helgons dag"
        );
        assert_eq!(holiday_on(d("2026-06-18"), o), None);
    }

    #[test]
    fn options_select_kinds() {
        let public_only = HolidayOptions {
            de_facto_closed: false,
            easter_and_whitsun_eves: true,
        };
        let hs = holidays(2026, public_only);
        assert_eq!(hs.len(), 13);
        assert!(hs.iter().all(|h| h.kind == HolidayKind::Public));
        assert_eq!(holiday_on(d("2026-12-24"), public_only), None);

        let default = holidays(2026, HolidayOptions::default());
        assert_eq!(default.len(), 16);
        assert!(!default
            .iter()
            .any(|h| h.name_sv == "påskafton" || h.name_sv == "pingstafton"));
        assert_eq!(holidays(2026, ALL).len(), 18);
    }

    #[test]
    fn default_options_and_serde_defaults() {
        assert!(HolidayOptions::default().de_facto_closed);
        assert!(!HolidayOptions::default().easter_and_whitsun_eves);
    }

    #[test]
    fn coinciding_holidays_prefer_public_then_law_order() {
        // 2008: Easter 23 March, so Kristi himmelsfärds dag is 1 May.
        let on = holidays_on(d("2008-05-01"), ALL);
        let names: Vec<_> = on.iter().map(|h| h.name_sv).collect();
        assert_eq!(names, ["första maj", "Kristi himmelsfärds dag"]);
        // 2049: Easter 18 April, so pingstdagen is 6 June.
        let on = holidays_on(d("2049-06-06"), ALL);
        let names: Vec<_> = on.iter().map(|h| h.name_sv).collect();
        assert_eq!(names, ["pingstdagen", "Sveriges nationaldag"]);
    }

    #[test]
    fn structural_rules_hold_1900_to_2200() {
        for year in 1900..=2200 {
            let hs = holidays(year, ALL);
            assert_eq!(hs.len(), 18, "{year}");
            assert!(hs.windows(2).all(|w| w[0].date <= w[1].date));
            assert!(hs.iter().all(|h| h.date.year() == year));
            let get = |n| date_of(year, n, ALL);
            let easter = get("påskdagen");
            assert_eq!(Some(easter), easter_sunday(year));
            assert_eq!(get("långfredagen").weekday(), Weekday::Fri);
            assert_eq!(get("annandag påsk").weekday(), Weekday::Mon);
            assert_eq!(get("Kristi himmelsfärds dag").weekday(), Weekday::Thu);
            assert_eq!(
                get("Kristi himmelsfärds dag") - easter,
                chrono::TimeDelta::days(39)
            );
            assert_eq!(get("pingstdagen") - easter, chrono::TimeDelta::days(49));
            let ms = get("midsommardagen");
            assert_eq!(ms.weekday(), Weekday::Sat);
            assert!(ms >= d(&format!("{year}-06-20")) && ms <= d(&format!("{year}-06-26")));
            let eve = get("midsommarafton");
            assert_eq!(eve.weekday(), Weekday::Fri);
            assert!(eve >= d(&format!("{year}-06-19")) && eve <= d(&format!("{year}-06-25")));
            let ahd = get("alla helgons dag");
            assert_eq!(ahd.weekday(), Weekday::Sat);
            assert!(ahd >= d(&format!("{year}-10-31")) && ahd <= d(&format!("{year}-11-06")));
            for h in &hs {
                assert!(holidays_on(h.date, ALL).contains(h));
            }
        }
    }
}
