//! Kalender: the calendar feed addresses of a student (their sittings and
//! study places) or an invigilator (their assignments).

use actix_web::web;
use serde::Serialize;

use crate::accounts::actor::Caller;
use crate::centres::shifts;
use crate::documents::feeds;
use crate::domain::Role;
use crate::error::Error;
use crate::web::pages::context::see_other;
use crate::web::pages::landing::CsrfForm;
use crate::web::pages::{fmt, form, run, Page, PageError, State, Viewer};

#[derive(Serialize)]
struct FeedView {
    id: String,
    created: String,
}

/// What a person follows on this page: a student their own sittings and
/// study places, an invigilator their shifts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Feed {
    OwnBookings,
    Shifts,
}

impl Feed {
    /// The kind's name in the feeds operation.
    fn kind(self) -> &'static str {
        match self {
            Feed::OwnBookings => "student",
            Feed::Shifts => "invigilator",
        }
    }
}

/// The feed the viewer's role follows; other roles get 404.
fn feed_of(viewer: &Viewer) -> Result<(&Caller, Feed), PageError> {
    let caller = viewer.signed_in()?;
    match caller.role {
        Role::Student => Ok((caller, Feed::OwnBookings)),
        Role::Invigilator => Ok((caller, Feed::Shifts)),
        _ => Err(viewer.error(Error::NotFound)),
    }
}

async fn render_calendar(state: &State, viewer: &Viewer, new_url: Option<String>) -> Page {
    let (caller, feed) = feed_of(viewer)?;
    let caller = caller.clone();
    let lang = viewer.lang;
    let list = run(state, lang, move |c| feeds::list(c, &caller)).await?;
    let feeds: Vec<FeedView> = list
        .into_iter()
        .filter(|f| f.kind == feed.kind() && !f.revoked)
        .map(|f| FeedView {
            created: fmt::day(lang, f.created_at.date_naive()),
            id: f.id,
        })
        .collect();
    let lead = match feed {
        Feed::OwnBookings => "calendar-lead",
        Feed::Shifts => "calendar-lead-invigilator",
    };
    viewer.render(
        "pages/calendar.html",
        "title-calendar",
        minijinja::context! { feeds, new_url, lead },
    )
}

pub(super) async fn calendar(state: State, viewer: Viewer) -> Page {
    render_calendar(&state, &viewer, None).await
}

/// The address is shown once, on the page this post answers with: only its
/// hash is stored. An invigilator's feed follows their own record (the
/// first, by centre name, if they work at several).
pub(super) async fn create_feed(state: State, viewer: Viewer, body: web::Bytes) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let (_, feed) = feed_of(&viewer)?;
    let base = state.settings.server.public_url.to_string();
    let out = run(&state, viewer.lang, move |c| {
        let id = match feed {
            Feed::Shifts => Some(
                shifts::own_records(c, &caller)?
                    .into_iter()
                    .next()
                    .ok_or(Error::NotFound)?
                    .0
                    .id,
            ),
            Feed::OwnBookings => None,
        };
        let input = feeds::FeedInput {
            kind: feed.kind().into(),
            id: id.map(Into::into),
        };
        feeds::create(c, &caller, &base, input)
    })
    .await?;
    render_calendar(&state, &viewer, out.url).await
}

pub(super) async fn revoke_feed(
    state: State,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let id = id.into_inner();
    run(&state, viewer.lang, move |c| feeds::revoke(c, &caller, &id)).await?;
    Ok(see_other("/me/calendar", Some("flash-feed-revoked")))
}
