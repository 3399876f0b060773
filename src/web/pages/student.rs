//! The student's pages: Mina bokningar (start), Boka studieplats, Anmäl dig
//! till prov and Kalender. Each calls the operation the API calls.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::context::see_other;
use super::errors::{is_refusal, messages_with, FormMessages};
use super::landing::CsrfForm;
use super::{fmt, form, host, run, Page, PageError, State, Viewer};
use crate::accounts::actor::Caller;
use crate::centres::calendar::CalendarQuery;
use crate::db::models::Centre;
use crate::documents::feeds;
use crate::domain::Language;
use crate::error::{Conflict, Error};
use crate::exams::requests::{self as requests, Accommodations, ListQuery};
use crate::exams::sittings::{self, RegisterInput, Transition};
use crate::study::availability::{self, DateQuery};
use crate::study::bookings::{self, StudyInput};
use crate::study::schedule::{self, MyBookings};

fn centres_by_slug(conn: &mut crate::db::DbConn) -> Result<HashMap<String, Centre>, Error> {
    Ok(crate::centres::public::list(conn)?
        .into_iter()
        .map(|c| (c.slug.clone(), c))
        .collect())
}

// ---------------------------------------------------------------- Mina bokningar

#[derive(Serialize)]
struct SittingView {
    id: String,
    title: String,
    course_code: String,
    centre: String,
    address: String,
    room: Option<String>,
    when: Option<String>,
    extra_time: i64,
    accommodations: Vec<&'static str>,
    aids: String,
    booking_code: String,
    status_key: String,
    can_cancel: bool,
}

#[derive(Serialize)]
struct StudyView {
    id: String,
    centre: String,
    room: String,
    when: String,
    booking_code: String,
    status_key: String,
    can_cancel: bool,
}

fn accommodation_keys(a: &Accommodations) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.separate_room {
        out.push("acc-separate-room");
    }
    if a.computer {
        out.push("acc-computer");
    }
    if a.breaks_minutes > 0 {
        out.push("acc-breaks");
    }
    if a.accessible_room {
        out.push("acc-accessible-room");
    }
    out
}

fn is_past(end: Option<&DateTime<FixedOffset>>, now: DateTime<Utc>) -> bool {
    end.is_some_and(|e| e.with_timezone(&Utc) <= now)
}

pub(super) async fn bookings(state: State, viewer: Viewer) -> Page {
    let caller = viewer.student()?.clone();
    let lang = viewer.lang;
    let (mine, centres, aids, now) = run(&state, lang, move |c| {
        let mine = schedule::mine(c, &caller)?;
        let centres = centres_by_slug(c)?;
        let mut aids = HashMap::new();
        for s in &mine.sittings {
            if !aids.contains_key(&s.exam_request) {
                let r = requests::load_out(c, &caller, &s.exam_request)?;
                aids.insert(s.exam_request.clone(), r.aids);
            }
        }
        Ok((mine, centres, aids, crate::clock::now()))
    })
    .await?;
    let MyBookings {
        study_bookings,
        sittings: my_sittings,
    } = mine;
    let (mut upcoming_s, mut past_s) = (Vec::new(), Vec::new());
    for s in my_sittings {
        let past = is_past(s.ends_at.as_ref(), now);
        let centre = centres.get(&s.centre);
        let open = matches!(s.status.as_str(), "requested" | "confirmed");
        let view = SittingView {
            when: match (&s.starts_at, &s.ends_at) {
                (Some(a), Some(b)) => Some(fmt::day_span(lang, a, b)),
                _ => None,
            },
            extra_time: s.accommodations.extra_time_percent,
            accommodations: accommodation_keys(&s.accommodations),
            aids: aids.get(&s.exam_request).cloned().unwrap_or_default(),
            centre: centre.map_or(s.centre.clone(), |c| c.name.clone()),
            address: centre.map(|c| c.address.clone()).unwrap_or_default(),
            room: s.room_name,
            title: s.title,
            course_code: s.course_code,
            booking_code: s.booking_code,
            status_key: format!("status-{}", s.status),
            can_cancel: open && !past,
            id: s.id,
        };
        if past || (!open && s.starts_at.is_none()) {
            past_s.push(view);
        } else {
            upcoming_s.push(view);
        }
    }
    let (mut upcoming_b, mut past_b) = (Vec::new(), Vec::new());
    for b in study_bookings {
        let past = is_past(Some(&b.ends_at), now);
        let view = StudyView {
            centre: centres
                .get(&b.centre)
                .map_or(b.centre.clone(), |c| c.name.clone()),
            room: b.room_name,
            when: fmt::day_span(lang, &b.starts_at, &b.ends_at),
            booking_code: b.booking_code,
            status_key: format!("status-{}", b.status),
            can_cancel: b.status == "confirmed" && !past,
            id: b.id,
        };
        if past {
            past_b.push(view);
        } else {
            upcoming_b.push(view);
        }
    }
    // Upcoming soonest first; the operation lists newest first.
    upcoming_s.reverse();
    upcoming_b.reverse();
    past_s.truncate(50);
    past_b.truncate(50);
    viewer.render(
        "pages/bookings.html",
        "title-my-bookings",
        minijinja::context! {
            sittings => upcoming_s, past_sittings => past_s,
            study => upcoming_b, past_study => past_b,
        },
    )
}

