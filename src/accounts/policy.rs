//! What an actor may see and do, decided in one place: [`authorize`] answers
//! "may this actor do this action on this resource", [`person_view`] what of a
//! person is shown to whom. Operations and documents ask here instead of
//! looking at roles themselves.
//!
//! Tenancy answers 404 (the caller may not even know the item exists: another
//! centre's room, another institution's request); a known item the caller may
//! not change answers 403.

use crate::accounts::actor::{Actor, Caller};
use crate::domain::Role;
use crate::error::Error;
use crate::types::{CentreId, InstitutionId, UserId};

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Know that the resource exists and read what it says.
    Read,
    /// Create centres, rename or deactivate one: decisions for the system admin.
    AdministerCentres,
    /// Change a centre: its hours, closures, rooms, invigilators, access cards, plan.
    ManageCentre,
    /// Read what only a centre's staff may read: its day schedule, documents,
    /// exports, staff lists and inactive rooms.
    ReadStaffData,
    /// Print a centre's day documents.
    PrintDocuments,
    /// Approve, reject or move a request's sittings.
    ApproveRequest,
    /// Cancel an exam request.
    CancelRequest,
    /// Submit exam requests (as an institution or a system admin).
    SubmitRequest,
    /// Register for an exam or book a study place: a student's own doing.
    Book,
    /// Cancel a sitting or a study booking.
    CancelBooking,
    /// Give a study booking a new time or room: its student's own doing,
    /// like booking it.
    MoveStudyBooking,
    /// Mark a sitting's attendance (present, absent, …).
    MarkAttendance,
    /// Change an institution's contact and rules.
    ManageInstitution,
    /// Export an institution's sittings.
    ExportInstitution,
    /// Create and list users, read the audit log, institutions' registry.
    ManageUsers,
    /// List the outbox and retry failed mail.
    RetryMail,
    /// Issue an API token for a user.
    IssueToken,
    /// Change an invigilator's availability: the invigilator or a manager.
    SetAvailability,
    /// Subscribe to an invigilator's calendar feed: the invigilator or a manager.
    FollowCalendar,
    /// Subscribe to one's own sittings and study places: like booking, a
    /// student's own doing (nobody else has bookings of their own to follow).
    FollowOwnBookings,
}

/// What the action is done to, with what the policy needs to know of it.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// The service as a whole (users, audit log, outbox, creating centres).
    Service,
    Centre {
        id: &'a CentreId,
        active: bool,
    },
    /// An item of a centre that only its staff may know of (invigilators,
    /// access cards, inactive rooms).
    StaffItem {
        centre: &'a CentreId,
    },
    Institution {
        id: &'a InstitutionId,
    },
    /// `own_sitting`: the actor is a student with a sitting on it.
    ExamRequest {
        institution: &'a InstitutionId,
        centre: &'a CentreId,
        open: bool,
        own_sitting: bool,
    },
    Sitting {
        student: &'a UserId,
        centre: &'a CentreId,
        institution: &'a InstitutionId,
    },
    StudyBooking {
        student: &'a UserId,
        centre: &'a CentreId,
    },
    Invigilator {
        centre: &'a CentreId,
        user_id: Option<&'a UserId>,
        email: &'a str,
    },
    /// Something a user owns (an API token, a calendar feed).
    Owned {
        owner: &'a UserId,
    },
    /// A user, by e-mail address.
    User {
        email: &'a str,
    },
}

impl<'a> Resource<'a> {
    pub fn centre(c: &'a crate::db::models::Centre) -> Resource<'a> {
        Resource::Centre {
            id: &c.id,
            active: c.active,
        }
    }
}

/// May `actor` do `action` on `resource`? `NotFound` if they may not know it
/// exists, `Forbidden` if they may know it but not do this.
pub fn authorize<'a>(
    actor: impl Into<Actor<'a>>,
    action: Action,
    resource: Resource<'_>,
) -> Result<(), Error> {
    let Actor::User(c) = actor.into() else {
        // The operator at the command line acts as a system administrator.
        return if matches!(
            action,
            Action::Book | Action::FollowOwnBookings | Action::MoveStudyBooking
        ) {
            Err(Error::Forbidden)
        } else {
            Ok(())
        };
    };
    if !sees(c, resource) {
        return Err(Error::NotFound);
    }
    if may(c, action, resource) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// [`authorize`] as a yes or no, for what changes a view rather than refuses.
pub fn permits<'a>(actor: impl Into<Actor<'a>>, action: Action, resource: Resource<'_>) -> bool {
    authorize(actor, action, resource).is_ok()
}

