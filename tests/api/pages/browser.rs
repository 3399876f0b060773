//! The student's journeys in a real browser: Debian's `chromium`, driven
//! over WebDriver by `chromedriver` (fantoccini), clicking and typing as a
//! person would. axe-core runs on every page visited: no violation of
//! impact "serious" or "critical" may appear.
//!
//! Without `/usr/bin/chromedriver` (or axe-core, installed by `npm ci` in
//! `tests/browser/`) each test prints `SKIPPED` and passes; under CI (`CI`
//! set) it fails instead, like the PostgreSQL tests.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

use super::*;
use crate::helpers::{with_app, TestApp};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

/// chromedriver on a free port, ended when dropped.
pub(super) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a browser test needs, or why it cannot run here.
pub(super) fn tools(test: &str) -> Option<String> {
    let missing = if !std::path::Path::new(CHROMEDRIVER).exists() {
        Some(format!(
            "{CHROMEDRIVER} not installed (apt install chromium chromium-driver)"
        ))
    } else if !std::path::Path::new(AXE).exists() {
        Some("axe-core not installed (npm ci in tests/browser)".to_string())
    } else {
        None
    };
    match missing {
        None => Some(std::fs::read_to_string(AXE).unwrap()),
        Some(why) if std::env::var_os("CI").is_some() => panic!("{test}: {why}"),
        Some(why) => {
            println!("SKIPPED {test}: {why}");
            None
        }
    }
}

pub(super) fn start_driver() -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, port }
}

/// A headless Chromium at phone width (390 px), where students book.
pub(super) async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,844", "--lang=sv-SE"],
            // A Swedish browser: the pages follow Accept-Language.
            "prefs": {"intl.accept_languages": "sv-SE,sv"},
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("chromium over webdriver")
}

/// A page as a person sees it, checked by axe-core.
pub(super) struct Person<'a> {
    pub(super) c: Client,
    pub(super) app: &'a TestApp,
    pub(super) axe: String,
}