/// A cancel button's post: the token, the operation, back to the list.
async fn cancel<T: Send + 'static>(
    state: State,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Bytes,
    flash: &str,
    op: fn(&mut crate::db::DbConn, &Caller, &str, &str) -> Result<T, Error>,
) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let (id, host) = (id.into_inner(), host(&state));
    run(&state, viewer.lang, move |c| op(c, &caller, &host, &id)).await?;
    Ok(see_other("/me/bookings", Some(flash)))
}

pub(super) async fn cancel_study(
    state: State,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Page {
    cancel(
        state,
        viewer,
        id,
        body,
        "flash-study-cancelled",
        bookings::cancel,
    )
    .await
}

pub(super) async fn cancel_sitting(
    state: State,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Bytes,
) -> Page {
    cancel(
        state,
        viewer,
        id,
        body,
        "flash-sitting-cancelled",
        |c, caller, host, id| sittings::transition(c, caller, host, id, Transition::Cancel),
    )
    .await
}

// ---------------------------------------------------------------- Boka studieplats

#[derive(Deserialize, Default)]
pub(super) struct BookQuery {
    centre: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub(super) struct BookForm {
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

pub(super) async fn book_page(state: State, viewer: Viewer, query: web::Query<BookQuery>) -> Page {
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

pub(super) async fn book(state: State, viewer: Viewer, body: web::Bytes) -> Page {
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

// ---------------------------------------------------------------- Anmäl dig till prov

#[derive(Serialize)]
struct RequestView {
    id: String,
    course_code: String,
    title: String,
    centre: String,
    date: Option<String>,
    deadline: Option<String>,
    my_status_key: Option<String>,
    open: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct RegisterForm {
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
        Ok((list.items, mine, centres_by_slug(c)?))
    });
    async move {
        let (items, mine, centres) = work.await?;
        let views: Vec<RequestView> = items
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

pub(super) async fn exams(state: State, viewer: Viewer) -> Page {
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

pub(super) async fn register(state: State, viewer: Viewer, body: web::Bytes) -> Page {
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
            let messages = super::errors::messages(lang, &e);
            let status = PageError::new(lang, e).status();
            render_exams(&state, viewer, messages, Some(request_id), status).await
        }
    }
}

// ---------------------------------------------------------------- Kalender

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

pub(super) async fn calendar(state: State, viewer: Viewer) -> Page {
    render_calendar(&state, &viewer, None).await
}

/// The address is shown once, on the page this post answers with: only its
/// hash is stored.
pub(super) async fn create_feed(state: State, viewer: Viewer, body: web::Bytes) -> Page {
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
