//! Ids of the rows that cross areas most. They hold the stored text as is
//! (a UUID), so converting costs nothing and the JSON stays a string.

use super::text_newtype;

text_newtype! {
    /// `centres.id`.
    pub struct CentreId;
}

text_newtype! {
    /// `rooms.id`.
    pub struct RoomId;
}

text_newtype! {
    /// `sittings.id`.
    pub struct SittingId;
}

text_newtype! {
    /// `exam_requests.id`.
    pub struct ExamRequestId;
}

text_newtype! {
    /// `study_bookings.id`.
    pub struct StudyBookingId;
}

text_newtype! {
    /// `users.id`.
    pub struct UserId;
}

text_newtype! {
    /// `institutions.id`.
    pub struct InstitutionId;
}

text_newtype! {
    /// `invigilators.id` (not the invigilator's user account, `users.id`).
    pub struct InvigilatorId;
}
