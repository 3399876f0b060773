//! Printable documents for a centre's day: the schedule per room, the
//! invigilator list, door signs and attendance sheets. `load` reads the day
//! into a [`DayDocument`]; `html` renders it through the templates in
//! `templates/print/` (one A4 stylesheet, no JavaScript) and `crate::documents::pdf`
//! draws the same data as a PDF. Swedish by default, English on request.
//!
//! Privacy: booking codes identify sittings; names appear only on the
//! attendance sheet (students sign it), never for students with protected
//! identity; personal identity numbers never.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::accounts::actor::Caller;
use crate::db::models::{
    Centre, ExamRequest, Invigilator, InvigilatorAssignment, Room, Sitting, User,
};
use crate::db::schema::{
    institutions, invigilator_assignments, invigilators, rooms, study_bookings,
};
use crate::db::DbConn;
use crate::documents::cache::{Answer, Audience, DayCache, Format, Key, Kind, Rendered};
use crate::domain::Language;
use crate::error::Error;
use crate::types::{InstitutionId, RoomId, StudyBookingStatus};
use crate::{centres::centre as centres, timefmt};

/// The printable documents, each in HTML and PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    Schedule,
    Invigilators,
    DoorSigns,
    Attendance,
}

impl Document {
    pub const ALL: [Document; 4] = [
        Document::Schedule,
        Document::Invigilators,
        Document::DoorSigns,
        Document::Attendance,
    ];

    /// The name in the URL.
    pub fn slug(self) -> &'static str {
        match self {
            Document::Schedule => "schedule",
            Document::Invigilators => "invigilators",
            Document::DoorSigns => "door-signs",
            Document::Attendance => "attendance",
        }
    }

    pub fn parse(slug: &str) -> Option<Document> {
        Document::ALL.into_iter().find(|d| d.slug() == slug)
    }

    /// Whether the document's bytes follow from the centre's data alone, so
    /// that the centre's `data_version` keys them. The attendance sheet names
    /// students, and a student's name and protected identity live on their
    /// account, which is shared by every centre and moves no centre's counter:
    /// it is built afresh every time, so a name that must no longer be shown
    /// never is.
    pub fn cacheable(self) -> bool {
        self != Document::Attendance
    }

    fn template(self) -> &'static str {
        match self {
            Document::Schedule => "print/schedule.html",
            Document::Invigilators => "print/invigilators.html",
            Document::DoorSigns => "print/door_signs.html",
            Document::Attendance => "print/attendance.html",
        }
    }

    pub fn title(self, t: &Labels) -> &'static str {
        match self {
            Document::Schedule => t.schedule,
            Document::Invigilators => t.invigilators,
            Document::DoorSigns => t.door_signs,
            Document::Attendance => t.attendance,
        }
    }
}

/// The fixed words on the documents, in one language.
#[derive(Debug, Serialize)]
pub struct Labels {
    pub schedule: &'static str,
    pub invigilators: &'static str,
    pub door_signs: &'static str,
    pub attendance: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub code: &'static str,
    pub exam: &'static str,
    pub institution: &'static str,
    pub accommodations: &'static str,
    pub aids: &'static str,
    pub room: &'static str,
    pub contact: &'static str,
    pub study_places: &'static str,
    pub nothing: &'static str,
    pub in_progress: &'static str,
    pub quiet: &'static str,
    pub student: &'static str,
    pub signature: &'static str,
    pub notes: &'static str,
    pub printed: &'static str,
    /// The PDF footer; `{page}`, `{pages}` and `{printed}` are filled in.
    pub page_footer: &'static str,
    /// After a room's or an invigilator's name on the pages that go on.
    pub continued: &'static str,
    /// Above the space for incidents at the foot of each attendance page.
    pub incidents: &'static str,
}

impl Labels {
    pub fn get(lang: Language) -> &'static Labels {
        match lang {
            Language::Sv => &SV,
            Language::En => &EN,
        }
    }
}

static SV: Labels = Labels {
    schedule: "Dagschema",
    invigilators: "Skrivvakter",
    door_signs: "Dörrskyltar",
    attendance: "Närvarolista",
    start: "Start",
    end: "Slut",
    code: "Bokningskod",
    exam: "Prov",
    institution: "Lärosäte",
    accommodations: "Anpassningar",
    aids: "Hjälpmedel",
    room: "Sal",
    contact: "Kontakt",
    study_places: "Bokade studieplatser",
    nothing: "Inget bokat denna dag.",
    in_progress: "Tentamen pågår",
    quiet: "Var god stör ej",
    student: "Student",
    signature: "Namnteckning",
    notes: "Anteckningar",
    printed: "Utskrivet",
    page_footer: "Sida {page} av {pages} · Utskriven {printed}",
    continued: "forts.",
    incidents: "Händelser under skrivningen (tid, vad, åtgärd, signatur)",
};

