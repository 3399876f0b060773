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
use crate::domain::{Language, Role};
use crate::types::{CentreId, InstitutionId, InvigilatorId, UserId};

/// Password of every demo staff and institution account.
pub const DEMO_PASSWORD: &str = "skrivsal-demo";
pub const DEMO_ADMIN: &str = "admin@skrivsal.demo";
/// The first demo student and the first invigilator of the first centre,
/// who have the demo password too (see `data`).
pub const DEMO_STUDENT: &str = "alva.eriksson@student.demo";
pub const DEMO_INVIGILATOR: &str = "karin.sjoberg@sundsvall.demo";

mod data;
mod load_centres;
mod load_week;

use data::*;

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
        writeln!(
            f,
            "  invigilators:    {DEMO_INVIGILATOR} (and every demo centre's others)"
        )?;
        writeln!(
            f,
            "  student:         {DEMO_STUDENT} (or any student's e-mailed sign-in link)"
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
    let result = db::write_tx::<_, anyhow::Error, _>(conn, |conn| {
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
    id: CentreId,
    exam_rooms: Vec<Room>,
    separate_room: Room,
    study_rooms: Vec<Room>,
    invigilators: Vec<InvigilatorId>,
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
        role: Role,
        institution: Option<&InstitutionId>,
        password: bool,
    ) -> QueryResult<UserId> {
        let user = User {
            id: db::new_id(),
            email: email.to_string(),
            name: name.to_string(),
            role,
            institution_id: institution.cloned(),
            password_hash: password.then(|| self.password_hash.clone()),
            personnummer: None,
            protected_identity: false,
            language: Language::Sv,
            municipality: None,
            active: true,
            created_at: self.now,
            updated_at: self.now,
            last_sign_in_at: None,
        };
        diesel::insert_into(users::table)
            .values(user.clone())
            .execute(self.conn)?;
        Ok(user.id)
    }

    fn load(&mut self, monday: NaiveDate) -> anyhow::Result<()> {
        self.user(
            DEMO_ADMIN,
            "Systemadministratör",
            Role::SystemAdmin,
            None,
            true,
        )?;
        let mut institution_ids = Vec::new();
        for spec in INSTITUTIONS {
            let id: InstitutionId = db::new_id();
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
            self.user(spec.email, spec.name, Role::Institution, Some(&id), true)?;
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
            // Students sign in by e-mailed link; the first also has the demo
            // password, so the demo can be tried without reading its mail.
            let id = self.user(&email, name, Role::Student, None, i == 0)?;
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
}
