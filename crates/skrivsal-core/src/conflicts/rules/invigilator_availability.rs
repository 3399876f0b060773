//! `invigilator_availability` (PRODUCT.md rule 6): an assignment lies inside the
//! invigilator's availability, and the invigilator is active.

/// Broken for an inactive invigilator or an assignment not wholly inside availability.
pub fn broken(active: bool, inside_availability: bool) -> bool {
    !active || !inside_availability
}

/// The message for a broken assignment: inactive wins over unavailable.
pub fn message(name: &str, active: bool, when: &str) -> String {
    if active {
        format!("Invigilator '{name}' is not available for the whole of {when}.")
    } else {
        format!("Invigilator '{name}' is inactive.")
    }
}