static EN: Labels = Labels {
    schedule: "Day schedule",
    invigilators: "Invigilators",
    door_signs: "Door signs",
    attendance: "Attendance sheet",
    start: "Start",
    end: "End",
    code: "Booking code",
    exam: "Exam",
    institution: "Institution",
    accommodations: "Accommodations",
    aids: "Allowed aids",
    room: "Room",
    contact: "Contact",
    study_places: "Study places booked",
    nothing: "Nothing booked this day.",
    in_progress: "Exam in progress",
    quiet: "Please do not disturb",
    student: "Student",
    signature: "Signature",
    notes: "Notes",
    printed: "Printed",
    page_footer: "Page {page} of {pages} · Printed {printed}",
    continued: "cont.",
    incidents: "Incidents during the exam (time, what, action, signature)",
};

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
    if s.accessible_room {
        parts.push(
            if sv {
                "tillgängligt rum"
            } else {
                "accessible room"
            }
            .to_string(),
        );
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

/// A centre's day as the documents show it: times already local and
/// formatted, texts already in the document's language. The HTML templates
/// and the PDF renderer both draw from this, so what is printed is decided
/// once, here.
#[derive(Debug, Serialize)]
pub struct DayDocument {
    #[serde(skip)]
    pub document: Document,
    #[serde(skip)]
    pub lang: Language,
    #[serde(skip)]
    pub labels: &'static Labels,
    pub centre: CentreHeading,
    pub date: NaiveDate,
    /// The centre's local time of printing, `YYYY-MM-DD HH:MM`.
    pub printed_at: String,
    /// Rooms with sittings, invigilators or study bookings this day, by name.
    pub rooms: Vec<RoomDay>,
    /// Invigilators on duty this day, by id.
    pub invigilators: Vec<InvigilatorDay>,
}

impl DayDocument {
    pub fn title(&self) -> &'static str {
        self.document.title(self.labels)
    }
}

#[derive(Debug, Serialize)]
pub struct CentreHeading {
    pub slug: String,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Serialize)]
pub struct RoomDay {
    pub name: String,
    pub sittings: Vec<SittingRow>,
    pub invigilators: Vec<Shift>,
    /// Confirmed study bookings overlapping the day.
    pub study: i64,
    /// `course code title` of each exam here, in order of start.
    pub exams: Vec<String>,
    pub first_start: Option<String>,
    pub last_end: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SittingRow {
    pub code: String,
    pub start: Option<String>,
    /// The personal end, extra time included.
    pub end: Option<String>,
    pub course_code: String,
    pub title: String,
    pub institution: Option<String>,
    pub accommodations: String,
    pub aids: String,
    /// Empty for a protected identity: the booking code stands alone.
    pub student: String,
}

#[derive(Debug, Serialize)]
pub struct Shift {
    pub name: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Serialize)]
pub struct InvigilatorDay {
    pub name: String,
    pub assignments: Vec<Duty>,
}

#[derive(Debug, Serialize)]
pub struct Duty {
    pub start: String,
    pub end: String,
    pub room: String,
    /// Course codes of the exams in the room during the duty.
    pub exams: String,
    /// Whom to call at the institutions, `name e-mail; …`.
    pub contacts: String,
}

/// A print request that passed authorisation and whose query is read: what
/// its cache key and its load need.
#[derive(Debug)]
pub struct PrintRequest {
    pub centre: Centre,
    pub document: Document,
    pub date: NaiveDate,
    pub lang: Language,
    /// The centre's local time of printing, `YYYY-MM-DD HH:MM`, shown on
    /// every document.
    pub printed_at: String,
}

impl PrintRequest {
    /// The PDF's file name.
    pub fn filename(&self) -> String {
        format!(
            "{}-{}-{}-{}.pdf",
            self.centre.slug,
            self.document.slug(),
            self.date,
            self.lang.as_str()
        )
    }

    /// The key of the document's bytes in `format`, `None` for a document
    /// that is never cached.
    pub fn key(&self, data_version: i64, format: Format) -> Option<Key> {
        self.document.cacheable().then(|| Key {
            centre: self.centre.id.clone(),
            date: self.date,
            data_version,
            kind: Kind::Print {
                document: self.document,
                lang: self.lang,
                format,
            },
            audience: Audience::CentreStaff,
            printed_at: Some(self.printed_at.clone()),
        })
    }
}

