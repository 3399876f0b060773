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
