//! The invigilator's journey in a real browser (the harness of `browser`):
//! Mina pass, the run sheet with a check-in, Tillgänglighet with a preview
//! and a save. axe-core checks every page on the way.

use super::browser::{browser, shoot, start_driver, tools, Person};
use super::invigilator::{id_after, shift_world, KARIN};
use super::*;
use crate::helpers::with_app;

async fn shift_journey(app: TestApp, test: &str) {
    let Some(axe) = tools(test) else { return };
    let (admin, _) = shift_world(&app).await;
    let driver = start_driver();
    let p = Person {
        c: browser(&driver).await,
        app: &app,
        axe,
    };
    let outcome = async {
        p.sign_in_as(KARIN, PASSWORD).await;
        // The invigilator's start page.
        assert!(p.c.current_url().await.unwrap().path().ends_with("/me/shifts"));
        let text = p.text().await;
        assert!(text.contains("Kommande pass") && text.contains("tis 8 dec"), "{text}");
        assert!(text.contains("09:00–13:30 Skrivsal A"), "{text}");
        p.click_text("Öppna körschemat").await;
        let text = p.text().await;
        assert!(text.contains("Skrivsal A, tis 8 dec"), "{text}");
        // Someone else checks the first sitting in meanwhile: its button
        // is stale, and pressing it says so on the sheet (htmx swaps the
        // refusal in; without JavaScript it is the same page).
        let first = p
            .c
            .execute("return document.querySelector('.run-sheet li').id.slice(2);", vec![])
            .await
            .unwrap();
        let first = first.as_str().unwrap();
        let r = app
            .post_as(&admin, &format!("/api/v1/exam-sittings/{first}/check-in"), serde_json::json!({}))
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        p.click_text("Checka in").await;
        let text = p.text().await;
        assert!(text.contains("Det gick inte att markera skrivningen:"), "{text}");
        assert!(text.contains("Det går inte längre att ändra bokningen."), "{text}");
        // The sheet now shows it checked in; the other sitting's check-in works.
        p.click_text("Checka in").await;
        let text = p.text().await;
        assert!(text.contains("Studenten är incheckad."), "{text}");
        assert!(text.contains("Incheckad"), "{text}");
        assert!(text.contains("Markera som klar"), "{text}");

        // Tillgänglighet: without Tuesday, the preview names Tuesday's shift.
        p.click_text("Tillgänglighet").await;
        let text = p.text().await;
        assert!(text.contains("Varje vecka") && text.contains("Undantag"), "{text}");
        // Row 1 is Tuesday (the rows come Monday first); clear its times.
        p.c.execute(
            "document.getElementById('w1-from').value = ''; document.getElementById('w1-to').value = '';",
            vec![],
        )
        .await
        .unwrap();
        p.click_text("Förhandsgranska").await;
        let text = p.text().await;
        assert!(text.contains("Med de här tiderna är du inte längre tillgänglig"), "{text}");
        assert!(text.contains("tis 8 dec 09:00–13:30, Skrivsal A"), "{text}");
        p.click_text("Spara").await;
        let text = p.text().await;
        assert!(text.contains("Din tillgänglighet är sparad."), "{text}");
        assert!(text.contains("Pass utanför din tillgänglighet"), "{text}");
        p.click_text("Kalender").await;
        assert!(p.text().await.contains("dina pass som skrivvakt"));
    }
    .await;
    let _ = p.c.close().await;
    outcome
}

#[actix_web::test]
async fn an_invigilator_checks_in_and_changes_availability_in_a_browser_sqlite() {
    with_app(
        "pages::browser_invigilator::sqlite",
        skrivsal::db::Backend::Sqlite,
        |app| shift_journey(app, "pages::browser_invigilator::sqlite"),
    )
    .await
}

/// Not a test: `docs/ui/shoot.sh` runs it with the students' screenshots.
#[actix_web::test]
#[ignore = "renders screenshots; run by docs/ui/shoot.sh"]
async fn screenshots() {
    let Some(dir) = std::env::var_os("SKRIVSAL_SCREENSHOTS") else {
        println!("SKIPPED screenshots: SKRIVSAL_SCREENSHOTS not set");
        return;
    };
    with_app(
        "pages::browser_invigilator::screenshots",
        skrivsal::db::Backend::Sqlite,
        |app| async move {
            let Some(axe) = tools("pages::browser_invigilator::screenshots") else {
                return;
            };
            shift_world(&app).await;
            let driver = start_driver();
            let p = Person {
                c: browser(&driver).await,
                app: &app,
                axe,
            };
            p.sign_in_as(KARIN, PASSWORD).await;
            let html = p.c.source().await.unwrap();
            let shift = id_after(&html, r#"href="/me/shifts/"#);
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            for (name, path) in [
                ("invigilator-shifts", "/me/shifts".to_string()),
                ("invigilator-run-sheet", format!("/me/shifts/{shift}")),
                ("invigilator-availability", "/me/availability".to_string()),
            ] {
                shoot(&p, &dir, name, &path).await;
            }
            let _ = p.c.close().await;
        },
    )
    .await
}
