//! The rules: their codes (the API's `conflicts[].rule`), the items a violation names,
//! plain-English rendering of times, and one file per rule with its predicate and its
//! message text. The checker ([`super::check`]), the audit ([`super::audit`]) and the
//! scheduler's fitness tests all decide and word a rule through its file here; each
//! keeps its own traversal.
//!
//! | file | rule |
//! |---|---|
//! | [`opening_hours`] | `opening_hours` |
//! | [`access_card_required`] | `access_card_required` |
//! | [`closed_day`] | `closed_day` |
//! | [`room_capacity`] | `room_capacity` |
//! | [`computer_seats`] | `computer_seats` |
//! | [`separate_room`] | `separate_room` |
//! | [`exam_and_study_mixed`] | `exam_and_study_mixed` |
//! | [`student_double_booked`] | `student_double_booked` |
//! | [`invigilator_coverage`] | `invigilator_coverage` |
//! | [`invigilator_ratio`] | `invigilator_ratio` |
//! | [`invigilator_double_booked`] | `invigilator_double_booked` |
//! | [`invigilator_availability`] | `invigilator_availability` |
//! | [`exam_start`] | `exam_start` |
//! | [`exam_window`] | `exam_window` |
//! | [`exam_duration`] | `exam_duration` |
//! | [`room_not_bookable`] | `room_not_bookable` |
//! | [`room_inactive`] | `room_inactive` |
//! | [`study_limit`] | the service's `study_limit` refusal (not a checker rule) |

pub mod access_card_required;
pub mod closed_day;
pub mod computer_seats;
pub mod exam_and_study_mixed;
pub mod exam_duration;
pub mod exam_start;
pub mod exam_window;
pub mod invigilator_availability;
pub mod invigilator_coverage;
pub mod invigilator_double_booked;
pub mod invigilator_ratio;
pub mod opening_hours;
pub mod room_capacity;
pub mod room_inactive;
pub mod room_not_bookable;
pub mod separate_room;
pub mod student_double_booked;
pub mod study_limit;

use chrono::{DateTime, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::{wall_clock, Interval};

/// A rule the checker enforces. Serialises to a stable snake_case code (the API's
/// `conflicts[].rule`); [`Rule::product_rule`] gives its number in PRODUCT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 1: an exam outside staffed hours, or a study place outside both staffed and
    /// access-card hours.
    OpeningHours,
    /// 1: a study place inside access-card hours but outside staffed hours, for a
    /// student without a card valid that day.
    AccessCardRequired,
    /// 1: on a closure or a holiday the centre observes.
    ClosedDay,
    /// 2: more people than seats at some instant.
    RoomCapacity,
    /// 2: more computer users than computer seats at some instant.
    ComputerSeats,
    /// 3: someone else in the room of a separate-room sitting.
    SeparateRoom,
    /// 4: a sitting and a study place in one room at the same time.
    ExamAndStudyMixed,
    /// 5: a student in two places at once.
    StudentDoubleBooked,
    /// 6: examinees in a room with no invigilator.
    InvigilatorCoverage,
    /// 6: fewer than one invigilator per N examinees in a room.
    InvigilatorRatio,
    /// 6: an invigilator in two rooms at once.
    InvigilatorDoubleBooked,
    /// 6: an assignment outside the invigilator's availability (or an inactive one).
    InvigilatorAvailability,
    /// 7: a fixed-time exam started further from its start than the offset allows.
    ExamStart,
    /// 7: a window exam starting or ending outside its window.
    ExamWindow,
    /// 7: a sitting shorter than the exam's duration.
    ExamDuration,
    /// The room is not open for this purpose (exam / study).
    RoomNotBookable,
    /// The room is deactivated.
    RoomInactive,
    /// Not a booking rule: the item itself cannot be checked (empty span, unknown
    /// room, exam or invigilator, removing an unknown id, outside the snapshot).
    InvalidItem,
}

impl Rule {
    pub const ALL: [Rule; 18] = [
        Rule::OpeningHours,
        Rule::AccessCardRequired,
        Rule::ClosedDay,
        Rule::RoomCapacity,
        Rule::ComputerSeats,
        Rule::SeparateRoom,
        Rule::ExamAndStudyMixed,
        Rule::StudentDoubleBooked,
        Rule::InvigilatorCoverage,
        Rule::InvigilatorRatio,
        Rule::InvigilatorDoubleBooked,
        Rule::InvigilatorAvailability,
        Rule::ExamStart,
        Rule::ExamWindow,
        Rule::ExamDuration,
        Rule::RoomNotBookable,
        Rule::RoomInactive,
        Rule::InvalidItem,
    ];

