//! Print views: every document, both languages, the facts on them, and
//! nothing that must not be printed.

use serde_json::json;

use crate::app_test;
use crate::booking::{request_body, students, world};

app_test!(every_print_document_renders_a_busy_day, |app| async move {
    let w = world(&app).await;
    let mut list = students(4);
    list[0]["personnummer"] = json!("19811218-9876");
    list[1]["protected_identity"] = json!(true);
    list[1]["name"] = json!("Hemlig Person");
    list[2]["accommodations"] =
        json!({"extra_time_percent": 50, "separate_room": true, "breaks_minutes": 15});
    list[3]["name"] = json!("Åsa Öberg");
    let r = app
        .post_as(
            &w.institution,
            "/api/v1/exam-requests",
            request_body(w.day, list),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let codes: Vec<String> = r.body["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["booking_code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        app.post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({})
        )
        .await
        .status,
        200
    );

    let fetch = |doc: &str, lang: &str| {
        let url = app.url(&format!(
            "/print/centres/sundsvall/{doc}?date={}&lang={lang}",
            w.day
        ));
        let token = w.admin.clone();
        let client = app.client.clone();
        async move {
            let res = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert!(res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"));
            res.text().await.unwrap()
        }
    };
    for lang in ["sv", "en"] {
        let schedule = fetch("schedule", lang).await;
        for code in &codes {
            assert!(schedule.contains(code.as_str()), "{lang}: {code} missing");
        }
        // Personal end with extended time: 180 min + 50 % + 15 min = 13:45.
        assert!(schedule.contains("13:45"), "{schedule}");
        assert!(schedule.contains(if lang == "sv" {
            "eget rum"
        } else {
            "separate room"
        }));
        assert!(schedule.contains("Miniräknare"));
        assert!(schedule.contains(if lang == "sv" {
            "Dagschema"
        } else {
            "Day schedule"
        }));
        assert!(schedule.contains("Skrivsal A") && schedule.contains("Enskilt rum"));
        // Invigilators covering each room.
        assert!(schedule.contains("Karin") || schedule.contains("Per"));
        let invigilators = fetch("invigilators", lang).await;
        assert!(
            invigilators.contains("MA051G") && invigilators.contains("larare@miun.se"),
            "{invigilators}"
        );
        let doors = fetch("door-signs", lang).await;
        assert!(doors.contains(if lang == "sv" {
            "Tentamen pågår"
        } else {
            "Exam in progress"
        }));
        let attendance = fetch("attendance", lang).await;
        assert!(
            attendance.contains("Åsa Öberg"),
            "names on the attendance sheet, å ä ö intact"
        );
        for doc in [&schedule, &invigilators, &doors, &attendance] {
            assert!(!doc.contains("9876"), "no personal identity number");
            assert!(
                !doc.contains("Hemlig Person"),
                "protected identity by booking code only"
            );
            assert!(!doc.contains("<script"), "no JavaScript");
        }
    }
    // Unknown documents, bad dates and languages, outsiders.
    let r = app.get_as(&w.admin, "/print/centres/sundsvall/menu").await;
    assert_eq!(r.status, 404);
    let r = app
        .get_as(&w.admin, "/print/centres/sundsvall/schedule?date=tomorrow")
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["date".to_string()])
    );
    let r = app
        .get_as(&w.admin, "/print/centres/sundsvall/schedule?lang=fi")
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["lang".to_string()])
    );
    assert_eq!(
        app.get_as(&w.institution, "/print/centres/sundsvall/schedule")
            .await
            .status,
        403
    );
    let css = app
        .client
        .get(app.url("/static/print.css"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(css.contains("size: A4") && css.contains("break-inside: avoid"));
});

// --- PDF ---------------------------------------------------------------

/// A PDF as poppler reads it: the text of each page, laid out.
struct PdfText {
    pages: Vec<String>,
}

impl PdfText {
    fn all(&self) -> String {
        self.pages.join("\n")
    }

