//! The HTML print views: every document of a busy day, in both languages,
//! with nothing on them that must not be printed.

use serde_json::json;

use crate::app_test;
use crate::booking::{approve, request_body, students, submit, world};

app_test!(every_print_document_renders_a_busy_day, |app| async move {
    let w = world(&app).await;
    let mut list = students(4);
    list[0]["personnummer"] = json!("19811218-9876");
    list[1]["protected_identity"] = json!(true);
    list[1]["name"] = json!("Hemlig Person");
    list[2]["accommodations"] =
        json!({"extra_time_percent": 50, "separate_room": true, "breaks_minutes": 15});
    list[3]["name"] = json!("Åsa Öberg");
    let r = submit(&app, &w, request_body(w.day, list)).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let codes: Vec<String> = r.body["sittings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["booking_code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(approve(&app, &w, &id).await.status, 200);

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