impl Person<'_> {
    pub(super) async fn open(&self, path: &str) {
        self.c.goto(&self.app.url(path)).await.unwrap();
        self.check().await;
    }

    /// axe-core on the current page: 0 serious or critical violations, and
    /// no horizontal scroll at whatever width the window has (390 px, or
    /// 640 px: 1280 px at 200 % zoom).
    pub(super) async fn check(&self) {
        self.c
            .execute(&format!("{};return true;", self.axe), vec![])
            .await
            .unwrap();
        let found = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
                vec![],
            )
            .await
            .unwrap();
        let url = self.c.current_url().await.unwrap();
        assert_eq!(found, serde_json::json!([]), "axe on {url}");
        let wide = self
            .c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(wide, serde_json::json!(false), "horizontal scroll on {url}");
    }

    /// Types into the focused element, as a keyboard does.
    async fn type_text(&self, text: &str) {
        let focused = self.c.active_element().await.unwrap();
        focused.send_keys(text).await.unwrap();
    }

    async fn press(&self, key: Key) {
        self.type_text(&key.to_string()).await;
    }

    /// Presses Tab until the focused element's `text|TAG` starts with
    /// `text` and ends with `tag`; fails if it is not reachable.
    async fn tab_to(&self, text: &str, tag: &str) {
        for _ in 0..40 {
            let at = self.focused().await;
            if at.starts_with(text) && at.ends_with(tag) {
                return;
            }
            self.press(Key::Tab).await;
        }
        panic!("{text} ({tag}) is not reachable by Tab");
    }

    /// The focused element: its text (or value) and tag, `text|TAG`.
    async fn focused(&self) -> String {
        let v = self
            .c
            .execute(
                "const a = document.activeElement; return (a.textContent || a.value || '').trim().replace(/\\s+/g, ' ') + '|' + a.tagName;",
                vec![],
            )
            .await
            .unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    pub(super) async fn text(&self) -> String {
        self.c
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub(super) async fn fill(&self, label_for: &str, value: &str) {
        let e = self.c.find(Locator::Id(label_for)).await.unwrap();
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap();
    }

    pub(super) async fn click(&self, css: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.settle().await;
    }

    pub(super) async fn click_text(&self, text: &str) {
        // The control's own words (its first text), not what a hidden
        // suffix for screen readers adds.
        let xpath = format!("(//button | //a | //summary)[normalize-space(text()[1]) = '{text}']");
        self.c
            .find(Locator::XPath(&xpath))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.settle().await;
    }

    /// Signs in with the password form on the landing page.
    pub(super) async fn sign_in_as(&self, email: &str, password: &str) {
        self.open("/").await;
        self.fill("login-email", email).await;
        self.fill("login-password", password).await;
        self.click("form[action='/auth/login'] button[type=submit]")
            .await;
    }

    /// The current page at 1280 and 390 px, whole, as `dir/{name}-{width}.png`,
    /// checked by axe at each width.
    async fn capture(&self, dir: &std::path::Path, name: &str) {
        for width in [1280u32, 390] {
            self.c.set_window_size(width, 900).await.unwrap();
            self.check().await;
            // The window's height is the page's plus the browser's own
            // frame (outer minus inner), so the whole page fits unscrolled.
            let sizes = self
                .c
                .execute(
                    "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];",
                    vec![],
                )
                .await
                .unwrap();
            let px = |i: usize| sizes[i].as_u64().unwrap_or(0) as u32;
            let h = px(0).clamp(400, 6000) + px(1);
            self.c.set_window_size(width, h).await.unwrap();
            let png = self.c.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
        }
    }

    /// Waits for a navigation or an htmx swap to end, then checks the page.
    pub(super) async fn settle(&self) {
        for _ in 0..50 {
            let busy = self
                .c
                .execute(
                    "return document.readyState !== 'complete' || !!document.querySelector('.htmx-request');",
                    vec![],
                )
                .await
                .unwrap();
            if busy == serde_json::json!(false) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.check().await;
    }
}

/// Signs in by e-mailed link, books a study place on `DAY`, sees it in
/// Mina bokningar, cancels it.
async fn book_and_cancel(app: TestApp, test: &str) {
    let Some(axe) = tools(test) else { return };
    let (_, _) = centre_with_study_room(&app).await;
    create_person(&app, "stina@example.se", "Stina Student", "student", &[]);
    let driver = start_driver();
    let p = Person {
        c: browser(&driver).await,
        app: &app,
        axe,
    };
    let outcome = async {
        p.open("/").await;
        assert!(p.text().await.contains("Lärcentrum sundsvall"));
        p.fill("link-email", "stina@example.se").await;
        p.click_text("Skicka inloggningslänk").await;
        p.open(&mailed_link(&app, "stina@example.se")).await;
        p.click("form[action='/auth/link/consume'] button").await;
        // Signed in: the student's start page.
        assert!(p.c.current_url().await.unwrap().path().ends_with("/me/bookings"));
        assert!(p.text().await.contains("Du har inga bokade studieplatser."));
        p.click_text("Boka studieplats").await;
        let select = p.c.find(Locator::Id("centre")).await.unwrap();
        select.select_by_label("Lärcentrum sundsvall").await.unwrap();
        // The date control takes the keys of the browser's locale; set the
        // value as a date picker would.
        p.c.execute(&format!("document.getElementById('date').value = '{DAY}';"), vec![]).await.unwrap();
        p.click_text("Visa dagen").await;
        let text = p.text().await;
        assert!(text.contains("Lediga platser tis 8 dec"), "{text}");
        assert!(text.contains("3 lediga platser"), "{text}");
        p.c.execute("document.getElementById('start').value = '09:00'; document.getElementById('end').value = '12:00';", vec![]).await.unwrap();
        p.click_text("Boka").await;
        let text = p.text().await;
        assert!(text.contains("Studieplatsen är bokad. En bekräftelse med en kalenderinbjudan"), "{text}");
        assert!(text.contains("tis 8 dec 09:00–12:00"), "{text}");
        p.click_text("Avboka studieplatsen").await;
        let text = p.text().await;
        assert!(text.contains("Studieplatsen är avbokad."), "{text}");
        assert!(text.contains("Avbokad"), "{text}");
        // Sign-out is on every page.
        p.click_text("Logga ut").await;
        assert!(p.text().await.contains("Du är utloggad."));
    }
    .await;
    let _ = p.c.close().await;
    outcome
}

#[actix_web::test]
async fn a_student_books_and_cancels_in_a_browser_sqlite() {
    with_app(
        "pages::browser::sqlite",
        skrivsal::db::Backend::Sqlite,
        |app| book_and_cancel(app, "pages::browser::book_and_cancel::sqlite"),
    )
    .await
}

#[actix_web::test]
async fn a_student_books_and_cancels_in_a_browser_postgres() {
    with_app(
        "pages::browser::postgres",
        skrivsal::db::Backend::Postgres,
        |app| book_and_cancel(app, "pages::browser::book_and_cancel::postgres"),
    )
    .await
}

/// The same start with the keyboard alone: Tab to the skip link and the
/// controls, Enter to submit, Space to tick.
#[actix_web::test]
async fn a_student_registers_for_an_exam_by_keyboard_alone() {
    with_app(
        "pages::browser::keyboard::sqlite",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let test = "pages::browser::keyboard";
            let Some(axe) = tools(test) else { return };
            centre_with_study_room(&app).await;
            open_exams(&app, &["Tentamen 1"]).await;
            create_person(&app, "stina@example.se", "Stina Student", "student", &[]);
            let driver = start_driver();
            let p = Person {
                c: browser(&driver).await,
                app: &app,
                axe,
            };
            let outcome = async {
                // Ask for the link with the keyboard: type, then Enter.
                p.open("/").await;
                let field = p.c.find(Locator::Id("link-email")).await.unwrap();
                field.send_keys("stina@example.se").await.unwrap();
                field.send_keys(&Key::Enter.to_string()).await.unwrap();
                p.settle().await;
                p.open(&mailed_link(&app, "stina@example.se")).await;
                // Tab from the top: the first stop is the skip link.
                let body = p.c.find(Locator::Css("body")).await.unwrap();
                body.send_keys(&Key::Tab.to_string()).await.unwrap();
                let first = p.focused().await;
                assert!(first.starts_with("Hoppa till innehållet"), "{first}");
                // The button that signs in, reached by Tab and pressed with Enter.
                p.tab_to("Logga in", "|BUTTON").await;
                p.press(Key::Enter).await;
                p.settle().await;
                assert!(p
                    .c
                    .current_url()
                    .await
                    .unwrap()
                    .path()
                    .ends_with("/me/bookings"));
                // To Anmäl dig till prov through the menu, by Tab and Enter.
                p.tab_to("Anmäl dig till prov", "|A").await;
                p.press(Key::Enter).await;
                p.settle().await;
                assert!(p.text().await.contains("Tentamen 1"));
                // Open the registration (a <summary>), fill in extra time, tick a
                // separate room with Space, send with Enter.
                p.tab_to("Anmäl dig Tentamen 1", "|SUMMARY").await;
                p.press(Key::Enter).await;
                p.press(Key::Tab).await;
                p.type_text("25").await;
                p.press(Key::Tab).await;
                p.press(Key::Tab).await;
                p.type_text(" ").await;
                // Past computer and accessible room to the submit button.
                p.tab_to("Skicka anmälan", "|BUTTON").await;
                p.press(Key::Enter).await;
                p.settle().await;
                let text = p.text().await;
                assert!(text.contains("Din anmälan är skickad"), "{text}");
                assert!(text.contains("Anmäld, väntar på besked"), "{text}");
                p.open("/me/bookings").await;
                let text = p.text().await;
                assert!(
                    text.contains("25 % förlängd tid") && text.contains("Enskilt rum"),
                    "{text}"
                );
            }
            .await;
            let _ = p.c.close().await;
            outcome
        },
    )
    .await
}

/// The page at `path` at 1280 and 390 px, its whole height, into
/// `dir/name-WIDTH.png`.
pub(super) async fn shoot(p: &Person<'_>, dir: &std::path::Path, name: &str, path: &str) {
    p.open(path).await;
    p.capture(dir, name).await;
}

/// Staff and institutions in a browser: a wrong password shows the form
/// again, then each role signs in to its start page; axe checks every page.
#[actix_web::test]
async fn staff_start_pages_in_a_browser() {
    with_app(
        "pages::browser::staff::sqlite",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let test = "pages::browser::staff";
            let Some(axe) = tools(test) else { return };
            super::start::a_day_at_sundsvall(&app).await;
            create_person(
                &app,
                "chef@example.se",
                "Cecilia Chef",
                "centre_admin",
                &["sundsvall"],
            );
            create_person(&app, "ops@example.se", "Ops", "system_admin", &[]);
            super::start::institution_person(&app, "kansli@miun.se", "Kansliet", "miun");
            let driver = start_driver();
            let p = Person {
                c: browser(&driver).await,
                app: &app,
                axe,
            };
            let outcome = async {
                // The page a reset link opens (axe checks it too).
                p.open("/auth/password-reset?token=from-the-mail").await;
                assert!(p.text().await.contains("Nytt lösenord"));
                p.sign_in_as("chef@example.se", "not the password").await;
                let text = p.text().await;
                assert!(text.contains("Fel e-postadress eller lösenord."), "{text}");
                // The form is there again, the address kept.
                let email = p.c.find(Locator::Id("login-email")).await.unwrap();
                assert_eq!(
                    email.prop("value").await.unwrap().as_deref(),
                    Some("chef@example.se")
                );
                p.fill("login-password", PASSWORD).await;
                p.click("form[action='/auth/login'] button[type=submit]")
                    .await;
                assert!(p.c.current_url().await.unwrap().path().ends_with("/start"));
                let text = p.text().await;
                assert!(text.contains("Provförfrågningar att godkänna"), "{text}");
                assert!(text.contains("MA051G Tentamen 1"), "{text}");
                p.click_text("Logga ut").await;

                p.sign_in_as("kansli@miun.se", PASSWORD).await;
                let text = p.text().await;
                assert!(text.contains("Inskickad, väntar på godkännande"), "{text}");
                p.click_text("Logga ut").await;

                p.sign_in_as("ops@example.se", PASSWORD).await;
                let text = p.text().await;
                assert!(text.contains("Lärcentrum sundsvall"), "{text}");
                p.click_text("Lärcentrum sundsvall").await;
                assert!(p
                    .c
                    .current_url()
                    .await
                    .unwrap()
                    .path()
                    .ends_with("/centres/sundsvall"));
            }
            .await;
            let _ = p.c.close().await;
            outcome
        },
    )
    .await
}

