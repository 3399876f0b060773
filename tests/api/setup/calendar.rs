//! The calendar: holidays, closures, daylight-saving changes, and local
//! times that do not exist or are ambiguous.

use serde_json::{json, Value};

use crate::app_test;

app_test!(calendar_shows_holidays_closures_and_dst, |app| async move {
    let admin = app.admin_with_centre("sundsvall").await;
    let day = |r: &crate::helpers::Reply, date: &str| -> Value {
        r.body["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == date)
            .cloned()
            .unwrap()
    };
    // Midsommar 2026: Friday 19 June (de-facto closed), Saturday 20 June (public holiday).
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-06-18&to=2026-06-22",
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["days"].as_array().unwrap().len(), 5);
    let thursday = day(&r, "2026-06-18");
    assert!(thursday["closed"].is_null());
    assert_eq!(thursday["weekday"], "thu");
    assert_eq!(thursday["staffed"][0]["start"], "2026-06-18T08:00:00+02:00");
    assert_eq!(thursday["staffed"][0]["end"], "2026-06-18T17:00:00+02:00");
    assert_eq!(
        thursday["access_card"][0]["start"],
        "2026-06-18T06:00:00+02:00"
    );
    let eve = day(&r, "2026-06-19");
    assert_eq!(eve["closed"]["reason"], "midsommarafton");
    assert_eq!(eve["closed"]["holiday"]["kind"], "de_facto");
    assert!(eve["staffed"].as_array().unwrap().is_empty());
    assert!(eve["access_card"].as_array().unwrap().is_empty());
    assert_eq!(
        day(&r, "2026-06-20")["closed"]["holiday"]["name_sv"],
        "midsommardagen"
    );

    // A centre that opens on the de-facto days.
    let r = app
        .patch_as(
            &admin,
            "/api/v1/centres/sundsvall",
            json!({"closed_on_de_facto_holidays": false}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-06-19&to=2026-06-19",
        )
        .await;
    assert!(day(&r, "2026-06-19")["closed"].is_null());
    assert_eq!(
        day(&r, "2026-06-19")["staffed"][0]["start"],
        "2026-06-19T08:00:00+02:00"
    );

    // A closure wins over the hours and names its reason.
    let r = app
        .post_as(
            &admin,
            "/api/v1/centres/sundsvall/closures",
            json!({"from": "2026-07-06", "to": "2026-08-07", "reason": "Sommarstängt"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let closure_id = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-07-06&to=2026-07-06",
        )
        .await;
    assert_eq!(day(&r, "2026-07-06")["closed"]["reason"], "Sommarstängt");
    assert_eq!(day(&r, "2026-07-06")["closed"]["closure"], true);
    assert_eq!(
        app.delete_as(&admin, &format!("/api/v1/closures/{closure_id}"))
            .await
            .status,
        204
    );
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-07-06&to=2026-07-06",
        )
        .await;
    assert!(day(&r, "2026-07-06")["closed"].is_null());

    // Spring change 2026 (Sunday 29 March): card hours 06:00-22:00 local are
    // +01:00 the Friday before and +02:00 on the Sunday and after.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-03-27&to=2026-03-30",
        )
        .await;
    assert_eq!(
        day(&r, "2026-03-27")["staffed"][0]["start"],
        "2026-03-27T08:00:00+01:00"
    );
    assert_eq!(
        day(&r, "2026-03-29")["access_card"][0]["start"],
        "2026-03-29T06:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2026-03-30")["staffed"][0]["start"],
        "2026-03-30T08:00:00+02:00"
    );
    // Autumn changes 2026 and 2027.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-10-23&to=2026-10-26",
        )
        .await;
    assert_eq!(
        day(&r, "2026-10-23")["staffed"][0]["end"],
        "2026-10-23T17:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2026-10-26")["staffed"][0]["end"],
        "2026-10-26T17:00:00+01:00"
    );
    // Easter 2027 straddles the spring change: långfredagen (26 March) and
    // annandag påsk (29 March) are closed.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2027-03-25&to=2027-03-30",
        )
        .await;
    assert_eq!(
        day(&r, "2027-03-25")["staffed"][0]["start"],
        "2027-03-25T08:00:00+01:00"
    );
    assert_eq!(day(&r, "2027-03-26")["closed"]["reason"], "långfredagen");
    assert_eq!(day(&r, "2027-03-29")["closed"]["reason"], "annandag påsk");
    assert_eq!(
        day(&r, "2027-03-30")["staffed"][0]["start"],
        "2027-03-30T08:00:00+02:00"
    );
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2027-10-29&to=2027-11-01",
        )
        .await;
    assert_eq!(
        day(&r, "2027-10-29")["staffed"][0]["start"],
        "2027-10-29T08:00:00+02:00"
    );
    assert_eq!(
        day(&r, "2027-11-01")["staffed"][0]["start"],
        "2027-11-01T08:00:00+01:00"
    );

    // Range checks name the parameter.
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-03-30&to=2026-03-01",
        )
        .await;
    assert_eq!((r.status, r.error_fields()), (422, vec!["to".to_string()]));
    let r = app
        .get_as(
            &admin,
            "/api/v1/centres/sundsvall/calendar?from=2026-01-01&to=2027-06-01",
        )
        .await;
    assert_eq!(
        (r.status, r.error_rules()),
        (422, vec!["range".to_string()])
    );
    let r = app
        .get_as(&admin, "/api/v1/centres/sundsvall/calendar?from=tomorrow")
        .await;
    assert_eq!(
        (r.status, r.error_fields()),
        (422, vec!["from".to_string()])
    );
});

