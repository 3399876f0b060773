//! What an exam request looks like on the wire: the input an institution
//! sends, the answer it gets, and the accommodations a sitting carries.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::models::Sitting;
use crate::validate::Validator;

pub const PAPER_DELIVERIES: [&str; 4] = ["email", "post", "upload", "portal"];
pub const MAX_DURATION_MINUTES: i64 = 12 * 60;
pub const MAX_STUDENTS: usize = 500;

#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accommodations {
    #[serde(default)]
    pub extra_time_percent: i64,
    #[serde(default)]
    pub separate_room: bool,
    #[serde(default)]
    pub computer: bool,
    #[serde(default)]
    pub breaks_minutes: i64,
    /// Needs a wheelchair-accessible room. The scheduler prefers such a room
    /// and falls back to another only when none fits.
    #[serde(default)]
    pub accessible_room: bool,
    /// Free text for what the fields do not cover. An accommodation, never a
    /// diagnosis.
    pub other: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudentInput {
    pub name: String,
    pub email: String,
    #[schema(example = "19900101-0017")]
    pub personnummer: Option<String>,
    /// `sv` or `en`.
    pub language: Option<String>,
    #[serde(default)]
    pub protected_identity: bool,
    #[serde(default)]
    pub accommodations: Accommodations,
}

/// The centre picks the start within the window.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T08:00")]
    pub earliest_start: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T17:00")]
    pub latest_end: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Give either `starts_at` or `window`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamRequestInput {
    /// The centre's slug or id.
    #[schema(example = "sundsvall")]
    pub centre: String,
    /// Only for system admins submitting on an institution's behalf.
    pub institution: Option<String>,
    pub course_code: String,
    #[serde(default)]
    pub course_name: String,
    pub title: String,
    /// RFC 3339; without an offset, the centre's local time.
    #[schema(example = "2026-05-12T09:00")]
    pub starts_at: Option<String>,
    pub window: Option<WindowInput>,
    #[schema(minimum = 1, maximum = 720)]
    pub duration_minutes: i64,
    #[serde(default)]
    pub aids: String,
    #[serde(default)]
    pub computer_required: bool,
    /// `email`, `post`, `upload` or `portal`.
    pub paper_delivery: Option<String>,
    /// `scan_email`, `post` or `upload`; the institution's rule when absent.
    pub answer_return: Option<String>,
    #[serde(default)]
    pub contact: ContactInput,
    /// Students add themselves (`POST /exam-sittings`) until the registration deadline.
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    pub students: Vec<StudentInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SittingOut {
    pub id: String,
    pub booking_code: String,
    pub status: String,
    /// Hidden from everyone but staff and the institution; students with
    /// protected identity are shown by booking code only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub student: Option<StudentOut>,
    pub accommodations: Accommodations,
    pub room: Option<String>,
    pub room_name: Option<String>,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentOut {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WindowOut {
    pub earliest_start: DateTime<FixedOffset>,
    pub latest_end: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExamRequestOut {
    pub id: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub centre: String,
    pub institution: String,
    pub course_code: String,
    pub course_name: String,
    pub title: String,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub window: Option<WindowOut>,
    pub duration_minutes: i32,
    pub aids: String,
    pub computer_required: bool,
    pub paper_delivery: String,
    pub answer_return: String,
    pub open: bool,
    pub registration_deadline: Option<NaiveDate>,
    pub sittings: Vec<SittingOut>,
}

/// The date that lies `days` working days (Monday–Friday, not holidays)
/// before `date`: the last day registrations are taken.
pub use crate::policy::registration_deadline::working_days_before;

pub fn accommodations_of(s: &Sitting) -> Accommodations {
    Accommodations {
        extra_time_percent: s.extra_time_percent as i64,
        separate_room: s.separate_room,
        computer: s.computer,
        breaks_minutes: s.breaks_minutes as i64,
        accessible_room: s.accessible_room,
        other: s.other_accommodation.clone(),
    }
}

pub fn check_accommodations(v: &mut Validator, prefix: &str, a: &Accommodations) {
    v.range(
        &format!("{prefix}extra_time_percent"),
        a.extra_time_percent,
        0,
        300,
    );
    v.range(&format!("{prefix}breaks_minutes"), a.breaks_minutes, 0, 240);
    if let Some(o) = &a.other {
        v.optional_text(&format!("{prefix}other"), o, 500);
    }
}
