//! CSV exports round-trip through a CSV parser with the right columns.

use serde_json::json;

use crate::app_test;
use crate::booking::{request_body, students, world};

pub(crate) fn parse(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(bytes).unwrap();
    // The BOM comes first, so that Excel reads UTF-8.
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte-order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

pub(crate) async fn csv_of(
    app: &crate::helpers::TestApp,
    token: &str,
    path: &str,
) -> (u16, Vec<u8>, String) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, res.bytes().await.unwrap().to_vec(), kind)
}

app_test!(
    sittings_and_study_bookings_export_as_csv,
    |app| async move {
        let w = world(&app).await;
        let mut list = students(3);
        list[0]["personnummer"] = json!("19811218-9876");
        list[1]["protected_identity"] = json!(true);
        list[2]["accommodations"] = json!({"extra_time_percent": 50, "separate_room": true});
        let r = app
            .post_as(
                &w.institution,
                "/api/v1/exam-requests",
                request_body(w.day, list),
            )
            .await;
        let id = r.body["id"].as_str().unwrap().to_string();
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
        let range = format!("from={}&to={}", w.day, w.day);

        let (status, bytes, kind) = csv_of(
            &app,
            &w.admin,
            &format!("/api/v1/centres/sundsvall/exports/sittings.csv?{range}"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"));
        let (header, rows) = parse(&bytes);
        assert_eq!(header[0], "bokningskod");
        assert!(header.contains(&"förlängd_tid_procent".to_string()));
        assert_eq!(rows.len(), 3);
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert!(rows
            .iter()
            .all(|r| r[col("datum")] == w.day.to_string() && r[col("start")] == "09:00"));
        let extended = rows
            .iter()
            .find(|r| r[col("förlängd_tid_procent")] == "50")
            .unwrap();
        assert_eq!(extended[col("slut")], "13:30");
        assert_eq!(extended[col("eget_rum")], "ja");
        assert!(
            rows.iter()
                .all(|r| r[col("lärcentrum")] == "Lärcentrum sundsvall"),
            "å ä ö intact"
        );
        // The protected student appears by booking code only; no identity numbers at all.
        assert_eq!(
            rows.iter().filter(|r| r[col("student")].is_empty()).count(),
            1
        );
        assert!(!String::from_utf8_lossy(&bytes).contains("9876"));

        // The institution exports its own sittings across centres; another may not.
        let (status, bytes, _) = csv_of(
            &app,
            &w.institution,
            &format!("/api/v1/institutions/miun/exports/sittings.csv?{range}"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(parse(&bytes).1.len(), 3);
        app.post_as(
            &w.admin,
            "/api/v1/institutions",
            json!({"slug": "umu", "name": "Umeå", "email": "t@umu.se"}),
        )
        .await;
        let umu = app.token("b@umu.se", "institution", &[], Some("umu"));
        assert_eq!(
            csv_of(
                &app,
                &umu,
                &format!("/api/v1/institutions/miun/exports/sittings.csv?{range}")
            )
            .await
            .0,
            404
        );

        // Study bookings: booking code, times, hours with a decimal comma.
        let day = w.day + chrono::Duration::days(1);
        let s = app.token("reader@student.se", "student", &[], None);
        let r = app.post_as(&s, "/api/v1/study-bookings", json!({"centre": "sundsvall", "starts_at": format!("{day}T09:00"), "ends_at": format!("{day}T11:30")})).await;
        assert_eq!(r.status, 201);
        let (status, bytes, _) = csv_of(
            &app,
            &w.admin,
            &format!("/api/v1/centres/sundsvall/exports/study-bookings.csv?from={day}&to={day}"),
        )
        .await;
        assert_eq!(status, 200);
        let (header, rows) = parse(&bytes);
        assert_eq!(
            header,
            [
                "bokningskod",
                "datum",
                "start",
                "slut",
                "rum",
                "timmar",
                "status"
            ]
        );
        assert_eq!(
            rows,
            vec![vec![
                r.body["booking_code"].as_str().unwrap().to_string(),
                day.to_string(),
                "09:00".into(),
                "11:30".into(),
                "Studiehallen".into(),
                "2,50".into(),
                "confirmed".into()
            ]]
        );

        // A bad range names the parameter.
        let r = app
            .get_as(
                &w.admin,
                "/api/v1/centres/sundsvall/exports/sittings.csv?from=2027-01-10&to=2027-01-01",
            )
            .await;
        assert_eq!((r.status, r.error_fields()), (422, vec!["to".to_string()]));
    }
);
