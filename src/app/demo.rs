//! The demo region: three learning centres from the seed documents' area
//! (Sundsvall, Östersund, Hudiksvall), two institutions, staff, students and a
//! week of exam requests and study bookings starting next Monday.
//!
//! Loaded only into an empty database, in one transaction, so a failure leaves
//! nothing behind. Placed sittings and study bookings are laid out by hand to
//! respect the rules of PRODUCT.md (hours, seats, separate rooms, coverage).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::accounts::users as accounts;
use crate::calendar;
use crate::db::models::*;
use crate::db::schema::*;
use crate::db::{self, DbConn};
use crate::domain::booking_code;
use crate::types::{
    HoursKind, InstitutionKind, RequestStatus, RoomKind, SittingStatus, StudyBookingStatus, Zone,
};

/// Password of every demo staff and institution account.
pub const DEMO_PASSWORD: &str = "skrivsal-demo";
pub const DEMO_ADMIN: &str = "admin@skrivsal.demo";

struct CentreSpec {
    slug: &'static str,
    name: &'static str,
    municipality: &'static str,
    address: &'static str,
    email: &'static str,
    opens: (u32, u32),
    closes: (u32, u32),
    rooms: &'static [RoomSpec],
    invigilators: &'static [(&'static str, &'static str)],
}

struct RoomSpec {
    name: &'static str,
    kind: RoomKind,
    seats: i32,
    computers: i32,
    accessible: bool,
    exam: bool,
    study: bool,
}

const fn room(
    name: &'static str,
    kind: RoomKind,
    seats: i32,
    computers: i32,
    exam: bool,
    study: bool,
) -> RoomSpec {
    RoomSpec {
        name,
        kind,
        seats,
        computers,
        accessible: true,
        exam,
        study,
    }
}

