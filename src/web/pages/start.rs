//! The start pages of staff and institutions, over operations they already
//! have: a centre admin's day at their centres (sittings by status, exam
//! requests waiting for approval, the day's print-outs), an institution's
//! exam requests with their status, a system admin's centres. Their full
//! pages come with issues 16 and 17; invigilators keep the welcome page
//! until theirs land.

use std::collections::BTreeMap;

use chrono::Duration;
use serde::Serialize;

use super::{fmt, run, Page, State, Viewer};
use crate::accounts::actor::Caller;
use crate::db::DbConn;
use crate::documents::print::Document;
use crate::domain::{Language, Role};
use crate::error::Error;
use crate::exams::requests::{self, ExamRequestOut, ListQuery};
use crate::pagination::PageQuery;
use crate::study::availability::DateQuery;
use crate::types::RequestStatus;

/// One page of a listing is enough here: the full lists are issues 16–17's.
const LISTED: i64 = 200;

pub(super) async fn start(state: State, viewer: Viewer) -> Page {
    let caller = viewer.signed_in()?.clone();
    let lang = viewer.lang;
    match caller.role {
        Role::CentreAdmin => {
            let centres = run(&state, lang, move |c| centre_days(c, &caller, lang)).await?;
            viewer.render(
                "pages/start_centre.html",
                "title-today",
                minijinja::context! { centres },
            )
        }
        Role::Institution => {
            let requests = run(&state, lang, move |c| own_requests(c, &caller, lang)).await?;
            viewer.render(
                "pages/start_institution.html",
                "title-exam-requests",
                minijinja::context! { requests },
            )
        }
        Role::SystemAdmin => {
            let centres = run(&state, lang, move |c| all_centres(c, &caller)).await?;
            viewer.render(
                "pages/start_admin.html",
                "title-centres",
                minijinja::context! { centres },
            )
        }
        Role::Invigilator | Role::Student => {
            viewer.render("pages/start.html", "title-start", minijinja::context! {})
        }
    }
}

#[derive(Serialize)]
struct Count {
    /// A sitting status (`status-…` in the catalogues).
    status: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct RequestRow {
    id: String,
    course_code: String,
    title: String,
    when: String,
    centre: String,
    institution: String,
    /// `request-status-…` in the catalogues.
    status: String,
    sittings: usize,
}

#[derive(Serialize)]
struct CentreDay {
    slug: String,
    name: String,
    day: String,
    /// `YYYY-MM-DD`, for the print-outs' addresses.
    date: String,
    sittings: usize,
    by_status: Vec<Count>,
    study_bookings: usize,
    pending: Vec<RequestRow>,
    /// The print documents' names in their addresses (`print-doc-…` in the
    /// catalogues), each as HTML and PDF.
    print: Vec<&'static str>,
}

#[derive(Serialize)]
struct CentreRow {
    slug: String,
    name: String,
    municipality: String,
    active: bool,
}

/// Today at each centre the admin manages.
fn centre_days(
    conn: &mut DbConn,
    caller: &Caller,
    lang: Language,
) -> Result<Vec<CentreDay>, Error> {
    let mut days = Vec::new();
    for id in &caller.centre_ids {
        let centre = crate::centres::centre::find_visible(conn, caller, id.as_str())?;
        let today = crate::study::schedule::schedule(
            conn,
            caller,
            &centre.slug,
            &DateQuery { date: None },
        )?;
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for s in today.rooms.iter().flat_map(|r| &r.sittings) {
            *by_status.entry(s.status.clone()).or_default() += 1;
        }
        let pending = requests::list(
            conn,
            caller,
            &ListQuery {
                status: Some(RequestStatus::Submitted.as_str().to_string()),
                centre: Some(centre.slug.clone()),
                limit: Some(LISTED),
                cursor: None,
            },
        )?;
        days.push(CentreDay {
            day: fmt::day(lang, today.date),
            date: today.date.to_string(),
            sittings: by_status.values().sum(),
            by_status: crate::types::SittingStatus::names()
                .into_iter()
                .filter_map(|status| {
                    let count = by_status.get(status).copied()?;
                    Some(Count { status, count })
                })
                .collect(),
            study_bookings: today.rooms.iter().map(|r| r.study_bookings.len()).sum(),
            pending: pending.items.iter().map(|r| row(lang, r)).collect(),
            print: Document::ALL.iter().map(|d| d.slug()).collect(),
            slug: centre.slug,
            name: centre.name,
        });
    }
    Ok(days)
}

/// The institution's exam requests, every status.
fn own_requests(
    conn: &mut DbConn,
    caller: &Caller,
    lang: Language,
) -> Result<Vec<RequestRow>, Error> {
    let page = requests::list(
        conn,
        caller,
        &ListQuery {
            status: None,
            centre: None,
            limit: Some(LISTED),
            cursor: None,
        },
    )?;
    Ok(page.items.iter().map(|r| row(lang, r)).collect())
}

fn all_centres(conn: &mut DbConn, caller: &Caller) -> Result<Vec<CentreRow>, Error> {
    let page = crate::centres::centre::list(
        conn,
        caller,
        &PageQuery {
            limit: Some(LISTED),
            cursor: None,
        },
    )?;
    Ok(page
        .items
        .into_iter()
        .map(|c| CentreRow {
            slug: c.slug,
            name: c.name,
            municipality: c.municipality,
            active: c.active,
        })
        .collect())
}

fn row(lang: Language, r: &ExamRequestOut) -> RequestRow {
    let when = match (&r.starts_at, &r.window) {
        (Some(start), _) => {
            let end = *start + Duration::minutes(i64::from(r.duration_minutes));
            fmt::day_span(lang, start, &end)
        }
        (None, Some(w)) => format!(
            "{} – {}",
            fmt::day(lang, w.earliest_start.date_naive()),
            fmt::day(lang, w.latest_end.date_naive())
        ),
        (None, None) => String::new(),
    };
    RequestRow {
        id: r.id.clone(),
        course_code: r.course_code.clone(),
        title: r.title.clone(),
        when,
        centre: r.centre.clone(),
        institution: r.institution.clone(),
        status: r.status.clone(),
        sittings: r.sittings.len(),
    }
}