    /// The 1-based pages whose text contains `needle`.
    fn pages_with(&self, needle: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| self.pages[i].contains(needle))
            .map(|i| i + 1)
            .collect()
    }

    /// The text line (with `-layout`, a table row) that contains `needle`.
    fn line_with(&self, needle: &str) -> Option<String> {
        self.pages
            .iter()
            .flat_map(|p| p.lines())
            .find(|l| l.contains(needle))
            .map(str::to_string)
    }
}

/// Whether poppler's pdftotext and pdfinfo are here. CI installs them
/// (`.ci/run`) and must not pass without them; elsewhere a missing tool
/// skips the PDF checks with a note.
fn poppler() -> bool {
    let have = |tool: &str| std::process::Command::new(tool).arg("-v").output().is_ok();
    if have("pdftotext") && have("pdfinfo") {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "pdftotext/pdfinfo (poppler-utils) are needed on CI"
    );
    eprintln!("skipped: pdftotext not installed");
    false
}

/// The time after `label` is now in the centre's zone (Stockholm), not UTC.
fn assert_local_now(page: &str, label: &str) {
    use chrono::TimeZone;
    let at = page.split(label).nth(1).expect("a print time");
    let at = chrono::NaiveDateTime::parse_from_str(at.get(..16).unwrap_or(at), "%Y-%m-%d %H:%M")
        .unwrap_or_else(|e| panic!("{e}: {at}"));
    let local = chrono_tz::Europe::Stockholm
        .from_local_datetime(&at)
        .earliest()
        .unwrap();
    let off = (chrono::Utc::now() - local.with_timezone(&chrono::Utc))
        .num_minutes()
        .abs();
    assert!(off <= 5, "printed at {at}, {off} minutes from now");
}

fn read_pdf(bytes: &[u8]) -> PdfText {
    use std::process::Command;
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success(), "pdfinfo: {info:?}");
    let info = String::from_utf8(info.stdout).unwrap();
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let pages = (1..=count)
        .map(|n| {
            let out = Command::new("pdftotext")
                .args([
                    "-layout",
                    "-enc",
                    "UTF-8",
                    "-f",
                    &n.to_string(),
                    "-l",
                    &n.to_string(),
                ])
                .arg(&path)
                .arg("-")
                .output()
                .unwrap();
            assert!(out.status.success(), "pdftotext: {out:?}");
            String::from_utf8(out.stdout).unwrap()
        })
        .collect();
    PdfText { pages }
}

async fn fetch_pdf(app: &crate::helpers::TestApp, token: &str, path: &str) -> Vec<u8> {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("inline; filename=\"sundsvall-") && disposition.ends_with(".pdf\""),
        "{disposition}"
    );
    res.bytes().await.unwrap().to_vec()
}