const CENTRES: &[CentreSpec] = &[
    CentreSpec {
        slug: "sundsvall",
        name: "Lärcentrum Sundsvall",
        municipality: "Sundsvall",
        address: "Storgatan 12, 852 30 Sundsvall",
        email: "larcentrum@sundsvall.demo",
        opens: (8, 0),
        closes: (17, 0),
        rooms: &[
            room("Skrivsal A", RoomKind::ExamHall, 24, 8, true, false),
            room("Skrivsal B", RoomKind::ExamHall, 12, 12, true, false),
            room("Enskilt rum 1", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Studiehallen", RoomKind::StudyArea, 30, 6, false, true),
            room("Grupprum Alnö", RoomKind::GroupRoom, 6, 0, false, true),
        ],
        invigilators: &[
            ("Karin Sjöberg", "karin.sjoberg@sundsvall.demo"),
            ("Per Olofsson", "per.olofsson@sundsvall.demo"),
            ("Maria Näslund", "maria.naslund@sundsvall.demo"),
        ],
    },
    CentreSpec {
        slug: "ostersund",
        name: "Campus Östersund Lärcentrum",
        municipality: "Östersund",
        address: "Rådhusgatan 44, 831 34 Östersund",
        email: "larcentrum@ostersund.demo",
        opens: (8, 30),
        closes: (16, 30),
        rooms: &[
            room("Tentasalen", RoomKind::ExamHall, 20, 10, true, false),
            room("Enskilt rum", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Läsesalen", RoomKind::StudyArea, 16, 4, false, true),
            room("Videorummet", RoomKind::VideoRoom, 8, 1, false, true),
        ],
        invigilators: &[
            ("Anders Jonsson", "anders.jonsson@ostersund.demo"),
            ("Lena Persson", "lena.persson@ostersund.demo"),
        ],
    },
    CentreSpec {
        slug: "hudiksvall",
        name: "Lärcentrum Hudiksvall",
        municipality: "Hudiksvall",
        address: "Kyrkogatan 8, 824 30 Hudiksvall",
        email: "larcentrum@hudiksvall.demo",
        opens: (8, 0),
        closes: (16, 0),
        rooms: &[
            room("Skrivsalen", RoomKind::ExamHall, 14, 14, true, false),
            room("Lilla rummet", RoomKind::SeparateRoom, 1, 1, true, false),
            room("Studieplatser", RoomKind::StudyArea, 12, 4, false, true),
        ],
        invigilators: &[
            ("Eva Lindgren", "eva.lindgren@hudiksvall.demo"),
            ("Johan Berg", "johan.berg@hudiksvall.demo"),
        ],
    },
];

struct InstitutionSpec {
    slug: &'static str,
    name: &'static str,
    kind: InstitutionKind,
    email: &'static str,
    offset: i32,
    min_stay: i32,
    late_entry: i32,
    deadline_days: i32,
}

const INSTITUTIONS: &[InstitutionSpec] = &[
    InstitutionSpec {
        slug: "miun",
        name: "Mittuniversitetet",
        kind: InstitutionKind::University,
        email: "tentamen@miun.demo",
        offset: 60,
        min_stay: 60,
        late_entry: 30,
        deadline_days: 10,
    },
    InstitutionSpec {
        slug: "yh-norrland",
        name: "Yrkeshögskolan Norrland",
        kind: InstitutionKind::Yh,
        email: "examination@yh-norrland.demo",
        offset: 30,
        min_stay: 30,
        late_entry: 15,
        deadline_days: 5,
    },
];

const STUDENTS: &[&str] = &[
    "Alva Eriksson",
    "Hugo Lindberg",
    "Elsa Nilsson",
    "William Holm",
    "Saga Bergström",
    "Oskar Lund",
    "Wilma Sandberg",
    "Liam Forsberg",
    "Astrid Wikström",
    "Noah Hedlund",
    "Ella Åberg",
    "Elias Öberg",
    "Maja Söderström",
    "Lucas Strand",
    "Alice Norberg",
    "Adam Mattsson",
    "Freja Sundqvist",
    "Leo Hägglund",
];

/// What was loaded, printed by `serve --demo` and `demo`.
pub struct Summary {
    pub centres: usize,
    pub rooms: usize,
    pub students: usize,
    pub exam_requests: usize,
    pub sittings: usize,
    pub study_bookings: usize,
    pub week: NaiveDate,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "demo data loaded: {} centres, {} rooms, {} students, {} exam requests, {} sittings, {} study bookings (week of {})",
            self.centres, self.rooms, self.students, self.exam_requests, self.sittings, self.study_bookings, self.week
        )?;
        writeln!(f, "  system admin:    {DEMO_ADMIN}")?;
        writeln!(f, "  centre admins:   admin.sundsvall@skrivsal.demo, admin.ostersund@skrivsal.demo, admin.hudiksvall@skrivsal.demo")?;
        writeln!(
            f,
            "  institutions:    tentamen@miun.demo, examination@yh-norrland.demo"
        )?;
        write!(f, "  password (all):  {DEMO_PASSWORD}")
    }
}

fn is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    let n: i64 = centres::table.count().get_result(conn)?;
    let m: i64 = users::table.count().get_result(conn)?;
    Ok(n == 0 && m == 0)
}

/// The Monday after `today`.
pub fn next_monday(today: NaiveDate) -> NaiveDate {
    let days = 7 - today.weekday().num_days_from_monday() as i64;
    today + Duration::days(days)
}

/// Loads the demo region if the database is empty; `None` when it is not.
pub fn load(conn: &mut DbConn) -> anyhow::Result<Option<Summary>> {
    let today = crate::clock::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive();
    load_for_week(conn, next_monday(today))
}

pub fn load_for_week(conn: &mut DbConn, monday: NaiveDate) -> anyhow::Result<Option<Summary>> {
    // Hash once: argon2 is deliberately slow and every demo account shares it.
    let password_hash = accounts::hash_password(DEMO_PASSWORD)?;
    let result = conn.transaction::<_, anyhow::Error, _>(|conn| {
        if !is_empty(conn)? {
            return Ok(None);
        }
        let mut loader = Loader {
            conn,
            now: db::now(),
            password_hash,
            exam_days: std::collections::HashSet::new(),
            summary: Summary {
                centres: 0,
                rooms: 0,
                students: 0,
                exam_requests: 0,
                sittings: 0,
                study_bookings: 0,
                week: monday,
            },
        };
        loader.load(monday)?;
        Ok(Some(loader.summary))
    })?;
    Ok(result)
}

