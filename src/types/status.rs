//! The state machines of PRODUCT.md, with the spellings the schema allows.

use super::text_enum;

/// A state of one of the state machines, as `error::require_state` names it.
pub trait Status: Copy + PartialEq + 'static {
    fn as_str(self) -> &'static str;
}

macro_rules! status {
    ($($name:ident),+) => {
        $(impl Status for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        })+
    };
}

text_enum! {
    /// `exam_requests.status`.
    pub enum RequestStatus ("request status") {
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
        Scheduled = "scheduled",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// `sittings.status`.
    pub enum SittingStatus ("sitting status") {
        Requested = "requested",
        Confirmed = "confirmed",
        Rejected = "rejected",
        CheckedIn = "checked_in",
        Completed = "completed",
        NoShow = "no_show",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// `study_bookings.status`.
    pub enum StudyBookingStatus ("study booking status") {
        Confirmed = "confirmed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// `mail_outbox.status`.
    pub enum MailStatus ("mail status") {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
    }
}

text_enum! {
    /// `fees.status`.
    pub enum FeeStatus ("fee status") {
        Due = "due",
        Paid = "paid",
        Waived = "waived",
    }
}

status!(
    RequestStatus,
    SittingStatus,
    StudyBookingStatus,
    MailStatus,
    FeeStatus
);
