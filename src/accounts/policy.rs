//! What a caller may see and do, decided in one place.
//!
//! Tenancy answers 404 (the caller may not even know the item exists: another
//! centre's room, another institution's request); a known item the caller may
//! not change answers 403.

use crate::accounts::actor::Caller;
use crate::domain::Role;
use crate::error::Error;

impl Caller {
    pub fn is_system_admin(&self) -> bool {
        self.role == Role::SystemAdmin
    }

    /// System admins manage every centre; centre admins their own.
    pub fn manages_centre(&self, centre_id: &str) -> bool {
        match self.role {
            Role::SystemAdmin => true,
            Role::CentreAdmin => self.centre_ids.iter().any(|c| c == centre_id),
            _ => false,
        }
    }

    /// Staff of a centre: its admins and invigilators (and system admins).
    pub fn works_at(&self, centre_id: &str) -> bool {
        self.manages_centre(centre_id)
            || (self.role == Role::Invigilator && self.centre_ids.iter().any(|c| c == centre_id))
    }

    /// Whether the caller may know the centre exists. Students and
    /// institutions choose among all active centres; staff see their own.
    pub fn sees_centre(&self, centre_id: &str, active: bool) -> bool {
        match self.role {
            Role::SystemAdmin => true,
            Role::CentreAdmin | Role::Invigilator => self.centre_ids.iter().any(|c| c == centre_id),
            Role::Institution | Role::Student => active,
        }
    }

    pub fn require_system_admin(&self) -> Result<(), Error> {
        if self.is_system_admin() {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// For an item of a centre the caller can see: may they change it?
    pub fn require_manages(&self, centre_id: &str) -> Result<(), Error> {
        if self.manages_centre(centre_id) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn require_works_at(&self, centre_id: &str) -> Result<(), Error> {
        if self.works_at(centre_id) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }
}
