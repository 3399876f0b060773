//! Tillgänglighet: the weekly pattern and dated exceptions in one form, saved
//! with the API's operation. "Förhandsgranska" shows which assignments the
//! new availability would leave uncovered before anything is saved; after
//! saving, the page warns of the same.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::web;
use serde::{Deserialize, Serialize};

use crate::accounts::actor::Caller;
use crate::centres::invigilators::{
    self, AvailabilityInput, AvailabilityQuery, ExceptionEntry, WeeklyEntry,
};
use crate::centres::shifts::{self, Uncovered};
use crate::error::Error;
use crate::types::InvigilatorId;
use crate::web::pages::context::see_other;
use crate::web::pages::errors::{is_refusal, row_messages};
use crate::web::pages::{fmt, form, run, Page, PageError, State, Viewer};

/// Blank rows offered for adding to the pattern and the exceptions.
const BLANK_ROWS: usize = 2;

#[derive(Deserialize, Default)]
pub(super) struct Choice {
    invigilator: Option<String>,
}

#[derive(Serialize)]
struct RecordOption {
    id: String,
    centre: String,
    selected: bool,
}

#[derive(Serialize)]
struct UncoveredView {
    when: String,
    centre: String,
    room: String,
}

/// What the form shows: the rows, and what a preview or the saved pattern
/// does to the assignments.
struct FormState {
    records: Vec<RecordOption>,
    id: String,
    weekly: Vec<WeeklyEntry>,
    exceptions: Vec<ExceptionEntry>,
    errors: BTreeMap<String, String>,
    preview: Option<Vec<Uncovered>>,
    uncovered: Vec<Uncovered>,
}

fn views(viewer: &Viewer, list: Vec<Uncovered>) -> Vec<UncoveredView> {
    list.into_iter()
        .map(|u| UncoveredView {
            when: fmt::day_span(viewer.lang, &u.starts_at, &u.ends_at),
            centre: u.centre,
            room: u.room,
        })
        .collect()
}