/// Checks the caller, the document name and the query: the part of a print
/// request that runs on every request, cached or not.
pub fn authorize(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    document: &str,
    q: &PrintQuery,
) -> Result<PrintRequest, Error> {
    let centre = centres::find_visible(conn, caller, key)?;
    crate::accounts::policy::authorize(
        caller,
        crate::accounts::policy::Action::PrintDocuments,
        crate::accounts::policy::Resource::centre(&centre),
    )?;
    let document = Document::parse(document).ok_or(Error::NotFound)?;
    let tz = centre.timezone.tz();
    let date = crate::validate::query_date("date", q.date.as_deref(), || {
        crate::centres::calendar::today_in(tz)
    })?;
    let lang = match q.lang.as_deref() {
        None | Some("sv") => Language::Sv,
        Some("en") => Language::En,
        Some(other) => {
            return Err(Error::invalid(
                "lang",
                "language",
                format!("`{other}` is neither sv nor en"),
            ))
        }
    };
    let printed_at = crate::clock::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    Ok(PrintRequest {
        centre,
        document,
        date,
        lang,
        printed_at,
    })
}

/// What a print request comes to before any PDF is drawn.
#[derive(Debug)]
pub enum Prepared {
    /// Answered: 304, the cached bytes, or HTML rendered just now.
    Ready(Answer),
    /// A PDF to draw (off the database's task), kept under `key` if any.
    Pdf {
        key: Option<Key>,
        day: Box<DayDocument>,
    },
}

/// A prepared print request, with what its response needs to say.
#[derive(Debug)]
pub struct Printed {
    pub format: Format,
    /// The PDF's file name.
    pub filename: String,
    pub prepared: Prepared,
}

/// A print request through the cache: authorised, then answered from the
/// centre's counter (304 or cached bytes) where it can be, else loaded (and
/// for HTML rendered and kept). `name` is the document's, with `.pdf`
/// appended for the PDF: one route for both formats, so the PDF is
/// authorised exactly as the HTML view it reproduces.
pub fn prepare(
    conn: &mut DbConn,
    cache: &DayCache,
    caller: &Caller,
    key: &str,
    name: &str,
    q: &PrintQuery,
    if_none_match: Option<&str>,
) -> Result<Printed, Error> {
    let (document, format) = match name.strip_suffix(".pdf") {
        Some(document) => (document, Format::Pdf),
        None => (name, Format::Html),
    };
    let request = authorize(conn, caller, key, document, q)?;
    let filename = request.filename();
    // The counter before the data it keys (`versions::read`).
    let version =
        crate::centres::versions::read(conn, &request.centre.id)?.ok_or(Error::NotFound)?;
    let key = request.key(version.data, format);
    let printed = |prepared| Printed {
        format,
        filename,
        prepared,
    };
    if let Some(answer) = key.as_ref().and_then(|k| cache.lookup(k, if_none_match)) {
        return Ok(printed(Prepared::Ready(answer)));
    }
    let day = load_day(conn, request)?;
    Ok(printed(match format {
        Format::Html => {
            let body = html(&day)?.into_bytes();
            Prepared::Ready(Answer::Document(match key {
                Some(key) => cache.store(key, body),
                None => Rendered::uncached(body),
            }))
        }
        Format::Pdf => Prepared::Pdf {
            key,
            day: Box::new(day),
        },
    }))
}

/// Loads `document` for the centre's day: checks the caller, the document
/// name and the query, then reads everything the documents show.
#[tracing::instrument(skip_all, fields(caller = %caller.user_id, centre = %key, document = %document))]
pub fn load(
    conn: &mut DbConn,
    caller: &Caller,
    key: &str,
    document: &str,
    q: &PrintQuery,
) -> Result<DayDocument, Error> {
    let request = authorize(conn, caller, key, document, q)?;
    load_day(conn, request)
}