/// Whether the caller may know that the resource exists.
fn sees(c: &Caller, resource: Resource<'_>) -> bool {
    if c.is_system_admin() {
        return true;
    }
    match resource {
        Resource::Service | Resource::User { .. } => true,
        Resource::Centre { id, active } => c.sees_centre(id, active),
        Resource::StaffItem { centre } => c.works_at(centre),
        Resource::Institution { id } => c.role != Role::Institution || c.own_institution(id),
        Resource::ExamRequest {
            institution,
            centre,
            open,
            own_sitting,
        } => match c.role {
            Role::SystemAdmin => true,
            Role::CentreAdmin | Role::Invigilator => c.works_at(centre),
            Role::Institution => c.own_institution(institution),
            Role::Student => open || own_sitting,
        },
        Resource::Sitting {
            student,
            centre,
            institution,
        } => match c.role {
            Role::Student => *student == c.user_id,
            _ => sees(
                c,
                Resource::ExamRequest {
                    institution,
                    centre,
                    open: false,
                    own_sitting: false,
                },
            ),
        },
        Resource::StudyBooking { student, centre } => *student == c.user_id || c.works_at(centre),
        Resource::Invigilator {
            centre,
            user_id,
            email,
        } => c.works_at(centre) || is_self(c, user_id, email),
        Resource::Owned { owner } => *owner == c.user_id,
    }
}

fn may(c: &Caller, action: Action, resource: Resource<'_>) -> bool {
    use Action::*;
    // Booking is a student's own doing; an admin cannot book for them.
    if matches!(action, Book | FollowOwnBookings) {
        return c.role == Role::Student;
    }
    if let (MoveStudyBooking, Resource::StudyBooking { student, .. }) = (action, resource) {
        return *student == c.user_id;
    }
    if c.is_system_admin() {
        return true;
    }
    let centre = match resource {
        Resource::Centre { id, .. } => Some(id),
        Resource::StaffItem { centre }
        | Resource::ExamRequest { centre, .. }
        | Resource::Sitting { centre, .. }
        | Resource::StudyBooking { centre, .. }
        | Resource::Invigilator { centre, .. } => Some(centre),
        _ => None,
    };
    let manages = centre.is_some_and(|id| c.manages_centre(id));
    let works = centre.is_some_and(|id| c.works_at(id));
    match (action, resource) {
        (Read, _) => true,
        (AdministerCentres | ManageUsers | RetryMail, _) => false,
        (ManageCentre | ApproveRequest, _) => manages,
        (ReadStaffData | PrintDocuments | MarkAttendance, _) => works,
        (CancelRequest, Resource::ExamRequest { institution, .. }) => {
            manages || c.own_institution(institution)
        }
        (SubmitRequest, _) => c.role == Role::Institution,
        (
            CancelBooking,
            Resource::Sitting {
                student,
                institution,
                ..
            },
        ) => manages || c.own_institution(institution) || own_student(c, student),
        (CancelBooking, Resource::StudyBooking { student, .. }) => manages || *student == c.user_id,
        (ManageInstitution | ExportInstitution, Resource::Institution { id }) => {
            c.own_institution(id)
        }
        (IssueToken, Resource::User { email }) => email == c.email,
        (SetAvailability | FollowCalendar, Resource::Invigilator { user_id, email, .. }) => {
            is_self(c, user_id, email) || manages
        }
        _ => false,
    }
}

/// An invigilator record is the caller's own by account or by address.
fn is_self(c: &Caller, user_id: Option<&UserId>, email: &str) -> bool {
    user_id == Some(&c.user_id) || email == c.email
}

fn own_student(c: &Caller, student: &UserId) -> bool {
    c.role == Role::Student && *student == c.user_id
}

/// A listing whose rows depend on who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Centres,
    Institutions,
    ExamRequests,
    /// API tokens and calendar feeds: things a user owns.
    Owned,
}

/// Which rows of a [`Listing`] an actor sees. The list queries filter by this,
/// so a list never shows an item that [`authorize`] with `Read` would answer
/// 404 for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    All,
    /// The centres the caller works at, or what belongs to them.
    Centres(&'a [CentreId]),
    /// What belongs to this institution.
    Institution(&'a InstitutionId),
    /// What this user owns.
    Owner(&'a UserId),
    /// Active centres: what students and institutions choose among.
    ActiveCentres,
    /// Open exam requests: what a student may register for.
    OpenRequests,
}

/// What an institution account without its institution (which the schema
/// forbids) would see: nothing, as no row has an empty id.
static NO_INSTITUTION: InstitutionId = InstitutionId(String::new());

pub fn scope<'a>(actor: impl Into<Actor<'a>>, listing: Listing) -> Scope<'a> {
    let Actor::User(c) = actor.into() else {
        return Scope::All;
    };
    if c.is_system_admin() {
        return Scope::All;
    }
    let staff = matches!(c.role, Role::CentreAdmin | Role::Invigilator);
    match listing {
        Listing::Centres if staff => Scope::Centres(&c.centre_ids),
        Listing::Centres => Scope::ActiveCentres,
        Listing::Institutions | Listing::ExamRequests if c.role == Role::Institution => {
            Scope::Institution(c.institution_id.as_ref().unwrap_or(&NO_INSTITUTION))
        }
        Listing::Institutions => Scope::All,
        Listing::ExamRequests if staff => Scope::Centres(&c.centre_ids),
        Listing::ExamRequests => Scope::OpenRequests,
        Listing::Owned => Scope::Owner(&c.user_id),
    }
}

/// What of a person (a student) a viewer is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonView {
    /// The name and e-mail, unless the person's identity is protected and the
    /// viewer is not staff of the centre.
    pub identity: bool,
}

