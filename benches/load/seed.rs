//! The world the load runs against, made through the public API as an
//! administrator and an institution would: one centre open 06:00–22:00
//! every day, two study halls, four exam halls, invigilators, no per-student
//! limits, students with API tokens, and one exam day with 200 placed
//! sittings.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{json, Value};

pub const SLUG: &str = "lasthuset";
pub const STUDENTS: usize = 200;
/// Study bookings are one hour, on the hour, 06:00–22:00 local time.
pub const FIRST_HOUR: u32 = 6;
pub const HOURS: u32 = 16;
pub const STUDY_SEATS: u64 = 2 * 40;
pub const SITTINGS: usize = 200;
const EXAM_REQUESTS: usize = 4;
const INVIGILATORS: usize = 12;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A JSON API client for the set-up calls.
pub struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(120))
                .build()
                .expect("an HTTP client"),
            base: base.to_string(),
        }
    }

    /// The answer's body when its status is `want`, otherwise an error
    /// naming the call and what came back.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
        want: u16,
    ) -> Result<Value, String> {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("accept-language", "en");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        if status != want {
            return Err(format!("{method} {path}: {status} (wanted {want}): {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: &str, body: Value, want: u16) -> Result<Value, String> {
        self.call(reqwest::Method::POST, path, token, Some(body), want)
            .await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> Result<Value, String> {
        self.call(reqwest::Method::PUT, path, token, Some(body), 200)
            .await
    }

    pub async fn get(&self, path: &str, token: &str) -> Result<Value, String> {
        self.call(reqwest::Method::GET, path, token, None, 200)
            .await
    }

    /// An account and an API token for it; the token.
    async fn account(&self, admin: &str, user: Value) -> Result<String, String> {
        let email = user["email"].clone();
        self.post("/api/v1/users", admin, user, 201).await?;
        let token = self
            .post(
                "/api/v1/tokens",
                admin,
                json!({"name": "load", "user": email}),
                201,
            )
            .await?;
        token["token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("no token in {token}"))
    }
}

pub struct World {
    /// The centre admin's token: reads the schedule and prints.
    pub staff: String,
    pub students: Vec<String>,
    /// Open days for study bookings (not the exam day), from the day after
    /// tomorrow on.
    pub booking_days: Vec<NaiveDate>,
    pub exam_day: NaiveDate,
    /// Bookings handed out so far, across tests.
    booked: AtomicU64,
}

impl World {
    /// The next study booking of the run, as (student, body).
    pub fn next_booking(&self) -> Option<(usize, String)> {
        self.booking(self.booked.fetch_add(1, Ordering::Relaxed))
    }

    /// The `k`-th study booking of the run, as (student, body): one hour
    /// on a distinct (student, day, hour), so that every one can be
    /// accepted. Consecutive bookings go to consecutive days and different
    /// students, so concurrent clients never book for the same student and
    /// days fill evenly (about N / 350 a day, not one day filled to the
    /// brim). `None` when the seats are used up.
    fn booking(&self, k: u64) -> Option<(usize, String)> {
        let days = self.booking_days.len() as u64;
        let day = k % days;
        let r = k / days;
        let hour = r % u64::from(HOURS);
        let round = r / u64::from(HOURS);
        if round >= (STUDENTS as u64).min(STUDY_SEATS) {
            return None;
        }
        let student = ((round + day + hour) % STUDENTS as u64) as usize;
        let date = self.booking_days[day as usize];
        let h = FIRST_HOUR + hour as u32;
        let body = json!({
            "centre": SLUG,
            "starts_at": format!("{date}T{h:02}:00"),
            "ends_at": format!("{date}T{:02}:00", h + 1),
        });
        Some((student, body.to_string()))
    }
}

/// Makes the world with the system administrator's token `admin`.
pub async fn seed(api: &Api, admin: &str) -> Result<World, String> {
    api.post(
        "/api/v1/centres",
        admin,
        json!({"slug": SLUG, "name": "Lärcentrum Lasthuset", "municipality": "Sundsvall",
               "address": "Storgatan 1", "email": "lc@lasthuset.se"}),
        201,
    )
    .await?;
    let hours: Vec<Value> = WEEKDAYS
        .iter()
        .map(|d| json!({"weekday": d, "opens": "06:00", "closes": "22:00"}))
        .collect();
    api.put(
        &format!("/api/v1/centres/{SLUG}/hours"),
        admin,
        json!({"opening": hours, "access_card": hours}),
    )
    .await?;
    let rooms = format!("/api/v1/centres/{SLUG}/rooms");
    for name in ["Studiehall A", "Studiehall B"] {
        api.post(&rooms, admin, json!({"name": name, "kind": "study_area", "seats": STUDY_SEATS / 2, "bookable_for": ["study"]}), 201).await?;
    }
    for n in 1..=4 {
        api.post(&rooms, admin, json!({"name": format!("Skrivsal {n}"), "kind": "exam_hall", "seats": 30, "computer_seats": 4, "accessible": true, "bookable_for": ["exam"]}), 201).await?;
    }
    let weekly: Vec<Value> = WEEKDAYS
        .iter()
        .map(|d| json!({"weekday": d, "from": "07:00", "to": "20:00"}))
        .collect();
    for i in 0..INVIGILATORS {
        let inv = api
            .post(
                &format!("/api/v1/centres/{SLUG}/invigilators"),
                admin,
                json!({"name": format!("Skrivvakt {i}"), "email": format!("vakt{i}@lasthuset.se")}),
                201,
            )
            .await?;
        let id = inv["id"].as_str().unwrap_or_default();
        api.put(
            &format!("/api/v1/invigilators/{id}/availability"),
            admin,
            json!({"weekly": weekly}),
        )
        .await?;
    }
    api.post(
        "/api/v1/institutions",
        admin,
        json!({"slug": "lastuni", "name": "Lastuniversitetet", "email": "tentamen@lastuni.se",
               "rules": {"start_offset_minutes": 0, "registration_deadline_days": 0}}),
        201,
    )
    .await?;
    let staff = api
        .account(
            admin,
            json!({"email": "admin@lasthuset.se", "role": "centre_admin", "name": "Centrumadmin", "centres": [SLUG]}),
        )
        .await?;
    let institution = api
        .account(
            admin,
            json!({"email": "tentamen@lastuni.se", "role": "institution", "name": "Tentamensexpedition", "institution": "lastuni"}),
        )
        .await?;
    let mut students = Vec::with_capacity(STUDENTS);
    for i in 0..STUDENTS {
        students.push(
            api.account(
                admin,
                json!({"email": format!("student{i}@lasthuset.se"), "role": "student", "name": format!("Student {i}")}),
            )
            .await?,
        );
    }

    let (exam_day, booking_days) = open_days(api, &staff).await?;
    for r in 0..EXAM_REQUESTS {
        let per = SITTINGS / EXAM_REQUESTS;
        let people: Vec<Value> = (0..per)
            .map(|i| {
                let extra = if i % 10 == 0 { 25 } else { 0 };
                json!({"name": format!("Skrivande {r}-{i}"), "email": format!("skriv{r}x{i}@lastuni.se"),
                       "accommodations": {"extra_time_percent": extra}})
            })
            .collect();
        let start = if r % 2 == 0 { "09:00" } else { "13:00" };
        let request = api
            .post(
                "/api/v1/exam-requests",
                &institution,
                json!({"centre": SLUG, "course_code": format!("LAST{r}"), "course_name": "Lastprov",
                       "title": format!("Tentamen {r}"), "starts_at": format!("{exam_day}T{start}"),
                       "duration_minutes": 180, "aids": "Inga", "students": people,
                       "contact": {"name": "Lärare", "email": "larare@lastuni.se"}}),
                201,
            )
            .await?;
        let id = request["id"].as_str().unwrap_or_default();
        api.post(
            &format!("/api/v1/exam-requests/{id}/approve"),
            &staff,
            json!({}),
            200,
        )
        .await?;
    }
    let schedule = api
        .get(
            &format!("/api/v1/centres/{SLUG}/schedule?date={exam_day}"),
            &staff,
        )
        .await?;
    let placed: usize = schedule["rooms"]
        .as_array()
        .map(|rooms| {
            rooms
                .iter()
                .map(|r| r["sittings"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    if placed != SITTINGS {
        return Err(format!(
            "the exam day has {placed} placed sittings, not {SITTINGS}"
        ));
    }
    Ok(World {
        staff,
        students,
        booking_days,
        exam_day,
        booked: AtomicU64::new(0),
    })
}

/// Waits (up to two minutes) until the mail worker has delivered what
/// earlier steps queued, so that each test starts with an empty outbox and
/// no delivery of another test's mail runs beside it.
pub async fn settle(api: &Api, admin: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(120) {
        let mut waiting = 0;
        for status in ["pending", "sending"] {
            let path = format!("/api/v1/mail?status={status}&limit=1");
            match api.get(&path, admin).await {
                Ok(page) => waiting += page["items"].as_array().map_or(0, Vec::len),
                Err(e) => {
                    eprintln!("cannot see the outbox, not waiting for it: {e}");
                    return;
                }
            }
        }
        if waiting == 0 {
            if started.elapsed() > std::time::Duration::from_secs(1) {
                eprintln!("  (waited {:.0?} for the mail worker)", started.elapsed());
            }
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    eprintln!("  the outbox is still not empty after two minutes; going on");
}

/// The exam day (the first open Tuesday at least two weeks ahead) and every
/// other open day of the coming year, as the centre's calendar says
/// (holidays are closed).
async fn open_days(api: &Api, token: &str) -> Result<(NaiveDate, Vec<NaiveDate>), String> {
    let from = chrono::Local::now().date_naive() + Duration::days(2);
    let to = from + Duration::days(364);
    let calendar = api
        .get(
            &format!("/api/v1/centres/{SLUG}/calendar?from={from}&to={to}"),
            token,
        )
        .await?;
    let open: Vec<NaiveDate> = calendar["days"]
        .as_array()
        .ok_or_else(|| format!("no days in the calendar: {calendar}"))?
        .iter()
        .filter(|d| d["closed"].is_null())
        .filter_map(|d| d["date"].as_str()?.parse().ok())
        .collect();
    let exam_day = *open
        .iter()
        .find(|d| **d >= from + Duration::days(12) && d.weekday() == Weekday::Tue)
        .ok_or("no open Tuesday in the coming year")?;
    let days = open.into_iter().filter(|d| *d != exam_day).collect();
    Ok((exam_day, days))
}
