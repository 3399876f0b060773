//! Anmäl dig till prov: open exam requests and registration.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::{Deserialize, Serialize};

use super::centres_by_slug;
use crate::error::Error;
use crate::exams::requests::{self as requests, Accommodations, ListQuery};
use crate::exams::sittings::{self, RegisterInput};
use crate::study::schedule::{self};
use crate::web::pages::context::see_other;
use crate::web::pages::errors::{is_refusal, FormMessages};
use crate::web::pages::{fmt, form, host, run, Page, PageError, State, Viewer};

#[derive(Serialize)]
struct RequestView {
    id: String,
    course_code: String,
    title: String,
    centre: String,
    /// At the student's home centre: listed first.
    home: bool,
    date: Option<String>,
    deadline: Option<String>,
    my_status_key: Option<String>,
    open: bool,
}

#[derive(Deserialize, Default)]
pub(in crate::web::pages) struct RegisterForm {
    csrf: Option<String>,
    exam_request: String,
    #[serde(default)]
    extra_time_percent: String,
    #[serde(default)]
    breaks_minutes: String,
    separate_room: Option<String>,
    computer: Option<String>,
    accessible_room: Option<String>,
}

fn render_exams(
    state: &State,
    viewer: Viewer,
    messages: FormMessages,
    failed: Option<String>,
    status: StatusCode,
) -> impl std::future::Future<Output = Page> {
    let lang = viewer.lang;
    let caller = viewer.caller.clone();
    let work = run(state, lang, move |c| {
        let caller = caller.ok_or(Error::Unauthorized)?;
        let list = requests::list(
            c,
            &caller,
            &ListQuery {
                status: None,
                centre: None,
                limit: Some(500),
                cursor: None,
            },
        )?;
        let mine = schedule::mine(c, &caller)?;
        let home = schedule::home_centre(c, &caller)?.map(|c| c.slug);
        Ok((list.items, mine, centres_by_slug(c)?, home))
    });
    async move {
        let (items, mine, centres, home) = work.await?;
        let mut views: Vec<RequestView> = items
            .into_iter()
            .filter(|r| r.open || mine.sittings.iter().any(|s| s.exam_request == r.id))
            .map(|r| {
                let mine_status = mine
                    .sittings
                    .iter()
                    .find(|s| s.exam_request == r.id && s.status != "cancelled")
                    .map(|s| format!("status-{}", s.status));
                let start = r.starts_at.or(r.window.as_ref().map(|w| w.earliest_start));
                RequestView {
                    home: home.as_ref() == Some(&r.centre),
                    centre: centres
                        .get(&r.centre)
                        .map_or(r.centre.clone(), |c| c.name.clone()),
                    date: start.map(|s| fmt::day(lang, s.date_naive())),
                    deadline: r.registration_deadline.map(|d| fmt::day(lang, d)),
                    open: r.open && mine_status.is_none(),
                    my_status_key: mine_status,
                    id: r.id,
                    course_code: r.course_code,
                    title: r.title,
                }
            })
            .collect();
        views.sort_by_key(|v| !v.home);
        let mut response = viewer.render(
            "pages/exams.html",
            "title-exams",
            minijinja::context! {
                requests => views,
                failed => failed,
                errors => messages.fields,
                conflicts => messages.conflicts,
            },
        )?;
        *response.status_mut() = status;
        Ok(response)
    }
}

pub(in crate::web::pages) async fn exams(state: State, viewer: Viewer) -> Page {
    viewer.student()?;
    render_exams(
        &state,
        viewer,
        FormMessages::default(),
        None,
        StatusCode::OK,
    )
    .await
}

fn number(field: &str, raw: &str) -> Result<i64, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(0);
    }
    raw.parse()
        .map_err(|_| Error::invalid(field, "number", format!("`{raw}` is not a whole number")))
}

fn accommodations_from(input: &RegisterForm) -> Result<Accommodations, Error> {
    Ok(Accommodations {
        extra_time_percent: number("extra_time_percent", &input.extra_time_percent)?,
        breaks_minutes: number("breaks_minutes", &input.breaks_minutes)?,
        separate_room: input.separate_room.is_some(),
        computer: input.computer.is_some(),
        accessible_room: input.accessible_room.is_some(),
        other: None,
    })
}

pub(in crate::web::pages) async fn register(
    state: State,
    viewer: Viewer,
    body: web::Bytes,
) -> Page {
    let lang = viewer.lang;
    let input: RegisterForm = form(lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let request_id = input.exam_request.clone();
    let accommodations = accommodations_from(&input);
    let host = host(&state);
    let result = match accommodations {
        Ok(accommodations) => {
            run(&state, lang, move |c| {
                match sittings::register(
                    c,
                    &caller,
                    &host,
                    RegisterInput {
                        exam_request: input.exam_request,
                        accommodations,
                    },
                ) {
                    Ok(_) => Ok(None),
                    Err(e) if is_refusal(&e) => Ok(Some(e)),
                    Err(e) => Err(e),
                }
            })
            .await?
        }
        Err(e) => Some(e),
    };
    match result {
        None => Ok(see_other("/me/exams", Some("flash-registered"))),
        Some(e) => {
            let messages = crate::web::pages::errors::messages(lang, &e);
            let status = PageError::new(lang, e).status();
            render_exams(&state, viewer, messages, Some(request_id), status).await
        }
    }
}
