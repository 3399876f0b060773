//! Local wall-clock time ↔ UTC in an IANA time zone.
//!
//! Two levels on purpose:
//! * strict ([`resolve_local`], [`parse_instant`]): for a single instant a person typed,
//!   where guessing would silently book the wrong hour, so gaps and folds are errors;
//! * lenient ([`resolve_boundary`], [`wall_clock_span`]): for recurring opening hours
//!   and availability patterns, which were written once without a particular day in
//!   mind and must still produce *some* sensible span on DST-change days.
//!
//! Lenient rules (shared by the engine and availability so both agree):
//! * a wall-clock time in a spring-forward gap maps to the first real instant after the
//!   gap (in Sweden: anything in 02:00–02:59 on the last Sunday of March becomes 03:00
//!   CEST). This applies to starts and ends alike, so a span lying wholly inside the gap
//!   collapses to nothing, and 00:00–06:00 on that day lasts 5 hours;
//! * a wall-clock time that occurs twice (autumn fold) maps to the *earliest* occurrence
//!   when it starts a span and to the *latest* when it ends one, i.e. the span gets the
//!   widest reading: 00:00–06:00 on the last Sunday of October lasts 7 hours, and
//!   02:30–02:45 lasts 1 h 15 min;
//! * an end time of exactly 00:00 means midnight at the end of the day, so 18:00–00:00
//!   is the evening and 00:00–00:00 the whole day (23 or 25 hours on change days).
//!   Otherwise a span whose wall-clock end is not after its start yields nothing.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    TimeZone, Utc,
};
use chrono_tz::Tz;

use super::intervals::Interval;
use crate::domain::bounds::{CentreDate, DateError, MAX_YEAR, MIN_YEAR};

/// A wall-clock time that does not name exactly one instant in a zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error(
        "{local} does not exist in {tz}: the clocks skip over it (e.g. when daylight saving \
         time begins); choose a time outside the gap"
    )]
    Nonexistent { local: NaiveDateTime, tz: Tz },
    #[error(
        "{local} occurs twice in {tz} (at UTC{earliest_offset} and UTC{latest_offset}) because \
         the clocks go back; give the time with an explicit offset"
    )]
    Ambiguous {
        local: NaiveDateTime,
        tz: Tz,
        earliest_offset: FixedOffset,
        latest_offset: FixedOffset,
    },
}

impl LocalTimeError {
    /// Stable machine-readable code for API error bodies.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Nonexistent { .. } => "local_time_nonexistent",
            Self::Ambiguous { .. } => "local_time_ambiguous",
        }
    }
}

/// Why a date-time string could not be turned into an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    #[error(
        "'{input}' is not a valid date-time; expected RFC 3339 with an offset \
         (2026-03-29T08:00:00+02:00) or a local time YYYY-MM-DDTHH:MM[:SS]"
    )]
    Format { input: String },
    #[error("'{input}' is outside the years {MIN_YEAR}–{MAX_YEAR}")]
    OutOfRange { input: String },
    #[error(transparent)]
    Local(#[from] LocalTimeError),
}

impl InstantError {
    /// Stable machine-readable code for API error bodies.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Format { .. } => "datetime_format",
            Self::OutOfRange { .. } => "date_range",
            Self::Local(e) => e.rule(),
        }
    }
}

/// The unique instant that shows `local` on clocks in `tz`, or why there is none.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(earliest, latest) => Err(LocalTimeError::Ambiguous {
            local,
            tz,
            earliest_offset: earliest.offset().fix(),
            latest_offset: latest.offset().fix(),
        }),
        LocalResult::None => Err(LocalTimeError::Nonexistent { local, tz }),
    }
}

