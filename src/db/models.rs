//! Row types, one per table, used for both reading and inserting.
//!
//! Every table has one struct with all its columns, so an insert always states
//! every value (no backend-specific defaults) and a read returns the whole row.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::schema::*;
use crate::domain::{Language, Role};
use crate::types::{
    AsText, CentreId, ExamRequestId, FeeStatus, HoursKind, InstitutionId, InstitutionKind,
    InvigilatorId, MailStatus, RequestStatus, RoomId, RoomKind, SittingId, SittingStatus,
    StudyBookingId, StudyBookingStatus, UserId, Zone,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = institutions)]
#[diesel(treat_none_as_null = true)]
pub struct Institution {
    pub id: InstitutionId,
    pub slug: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub email: String,
    pub start_offset_minutes: i32,
    pub min_stay_minutes: i32,
    pub late_entry_minutes: i32,
    pub registration_deadline_days: i32,
    pub answer_return: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = centres)]
#[diesel(treat_none_as_null = true)]
pub struct Centre {
    pub id: CentreId,
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub address: String,
    pub email: String,
    pub timezone: Zone,
    #[diesel(serialize_as = AsText<Language>, deserialize_as = AsText<Language>)]
    pub language: Language,
    pub invigilator_ratio: i32,
    pub closed_on_de_facto_holidays: bool,
    pub max_future_study_bookings: Option<i32>,
    pub max_study_hours_per_week: Option<i32>,
    pub exam_fee_ore: i32,
    pub fee_payment_days: Option<i32>,
    pub retention_days: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_exemptions)]
#[diesel(treat_none_as_null = true)]
pub struct FeeExemption {
    pub centre_id: CentreId,
    pub municipality: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = rooms)]
#[diesel(treat_none_as_null = true)]
pub struct Room {
    pub id: RoomId,
    pub centre_id: CentreId,
    pub name: String,
    pub kind: RoomKind,
    pub seats: i32,
    pub computer_seats: i32,
    pub accessible: bool,
    pub bookable_exam: bool,
    pub bookable_study: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = centre_hours)]
#[diesel(treat_none_as_null = true)]
pub struct CentreHours {
    pub id: String,
    pub centre_id: CentreId,
    pub kind: HoursKind,
    pub weekday: i32,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = closures)]
#[diesel(treat_none_as_null = true)]
pub struct Closure {
    pub id: String,
    pub centre_id: CentreId,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users)]
#[diesel(treat_none_as_null = true)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    #[diesel(serialize_as = AsText<Role>, deserialize_as = AsText<Role>)]
    pub role: Role,
    pub institution_id: Option<InstitutionId>,
    pub password_hash: Option<String>,
    pub personnummer: Option<String>,
    pub protected_identity: bool,
    #[diesel(serialize_as = AsText<Language>, deserialize_as = AsText<Language>)]
    pub language: Language,
    pub municipality: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_sign_in_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = user_centres)]
#[diesel(treat_none_as_null = true)]
pub struct UserCentre {
    pub user_id: UserId,
    pub centre_id: CentreId,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = api_tokens)]
#[diesel(treat_none_as_null = true)]
pub struct ApiToken {
    pub id: String,
    pub user_id: UserId,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = access_cards)]
#[diesel(treat_none_as_null = true)]
pub struct AccessCard {
    pub id: String,
    pub centre_id: CentreId,
    pub student_id: UserId,
    pub card_number: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = invigilators)]
#[diesel(treat_none_as_null = true)]
pub struct Invigilator {
    pub id: InvigilatorId,
    pub centre_id: CentreId,
    pub user_id: Option<UserId>,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = invigilator_weekly)]
#[diesel(treat_none_as_null = true)]
pub struct InvigilatorWeekly {
    pub id: String,
    pub invigilator_id: InvigilatorId,
    pub weekday: i32,
    pub from_time: NaiveTime,
    pub to_time: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = invigilator_exceptions)]
#[diesel(treat_none_as_null = true)]
pub struct InvigilatorException {
    pub id: String,
    pub invigilator_id: InvigilatorId,
    pub date: NaiveDate,
    pub from_time: Option<NaiveTime>,
    pub to_time: Option<NaiveTime>,
    pub available: bool,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = exam_requests)]
#[diesel(treat_none_as_null = true)]
pub struct ExamRequest {
    pub id: ExamRequestId,
    pub institution_id: InstitutionId,
    pub centre_id: CentreId,
    pub course_code: String,
    pub course_name: String,
    pub title: String,
    pub starts_at: Option<NaiveDateTime>,
    pub window_start: Option<NaiveDateTime>,
    pub window_end: Option<NaiveDateTime>,
    pub duration_minutes: i32,
    pub aids: String,
    pub computer_required: bool,
    pub paper_delivery: String,
    pub answer_return: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub open: bool,
    pub registration_deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub status_reason: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sittings)]