async fn add_invigilator(app: &crate::helpers::TestApp, admin: &str, name: &str, email: &str) {
    let r = app
        .post_as(
            admin,
            "/api/v1/centres/sundsvall/invigilators",
            json!({"name": name, "email": email}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    let weekly: Vec<serde_json::Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({"weekday": d, "from": "07:00", "to": "20:00"}))
        .collect();
    let r = app
        .put_as(
            admin,
            &format!("/api/v1/invigilators/{id}/availability"),
            json!({"weekly": weekly}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

fn people(prefix: &str, n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| json!({"name": format!("{prefix} {i}"), "email": format!("{}{i}@example.se", prefix.to_lowercase())}))
        .collect()
}

/// Submits and approves a request; its sittings' (booking code, room id).
async fn approved(
    app: &crate::helpers::TestApp,
    w: &crate::booking::World,
    body: serde_json::Value,
) -> Vec<(String, String)> {
    let r = app
        .post_as(&w.institution, "/api/v1/exam-requests", body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .post_as(
            &w.admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["booking_code"].as_str().unwrap().to_string(),
                s["room"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

app_test!(pdf_documents_for_a_day_with_60_sittings, |app| async move {
    use skrivsal::documents::pdf::rows_per_page;
    use skrivsal::documents::print::Document;
    use skrivsal::domain::Language;
    use std::collections::BTreeMap;

    let w = world(&app).await;
    // 60 examinees at once need room for 60 and, at one invigilator per 20
    // in each room, four invigilators: a second hall and two more of them.
    let r = app.post_as(&w.admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Hörsal Åkerö", "kind": "exam_hall", "seats": 40, "computer_seats": 0, "bookable_for": ["exam"]})).await;
    assert_eq!(r.status, 201, "{r:?}");
    add_invigilator(&app, &w.admin, "Åke Ström", "ake@sundsvall.se").await;
    add_invigilator(&app, &w.admin, "Märta Hägg", "marta@sundsvall.se").await;

    let mut first = people("Student", 40);
    first[0]["personnummer"] = json!("19811218-9876");
    first[1]["protected_identity"] = json!(true);
    first[1]["name"] = json!("Hemlig Person");
    first[2]["accommodations"] =
        json!({"extra_time_percent": 50, "separate_room": true, "breaks_minutes": 15});
    first[3]["name"] = json!("Åsa Öberg");
    first[4]["name"] = json!("René Ägren");
    let mut sittings = approved(&app, &w, request_body(w.day, json!(first))).await;
    let mut second = request_body(w.day, json!(people("Elev", 20)));
    second["course_code"] = json!("SV012G");
    second["course_name"] = json!("Svenska språkets historia");
    second["title"] = json!("Språkhistoria");
    sittings.extend(approved(&app, &w, second).await);
    assert_eq!(sittings.len(), 60);
    let mut per_room: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, room) in &sittings {
        *per_room.entry(room.as_str()).or_default() += 1;
    }
    assert!(
        per_room
            .values()
            .any(|&n| n > rows_per_page(Document::Attendance, Language::Sv)),
        "a room runs over a page: {per_room:?}"
    );

    // The same errors as the HTML views, as problem+json.
    let r = app
        .get_as(&w.admin, "/print/centres/sundsvall/menu.pdf")
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["status"], 404, "{r:?}");
    let r = app
        .get_as(
            &w.admin,
            "/print/centres/sundsvall/schedule.pdf?date=2026-13-01",
        )
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["date".to_string()])
    );
    let r = app
        .get_as(&w.admin, "/print/centres/sundsvall/attendance.pdf?lang=de")
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["lang".to_string()])
    );
    assert_eq!(
        app.get_as(&w.institution, "/print/centres/sundsvall/attendance.pdf")
            .await
            .status,
        403
    );
    let r = app.get("/print/centres/sundsvall/schedule.pdf").await;
    assert_eq!(r.status(), 401);

    let read_text = poppler();
    for lang in ["sv", "en"] {
        let language = if lang == "sv" {
            Language::Sv
        } else {
            Language::En
        };
        // Every room starts a page; a room goes on to another page after
        // as many one-line rows as fit on one (every row of this day is one
        // line, but the separate room's, which is alone on its page).
        let pages_for = |document: Document| -> usize {
            let per_page = rows_per_page(document, language);
            per_room.values().map(|n| n.div_ceil(per_page)).sum()
        };
        for (document, expected_pages) in [
            ("schedule", pages_for(Document::Schedule)),
            ("attendance", pages_for(Document::Attendance)),
            // One room per page.
            ("door-signs", per_room.len()),
            // Four invigilators with a duty or two each: far from a page.
            ("invigilators", 1),
        ] {
            let bytes = fetch_pdf(
                &app,
                &w.admin,
                &format!(
                    "/print/centres/sundsvall/{document}.pdf?date={}&lang={lang}",
                    w.day
                ),
            )
            .await;
            assert!(
                bytes.len() < 120_000,
                "{document}: the font is subset, {} bytes",
                bytes.len()
            );
            if !read_text {
                continue;
            }
            let pdf = read_pdf(&bytes);
            let text = pdf.all();
            let n = pdf.pages.len();
            assert_eq!(n, expected_pages, "{lang} {document}: page count\n{text}");
            for (i, page) in pdf.pages.iter().enumerate() {
                let footer = if lang == "sv" {
                    format!("Sida {} av {n} · Utskriven 20", i + 1)
                } else {
                    format!("Page {} of {n} · Printed 20", i + 1)
                };
                assert!(
                    page.contains(&footer),
                    "{lang} {document} p{}: {page}",
                    i + 1
                );
                assert!(page.contains(&w.day.to_string()), "the date on every page");
                assert_local_now(
                    page,
                    if lang == "sv" {
                        "Utskriven "
                    } else {
                        "Printed "
                    },
                );
            }
            assert!(
                !text.contains("9876"),
                "{document}: no personal identity number"
            );
            assert!(
                !text.contains("Hemlig Person"),
                "{document}: protected identity"
            );
            match document {
                "schedule" | "attendance" => {
                    for (code, _) in &sittings {
                        // Once, on one page, its row whole on that line.
                        assert_eq!(pdf.pages_with(code).len(), 1, "{lang} {document}: {code}");
                        let row = pdf.line_with(code).unwrap();
                        assert!(
                            row.contains("09:00")
                                && (row.contains("MA051G") || row.contains("SV012G")),
                            "{lang} {document}: row of {code}: {row}"
                        );
                    }
                    assert!(text.contains("Hörsal Åkerö"), "{text}");
                }
                "door-signs" => {
                    assert!(text.contains(if lang == "sv" {
                        "Tentamen pågår"
                    } else {
                        "Exam in progress"
                    }));
                    assert!(
                        text.contains("Hörsal Åkerö") && text.contains("SV012G Språkhistoria"),
                        "{text}"
                    );
                }
                _ => {
                    for name in ["Karin", "Per", "Åke Ström", "Märta Hägg"] {
                        assert!(text.contains(name), "{name}: {text}");
                    }
                    assert!(text.contains("larare@miun.se"));
                }
            }
            if document == "schedule" {
                assert!(text.contains("13:45"), "personal end with extra time");
                // The accommodations cell wraps, so its parts sit on two lines.
                let parts = if lang == "sv" {
                    ["+50 % tid", "paus"]
                } else {
                    ["+50 % time", "breaks"]
                };
                assert!(parts.iter().all(|p| text.contains(p)), "{text}");
                assert!(text.contains("Miniräknare") && text.contains("Mittuniversitetet"));
                assert!(text.contains(if lang == "sv" {
                    "Dagschema"
                } else {
                    "Day schedule"
                }));
            }
            if document == "attendance" {
                for name in ["Åsa Öberg", "René Ägren"] {
                    assert!(text.contains(name), "{lang}: {name} intact\n{text}");
                }
                assert!(text.contains(if lang == "sv" {
                    "Namnteckning"
                } else {
                    "Signature"
                }));
                assert!(text.contains(if lang == "sv" {
                    "Händelser under skrivningen"
                } else {
                    "Incidents during the exam"
                }));
                // The room heading comes back on the page a room goes on to.
                assert!(
                    text.contains(if lang == "sv" {
                        "Hörsal Åkerö (forts.)"
                    } else {
                        "Hörsal Åkerö (cont.)"
                    }),
                    "{text}"
                );
            }
        }
    }
});

/// The next day, at least a month ahead, after which Stockholm's offset
/// differs from the day before: a Sunday in late March or October.
fn next_clock_change() -> chrono::NaiveDate {
    use chrono::{Duration, TimeZone};
    let offset = |d: chrono::NaiveDate| {
        chrono_tz::Europe::Stockholm
            .from_local_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .format("%z")
            .to_string()
    };
    let mut d = chrono::Utc::now().date_naive() + Duration::days(31);
    while offset(d) == offset(d - Duration::days(1)) {
        d += Duration::days(1);
    }
    d
}

/// The nearest weekday from `from` in steps of `step` days (±1) that is not
/// a holiday: the centre and its invigilators work weekdays only.
fn open_weekday(from: chrono::NaiveDate, step: i64) -> chrono::NaiveDate {
    use chrono::{Datelike, Duration, Weekday};
    let mut d = from;
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        || skrivsal::calendar::holiday_on(d, skrivsal::calendar::HolidayOptions::default())
            .is_some()
    {
        d += Duration::days(step);
    }
    d
}

app_test!(
    print_times_stay_local_across_a_clock_change,
    |app| async move {
        use chrono::Duration;
        let w = world(&app).await;
        let change = next_clock_change();
        // The last working day before the change and the first after it (the
        // test centre is closed at weekends; Easter can push both further out).
        let before = open_weekday(change - Duration::days(1), -1);
        let after = open_weekday(change + Duration::days(1), 1);
        let mut placed = Vec::new();
        for (day, who) in [(before, "Före"), (after, "Efter")] {
            let body = request_body(day, json!(people(who, 1)));
            let r = app
                .post_as(&w.institution, "/api/v1/exam-requests", body)
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            let id = r.body["id"].as_str().unwrap().to_string();
            let r = app
                .post_as(
                    &w.admin,
                    &format!("/api/v1/exam-requests/{id}/approve"),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            let s = &r.body["sittings"][0];
            placed.push((
                day,
                s["booking_code"].as_str().unwrap().to_string(),
                s["starts_at"].as_str().unwrap().to_string(),
                format!("{who} 0"),
            ));
        }
        // Both start at 09:00 local on either side of the change: 07:00 UTC in
        // summer time, 08:00 UTC in winter time.
        let offsets: Vec<&str> = placed.iter().map(|(_, _, s, _)| &s[19..]).collect();
        assert_ne!(offsets[0], offsets[1], "{placed:?}");
        for (_, _, starts_at, _) in &placed {
            assert_eq!(&starts_at[11..16], "09:00", "{placed:?}");
        }
        let utc: Vec<String> = placed
            .iter()
            .map(|(_, _, s, _)| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .unwrap()
                    .with_timezone(&chrono::Utc)
                    .format("%H:%M")
                    .to_string()
            })
            .collect();
        let mut sorted = utc.clone();
        sorted.sort();
        assert_eq!(sorted, ["07:00", "08:00"], "{utc:?}");

        let check_pdf = poppler();
        for (day, code, _, student) in &placed {
            let html = app
                .get_as(
                    &w.admin,
                    &format!("/print/centres/sundsvall/schedule?date={day}"),
                )
                .await;
            assert_eq!(html.status, 200);
            let html = html.body.as_str().unwrap().to_string();
            assert!(
                html.contains(&format!(
                    "<td>09:00</td><td>12:00</td><td class=\"code\">{code}</td>"
                )),
                "{day}: {html}"
            );
            let attendance = app
                .get_as(
                    &w.admin,
                    &format!("/print/centres/sundsvall/attendance?date={day}"),
                )
                .await;
            assert!(
            attendance.body.as_str().unwrap().contains(&format!(
                "<td class=\"code\">{code}</td><td>{student}</td><td>MA051G</td><td>09:00</td><td>12:00</td>"
            )),
            "{day}: {attendance:?}"
        );
            if !check_pdf {
                continue;
            }
            for document in ["schedule", "attendance"] {
                let pdf = read_pdf(
                    &fetch_pdf(
                        &app,
                        &w.admin,
                        &format!("/print/centres/sundsvall/{document}.pdf?date={day}"),
                    )
                    .await,
                );
                let row = pdf.line_with(code).unwrap_or_default();
                assert!(
                    row.contains("09:00") && row.contains("12:00"),
                    "{day} {document}: {row:?}\n{}",
                    pdf.all()
                );
                assert!(!row.contains("07:00") && !row.contains("08:00"), "{row}");
            }
        }
    }
);
