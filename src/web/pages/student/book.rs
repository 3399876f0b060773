//! Boka studieplats: a day's free seats per room, and booking a span.

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
use crate::study::schedule::{self, MyBookings};
use crate::web::pages::context::see_other;
use crate::web::pages::errors::{is_refusal, messages_with, FormMessages};
use crate::web::pages::{fmt, form, host, run, Page, PageError, State, Viewer};

#[derive(Deserialize, Default)]
pub(in crate::web::pages) struct BookQuery {
    centre: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub(in crate::web::pages) struct BookForm {
    csrf: Option<String>,
    centre: String,
    date: String,
    room: Option<String>,
    start: String,
    end: String,
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

/// What the booking page shows for a centre and a date.
struct DayData {
    centres: Vec<CentreOption>,
    centre: Option<String>,
    date: Option<NaiveDate>,
    closed: Option<String>,
    rooms: Vec<RoomDay>,
}

fn load_day(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    lang: Language,
    centre: Option<String>,
    date: Option<String>,
) -> Result<DayData, Error> {
    let all = crate::centres::public::list(conn)?;
    let chosen = centre.filter(|s| all.iter().any(|c| &c.slug == s));
    let centres = all
        .iter()
        .map(|c| CentreOption {
            slug: c.slug.clone(),
            name: c.name.clone(),
            selected: chosen.as_deref() == Some(c.slug.as_str()),
        })
        .collect();
    let Some(slug) = chosen else {
        return Ok(DayData {
            centres,
            centre: None,
            date: None,
            closed: None,
            rooms: Vec::new(),
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
    })
}

fn render_book(
    viewer: &Viewer,
    data: DayData,
    form: Option<&BookForm>,
    messages: FormMessages,
    status: StatusCode,
) -> Page {
    let lang = viewer.lang;
    let mut response = viewer.render(
        "pages/book.html",
        "title-book-study",
        minijinja::context! {
            centres => data.centres,
            centre => data.centre,
            date => data.date.map(|d| d.to_string()),
            day_label => data.date.map(|d| fmt::day(lang, d)),
            closed => data.closed,
            rooms => data.rooms,
            form => form.map(|f| minijinja::context! { room => f.room, start => f.start, end => f.end }),
            errors => messages.fields,
            conflicts => messages.conflicts,
        },
    )?;
    *response.status_mut() = status;
    Ok(response)
}

pub(in crate::web::pages) async fn book_page(
    state: State,
    viewer: Viewer,
    query: web::Query<BookQuery>,
) -> Page {
    let caller = viewer.student()?.clone();
    let lang = viewer.lang;
    let BookQuery { centre, date } = query.into_inner();
    let date = date.filter(|d| !d.is_empty());
    let data = run(&state, lang, move |c| {
        load_day(c, &caller, lang, centre, date)
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
    let outcome = run(&state, lang, move |c| {
        let room = input.room.clone().filter(|r| !r.is_empty());
        let result = bookings::book(
            c,
            &caller,
            &host,
            StudyInput {
                centre: input.centre.clone(),
                room,
                starts_at: format!("{}T{}", input.date, input.start),
                ends_at: format!("{}T{}", input.date, input.end),
            },
        );
        match result {
            Ok(_) => Ok(None),
            Err(e) if is_refusal(&e) => {
                let data = load_day(c, &caller, lang, Some(input.centre), Some(input.date))?;
                let mine = schedule::mine(c, &caller).ok();
                Ok(Some((e, data, mine)))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    match outcome {
        None => Ok(see_other("/me/bookings", Some("flash-study-booked"))),
        Some((error, data, mine)) => {
            let words = rule_words(data.closed.clone(), mine);
            let messages = messages_with(lang, &error, &words);
            let status = PageError::new(lang, error).status();
            render_book(&viewer, data, Some(&posted), messages, status)
        }
    }
}