app_test!(
    local_times_that_do_not_exist_or_are_ambiguous_are_refused,
    |app| async move {
        let admin = app.admin_with_centre("sundsvall").await;
        let at = |t: &str| {
            format!(
                "/api/v1/centres/sundsvall/calendar/at?time={}",
                t.replace('+', "%2B")
            )
        };
        // 02:30 on 29 March 2026 does not exist in Stockholm.
        let r = app.get_as(&admin, &at("2026-03-29T02:30")).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_fields(), ["time"]);
        assert_eq!(r.error_rules(), ["local_time_nonexistent"]);
        // 02:30 on 25 October 2026 happens twice: it needs an offset.
        let r = app.get_as(&admin, &at("2026-10-25T02:30")).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.error_rules(), ["local_time_ambiguous"]);
        for offset in ["+01:00", "+02:00"] {
            let r = app
                .get_as(&admin, &at(&format!("2026-10-25T02:30:00{offset}")))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            assert_eq!(r.body["time"], format!("2026-10-25T02:30:00{offset}"));
            // Sunday 02:30 is outside the 06:00-22:00 card hours.
            assert_eq!(r.body["access_card"], false);
        }
        // The same rules in 2027.
        assert_eq!(
            app.get_as(&admin, &at("2027-03-28T02:15"))
                .await
                .error_rules(),
            ["local_time_nonexistent"]
        );
        assert_eq!(
            app.get_as(&admin, &at("2027-10-31T02:15"))
                .await
                .error_rules(),
            ["local_time_ambiguous"]
        );
        // An ordinary local time is read in the centre's zone.
        let r = app.get_as(&admin, &at("2026-03-30T09:00")).await;
        assert_eq!(r.body["time"], "2026-03-30T09:00:00+02:00");
        assert_eq!(r.body["staffed"], true);
        let r = app.get_as(&admin, &at("2026-03-30T20:00")).await;
        assert_eq!(
            (r.body["staffed"].clone(), r.body["access_card"].clone()),
            (json!(false), json!(true))
        );
        assert_eq!(
            app.get_as(&admin, &at("half past nine"))
                .await
                .error_rules(),
            ["datetime_format"]
        );
    }
);
