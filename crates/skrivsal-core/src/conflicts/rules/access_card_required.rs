//! `access_card_required` (PRODUCT.md rule 1): a study booking inside access-card hours
//! but not staffed hours needs a card valid on the booking's local start date.

use chrono::NaiveDate;

use crate::conflicts::AccessCard;

/// Whether any of `cards` (the student's) is valid on `date`.
pub fn holds_card<'a>(cards: impl IntoIterator<Item = &'a AccessCard>, date: NaiveDate) -> bool {
    cards.into_iter().any(|c| c.valid_on(date))
}

/// Broken for a study booking outside staffed hours, inside access-card hours, by a
/// student without a valid card. (Outside both is [`super::opening_hours`].)
pub fn broken(inside_staffed: bool, inside_access: bool, card_holder: bool) -> bool {
    !inside_staffed && inside_access && !card_holder
}

pub fn message(what: &str, date: NaiveDate) -> String {
    format!(
        "{what} is outside staffed hours; only students with an access card valid on {date} \
         may book then."
    )
}
