//! Printable documents for a centre's day: the schedule per room, the
//! invigilator list, door signs and attendance sheets. Server-rendered HTML
//! (templates in `templates/print/`, one A4 stylesheet, no JavaScript), in
//! Swedish by default and English on request.
//!
//! Privacy: booking codes identify sittings; names appear only on the
//! attendance sheet (students sign it), never for students with protected
//! identity; personal identity numbers never.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use diesel::prelude::*;
use minijinja::{context, Environment, Value};
use serde::Deserialize;

use crate::auth::Caller;
use crate::db::models::{
    ExamRequest, Institution, Invigilator, InvigilatorAssignment, Room, Sitting, User,
};
use crate::db::schema::{
    exam_requests, institutions, invigilator_assignments, invigilators, rooms, sittings,
    study_bookings, users,
};
use crate::db::DbConn;
use crate::domain::Language;
use crate::error::ApiError;
use crate::{centres, timefmt};

pub const DOCUMENTS: [&str; 4] = ["schedule", "invigilators", "door-signs", "attendance"];

macro_rules! template {
    ($name:literal) => {
        ($name, include_str!(concat!("../templates/print/", $name)))
    };
}

const TEMPLATES: &[(&str, &str)] = &[
    template!("base.html"),
    template!("schedule.html"),
    template!("invigilators.html"),
    template!("door_signs.html"),
    template!("attendance.html"),
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // Compiled into the binary and rendered by the tests.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "print template does not compile");
            }
        }
        env
    })
}

fn labels(lang: Language) -> Value {
    match lang {
        Language::Sv => context! {
            schedule => "Dagschema", invigilators => "Skrivvakter", door_signs => "Dörrskyltar", attendance => "Närvarolista",
            start => "Start", end => "Slut", code => "Bokningskod", exam => "Prov", institution => "Lärosäte",
            accommodations => "Anpassningar", aids => "Hjälpmedel", room => "Sal", contact => "Kontakt",
            study_places => "Bokade studieplatser", nothing => "Inget bokat denna dag.", in_progress => "Tentamen pågår",
            quiet => "Var god stör ej", student => "Student", signature => "Namnteckning", notes => "Anteckningar",
            printed => "Utskrivet",
        },
        Language::En => context! {
            schedule => "Day schedule", invigilators => "Invigilators", door_signs => "Door signs", attendance => "Attendance sheet",
            start => "Start", end => "End", code => "Booking code", exam => "Exam", institution => "Institution",
            accommodations => "Accommodations", aids => "Allowed aids", room => "Room", contact => "Contact",
            study_places => "Study places booked", nothing => "Nothing booked this day.", in_progress => "Exam in progress",
            quiet => "Please do not disturb", student => "Student", signature => "Signature", notes => "Notes",
            printed => "Printed",
        },
    }
}

fn accommodation_text(s: &Sitting, lang: Language) -> String {
    let mut parts = Vec::new();
    let sv = lang == Language::Sv;
    if s.extra_time_percent > 0 {
        parts.push(format!(
            "+{} % {}",
            s.extra_time_percent,
            if sv { "tid" } else { "time" }
        ));
    }
    if s.separate_room {
        parts.push(if sv { "eget rum" } else { "separate room" }.to_string());
    }
    if s.computer {
        parts.push(if sv { "dator" } else { "computer" }.to_string());
    }
    if s.breaks_minutes > 0 {
        parts.push(format!(
            "{} min {}",
            s.breaks_minutes,
            if sv { "paus" } else { "breaks" }
        ));
    }
    if let Some(o) = &s.other_accommodation {
        parts.push(o.clone());
    }
    parts.join(", ")
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// The local date (YYYY-MM-DD); default today.
    pub date: Option<String>,
    /// sv (default) or en.
    pub lang: Option<String>,
}