struct Loader<'a> {
    conn: &'a mut DbConn,
    now: NaiveDateTime,
    password_hash: String,
    summary: Summary,
    /// (date, student index) of every exam, placed or waiting: nobody gets a
    /// study place on the day of an exam, so every pending request can be
    /// approved as it stands.
    exam_days: std::collections::HashSet<(NaiveDate, usize)>,
}

struct LoadedCentre {
    id: String,
    exam_rooms: Vec<Room>,
    separate_room: Room,
    study_rooms: Vec<Room>,
    invigilators: Vec<String>,
    opens: NaiveTime,
}

const TZ: Tz = chrono_tz::Europe::Stockholm;

fn utc(date: NaiveDate, time: NaiveTime) -> anyhow::Result<NaiveDateTime> {
    TZ.from_local_datetime(&date.and_time(time))
        .single()
        .map(|t| t.naive_utc())
        .ok_or_else(|| anyhow::anyhow!("demo time {date} {time} is not a single local time"))
}

/// Weekdays that are not public or de-facto holidays: the demo never books a
/// closed day, whatever week it is loaded for.
fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
        && calendar::holiday_on(date, calendar::HolidayOptions::default()).is_none()
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Loader<'_> {
    fn user(
        &mut self,
        email: &str,
        name: &str,
        role: &str,
        institution: Option<&str>,
        password: bool,
    ) -> QueryResult<String> {
        let user = User {
            id: db::new_id(),
            email: email.to_string(),
            name: name.to_string(),
            role: role.to_string(),
            institution_id: institution.map(str::to_string),
            password_hash: password.then(|| self.password_hash.clone()),
            personnummer: None,
            protected_identity: false,
            language: "sv".into(),
            municipality: None,
            active: true,
            created_at: self.now,
            updated_at: self.now,
            last_sign_in_at: None,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(self.conn)?;
        Ok(user.id)
    }

    fn load(&mut self, monday: NaiveDate) -> anyhow::Result<()> {
        self.user(
            DEMO_ADMIN,
            "Systemadministratör",
            "system_admin",
            None,
            true,
        )?;
        let mut institution_ids = Vec::new();
        for spec in INSTITUTIONS {
            let id = db::new_id();
            diesel::insert_into(institutions::table)
                .values(&Institution {
                    id: id.clone(),
                    slug: spec.slug.into(),
                    name: spec.name.into(),
                    kind: spec.kind,
                    email: spec.email.into(),
                    start_offset_minutes: spec.offset,
                    min_stay_minutes: spec.min_stay,
                    late_entry_minutes: spec.late_entry,
                    registration_deadline_days: spec.deadline_days,
                    answer_return: "scan_email".into(),
                    created_at: self.now,
                    updated_at: self.now,
                })
                .execute(self.conn)?;
            self.user(spec.email, spec.name, "institution", Some(&id), true)?;
            institution_ids.push(id);
        }
        let mut centres = Vec::new();
        for spec in CENTRES {
            centres.push(self.centre(spec)?);
        }
        let mut students = Vec::new();
        for (i, name) in STUDENTS.iter().enumerate() {
            let email = format!(
                "{}@student.demo",
                name.to_lowercase()
                    .replace(' ', ".")
                    .replace(['å', 'ä'], "a")
                    .replace('ö', "o")
            );
            let id = self.user(&email, name, "student", None, false)?;
            // Every student has an access card at their home centre.
            let centre = &centres[i % centres.len()];
            diesel::insert_into(access_cards::table)
                .values(&AccessCard {
                    id: db::new_id(),
                    centre_id: centre.id.clone(),
                    student_id: id.clone(),
                    card_number: Some(format!("{:06}", 100_000 + i)),
                    valid_from: monday - Duration::days(60),
                    valid_to: monday + Duration::days(300),
                    revoked_at: None,
                    created_at: self.now,
                })
                .execute(self.conn)?;
            students.push(id);
        }
        self.summary.students = students.len();
        self.exams(monday, &centres, &institution_ids, &students)?;
        self.study_bookings(monday, &centres, &students)?;
        Ok(())
    }

    fn centre(&mut self, spec: &CentreSpec) -> anyhow::Result<LoadedCentre> {
        let id = db::new_id();
        diesel::insert_into(centres::table)
            .values(&Centre {
                id: id.clone(),
                slug: spec.slug.into(),
                name: spec.name.into(),
                municipality: spec.municipality.into(),
                address: spec.address.into(),
                email: spec.email.into(),
                timezone: Zone(chrono_tz::Europe::Stockholm),
                language: "sv".into(),
                invigilator_ratio: 20,
                closed_on_de_facto_holidays: true,
                max_future_study_bookings: Some(10),
                max_study_hours_per_week: Some(40),
                exam_fee_ore: if spec.slug == "sundsvall" { 60_000 } else { 0 },
                fee_payment_days: Some(10),
                retention_days: 365,
                active: true,
                created_at: self.now,
                updated_at: self.now,
            })
            .execute(self.conn)?;
        self.summary.centres += 1;
        let opens = hm(spec.opens.0, spec.opens.1);
        let closes = hm(spec.closes.0, spec.closes.1);
        for weekday in 0..7 {
            if weekday < 5 {
                self.hours(&id, HoursKind::Opening, weekday, opens, closes)?;
            }
            // Access-card hours: early to late, every day.
            self.hours(&id, HoursKind::AccessCard, weekday, hm(6, 0), hm(22, 0))?;
        }
        let mut exam_rooms = Vec::new();
        let mut study_rooms = Vec::new();
        let mut separate = None;
        for r in spec.rooms {
            let row = Room {
                id: db::new_id(),
                centre_id: id.clone(),
                name: r.name.into(),
                kind: r.kind,
                seats: r.seats,
                computer_seats: r.computers,
                accessible: r.accessible,
                bookable_exam: r.exam,
                bookable_study: r.study,
                active: true,
                created_at: self.now,
                updated_at: self.now,
            };
            diesel::insert_into(rooms::table)
                .values(&row)
                .execute(self.conn)?;
            self.summary.rooms += 1;
            match (r.kind, r.exam) {
                (RoomKind::SeparateRoom, _) => separate = Some(row),
                (_, true) => exam_rooms.push(row),
                _ => study_rooms.push(row),
            }
        }
        let separate_room =
            separate.ok_or_else(|| anyhow::anyhow!("demo centre without a separate room"))?;
        self.user(
            &format!("admin.{}@skrivsal.demo", spec.slug),
            &format!("Administratör {}", spec.municipality),
            "centre_admin",
            None,
            true,
        )
        .and_then(|user_id| {
            diesel::insert_into(user_centres::table)
                .values(&UserCentre {
                    user_id,
                    centre_id: id.clone(),
                })
                .execute(self.conn)
        })?;
        let mut invigilators = Vec::new();
        for (name, email) in spec.invigilators {
            let inv_id = db::new_id();
            diesel::insert_into(invigilators::table)
                .values(&Invigilator {
                    id: inv_id.clone(),
                    centre_id: id.clone(),
                    user_id: None,
                    name: (*name).into(),
                    email: (*email).into(),
                    active: true,
                    created_at: self.now,
                    updated_at: self.now,
                })
                .execute(self.conn)?;
            for weekday in 0..5 {
                diesel::insert_into(invigilator_weekly::table)
                    .values(&InvigilatorWeekly {
                        id: db::new_id(),
                        invigilator_id: inv_id.clone(),
                        weekday,
                        from_time: opens,
                        to_time: closes,
                    })
                    .execute(self.conn)?;
            }
            invigilators.push(inv_id);
        }
        // The last invigilator is away one Friday, so availability exceptions show.
        if let Some(away) = invigilators.last() {
            diesel::insert_into(invigilator_exceptions::table)
                .values(&InvigilatorException {
                    id: db::new_id(),
                    invigilator_id: away.clone(),
                    date: self.summary.week + Duration::days(4),
                    from_time: None,
                    to_time: None,
                    available: false,
                })
                .execute(self.conn)?;
        }
        diesel::insert_into(closures::table)
            .values(&Closure {
                id: db::new_id(),
                centre_id: id.clone(),
                from_date: NaiveDate::from_ymd_opt(2027, 7, 1).unwrap_or_default(),
                to_date: NaiveDate::from_ymd_opt(2027, 8, 8).unwrap_or_default(),
                reason: "Sommarstängt".into(),
                created_at: self.now,
            })
            .execute(self.conn)?;
        Ok(LoadedCentre {
            id,
            exam_rooms,
            separate_room,
            study_rooms,
            invigilators,
            opens,
        })
    }

    fn hours(
        &mut self,
        centre_id: &str,
        kind: HoursKind,
        weekday: i32,
        opens: NaiveTime,
        closes: NaiveTime,
    ) -> QueryResult<()> {
        diesel::insert_into(centre_hours::table)
            .values(&CentreHours {
                id: db::new_id(),
                centre_id: centre_id.into(),
                kind,
                weekday,
                opens,
                closes,
            })
            .execute(self.conn)
            .map(|_| ())
    }

    /// Per centre: on Tuesday and Thursday an approved, placed exam with four
    /// students (one with extended time in the separate room), and on
    /// Wednesday a submitted request waiting for approval.
    fn exams(
        &mut self,
        monday: NaiveDate,
        centres: &[LoadedCentre],
        institutions: &[String],
        students: &[String],
    ) -> anyhow::Result<()> {
        let courses = [
            ("MA051G", "Matematik för ingenjörer", "Tentamen 1"),
            ("EN012A", "Engelska A", "Skriftligt prov"),
            ("DT157G", "Databasteknik", "Salstentamen"),
            ("EK033A", "Redovisning", "Omtentamen"),
            ("VO110Y", "Vård och omsorg", "Delprov 2"),
            ("PS021G", "Psykologi I", "Hemtentamen i sal"),
        ];
        let mut course = courses.iter().cycle();
        // Round-robin over the students, skipping anyone already sitting an
        // exam that day: nobody is in two places at once.
        let mut next_student = 0usize;
        let mut busy: std::collections::HashSet<(NaiveDate, usize)> =
            std::collections::HashSet::new();
        for (ci, centre) in centres.iter().enumerate() {
            for (day_offset, placed) in [(1, true), (3, true), (2, false)] {
                let date = monday + Duration::days(day_offset);
                if !is_working_day(date) {
                    continue;
                }
                let (code, name, title) = course.next().copied().unwrap_or(courses[0]);
                let institution = &institutions[(ci + day_offset as usize) % institutions.len()];
                let start_time = if day_offset == 3 {
                    hm(10, 0)
                } else {
                    centre.opens.max(hm(9, 0))
                };
                let starts_at = utc(date, start_time)?;
                let duration = 180;
                let request_id = db::new_id();
                diesel::insert_into(exam_requests::table)
                    .values(&ExamRequest {
                        id: request_id.clone(),
                        institution_id: institution.clone(),
                        centre_id: centre.id.clone(),
                        course_code: code.into(),
                        course_name: name.into(),
                        title: title.into(),
                        starts_at: Some(starts_at),
                        window_start: None,
                        window_end: None,
                        duration_minutes: duration,
                        aids: "Miniräknare, ordbok".into(),
                        computer_required: false,
                        paper_delivery: "email".into(),
                        answer_return: "scan_email".into(),
                        contact_name: "Kursansvarig lärare".into(),
                        contact_email: "larare@miun.demo".into(),
                        contact_phone: "060-14 86 00".into(),
                        open: false,
                        registration_deadline: Some(date - Duration::days(14)),
                        status: if placed {
                            RequestStatus::Scheduled
                        } else {
                            RequestStatus::Submitted
                        },
                        status_reason: None,
                        created_by: None,
                        created_at: self.now,
                        updated_at: self.now,
                    })
                    .execute(self.conn)?;
                self.summary.exam_requests += 1;
                let hall = &centre.exam_rooms[0];
                let mut room_spans: Vec<(String, NaiveDateTime, NaiveDateTime)> = Vec::new();
                for k in 0..4 {
                    let mut pick = next_student;
                    for _ in 0..students.len() {
                        if !busy.contains(&(date, pick % students.len())) {
                            break;
                        }
                        pick += 1;
                    }
                    let index = pick % students.len();
                    busy.insert((date, index));
                    self.exam_days.insert((date, index));
                    next_student = index + 1;
                    let student_id = students[index].clone();
                    let extended = k == 0;
                    let extra = if extended { 50 } else { 0 };
                    let minutes = duration as i64 * (100 + extra as i64) / 100;
                    let ends_at = starts_at + Duration::minutes(minutes);
                    let (room_id, status) = if !placed {
                        (None, SittingStatus::Requested)
                    } else if extended {
                        (
                            Some(centre.separate_room.id.clone()),
                            SittingStatus::Confirmed,
                        )
                    } else {
                        (Some(hall.id.clone()), SittingStatus::Confirmed)
                    };
                    if let Some(r) = &room_id {
                        room_spans.push((r.clone(), starts_at, ends_at));
                    }
                    diesel::insert_into(sittings::table)
                        .values(&Sitting {
                            id: db::new_id(),
                            exam_request_id: request_id.clone(),
                            centre_id: centre.id.clone(),
                            student_id,
                            booking_code: booking_code::generate(),
                            status,
                            status_reason: None,
                            extra_time_percent: extra,
                            separate_room: extended,
                            computer: false,
                            breaks_minutes: 0,
                            other_accommodation: None,
                            accessible_room: false,
                            starts_at: room_id.as_ref().map(|_| starts_at),
                            ends_at: room_id.as_ref().map(|_| ends_at),
                            room_id,
                            sequence: 0,
                            created_at: self.now,
                            updated_at: self.now,
                            reminded_at: None,
                        })
                        .execute(self.conn)?;
                    self.summary.sittings += 1;
                }
                // One invigilator per room in use, from the first start to the
                // last end; the two rooms get different invigilators.
                let mut rooms_used: Vec<String> = room_spans.iter().map(|s| s.0.clone()).collect();
                rooms_used.sort();
                rooms_used.dedup();
                for (i, room_id) in rooms_used.iter().enumerate() {
                    let start = room_spans
                        .iter()
                        .filter(|s| &s.0 == room_id)
                        .map(|s| s.1)
                        .min();
                    let end = room_spans
                        .iter()
                        .filter(|s| &s.0 == room_id)
                        .map(|s| s.2)
                        .max();
                    if let (Some(start), Some(end)) = (start, end) {
                        diesel::insert_into(invigilator_assignments::table)
                            .values(&InvigilatorAssignment {
                                id: db::new_id(),
                                invigilator_id: centre.invigilators[i % centre.invigilators.len()]
                                    .clone(),
                                room_id: room_id.clone(),
                                starts_at: start,
                                ends_at: end,
                                created_at: self.now,
                            })
                            .execute(self.conn)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Study places: each student books a few mornings and afternoons at their
    /// home centre, inside opening hours.
    fn study_bookings(
        &mut self,
        monday: NaiveDate,
        centres: &[LoadedCentre],
        students: &[String],
    ) -> anyhow::Result<()> {
        for (i, student_id) in students.iter().enumerate() {
            let centre = &centres[i % centres.len()];
            let room = &centre.study_rooms[i % centre.study_rooms.len()];
            for day in [0, 2, 4] {
                let date = monday + Duration::days(day + (i as i64 % 2));
                if !is_working_day(date) {
                    continue;
                }
                let (from, to) = if i % 3 == 0 {
                    (hm(13, 0), hm(16, 0))
                } else {
                    (hm(9, 0), hm(12, 0))
                };
                if self.exam_days.contains(&(date, i)) {
                    continue;
                }
                diesel::insert_into(study_bookings::table)
                    .values(&StudyBooking {
                        id: db::new_id(),
                        centre_id: centre.id.clone(),
                        room_id: room.id.clone(),
                        student_id: student_id.clone(),
                        booking_code: booking_code::generate(),
                        starts_at: utc(date, from)?,
                        ends_at: utc(date, to)?,
                        status: StudyBookingStatus::Confirmed,
                        sequence: 0,
                        created_at: self.now,
                        cancelled_at: None,
                    })
                    .execute(self.conn)?;
                self.summary.study_bookings += 1;
            }
        }
        Ok(())
    }
}