#[diesel(treat_none_as_null = true)]
pub struct Sitting {
    pub id: SittingId,
    pub exam_request_id: ExamRequestId,
    pub centre_id: CentreId,
    pub student_id: UserId,
    pub booking_code: String,
    pub status: SittingStatus,
    pub status_reason: Option<String>,
    pub extra_time_percent: i32,
    pub separate_room: bool,
    pub computer: bool,
    pub breaks_minutes: i32,
    pub other_accommodation: Option<String>,
    pub room_id: Option<RoomId>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub sequence: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reminded_at: Option<NaiveDateTime>,
    pub accessible_room: bool,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = study_bookings)]
#[diesel(treat_none_as_null = true)]
pub struct StudyBooking {
    pub id: StudyBookingId,
    pub centre_id: CentreId,
    pub room_id: RoomId,
    pub student_id: UserId,
    pub booking_code: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: StudyBookingStatus,
    pub sequence: i32,
    pub created_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = invigilator_assignments)]
#[diesel(treat_none_as_null = true)]
pub struct InvigilatorAssignment {
    pub id: String,
    pub invigilator_id: InvigilatorId,
    pub room_id: RoomId,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = exam_papers)]
#[diesel(treat_none_as_null = true)]
pub struct ExamPaper {
    pub id: String,
    pub exam_request_id: ExamRequestId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub sha256: String,
    pub storage_key: String,
    pub readable_from: NaiveDateTime,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = exam_paper_accesses)]
#[diesel(treat_none_as_null = true)]
pub struct ExamPaperAccess {
    pub id: String,
    pub exam_paper_id: String,
    pub user_id: Option<UserId>,
    pub accessed_at: NaiveDateTime,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = answer_returns)]
#[diesel(treat_none_as_null = true)]
pub struct AnswerReturn {
    pub id: String,
    pub sitting_id: SittingId,
    pub method: String,
    pub tracking_number: Option<String>,
    pub sent_at: NaiveDateTime,
    pub sent_by: Option<UserId>,
    pub received_at: Option<NaiveDateTime>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = incidents)]
#[diesel(treat_none_as_null = true)]
pub struct Incident {
    pub id: String,
    pub sitting_id: SittingId,
    pub kind: String,
    pub occurred_at: NaiveDateTime,
    pub minutes: Option<i32>,
    pub note: String,
    pub recorded_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = fees)]
#[diesel(treat_none_as_null = true)]
pub struct Fee {
    pub id: String,
    pub sitting_id: Option<SittingId>,
    pub study_booking_id: Option<StudyBookingId>,
    pub payer: String,
    pub amount_ore: i32,
    pub status: FeeStatus,
    pub due_date: Option<NaiveDate>,
    pub paid_at: Option<NaiveDateTime>,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mail_outbox)]
#[diesel(treat_none_as_null = true)]
pub struct OutboxMessage {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub to_address: String,
    pub to_name: String,
    #[diesel(serialize_as = AsText<Language>, deserialize_as = AsText<Language>)]
    pub language: Language,
    /// Rendered text: only in rows queued before the outbox kept facts
    /// (2026-12-05); newer rows are rendered from `context` when sent.
    pub subject: Option<String>,
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub ics: Option<String>,
    pub related_kind: Option<String>,
    pub related_id: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The template context as JSON, as it was when the change was made.
    pub context: Option<String>,
    /// The calendar invite's facts as JSON (`mail::ics::InviteFacts`).
    pub invite: Option<String>,
}

/// A message queued as facts: only the columns it sets, so the insert in
/// the booking's transaction is short to build. `status` and `attempts`
/// take their defaults (pending, 0).
#[derive(Debug, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewOutboxFacts<'a> {
    pub id: String,
    pub message_id: String,
    pub kind: &'a str,
    pub to_address: &'a str,
    pub to_name: &'a str,
    #[diesel(serialize_as = AsText<Language>)]
    pub language: Language,
    pub related_kind: Option<&'a str>,
    pub related_id: Option<&'a str>,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub context: String,
    pub invite: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = audit_log)]
#[diesel(treat_none_as_null = true)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sessions)]
#[diesel(treat_none_as_null = true)]
pub struct Session {
    pub id: String,
    pub user_id: UserId,
    pub token_hash: String,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_tokens)]
#[diesel(treat_none_as_null = true)]
pub struct LoginToken {
    pub id: String,
    pub user_id: UserId,
    pub purpose: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendar_feeds)]
#[diesel(treat_none_as_null = true)]
pub struct CalendarFeed {
    pub id: String,
    pub token_hash: String,
    pub kind: String,
    pub subject_id: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}
