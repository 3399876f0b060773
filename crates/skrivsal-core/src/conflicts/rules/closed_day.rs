//! `closed_day` (PRODUCT.md rule 1): no item on a local date the centre is closed
//! (a closure, or a holiday it observes). `with` names the day.

use chrono::NaiveDate;

use super::{ItemKind, ItemRef, Rule, Violation};
use crate::calendar::ClosedReason;

/// The violation for `item` (described by `what`) touching closed `date`.
pub fn violation(item: &ItemRef, what: &str, date: NaiveDate, reason: &ClosedReason) -> Violation {
    Violation::new(Rule::ClosedDay, item.clone(), message(what, date, reason))
        .with(closure_ref(date))
        .words(vec![("reason", reason.reason.clone())])
}

pub fn message(what: &str, date: NaiveDate, reason: &ClosedReason) -> String {
    let why = match (&reason.holiday, reason.closure) {
        (Some(h), false) => format!("{} ({}), a holiday", h.name_sv, h.name_en),
        (Some(h), true) => format!(
            "closure \"{}\" (also {}, {})",
            reason.reason, h.name_sv, h.name_en
        ),
        (None, _) => format!("closure \"{}\"", reason.reason),
    };
    format!("{what} falls on {date}, when the centre is closed: {why}")
}

/// A closed day as an item: its id is the local date.
pub fn closure_ref(date: NaiveDate) -> ItemRef {
    ItemRef::new(ItemKind::Closure, date.format("%Y-%m-%d").to_string())
}
