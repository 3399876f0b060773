//! Pure calendar engine: Swedish holidays, interval sets, wall-clock ↔ UTC resolution,
//! centre opening/access-card calendars and invigilator availability.
//!
//! No I/O, no clock reads, no database: every function is a deterministic function of
//! its plain-data inputs, so the booking and conflict-checking layers can test against
//! it without fixtures.
//!
//! Time model: configuration is in local wall-clock time of the centre's IANA zone
//! (`chrono_tz::Tz`); everything the engine hands back for comparison is
//! `DateTime<Utc>` in half-open [`Interval`]s, because only instants compare correctly
//! across DST changes. See [`localtime`] for how wall-clock times in DST gaps and folds
//! are resolved.

pub mod availability;
pub mod engine;
pub mod holidays;
pub mod humanfmt;
pub mod intervals;
pub mod localtime;

pub use availability::{available_on, available_set, Availability, Exception};
pub use engine::{
    access_covering, access_set, covering, days, staffed_set, weekly_set, CentreCalendarInput,
    ClosedReason, Closure, Day, Span, WeeklyHours,
};
pub use holidays::{
    easter_sunday, holiday_on, holidays, holidays_on, Holiday, HolidayKind, HolidayOptions,
};
pub use intervals::{Interval, IntervalSet};
pub use localtime::{
    parse_instant, resolve_boundary, resolve_local, wall_clock, wall_clock_span, Boundary,
    InstantError, LocalTimeError,
};
