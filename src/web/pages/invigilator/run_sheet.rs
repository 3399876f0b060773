//! A room's run sheet for the day: the sittings by start, with check-in,
//! complete and no-show as plain forms (htmx swaps the page's main part).
//! A mark the sitting's state no longer allows is a message on the sheet.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Serialize;

use super::{sitting_view, MARKS};
use crate::centres::shifts::{self, RunSheet};
use crate::error::Error;
use crate::exams::sittings;
use crate::types::SittingId;
use crate::web::pages::context::see_other;
use crate::web::pages::errors::{is_refusal, messages, FormMessages};
use crate::web::pages::landing::CsrfForm;
use crate::web::pages::{fmt, form, host, run, Page, PageError, State, Viewer};

#[derive(Serialize)]
struct Duty {
    name: String,
    span: String,
}

fn render(
    viewer: &Viewer,
    id: &str,
    sheet: RunSheet,
    refused: FormMessages,
    status: StatusCode,
) -> Page {
    let day = fmt::day(viewer.lang, sheet.date);
    let heading = format!("{}, {day}", sheet.room);
    let invigilators: Vec<Duty> = sheet
        .invigilators
        .iter()
        .map(|(name, s, e)| Duty {
            name: name.clone(),
            span: fmt::span(s, e),
        })
        .collect();
    let mut response = viewer.render(
        "pages/invigilator_run_sheet.html",
        "title-run-sheet",
        minijinja::context! {
            heading,
            shift => id,
            centre => sheet.centre,
            sittings => sheet.sittings.into_iter().map(sitting_view).collect::<Vec<_>>(),
            invigilators,
            conflicts => refused.conflicts,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub(super) async fn run_sheet(state: State, viewer: Viewer, id: web::Path<String>) -> Page {
    let caller = viewer.invigilator()?.clone();
    let id = id.into_inner();
    let key = id.clone();
    let sheet = run(&state, viewer.lang, move |c| {
        shifts::run_sheet(c, &caller, &key)
    })
    .await?;
    render(&viewer, &id, sheet, FormMessages::default(), StatusCode::OK)
}

/// Runs a mark; a refusal comes back with the sheet to show it on.
fn refusal<T>(
    c: &mut crate::db::DbConn,
    caller: &crate::accounts::actor::Caller,
    shift: &str,
    op: impl FnOnce(&mut crate::db::DbConn) -> Result<T, Error>,
) -> Result<Option<(Error, RunSheet)>, Error> {
    match op(c) {
        Ok(_) => Ok(None),
        Err(e) if is_refusal(&e) => Ok(Some((e, shifts::run_sheet(c, caller, shift)?))),
        Err(e) => Err(e),
    }
}

/// Check-in, complete or no-show: the API's operation; back to the sheet.
pub(super) async fn mark(
    state: State,
    viewer: Viewer,
    path: web::Path<(String, SittingId, String)>,
    body: web::Bytes,
) -> Page {
    let lang = viewer.lang;
    let input: CsrfForm = form(lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    viewer.invigilator()?;
    let (shift, sitting, mark) = path.into_inner();
    let (transition, slug, _) = *MARKS
        .iter()
        .find(|(_, slug, _)| *slug == mark)
        .ok_or_else(|| viewer.error(Error::NotFound))?;
    let (host, key) = (host(&state), shift.clone());
    let refused = run(&state, lang, move |c| {
        refusal(c, &caller, &key, |c| {
            sittings::transition(c, &caller, &host, &sitting, transition)
        })
    })
    .await?;
    match refused {
        None => Ok(see_other(
            &format!("/me/shifts/{shift}"),
            Some(&format!("flash-marked-{slug}")),
        )),
        Some((error, sheet)) => {
            let refused = messages(lang, &error);
            let status = PageError::new(lang, error).status();
            render(&viewer, &shift, sheet, refused, status)
        }
    }
}