    /// The code as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Rule::OpeningHours => "opening_hours",
            Rule::AccessCardRequired => "access_card_required",
            Rule::ClosedDay => "closed_day",
            Rule::RoomCapacity => "room_capacity",
            Rule::ComputerSeats => "computer_seats",
            Rule::SeparateRoom => "separate_room",
            Rule::ExamAndStudyMixed => "exam_and_study_mixed",
            Rule::StudentDoubleBooked => "student_double_booked",
            Rule::InvigilatorCoverage => "invigilator_coverage",
            Rule::InvigilatorRatio => "invigilator_ratio",
            Rule::InvigilatorDoubleBooked => "invigilator_double_booked",
            Rule::InvigilatorAvailability => "invigilator_availability",
            Rule::ExamStart => "exam_start",
            Rule::ExamWindow => "exam_window",
            Rule::ExamDuration => "exam_duration",
            Rule::RoomNotBookable => "room_not_bookable",
            Rule::RoomInactive => "room_inactive",
            Rule::InvalidItem => "invalid_item",
        }
    }

    /// The rule's number under "Rules the conflict checker enforces" in PRODUCT.md;
    /// `None` for the room-purpose checks (PRODUCT.md "Room", "bookable for") and for
    /// input validation.
    pub fn product_rule(self) -> Option<u8> {
        match self {
            Rule::OpeningHours | Rule::AccessCardRequired | Rule::ClosedDay => Some(1),
            Rule::RoomCapacity | Rule::ComputerSeats => Some(2),
            Rule::SeparateRoom => Some(3),
            Rule::ExamAndStudyMixed => Some(4),
            Rule::StudentDoubleBooked => Some(5),
            Rule::InvigilatorCoverage
            | Rule::InvigilatorRatio
            | Rule::InvigilatorDoubleBooked
            | Rule::InvigilatorAvailability => Some(6),
            Rule::ExamStart | Rule::ExamWindow | Rule::ExamDuration => Some(7),
            Rule::RoomNotBookable | Rule::RoomInactive | Rule::InvalidItem => None,
        }
    }

    /// Rules between two items of the same kind of relation, where neither side is
    /// "the" culprit; used to keep one violation per pair.
    pub(crate) fn is_pairwise(self) -> bool {
        matches!(
            self,
            Rule::SeparateRoom
                | Rule::ExamAndStudyMixed
                | Rule::StudentDoubleBooked
                | Rule::InvigilatorDoubleBooked
        )
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Sitting,
    StudyBooking,
    InvigilatorAssignment,
    Room,
    Invigilator,
    /// A closed day; the id is the local date (`YYYY-MM-DD`), because holidays have no
    /// database id and one closure may span many days.
    Closure,
    ExamRequest,
}

impl ItemKind {
    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Sitting => "sitting",
            ItemKind::StudyBooking => "study_booking",
            ItemKind::InvigilatorAssignment => "invigilator_assignment",
            ItemKind::Room => "room",
            ItemKind::Invigilator => "invigilator",
            ItemKind::Closure => "closure",
            ItemKind::ExamRequest => "exam_request",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemRef {
    pub kind: ItemKind,
    pub id: String,
}

impl ItemRef {
    pub fn new(kind: ItemKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    /// Plain English, with local times.
    pub message: String,
    /// The item the violation is about: for [`super::check`] always an item of the
    /// batch; for [`super::audit`] the first item involved (the room for the per-room
    /// rules 2 and 6 coverage/ratio).
    pub item: ItemRef,
    /// What it collides with (the other booking, the room, the closed day, the exam
    /// request, the invigilator), if anything.
    pub with: Option<ItemRef>,
    /// When the rule is broken, where that is a stretch of time (the first such
    /// stretch, for [`super::check`] within the item's own span).
    pub span: Option<Interval<DateTime<Utc>>>,
    /// The values a message in another language fills in where the rule's
    /// own words are not enough (`closed_day`: `reason`; `student_double_booked`:
    /// `kind` `exam`/`study` and the other booking's local `span`). Not part of
    /// the API's answer: its `message` is the English one.
    #[serde(skip)]
    pub words: Vec<(&'static str, String)>,
}

impl Violation {
    pub(crate) fn new(rule: Rule, item: ItemRef, message: String) -> Self {
        Self {
            rule,
            message,
            item,
            with: None,
            span: None,
            words: Vec::new(),
        }
    }

    pub(crate) fn words(mut self, words: Vec<(&'static str, String)>) -> Self {
        self.words = words;
        self
    }

    pub(crate) fn with(mut self, with: ItemRef) -> Self {
        self.with = Some(with);
        self
    }

    pub(crate) fn during(mut self, span: Interval<DateTime<Utc>>) -> Self {
        self.span = Some(span);
        self
    }
}

/// Local reading of an instant for messages; in an autumn fold, where the reading
/// occurs twice, the UTC offset is added so the message is not ambiguous.
pub(crate) fn local(tz: Tz, t: DateTime<Utc>) -> String {
    let Some(naive) = wall_clock(tz, t) else {
        return format!("{} UTC", t.format("%Y-%m-%d %H:%M"));
    };
    let text = naive.format("%Y-%m-%d %H:%M").to_string();
    match tz.from_local_datetime(&naive) {
        LocalResult::Ambiguous(..) => {
            format!("{text} (UTC{})", t.with_timezone(&tz).format("%:z"))
        }
        _ => text,
    }
}

pub(crate) fn local_span(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format!("{} to {}", local(tz, start), local(tz, end))
}

/// The local date an instant falls on (UTC date at chrono's range edges).
pub(crate) fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    wall_clock(tz, t).map_or(t.date_naive(), |l| l.date())
}

/// The local dates a half-open span touches: an item ending at midnight does not
/// touch the next day.
pub(crate) fn local_dates(
    tz: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> impl Iterator<Item = NaiveDate> {
    let first = local_date(tz, start);
    let last_instant = end
        .checked_sub_signed(chrono::TimeDelta::nanoseconds(1))
        .unwrap_or(end)
        .max(start);
    let last = local_date(tz, last_instant);
    std::iter::successors(Some(first), |d| d.succ_opt()).take_while(move |d| *d <= last)
}
