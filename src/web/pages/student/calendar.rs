//! Kalender: the student's calendar feed addresses.

use actix_web::web;
use serde::Serialize;

use crate::documents::feeds;
use crate::web::pages::context::see_other;
use crate::web::pages::landing::CsrfForm;
use crate::web::pages::{fmt, form, run, Page, State, Viewer};

#[derive(Serialize)]
struct FeedView {
    id: String,
    created: String,
}

async fn render_calendar(state: &State, viewer: &Viewer, new_url: Option<String>) -> Page {
    let caller = viewer.student()?.clone();
    let lang = viewer.lang;
    let list = run(state, lang, move |c| feeds::list(c, &caller)).await?;
    let feeds: Vec<FeedView> = list
        .into_iter()
        .filter(|f| f.kind == "student" && !f.revoked)
        .map(|f| FeedView {
            created: fmt::day(lang, f.created_at.date_naive()),
            id: f.id,
        })
        .collect();
    viewer.render(
        "pages/calendar.html",
        "title-calendar",
        minijinja::context! { feeds, new_url },
    )
}

pub(in crate::web::pages) async fn calendar(state: State, viewer: Viewer) -> Page {
    render_calendar(&state, &viewer, None).await
}

/// The address is shown once, on the page this post answers with: only its
/// hash is stored.
pub(in crate::web::pages) async fn create_feed(
    state: State,
    viewer: Viewer,
    body: web::Bytes,
) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    viewer.student()?;
    let base = state.settings.server.public_url.to_string();
    let out = run(&state, viewer.lang, move |c| {
        feeds::create(
            c,
            &caller,
            &base,
            feeds::FeedInput {
                kind: "student".into(),
                id: None,
            },
        )
    })
    .await?;
    render_calendar(&state, &viewer, out.url).await
}

pub(in crate::web::pages) async fn revoke_feed(
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