/// Reads everything the authorised request's document shows, in five
/// queries whatever the number of rooms.
pub fn load_day(conn: &mut DbConn, request: PrintRequest) -> Result<DayDocument, Error> {
    let PrintRequest {
        centre,
        document,
        date,
        lang,
        printed_at,
    } = request;
    let tz = centre.timezone.tz();
    let (day_start, day_end) = timefmt::day_bounds(tz, date);
    let hm = |t: chrono::NaiveDateTime| timefmt::local(t, tz).format("%H:%M").to_string();

    let room_rows: Vec<Room> = rooms::table
        .filter(rooms::centre_id.eq(&centre.id))
        .order(rooms::name)
        .select(Room::as_select())
        .load(conn)?;
    let placed = crate::exams::booking::placed_sittings(
        conn,
        crate::exams::booking::PlacedIn::Centre(&centre.id),
        (day_start, day_end),
    )?;
    let wanted: BTreeSet<&InstitutionId> =
        placed.iter().map(|(_, r, _)| &r.institution_id).collect();
    let institution_names: BTreeMap<InstitutionId, String> = institutions::table
        .filter(institutions::id.eq_any(wanted))
        .select((institutions::id, institutions::name))
        .load::<(InstitutionId, String)>(conn)?
        .into_iter()
        .collect();
    let assignments: Vec<(InvigilatorAssignment, Invigilator)> = invigilator_assignments::table
        .inner_join(invigilators::table)
        .filter(invigilators::centre_id.eq(&centre.id))
        .filter(invigilator_assignments::starts_at.lt(day_end))
        .filter(invigilator_assignments::ends_at.gt(day_start))
        .order(invigilator_assignments::starts_at)
        .select((InvigilatorAssignment::as_select(), Invigilator::as_select()))
        .load(conn)?;

    let room_ids: Vec<&RoomId> = room_rows.iter().map(|r| &r.id).collect();
    let mut study_in: BTreeMap<RoomId, i64> = study_bookings::table
        .filter(study_bookings::room_id.eq_any(&room_ids))
        .filter(study_bookings::status.eq(StudyBookingStatus::Confirmed))
        .filter(study_bookings::starts_at.lt(day_end))
        .filter(study_bookings::ends_at.gt(day_start))
        .group_by(study_bookings::room_id)
        .select((study_bookings::room_id, diesel::dsl::count_star()))
        .load::<(RoomId, i64)>(conn)?
        .into_iter()
        .collect();

    let mut rooms_out = Vec::new();
    for room in &room_rows {
        let here: Vec<&(Sitting, ExamRequest, User)> = placed
            .iter()
            .filter(|(s, _, _)| s.room_id.as_deref() == Some(room.id.as_str()))
            .collect();
        let shifts: Vec<Shift> = assignments
            .iter()
            .filter(|(a, _)| a.room_id == room.id)
            .map(|(a, i)| Shift {
                name: i.name.clone(),
                start: hm(a.starts_at),
                end: hm(a.ends_at),
            })
            .collect();
        let study = study_in.remove(&room.id).unwrap_or(0);
        if here.is_empty() && shifts.is_empty() && study == 0 {
            continue;
        }
        let mut exams: Vec<String> = here
            .iter()
            .map(|(_, r, _)| format!("{} {}", r.course_code, r.title))
            .collect();
        exams.dedup();
        let sittings_out: Vec<SittingRow> = here
            .iter()
            .map(|(s, r, u)| SittingRow {
                code: s.booking_code.clone(),
                start: s.starts_at.map(hm),
                end: s.ends_at.map(hm),
                course_code: r.course_code.clone(),
                title: r.title.clone(),
                institution: institution_names.get(&r.institution_id).cloned(),
                accommodations: accommodation_text(s, lang),
                aids: r.aids.clone(),
                student: if u.protected_identity {
                    String::new()
                } else {
                    u.name.clone()
                },
            })
            .collect();
        rooms_out.push(RoomDay {
            name: room.name.clone(),
            sittings: sittings_out,
            invigilators: shifts,
            study,
            exams,
            first_start: here
                .iter()
                .filter_map(|(s, _, _)| s.starts_at)
                .min()
                .map(hm),
            last_end: here.iter().filter_map(|(s, _, _)| s.ends_at).max().map(hm),
        });
    }

    // Per invigilator: their assignments, with the exams in the room then
    // and whom to call at the institution.
    let mut by_invigilator: BTreeMap<String, InvigilatorDay> = BTreeMap::new();
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
            .entry(i.id.clone().into())
            .or_insert_with(|| InvigilatorDay {
                name: i.name.clone(),
                assignments: Vec::new(),
            })
            .assignments
            .push(Duty {
                start: hm(a.starts_at),
                end: hm(a.ends_at),
                room,
                exams: exams.join(", "),
                contacts: contacts.join("; "),
            });
    }

    Ok(DayDocument {
        document,
        lang,
        labels: Labels::get(lang),
        centre: CentreHeading {
            slug: centre.slug,
            name: centre.name,
            address: centre.address,
        },
        date,
        printed_at,
        rooms: rooms_out,
        invigilators: by_invigilator.into_values().collect(),
    })
}

/// The document as HTML for A4 (`static/print.css`).
pub fn html(doc: &DayDocument) -> Result<String, Error> {
    crate::templates::environment()
        .get_template(doc.document.template())
        .and_then(|tpl| {
            tpl.render(context! {
                lang => doc.lang.as_str(),
                title => doc.title(),
                t => doc.labels,
                centre => &doc.centre,
                date => doc.date.to_string(),
                printed_at => &doc.printed_at,
                rooms => &doc.rooms,
                invigilators => &doc.invigilators,
            })
        })
        .map_err(|e| anyhow::anyhow!("rendering {}: {e}", doc.document.slug()).into())
}