fn render(viewer: &Viewer, s: FormState, status: StatusCode) -> Page {
    let mut weekly = s.weekly;
    weekly.extend((0..BLANK_ROWS).map(|_| WeeklyEntry {
        weekday: "mon".into(),
        from: String::new(),
        to: String::new(),
    }));
    let mut exceptions = s.exceptions;
    exceptions.extend((0..BLANK_ROWS).map(|_| ExceptionEntry {
        date: String::new(),
        from: None,
        to: None,
        available: false,
    }));
    let mut response = viewer.render(
        "pages/invigilator_availability.html",
        "title-availability",
        minijinja::context! {
            records => s.records,
            invigilator => s.id,
            weekly, exceptions,
            errors => s.errors,
            previewed => s.preview.is_some(),
            preview => s.preview.map(|p| views(viewer, p)),
            uncovered => views(viewer, s.uncovered),
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

/// The caller's invigilator records, the chosen one (or the first) marked.
fn records(
    c: &mut crate::db::DbConn,
    caller: &Caller,
    chosen: Option<&str>,
) -> Result<(Vec<RecordOption>, InvigilatorId), Error> {
    let own = shifts::own_records(c, caller)?;
    let id = own
        .iter()
        .find(|(i, _)| Some(i.id.as_str()) == chosen)
        .or(own.first())
        .map(|(i, _)| i.id.clone())
        .ok_or(Error::NotFound)?;
    let options = own
        .into_iter()
        .map(|(i, centre)| RecordOption {
            selected: i.id == id,
            id: i.id.into(),
            centre: centre.name,
        })
        .collect();
    Ok((options, id))
}

pub(super) async fn page(state: State, viewer: Viewer, query: web::Query<Choice>) -> Page {
    let caller = viewer.invigilator()?.clone();
    let chosen = query.into_inner().invigilator;
    let s = run(&state, viewer.lang, move |c| {
        let (records, id) = records(c, &caller, chosen.as_deref())?;
        let saved = invigilators::get_availability(c, &caller, &id, &AvailabilityQuery::default())?;
        Ok(FormState {
            records,
            weekly: saved.weekly,
            exceptions: saved.exceptions,
            uncovered: shifts::uncovered(c, &caller, &id, None)?,
            id: id.into(),
            errors: BTreeMap::new(),
            preview: None,
        })
    })
    .await?;
    render(&viewer, s, StatusCode::OK)
}

/// The form as posted: repeated fields, one of each per row, in order.
struct Posted {
    csrf: Option<String>,
    invigilator: Option<String>,
    save: bool,
    weekly: Vec<WeeklyEntry>,
    exceptions: Vec<ExceptionEntry>,
}

fn read_rows(pairs: Vec<(String, String)>) -> Posted {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        fields.entry(k).or_default().push(v.trim().to_string());
    }
    let mut take = |k: &str| fields.remove(k).unwrap_or_default();
    let single = |v: Vec<String>| v.into_iter().next();
    let (csrf, invigilator, action) = (
        single(take("csrf")),
        single(take("invigilator")),
        single(take("action")),
    );
    let (days, froms, tos) = (take("w_day"), take("w_from"), take("w_to"));
    let weekly = days
        .into_iter()
        .zip(froms)
        .zip(tos)
        .filter(|((_, f), t)| !f.is_empty() || !t.is_empty())
        .map(|((weekday, from), to)| WeeklyEntry { weekday, from, to })
        .collect();
    let (dates, kinds, froms, tos) = (take("x_date"), take("x_kind"), take("x_from"), take("x_to"));
    let some = |s: String| (!s.is_empty()).then_some(s);
    let exceptions = dates
        .into_iter()
        .zip(kinds)
        .zip(froms.into_iter().zip(tos))
        .filter(|((d, _), (f, t))| !d.is_empty() || !f.is_empty() || !t.is_empty())
        .map(|((date, kind), (from, to))| ExceptionEntry {
            date,
            available: kind == "available",
            from: some(from),
            to: some(to),
        })
        .collect();
    Posted {
        csrf,
        invigilator,
        save: action.as_deref() == Some("save"),
        weekly,
        exceptions,
    }
}

/// What a posted form comes to.
enum Outcome {
    /// Saved: back to the page, which warns of uncovered shifts.
    Saved(InvigilatorId),
    /// The form again, with a preview or the refusal.
    Shown(FormState, Option<Error>),
}

/// Previews or saves the posted rows with the API's operations.
fn apply(c: &mut crate::db::DbConn, caller: &Caller, posted: Posted) -> Result<Outcome, Error> {
    let (records, id) = records(c, caller, posted.invigilator.as_deref())?;
    let input = AvailabilityInput {
        weekly: posted.weekly.clone(),
        exceptions: posted.exceptions.clone(),
    };
    let result = if posted.save {
        invigilators::put_availability(c, caller, &id, input).map(|_| None)
    } else {
        shifts::uncovered(c, caller, &id, Some(&input)).map(Some)
    };
    let (preview, error) = match result {
        Ok(None) => return Ok(Outcome::Saved(id)),
        Ok(Some(preview)) => (Some(preview), None),
        Err(e) if is_refusal(&e) => (None, Some(e)),
        Err(e) => return Err(e),
    };
    let form = FormState {
        records,
        weekly: posted.weekly,
        exceptions: posted.exceptions,
        errors: BTreeMap::new(),
        preview,
        uncovered: Vec::new(),
        id: id.into(),
    };
    Ok(Outcome::Shown(form, error))
}

/// "Förhandsgranska" or "Spara": a refused form comes back with a message
/// beside each field to fix.
pub(super) async fn submit(state: State, viewer: Viewer, body: web::Bytes) -> Page {
    let lang = viewer.lang;
    let posted = read_rows(form(lang, &body)?);
    let caller = viewer.check_csrf(posted.csrf.as_deref())?.clone();
    viewer.invigilator()?;
    match run(&state, lang, move |c| apply(c, &caller, posted)).await? {
        Outcome::Saved(id) => Ok(see_other(
            &format!("/me/availability?invigilator={id}"),
            Some("flash-availability-saved"),
        )),
        Outcome::Shown(form, None) => render(&viewer, form, StatusCode::OK),
        Outcome::Shown(mut form, Some(error)) => {
            form.errors = row_messages(lang, &error);
            let status = PageError::new(lang, error).status();
            render(&viewer, form, status)
        }
    }
}