/// Not a test: `docs/ui/shoot.sh` runs it to render every page at 1280 and
/// 390 px into `docs/ui/` (`SKRIVSAL_SCREENSHOTS` names the folder), each
/// checked by axe at both widths.
#[actix_web::test]
#[ignore = "renders screenshots; run by docs/ui/shoot.sh"]
async fn screenshots() {
    let Some(dir) = std::env::var_os("SKRIVSAL_SCREENSHOTS") else {
        println!("SKIPPED screenshots: SKRIVSAL_SCREENSHOTS not set");
        return;
    };
    with_app("pages::browser::screenshots", skrivsal::db::Backend::Sqlite, |app| async move {
        let Some(axe) = tools("pages::browser::screenshots") else { return };
        let (_, room) = centre_with_study_room(&app).await;
        open_exams(&app, &["Tentamen 1", "Omtentamen"]).await;
        create_person(&app, "stina@example.se", "Stina Student", "student", &[]);
        create_person(&app, "chef@example.se", "Cecilia Chef", "centre_admin", &["sundsvall"]);
        create_person(&app, "ops@example.se", "Ops", "system_admin", &[]);
        super::start::institution_person(&app, "kansli@miun.se", "Kansliet", "miun");
        let token = app.token("stina@example.se", "student", &[], None);
        let r = app.post_as(&token, "/api/v1/study-bookings", serde_json::json!({"centre": "sundsvall", "room": room, "starts_at": format!("{DAY}T09:00"), "ends_at": format!("{DAY}T12:00")})).await;
        assert_eq!(r.status, 201, "{r:?}");
        let driver = start_driver();
        let p = Person { c: browser(&driver).await, app: &app, axe };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let shoot = |name: &'static str, path: String| {
            let (p, dir) = (&p, &dir);
            async move {
                p.open(&path).await;
                p.capture(dir, name).await;
            }
        };
        // Signed in through the password form (this student has a password).
        p.sign_in_as("stina@example.se", PASSWORD).await;
        shoot("bookings", "/me/bookings".into()).await;
        shoot("book", format!("/me/book?centre=sundsvall&date={DAY}")).await;
        shoot("move", format!("/me/book?move={}", r.body["id"].as_str().unwrap())).await;
        shoot("exams", "/me/exams".into()).await;
        shoot("calendar", "/me/calendar".into()).await;
        // Signed out: the landing page, a centre's page, the e-mailed link's
        // pages and a refused sign-in.
        p.c.delete_all_cookies().await.unwrap();
        shoot("landing", "/".into()).await;
        shoot("centre", "/centres/sundsvall".into()).await;
        p.open("/login").await;
        p.fill("link-email", "stina@example.se").await;
        p.click_text("Skicka inloggningslänk").await;
        p.capture(&dir, "link-sent").await;
        shoot("link", mailed_link(&app, "stina@example.se")).await;
        shoot("new-password", "/auth/password-reset?token=from-the-mail".into()).await;
        p.sign_in_as("chef@example.se", "not the password").await;
        p.capture(&dir, "sign-in-refused").await;
        // Staff on the day of the exams: each role's start page.
        app.at(&format!("{DAY}T07:30:00+01:00"));
        for (name, email) in [
            ("start-centre", "chef@example.se"),
            ("start-institution", "kansli@miun.se"),
            ("start-admin", "ops@example.se"),
        ] {
            p.c.delete_all_cookies().await.unwrap();
            p.sign_in_as(email, PASSWORD).await;
            p.capture(&dir, name).await;
        }
        let _ = p.c.close().await;
    })
    .await
}
