//! The PDF documents of a day with 60 sittings: page breaks, both
//! languages, and the same errors as the HTML views.

use serde_json::json;

use super::*;
use crate::app_test;
use crate::booking::{request_body, world};

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