/// Parses an instant from user input.
///
/// RFC 3339 with an offset (or `Z`; seconds may be omitted) is accepted as is, even if that offset is not the
/// one `tz` uses at that instant: the offset alone fixes the instant, and rejecting it
/// would refuse unambiguous input. A naive `YYYY-MM-DDTHH:MM[:SS[.fff]]` is read as wall
/// clock in `tz` and refused when it falls in a gap or a fold.
pub fn parse_instant(s: &str, tz: Tz) -> Result<DateTime<Utc>, InstantError> {
    // The date part is a centre's date (four-digit year, 2000–2100), so that
    // nothing downstream meets a year chrono can barely represent.
    let format = || InstantError::Format {
        input: s.to_owned(),
    };
    match s.get(..10).map(CentreDate::parse) {
        None | Some(Err(DateError::Format { .. })) => return Err(format()),
        Some(Err(DateError::OutOfRange { .. })) => {
            return Err(InstantError::OutOfRange {
                input: s.to_owned(),
            })
        }
        Some(Ok(_)) => {}
    }
    if !matches!(s.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return Err(format());
    }
    // RFC 3339 proper, plus the seconds-less form people type alongside HH:MM.
    let with_offset = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z"));
    if let Ok(dt) = with_offset {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(s, fmt).ok())
        .ok_or_else(|| InstantError::Format {
            input: s.to_owned(),
        })?;
    Ok(resolve_local(tz, naive)?)
}

/// The wall-clock reading of `instant` in `tz`.
///
/// `None` at the very ends of chrono's range, where chrono's own `naive_local` panics.
pub fn wall_clock(tz: Tz, instant: DateTime<Utc>) -> Option<NaiveDateTime> {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc()).fix();
    instant.naive_utc().checked_add_offset(offset)
}

/// Which end of a span a wall-clock time is, deciding how a fold is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Boundary {
    Start,
    End,
}

/// Lenient resolution of a span boundary (see the module docs for the rules).
///
/// `None` only within a day of the ends of chrono's representable range.
pub fn resolve_boundary(tz: Tz, local: NaiveDateTime, boundary: Boundary) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Some(dt.with_timezone(&Utc)),
        LocalResult::Ambiguous(earliest, latest) => Some(match boundary {
            Boundary::Start => earliest.with_timezone(&Utc),
            Boundary::End => latest.with_timezone(&Utc),
        }),
        LocalResult::None => first_instant_after_gap(tz, local),
    }
}