/// Renders `document` for the centre's day.
pub fn render(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    document: &str,
    q: &PrintQuery,
) -> Result<String, ApiError> {
    let centre = centres::find_visible(conn, caller, key)?;
    caller.require_works_at(&centre.id)?;
    if !DOCUMENTS.contains(&document) {
        return Err(ApiError::NotFound);
    }
    let tz = timefmt::zone(&centre.timezone);
    let date = match &q.date {
        None => centres::today_in(tz),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid("date", "date", format!("`{d}` is not a date YYYY-MM-DD"))
        })?,
    };
    let lang = match q.lang.as_deref() {
        None | Some("sv") => Language::Sv,
        Some("en") => Language::En,
        Some(other) => {
            return Err(ApiError::invalid(
                "lang",
                "language",
                format!("`{other}` is neither sv nor en"),
            ))
        }
    };
    let (day_start, day_end) = timefmt::day_bounds(tz, date);
    let hm = |t: chrono::NaiveDateTime| timefmt::local(t, tz).format("%H:%M").to_string();

    let room_rows: Vec<Room> = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?;
    let placed: Vec<(Sitting, ExamRequest, User)> = sittings::table
        .inner_join(exam_requests::table)
        .inner_join(users::table)
        .filter(sittings::centre_id.eq(&centre.id))
        .filter(sittings::status.eq_any(["confirmed", "checked_in", "completed", "no_show"]))
        .filter(sittings::starts_at.lt(day_end))
        .filter(sittings::ends_at.gt(day_start))
        .order((sittings::starts_at, sittings::booking_code))
        .select((
            Sitting::as_select(),
            ExamRequest::as_select(),
            User::as_select(),
        ))
        .load(conn)?;
    let institution_names: BTreeMap<String, String> = institutions::table
        .select(Institution::as_select())
        .load(conn)?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    let assignments: Vec<(InvigilatorAssignment, Invigilator)> = invigilator_assignments::table
        .inner_join(invigilators::table)
        .filter(invigilators::centre_id.eq(&centre.id))
        .filter(invigilator_assignments::starts_at.lt(day_end))
        .filter(invigilator_assignments::ends_at.gt(day_start))
        .order(invigilator_assignments::starts_at)
        .select((InvigilatorAssignment::as_select(), Invigilator::as_select()))
        .load(conn)?;

    let mut rooms_out = Vec::new();
    for room in &room_rows {
        let here: Vec<&(Sitting, ExamRequest, User)> = placed
            .iter()
            .filter(|(s, _, _)| s.room_id.as_deref() == Some(room.id.as_str()))
            .collect();
        let invs: Vec<Value> = assignments
            .iter()
            .filter(|(a, _)| a.room_id == room.id)
            .map(|(a, i)| context! { name => &i.name, start => hm(a.starts_at), end => hm(a.ends_at) })
            .collect();
        let study: i64 = study_bookings::table
            .filter(study_bookings::room_id.eq(&room.id))
            .filter(study_bookings::status.eq("confirmed"))
            .filter(study_bookings::starts_at.lt(day_end))
            .filter(study_bookings::ends_at.gt(day_start))
            .count()
            .get_result(conn)?;
        if here.is_empty() && invs.is_empty() && study == 0 {
            continue;
        }
        let mut exams: Vec<String> = here
            .iter()
            .map(|(_, r, _)| format!("{} {}", r.course_code, r.title))
            .collect();
        exams.dedup();
        let sittings_out: Vec<Value> = here
            .iter()
            .map(|(s, r, u)| {
                context! {
                    code => &s.booking_code,
                    start => s.starts_at.map(hm),
                    end => s.ends_at.map(hm),
                    course_code => &r.course_code,
                    title => &r.title,
                    institution => institution_names.get(&r.institution_id),
                    accommodations => accommodation_text(s, lang),
                    aids => &r.aids,
                    student => if u.protected_identity { String::new() } else { u.name.clone() },
                }
            })
            .collect();
        rooms_out.push(context! {
            name => &room.name,
            sittings => sittings_out,
            invigilators => invs,
            study => study,
            exams => exams,
            first_start => here.iter().filter_map(|(s, _, _)| s.starts_at).min().map(hm),
            last_end => here.iter().filter_map(|(s, _, _)| s.ends_at).max().map(hm),
        });
    }

    // Per invigilator: their assignments, with the exams in the room then
    // and whom to call at the institution.
    let mut by_invigilator: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    for (a, i) in &assignments {
        let during: Vec<&(Sitting, ExamRequest, User)> = placed
            .iter()
            .filter(|(s, _, _)| {
                s.room_id.as_deref() == Some(a.room_id.as_str())
                    && s.starts_at.is_some_and(|st| st < a.ends_at)
                    && s.ends_at.is_some_and(|e| e > a.starts_at)
            })
            .collect();
        let mut exams: Vec<String> = during
            .iter()
            .map(|(_, r, _)| r.course_code.clone())
            .collect();
        exams.sort();
        exams.dedup();
        let mut contacts: Vec<String> = during
            .iter()
            .map(|(_, r, _)| {
                format!("{} {}", r.contact_name, r.contact_email)
                    .trim()
                    .to_string()
            })
            .filter(|c| !c.is_empty())
            .collect();
        contacts.sort();
        contacts.dedup();
        let room = room_rows
            .iter()
            .find(|r| r.id == a.room_id)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        by_invigilator
            .entry(i.id.clone())
            .or_insert_with(|| (i.name.clone(), Vec::new()))
            .1
            .push(context! {
                start => hm(a.starts_at), end => hm(a.ends_at), room => room,
                exams => exams.join(", "), contacts => contacts.join("; "),
            });
    }
    let invigilators_out: Vec<Value> = by_invigilator
        .into_values()
        .map(|(name, assignments)| context! { name => name, assignments => assignments })
        .collect();

    let t = labels(lang);
    let (template, title_key) = match document {
        "schedule" => ("schedule.html", "schedule"),
        "invigilators" => ("invigilators.html", "invigilators"),
        "door-signs" => ("door_signs.html", "door_signs"),
        _ => ("attendance.html", "attendance"),
    };
    let title = t
        .get_attr(title_key)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let printed_at = chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    environment()
        .get_template(template)
        .and_then(|tpl| {
            tpl.render(context! {
                lang => lang.as_str(),
                title => title,
                t => t,
                centre => context! { name => &centre.name, address => &centre.address },
                date => date.to_string(),
                printed_at => printed_at,
                rooms => rooms_out,
                invigilators => invigilators_out,
            })
        })
        .map_err(|e| anyhow::anyhow!("rendering {document}: {e}").into())
}
