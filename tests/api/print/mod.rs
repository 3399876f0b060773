//! Print views: every document, both languages, the facts on them, and
//! nothing that must not be printed. The PDF helpers live here; the tests are
//! in the topic modules.

use serde_json::json;

use crate::booking::{approve, submit};

mod cache;
mod clock_change;
mod html;
mod pdf;

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
    let r = submit(app, w, body).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = approve(app, w, &id).await;
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
