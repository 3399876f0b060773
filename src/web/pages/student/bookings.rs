//! Mina bokningar: the student's start page, with cancel.

use std::collections::HashMap;

use actix_web::web;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::centres_by_slug;
use crate::accounts::actor::Caller;
use crate::error::Error;
use crate::exams::requests;
use crate::exams::sittings::{self, Transition};
use crate::study::bookings::{self};
use crate::study::schedule::{self, MyBookings};
use crate::types::{ExamRequestId, SittingId, StudyBookingId};
use crate::web::pages::context::see_other;
use crate::web::pages::landing::CsrfForm;
use crate::web::pages::{fmt, form, host, run, Page, State, Viewer};

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

fn is_past(end: Option<&DateTime<FixedOffset>>, now: DateTime<Utc>) -> bool {
    end.is_some_and(|e| e.with_timezone(&Utc) <= now)
}

pub(in crate::web::pages) async fn bookings(state: State, viewer: Viewer) -> Page {
    let caller = viewer.student()?.clone();
    let lang = viewer.lang;
    let (mine, centres, aids, now) = run(&state, lang, move |c| {
        let mine = schedule::mine(c, &caller)?;
        let centres = centres_by_slug(c)?;
        let mut aids = HashMap::new();
        for s in &mine.sittings {
            if !aids.contains_key(&s.exam_request) {
                let id = ExamRequestId::from(s.exam_request.as_str());
                let r = requests::load_out(c, &caller, &id)?;
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
            accommodations: fmt::accommodation_keys(&s.accommodations),
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
async fn cancel<I: Send + 'static, T: Send + 'static>(
    state: State,
    viewer: Viewer,
    id: web::Path<I>,
    body: web::Bytes,
    flash: &str,
    op: fn(&mut crate::db::DbConn, &Caller, &str, &I) -> Result<T, Error>,
) -> Page {
    let input: CsrfForm = form(viewer.lang, &body)?;
    let caller = viewer.check_csrf(input.csrf.as_deref())?.clone();
    let (id, host) = (id.into_inner(), host(&state));
    run(&state, viewer.lang, move |c| op(c, &caller, &host, &id)).await?;
    Ok(see_other("/me/bookings", Some(flash)))
}

pub(in crate::web::pages) async fn cancel_study(
    state: State,
    viewer: Viewer,
    id: web::Path<StudyBookingId>,
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

pub(in crate::web::pages) async fn cancel_sitting(
    state: State,
    viewer: Viewer,
    id: web::Path<SittingId>,
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