/// The instant at which the clocks jump over the nonexistent `local`.
///
/// chrono-tz does not expose transition times, so this bisects on whole seconds (tz
/// transitions are whole seconds) for the first instant whose wall clock is past
/// `local`. Wall-clock time is monotonic around a gap, and the ±27 h window exceeds
/// every UTC offset ever used, so the window brackets the transition; 17 steps suffice.
fn first_instant_after_gap(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let window = TimeDelta::hours(27);
    let wall_clock_at = |ts: i64| wall_clock(tz, DateTime::from_timestamp(ts, 0)?);
    let mut lo = local.checked_sub_signed(window)?.and_utc().timestamp();
    let mut hi = local.checked_add_signed(window)?.and_utc().timestamp();
    // `local` is shown at no instant, so these are strict; if a pathological zone broke
    // the bracket, give up rather than return an instant from the wrong transition.
    if !(wall_clock_at(lo)? < local && wall_clock_at(hi)? > local) {
        return None;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if wall_clock_at(mid)? < local {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    DateTime::from_timestamp(hi, 0)
}

/// The real-time span covered by wall-clock `start`–`end` on `date` in `tz`, using the
/// lenient rules in the module docs (`end == 00:00` is the end of the day).
///
/// `None` when the wall-clock span is empty or inverted, or collapses to nothing
/// because it lies inside a gap.
pub fn wall_clock_span(
    tz: Tz,
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
) -> Option<Interval<DateTime<Utc>>> {
    let end_date = if end == NaiveTime::MIN {
        date.succ_opt()?
    } else if end > start {
        date
    } else {
        // Checked on the wall clock, not after resolution: in a fold an inverted
        // 02:30–02:15 would otherwise resolve to a positive span.
        return None;
    };
    let s = resolve_boundary(tz, date.and_time(start), Boundary::Start)?;
    let e = resolve_boundary(tz, end_date.and_time(end), Boundary::End)?;
    Interval::new(s, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        local(s).and_utc()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn hours(iv: Interval<DateTime<Utc>>) -> f64 {
        (iv.end() - iv.start()).num_minutes() as f64 / 60.0
    }

    fn off(h: i32) -> FixedOffset {
        FixedOffset::east_opt(h * 3600).unwrap()
    }

    #[test]
    fn spring_gaps_2026_and_2027_are_nonexistent() {
        for (day, expected_change_utc) in [
            ("2026-03-29", "2026-03-29 01:00"),
            ("2027-03-28", "2027-03-28 01:00"),
        ] {
            let l = local(&format!("{day} 02:30"));
            let err = resolve_local(Stockholm, l).unwrap_err();
            assert_eq!(
                err,
                LocalTimeError::Nonexistent {
                    local: l,
                    tz: Stockholm
                }
            );
            assert_eq!(err.rule(), "local_time_nonexistent");
            assert!(
                err.to_string()
                    .contains("does not exist in Europe/Stockholm"),
                "{err}"
            );
            assert!(resolve_local(Stockholm, local(&format!("{day} 02:00"))).is_err());
            // Either side of the gap is fine.
            assert_eq!(
                resolve_local(Stockholm, local(&format!("{day} 01:59"))).unwrap(),
                utc(expected_change_utc) - TimeDelta::minutes(1)
            );
            assert_eq!(
                resolve_local(Stockholm, local(&format!("{day} 03:00"))).unwrap(),
                utc(expected_change_utc)
            );
        }
    }

    #[test]
    fn autumn_folds_2026_and_2027_are_ambiguous() {
        for (day, first_0230_utc) in [
            ("2026-10-25", "2026-10-25 00:30"),
            ("2027-10-31", "2027-10-31 00:30"),
        ] {
            let l = local(&format!("{day} 02:30"));
            let err = resolve_local(Stockholm, l).unwrap_err();
            assert_eq!(
                err,
                LocalTimeError::Ambiguous {
                    local: l,
                    tz: Stockholm,
                    earliest_offset: off(2),
                    latest_offset: off(1),
                }
            );
            assert_eq!(err.rule(), "local_time_ambiguous");
            assert!(err.to_string().contains("UTC+02:00 and UTC+01:00"), "{err}");
            assert_eq!(
                resolve_boundary(Stockholm, l, Boundary::Start).unwrap(),
                utc(first_0230_utc)
            );
            assert_eq!(
                resolve_boundary(Stockholm, l, Boundary::End).unwrap(),
                utc(first_0230_utc) + TimeDelta::hours(1)
            );
            assert_eq!(
                resolve_local(Stockholm, local(&format!("{day} 03:00"))).unwrap(),
                utc(first_0230_utc) + TimeDelta::minutes(90)
            );
            assert_eq!(
                resolve_local(Stockholm, local(&format!("{day} 01:59"))).unwrap(),
                utc(first_0230_utc) - TimeDelta::minutes(31)
            );
        }
    }

    #[test]
    fn gap_boundaries_move_to_end_of_gap() {
        for day in ["2026-03-29", "2027-03-28"] {
            for hm in ["02:00", "02:30", "02:59"] {
                let l = local(&format!("{day} {hm}"));
                for b in [Boundary::Start, Boundary::End] {
                    assert_eq!(
                        resolve_boundary(Stockholm, l, b).unwrap(),
                        utc(&format!("{day} 01:00"))
                    );
                }
            }
        }
    }

    #[test]
    fn gap_search_handles_other_zones() {
        let ny: Tz = chrono_tz::America::New_York;
        assert_eq!(
            resolve_boundary(ny, local("2026-03-08 02:30"), Boundary::Start).unwrap(),
            utc("2026-03-08 07:00")
        );
        // Samoa skipped 30 December 2011 entirely: a 24-hour gap.
        let apia: Tz = chrono_tz::Pacific::Apia;
        assert!(resolve_local(apia, local("2011-12-30 12:00")).is_err());
        assert_eq!(
            resolve_boundary(apia, local("2011-12-30 12:00"), Boundary::Start).unwrap(),
            utc("2011-12-30 10:00")
        );
    }

    #[test]
    fn boundaries_at_range_edges_do_not_panic() {
        let _ = resolve_boundary(Stockholm, NaiveDateTime::MAX, Boundary::End);
        let _ = resolve_boundary(Stockholm, NaiveDateTime::MIN, Boundary::Start);
        let _ = resolve_local(Stockholm, NaiveDateTime::MAX);
        assert_eq!(
            wall_clock_span(Stockholm, NaiveDate::MAX, t(8, 0), t(0, 0)),
            None
        );
    }

    #[test]
    fn parse_instant_with_offsets() {
        assert_eq!(
            parse_instant("2026-03-29T08:00:00+02:00", Stockholm).unwrap(),
            utc("2026-03-29 06:00")
        );
        assert_eq!(
            parse_instant("2026-03-29T06:00:00Z", Stockholm).unwrap(),
            utc("2026-03-29 06:00")
        );
        assert_eq!(
            parse_instant("2026-03-29T08:00+02:00", Stockholm).unwrap(),
            utc("2026-03-29 06:00")
        );
        // An explicit offset disambiguates the autumn fold…
        assert_eq!(
            parse_instant("2026-10-25T02:30:00+02:00", Stockholm).unwrap(),
            utc("2026-10-25 00:30")
        );
        assert_eq!(
            parse_instant("2027-10-31T02:30:00+01:00", Stockholm).unwrap(),
            utc("2027-10-31 01:30")
        );
        // …and is accepted even where it is not the zone's offset: it still names one instant.
        assert_eq!(
            parse_instant("2026-03-29T02:30:00+01:00", Stockholm).unwrap(),
            utc("2026-03-29 01:30")
        );
    }

    #[test]
    fn parse_instant_naive_in_zone() {
        assert_eq!(
            parse_instant("2026-03-29T08:00", Stockholm).unwrap(),
            utc("2026-03-29 06:00")
        );
        assert_eq!(
            parse_instant("2026-01-15T08:00:30", Stockholm).unwrap(),
            utc("2026-01-15 07:00") + TimeDelta::seconds(30)
        );
        let gap = parse_instant("2027-03-28T02:15", Stockholm).unwrap_err();
        assert_eq!(gap.rule(), "local_time_nonexistent");
        let fold = parse_instant("2026-10-25T02:30:00", Stockholm).unwrap_err();
        assert_eq!(fold.rule(), "local_time_ambiguous");
        assert!(fold.to_string().contains("occurs twice"), "{fold}");
    }

    #[test]
    fn parse_instant_rejects_garbage() {
        for s in [
            "",
            "tomorrow",
            "2026-13-01T08:00",
            "2026-02-30T08:00",
            "2026-03-29",
            "2026-03-29T25:00",
            "2026-03-29T08:00+02",
            "-2027-01-01T08:00",
            "+2027-01-01T08:00:00Z",
            "2027-1-1T08:00",
            "-262143-01-01T00:00:00Z",
        ] {
            let err = parse_instant(s, Stockholm).unwrap_err();
            assert_eq!(err.rule(), "datetime_format", "{s}");
            assert!(err.to_string().contains("not a valid date-time"));
        }
        for s in ["1999-12-31T23:00:00Z", "3027-01-01T08:00"] {
            let err = parse_instant(s, Stockholm).unwrap_err();
            assert_eq!(err.rule(), "date_range", "{s}");
        }
    }

    #[test]
    fn wall_clock_spans_on_change_days() {
        let spring = date("2026-03-29");
        let autumn = date("2026-10-25");
        assert_eq!(
            hours(wall_clock_span(Stockholm, spring, t(8, 0), t(17, 0)).unwrap()),
            9.0
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, spring, t(0, 0), t(6, 0)).unwrap()),
            5.0
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, autumn, t(0, 0), t(6, 0)).unwrap()),
            7.0
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, autumn, t(2, 30), t(2, 45)).unwrap()),
            1.25
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, spring, t(0, 0), t(0, 0)).unwrap()),
            23.0
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, autumn, t(0, 0), t(0, 0)).unwrap()),
            25.0
        );
        assert_eq!(
            hours(wall_clock_span(Stockholm, date("2026-06-01"), t(18, 0), t(0, 0)).unwrap()),
            6.0
        );
        // Wholly inside the gap: nothing.
        assert_eq!(wall_clock_span(Stockholm, spring, t(2, 10), t(2, 40)), None);
        // Inverted or empty on the wall clock, even where resolution would widen it.
        assert_eq!(wall_clock_span(Stockholm, autumn, t(2, 30), t(2, 15)), None);
        assert_eq!(wall_clock_span(Stockholm, autumn, t(9, 0), t(9, 0)), None);
    }
}
