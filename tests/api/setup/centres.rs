//! Centres and institutions: lifecycle, visibility, time stamps, zones and
//! an institution's rules.

use diesel::prelude::*;
use serde_json::json;

use crate::app_test;

app_test!(centre_lifecycle_and_visibility, |app| async move {
    // A winter day, so that Stockholm is at +01:00 whenever the suite runs.
    app.at("2026-01-15T09:00:00Z");
    let admin = app.admin_with_centre("sundsvall").await;
    let r = app.get_as(&admin, "/api/v1/centres/sundsvall").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["timezone"], "Europe/Stockholm");
    assert_eq!(r.body["language"], "sv");
    assert_eq!(r.body["invigilator_ratio"], 20);
    // Addressed by id too.
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.get_as(&admin, &format!("/api/v1/centres/{id}"))
            .await
            .body["slug"],
        "sundsvall"
    );

    let r = app
        .post_as(&admin, "/api/v1/centres", json!({"slug": "ostersund", "name": "Östersund", "municipality": "Östersund", "address": "Rådhusgatan 1", "email": "lc@ostersund.se", "language": "en", "invigilator_ratio": 15}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(
        r.body["created_at"].as_str().unwrap().ends_with("+01:00"),
        "{r:?}"
    );

    // A centre admin of Sundsvall sees Sundsvall only; Östersund does not exist for them.
    let ca = app.token("ca@sundsvall.se", "centre_admin", &["sundsvall"], None);
    let list = app.get_as(&ca, "/api/v1/centres").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get_as(&ca, "/api/v1/centres/ostersund").await.status,
        404
    );
    assert_eq!(
        app.patch_as(&ca, "/api/v1/centres/ostersund", json!({"name": "x"}))
            .await
            .status,
        404
    );
    // It may change its own centre's settings but not its slug.
    let r = app
        .patch_as(
            &ca,
            "/api/v1/centres/sundsvall",
            json!({"name": "LC Sundsvall", "max_study_hours_per_week": 12}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["max_study_hours_per_week"], 12);
    assert_eq!(
        app.patch_as(&ca, "/api/v1/centres/sundsvall", json!({"slug": "sdsv"}))
            .await
            .status,
        403
    );
    // null clears an optional limit.
    let r = app
        .patch_as(
            &ca,
            "/api/v1/centres/sundsvall",
            json!({"max_study_hours_per_week": null}),
        )
        .await;
    assert!(r.body["max_study_hours_per_week"].is_null(), "{r:?}");
    // Only system admins create centres.
    assert_eq!(app.post_as(&ca, "/api/v1/centres", json!({"slug": "x1", "name": "x", "municipality": "x", "address": "x", "email": "a@b.se"})).await.status, 403);

    // Students see every active centre; pagination walks them.
    let student = app.token("stud@example.se", "student", &[], None);
    let page1 = app.get_as(&student, "/api/v1/centres?limit=1").await;
    assert_eq!(page1.body["items"].as_array().unwrap().len(), 1);
    let cursor = page1.body["next_cursor"].as_str().unwrap().to_string();
    let page2 = app
        .get_as(
            &student,
            &format!("/api/v1/centres?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(page2.body["items"].as_array().unwrap().len(), 1);
    assert_ne!(page1.body["items"][0]["id"], page2.body["items"][0]["id"]);
    assert!(page2.body["next_cursor"].is_null());
    assert_eq!(
        app.get_as(&student, "/api/v1/centres?limit=0")
            .await
            .error_fields(),
        ["limit"]
    );
    assert_eq!(
        app.get_as(&student, "/api/v1/centres?cursor=bogus")
            .await
            .error_fields(),
        ["cursor"]
    );

    // Deactivating hides it from students.
    assert_eq!(
        app.delete_as(&admin, "/api/v1/centres/ostersund")
            .await
            .status,
        204
    );
    assert_eq!(
        app.get_as(&student, "/api/v1/centres/ostersund")
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as(&admin, "/api/v1/centres/ostersund").await.body["active"],
        false
    );

    // No credentials, or a wrong token: 401.
    let r = app
        .call(reqwest::Method::GET, "/api/v1/centres", None, None)
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(
        app.get_as("sks_not-a-token", "/api/v1/centres")
            .await
            .status,
        401
    );
    // An unsupported method on a known path is a 405 problem.
    let r = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/centres",
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.body["status"], 405);
});

app_test!(
    centre_created_in_summer_is_stamped_at_summer_time,
    |app| async move {
        // The twin of the winter stamp above: in July Stockholm is at +02:00.
        app.at("2026-07-15T09:00:00Z");
        let admin = app.admin_with_centre("sundsvall").await;
        let r = app
        .post_as(&admin, "/api/v1/centres", json!({"slug": "ostersund", "name": "Östersund", "municipality": "Östersund", "address": "Rådhusgatan 1", "email": "lc@ostersund.se"}))
        .await;
        assert_eq!(r.status, 201, "{r:?}");
        let created = r.body["created_at"].as_str().unwrap();
        assert!(created.starts_with("2026-07-15T11:00"), "{r:?}");
        assert!(created.ends_with("+02:00"), "{r:?}");
    }
);

app_test!(institutions_and_their_rules, |app| async move {
    let admin = app.token("root@example.se", "system_admin", &[], None);
    let r = app
        .post_as(&admin, "/api/v1/institutions", json!({"slug": "miun", "name": "Mittuniversitetet", "email": "tentamen@miun.se", "rules": {"start_offset_minutes": 60, "min_stay_minutes": 30, "late_entry_minutes": 30, "registration_deadline_days": 10}}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["rules"]["start_offset_minutes"], 60);
    assert_eq!(r.body["rules"]["answer_return"], "scan_email");
    let r = app.post_as(&admin, "/api/v1/institutions", json!({"slug": "umu", "name": "Umeå universitet", "email": "tenta@umu.se", "kind": "university"})).await;
    assert_eq!(r.status, 201);

    let miun = app.token("anna@miun.se", "institution", &[], Some("miun"));
    // An institution sees itself only; the other does not exist for it.
    let list = app.get_as(&miun, "/api/v1/institutions").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get_as(&miun, "/api/v1/institutions/umu").await.status,
        404
    );
    assert_eq!(
        app.patch_as(&miun, "/api/v1/institutions/umu", json!({"name": "x"}))
            .await
            .status,
        404
    );
    // It keeps its own rules.
    let r = app
        .patch_as(
            &miun,
            "/api/v1/institutions/miun",
            json!({"rules": {"late_entry_minutes": 15}}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["rules"]["late_entry_minutes"], 15);
    assert_eq!(r.body["rules"]["start_offset_minutes"], 60);
    // Only system admins create institutions.
    assert_eq!(
        app.post_as(
            &miun,
            "/api/v1/institutions",
            json!({"slug": "x2", "name": "x", "email": "x@x.se"})
        )
        .await
        .status,
        403
    );
});

// A zone name the input validation would refuse, written by hand into the
// database, is an internal error (logged with the name), not Swedish time.
app_test!(a_hand_edited_unknown_zone_is_an_error, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    {
        let mut conn = app.db.get().unwrap();
        diesel::sql_query("UPDATE centres SET timezone = 'Mars/Olympus' WHERE slug = 'sundsvall'")
            .execute(&mut *conn)
            .unwrap();
    }
    let r = app.get_as(&admin, "/api/v1/centres/sundsvall").await;
    assert_eq!(r.status, 500, "{r:?}");
    assert_eq!(r.body["type"], "/problems/internal", "{r:?}");
});