/// Where the person is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// An API answer to a caller: protected identities only to the centre's
    /// staff (and system admins).
    Api,
    /// The attendance sheet the invigilator signs: names, since the
    /// invigilator checks identity in person.
    AttendanceSheet,
    /// Anything printed or exported beyond the attendance sheet (room
    /// lists, door signs, CSV): a protected person only by booking code.
    Document,
}

/// What of a student is shown to `viewer` at `centre`. No view ever includes
/// the personnummer: it is not stored for display.
pub fn person_view<'a>(
    viewer: impl Into<Actor<'a>>,
    centre: &CentreId,
    protected_identity: bool,
    shown: Shown,
) -> PersonView {
    let identity = match shown {
        Shown::AttendanceSheet => true,
        Shown::Document => !protected_identity,
        Shown::Api => {
            !protected_identity
                || permits(
                    viewer,
                    Action::ReadStaffData,
                    Resource::StaffItem { centre },
                )
        }
    };
    PersonView { identity }
}

impl Caller {
    pub fn is_system_admin(&self) -> bool {
        self.role == Role::SystemAdmin
    }

    fn own_institution(&self, id: &InstitutionId) -> bool {
        self.role == Role::Institution && self.institution_id.as_ref() == Some(id)
    }

    /// System admins manage every centre; centre admins their own.
    fn manages_centre(&self, centre_id: &CentreId) -> bool {
        match self.role {
            Role::SystemAdmin => true,
            Role::CentreAdmin => self.centre_ids.iter().any(|c| c == centre_id),
            _ => false,
        }
    }

    /// Staff of a centre: its admins and invigilators (and system admins).
    fn works_at(&self, centre_id: &CentreId) -> bool {
        self.manages_centre(centre_id)
            || (self.role == Role::Invigilator && self.centre_ids.iter().any(|c| c == centre_id))
    }

    /// Whether the caller may know the centre exists. Students and
    /// institutions choose among all active centres; staff see their own.
    fn sees_centre(&self, centre_id: &CentreId, active: bool) -> bool {
        match self.role {
            Role::SystemAdmin => true,
            Role::CentreAdmin | Role::Invigilator => self.centre_ids.iter().any(|c| c == centre_id),
            Role::Institution | Role::Student => active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller {
            user_id: "u1".into(),
            email: "u1@example.se".into(),
            name: "U".into(),
            role,
            centre_ids: vec!["c1".into()],
            institution_id: (role == Role::Institution).then(|| "i1".into()),
            session_id: None,
        }
    }

    #[test]
    fn a_listing_shows_each_role_what_reading_one_item_allows() {
        let ids = vec![CentreId::from("c1")];
        let (i1, u1) = (InstitutionId::from("i1"), UserId::from("u1"));
        let cases = [
            (Role::SystemAdmin, Listing::ExamRequests, Scope::All),
            (
                Role::CentreAdmin,
                Listing::ExamRequests,
                Scope::Centres(&ids),
            ),
            (Role::Invigilator, Listing::Centres, Scope::Centres(&ids)),
            (
                Role::Institution,
                Listing::ExamRequests,
                Scope::Institution(&i1),
            ),
            (
                Role::Institution,
                Listing::Institutions,
                Scope::Institution(&i1),
            ),
            (Role::Institution, Listing::Centres, Scope::ActiveCentres),
            (Role::Student, Listing::ExamRequests, Scope::OpenRequests),
            (Role::Student, Listing::Institutions, Scope::All),
            (Role::Student, Listing::Owned, Scope::Owner(&u1)),
            (Role::SystemAdmin, Listing::Owned, Scope::All),
        ];
        for (role, listing, want) in cases {
            let c = caller(role);
            assert_eq!(scope(&c, listing), want, "{role:?} listing {listing:?}");
        }
        assert_eq!(scope(Actor::Operator, Listing::Centres), Scope::All);
    }

    #[test]
    fn every_row_a_list_shows_is_one_the_caller_may_read() {
        for role in [Role::CentreAdmin, Role::Institution, Role::Student] {
            let c = caller(role);
            let request = |centre: &str, institution: &str, open: bool| {
                permits(
                    &c,
                    Action::Read,
                    Resource::ExamRequest {
                        institution: &institution.into(),
                        centre: &centre.into(),
                        open,
                        own_sitting: false,
                    },
                )
            };
            let listed = |centre: &str, institution: &str, open: bool| match scope(
                &c,
                Listing::ExamRequests,
            ) {
                Scope::All => true,
                Scope::Centres(ids) => ids.iter().any(|i| i == centre),
                Scope::Institution(id) => id == institution,
                Scope::OpenRequests => open,
                _ => false,
            };
            for (centre, institution, open) in [
                ("c1", "i1", false),
                ("c1", "i2", true),
                ("c2", "i1", true),
                ("c2", "i2", false),
            ] {
                if listed(centre, institution, open) {
                    assert!(
                        request(centre, institution, open),
                        "{role:?} lists a request at {centre} of {institution} it may not read"
                    );
                }
            }
        }
    }
}
