//! Boka studieplats: a day's free seats per room, and booking a span; with
//! `?move=<id>` the same page gives one of the student's bookings a new time.

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::accounts::actor::Caller;
use crate::centres::calendar::CalendarQuery;
use crate::domain::Language;
use crate::error::{Conflict, Error};
use crate::study::availability::{self, DateQuery};
use crate::study::bookings::{self, StudyInput};
use crate::study::moving::{self, MoveInput};
use crate::study::schedule::{self, MyBookings};
use crate::web::pages::context::see_other;
use crate::web::pages::errors::{is_refusal, messages_with, FormMessages};
use crate::web::pages::{fmt, form, host, run, Page, PageError, State, Viewer};

#[derive(Deserialize, Default)]
pub(in crate::web::pages) struct BookQuery {
    centre: Option<String>,
    date: Option<String>,
    /// The booking to give a new time, from "Ändra tid" on Mina bokningar.
    #[serde(rename = "move")]
    moving: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub(in crate::web::pages) struct BookForm {
    csrf: Option<String>,
    centre: String,
    date: String,
    room: Option<String>,
    start: String,
    end: String,
    #[serde(rename = "move")]
    moving: Option<String>,
}

#[derive(Serialize)]
struct IntervalView {
    span: String,
    free_seats: i32,
    card_holders_only: bool,
}

#[derive(Serialize)]
struct RoomDay {
    id: String,
    name: String,
    seats: i32,
    intervals: Vec<IntervalView>,
}

#[derive(Serialize)]
struct CentreOption {
    slug: String,
    name: String,
    selected: bool,
}

/// The booking being given a new time: what the page says and preloads.
#[derive(Serialize, Clone)]
struct Moving {
    id: String,
    when: String,
    room: String,
    start: String,
    end: String,
}

/// What the booking page shows for a centre and a date.
struct DayData {
    centres: Vec<CentreOption>,
    centre: Option<String>,
    date: Option<NaiveDate>,
    closed: Option<String>,
    rooms: Vec<RoomDay>,
    moving: Option<Moving>,
}

/// The student's own booking `id` still to come, as the page shows it; the
/// centre and date it is on when none were asked for.
fn moving_view(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    lang: Language,
    id: &str,
) -> Result<(Moving, String, String), Error> {
    let mine = schedule::mine(conn, caller)?;
    let b = mine
        .study_bookings
        .into_iter()
        .find(|b| b.id == id && b.status == "confirmed")
        .ok_or(Error::NotFound)?;
    let view = Moving {
        id: b.id,
        when: fmt::day_span(lang, &b.starts_at, &b.ends_at),
        room: b.room,
        start: b.starts_at.format("%H:%M").to_string(),
        end: b.ends_at.format("%H:%M").to_string(),
    };
    Ok((view, b.centre, b.starts_at.date_naive().to_string()))
}

fn load_day(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    lang: Language,
    centre: Option<String>,
    date: Option<String>,
    move_id: Option<&str>,
) -> Result<DayData, Error> {
    // A booking moves within its own centre: the only one offered then.
    let (moving, centre, date) = match move_id {
        Some(id) => {
            let (m, c, d) = moving_view(conn, caller, lang, id)?;
            (Some(m), Some(c), date.or(Some(d)))
        }
        None => (None, centre, date),
    };
    let mut all = crate::centres::public::list(conn)?;
    if moving.is_some() {
        all.retain(|c| centre.as_ref() == Some(&c.slug));
    }
    let home = schedule::home_centre(conn, caller)?.map(|c| c.slug);
    all.sort_by_key(|c| Some(&c.slug) != home.as_ref());
    let chosen = centre.filter(|s| all.iter().any(|c| &c.slug == s));
    // Nothing chosen yet: the home centre is the likely choice.
    let selected = chosen.clone().or(home);
    let centres = all
        .iter()
        .map(|c| CentreOption {
            slug: c.slug.clone(),
            name: c.name.clone(),
            selected: selected.as_deref() == Some(c.slug.as_str()),
        })
        .collect();
    let Some(slug) = chosen else {
        return Ok(DayData {
            centres,
            centre: None,
            date: None,
            closed: None,
            rooms: Vec::new(),
            moving,
        });
    };
    let day = availability::availability(conn, caller, &slug, &DateQuery { date })?;
    let cal = crate::centres::calendar::calendar(
        conn,
        caller,
        &slug,
        &CalendarQuery {
            from: Some(day.date.to_string()),
            to: Some(day.date.to_string()),
        },
    )?;
    let closed = cal.days.first().and_then(|d| d.closed.as_ref()).map(|c| {
        match (&c.holiday, c.closure, lang) {
            (Some(h), false, Language::En) => h.name_en.to_string(),
            (Some(h), false, Language::Sv) => h.name_sv.to_string(),
            _ => c.reason.clone(),
        }
    });
    let rooms = day
        .rooms
        .into_iter()
        .map(|r| RoomDay {
            id: r.room,
            name: r.name,
            seats: r.seats,
            intervals: r
                .intervals
                .iter()
                .map(|i| IntervalView {
                    span: fmt::span(&i.start, &i.end),
                    free_seats: i.free_seats,
                    card_holders_only: i.card_holders_only,
                })
                .collect(),
        })
        .collect();
    Ok(DayData {
        centres,
        centre: Some(slug),
        date: Some(day.date),
        closed,
        rooms,
        moving,
    })
}

/// The page's own context and title key for `data`.
fn page(
    lang: Language,
    data: DayData,
    form: Option<&BookForm>,
    messages: FormMessages,
) -> (&'static str, minijinja::Value) {
    // A move preloads the booking's own room and times until a form says else.
    let preload = data.moving.as_ref().map(|m| BookForm {
        room: Some(m.room.clone()),
        start: m.start.clone(),
        end: m.end.clone(),
        ..BookForm::default()
    });
    let form = form.or(preload.as_ref());
    let title = if data.moving.is_some() {
        "title-move-study"
    } else {
        "title-book-study"
    };
    let context = minijinja::context! {
        moving => data.moving,
        centres => data.centres,
        centre => data.centre,
        date => data.date.map(|d| d.to_string()),
        day_label => data.date.map(|d| fmt::day(lang, d)),
        closed => data.closed,
        rooms => data.rooms,
        form => form.map(|f| minijinja::context! { room => f.room, start => f.start, end => f.end }),
        errors => messages.fields,
        conflicts => messages.conflicts,
    };
    (title, context)
}

fn render_book(
    viewer: &Viewer,
    data: DayData,
    form: Option<&BookForm>,
    messages: FormMessages,
    status: StatusCode,
) -> Page {
    let (title, context) = page(viewer.lang, data, form, messages);
    let mut response = viewer.render("pages/book.html", title, context)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Boka studieplats for `centre` on `date` as `caller` sees it, without a
/// request: the day loaded and the whole template context (layout included)
/// built. `benches/pages.rs` times this and the render of
/// `pages/book.html` apart.
#[doc(hidden)]
pub fn day_context(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    lang: Language,
    centre: &str,
    date: &str,
) -> Result<minijinja::Value, Error> {
    let viewer = Viewer::for_caller(caller.clone(), lang, "/me/book");
    let data = load_day(
        conn,
        caller,
        lang,
        Some(centre.to_string()),
        Some(date.to_string()),
        None,
    )?;
    let (title, context) = page(lang, data, None, FormMessages::default());
    Ok(viewer.context(title, context))
}

pub(in crate::web::pages) async fn book_page(
    state: State,
    viewer: Viewer,
    query: web::Query<BookQuery>,
) -> Page {
    let caller = viewer.student()?.clone();
    let lang = viewer.lang;
    let BookQuery {
        centre,
        date,
        moving,
    } = query.into_inner();
    let date = date.filter(|d| !d.is_empty());
    let data = run(&state, lang, move |c| {
        load_day(c, &caller, lang, centre, date, moving.as_deref())
    })
    .await;
    match data {
        Ok(data) => render_book(&viewer, data, None, FormMessages::default(), StatusCode::OK),
        Err(e) => Err(e),
    }
}

/// Words the English conflict messages cannot give in Swedish: the reason a
/// day is closed, and the time of the student's own booking collided with.
fn rule_words(
    closed: Option<String>,
    mine: Option<MyBookings>,
) -> impl Fn(&Conflict) -> Vec<(&'static str, String)> {
    move |c: &Conflict| match c.rule.as_str() {
        "closed_day" => closed
            .clone()
            .map(|r| vec![("reason", r)])
            .unwrap_or_default(),
        "student_double_booked" => {
            let Some(with) = &c.with else {
                return Vec::new();
            };
            let Some(mine) = &mine else { return Vec::new() };
            let sitting = mine
                .sittings
                .iter()
                .find(|s| s.id == with.id)
                .and_then(|s| {
                    Some((
                        "exam",
                        fmt::span(s.starts_at.as_ref()?, s.ends_at.as_ref()?),
                    ))
                });
            let study = mine
                .study_bookings
                .iter()
                .find(|b| b.id == with.id)
                .map(|b| ("study", fmt::span(&b.starts_at, &b.ends_at)));
            match sitting.or(study) {
                Some((kind, span)) => vec![("kind", kind.to_string()), ("span", span)],
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

pub(in crate::web::pages) async fn book(state: State, viewer: Viewer, body: web::Bytes) -> Page {
    let lang = viewer.lang;
    let input: BookForm = form(lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let host = host(&state);
    let posted = input.clone();
    let moved = posted.moving.as_deref().is_some_and(|m| !m.is_empty());
    let move_id = input.moving.clone().filter(|m| !m.is_empty());
    let outcome = run(&state, lang, move |c| {
        let room = input.room.clone().filter(|r| !r.is_empty());
        let (starts_at, ends_at) = (
            format!("{}T{}", input.date, input.start),
            format!("{}T{}", input.date, input.end),
        );
        let result = match &move_id {
            Some(id) => moving::move_booking(
                c,
                &caller,
                &host,
                id,
                MoveInput {
                    room,
                    starts_at,
                    ends_at,
                },
            ),
            None => bookings::book(
                c,
                &caller,
                &host,
                StudyInput {
                    centre: input.centre.clone(),
                    room,
                    starts_at,
                    ends_at,
                },
            ),
        };
        match result {
            Ok(_) => Ok(None),
            Err(e) if is_refusal(&e) => {
                let data = load_day(
                    c,
                    &caller,
                    lang,
                    Some(input.centre),
                    Some(input.date),
                    move_id.as_deref(),
                )?;
                let mine = schedule::mine(c, &caller).ok();
                Ok(Some((e, data, mine)))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    match outcome {
        None if moved => Ok(see_other("/me/bookings", Some("flash-study-moved"))),
        None => Ok(see_other("/me/bookings", Some("flash-study-booked"))),
        Some((error, data, mine)) => {
            let words = rule_words(data.closed.clone(), mine);
            let messages = messages_with(lang, &error, &words);
            let status = PageError::new(lang, error).status();
            render_book(&viewer, data, Some(&posted), messages, status)
        }
    }
}
