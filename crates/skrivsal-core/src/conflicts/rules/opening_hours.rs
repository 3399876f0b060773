//! `opening_hours` (PRODUCT.md rule 1): a sitting must lie inside staffed hours; a
//! study booking inside staffed hours or, for card holders, access-card hours (see
//! [`super::access_card_required`] for the card part).

/// Broken for a sitting not wholly inside staffed hours.
pub fn sitting_broken(inside_staffed: bool) -> bool {
    !inside_staffed
}

/// Broken for a study booking inside neither staffed nor access-card hours (whatever
/// cards the student holds).
pub fn study_broken(inside_staffed: bool, inside_access: bool) -> bool {
    !inside_staffed && !inside_access
}

/// `what` is e.g. "The sitting 2026-02-02 08:00 to 2026-02-02 10:00".
pub fn sitting_message(what: &str) -> String {
    format!("{what} is not inside the centre's staffed hours.")
}

pub fn study_message(what: &str) -> String {
    format!("{what} is outside the centre's opening and access-card hours.")
}
