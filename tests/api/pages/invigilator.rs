//! The invigilator's pages over plain HTTP: Mina pass, the run sheet with
//! its marks, and Tillgänglighet with its preview.

use serde_json::json;

use super::http::{flash, get, post};
use super::*;
use crate::app_test;

pub(crate) const KARIN: &str = "karin@sundsvall.se";

/// The id right after `prefix` in a page's links and form actions.
pub(crate) fn id_after(html: &str, prefix: &str) -> String {
    let rest = html.split(prefix).nth(1).expect(prefix);
    rest.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// Sundsvall with an exam hall and Karin, an invigilator with an account
/// there available on weekdays 07–20, and an approved exam on `DAY` 09:00
/// (three hours) for two students, one with 50 % extra time: Karin is
/// assigned to the hall. Returns the admin's token and Karin's record id.
pub(crate) async fn shift_world(app: &TestApp) -> (String, String) {
    app.at(NOW);
    let admin = app.admin_with_centre("sundsvall").await;
    let hall = app.post_as(&admin, "/api/v1/centres/sundsvall/rooms", json!({"name": "Skrivsal A", "kind": "exam_hall", "seats": 20, "computer_seats": 4, "accessible": true, "bookable_for": ["exam"]})).await;
    assert_eq!(hall.status, 201, "{hall:?}");
    create_person(app, KARIN, "Karin Skrivvakt", "invigilator", &["sundsvall"]);
    let inv = crate::booking::weekday_invigilator(app, &admin, "Karin Skrivvakt", KARIN).await;
    let r = app.post_as(&admin, "/api/v1/institutions", json!({"slug": "miun", "name": "Mittuniversitetet", "email": "tentamen@miun.se", "rules": {"registration_deadline_days": 3}})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let institution = app.token("anna@miun.se", "institution", &[], Some("miun"));
    let r = app.post_as(&institution, "/api/v1/exam-requests", json!({
        "centre": "sundsvall", "course_code": "MA051G", "course_name": "Matematik", "title": "Tentamen 1",
        "starts_at": format!("{DAY}T09:00"), "duration_minutes": 180, "aids": "Miniräknare",
        "contact": {"name": "Lärare", "email": "larare@miun.se"},
        "students": [
            {"name": "Sara Student", "email": "sara@example.se", "personnummer": "19900101-0017"},
            {"name": "Tove Tid", "email": "tove@example.se", "accommodations": {"extra_time_percent": 50}},
        ],
    })).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    let r = app
        .post_as(
            &admin,
            &format!("/api/v1/exam-requests/{id}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    (admin, inv)
}

app_test!(
    mina_pass_shows_the_shift_with_its_sittings_by_code,
    |app| async move {
        shift_world(&app).await;
        let karin = sign_in(&app, KARIN).await;
        let a = get(&app, Some(&karin), "/", "").await;
        assert_eq!((a.status, a.location.as_deref()), (303, Some("/me/shifts")));
        let a = get(&app, Some(&karin), "/me/shifts", "").await;
        assert_eq!(a.status, 200, "{}", a.html);
        for text in [
            "<h1>Mina pass</h1>",
            "tis 8 dec",
            "Skrivsal A",
            "09:00–13:30",
            "Lärcentrum sundsvall",
            "MA051G Tentamen 1",
            "Miniräknare",
            "med 50 % förlängd tid",
            "Sara Student",
        ] {
            assert!(a.html.contains(text), "{text}: {}", a.html);
        }
        // Personal times: the extra time ends later than the others.
        assert!(a.html.contains("09:00–12:00") && a.html.contains("09:00–13:30"));
        // Booking codes, never the personnummer.
        assert!(!a.html.contains("19900101"), "{}", a.html);
        assert!(!a.html.contains("0017"), "{}", a.html);

        // On the day, the shift is today's, also after it ends.
        let today = |html: &str| {
            let rest = html
                .split("<h2 id=\"today-h\">")
                .nth(1)
                .unwrap()
                .to_string();
            rest.split("<h2 id=\"upcoming-h\">")
                .next()
                .unwrap()
                .to_string()
        };
        for now in ["2026-12-08T07:00:00+01:00", "2026-12-08T15:00:00+01:00"] {
            app.at(now);
            // A week on, the session has ended: sign in again.
            let karin = sign_in(&app, KARIN).await;
            let a = get(&app, Some(&karin), "/me/shifts", "").await;
            assert!(today(&a.html).contains("Skrivsal A"), "{now}: {}", a.html);
        }
        // The day after, folded away under the past ones.
        app.at("2026-12-09T09:00:00+01:00");
        let karin = sign_in(&app, KARIN).await;
        let a = get(&app, Some(&karin), "/me/shifts", "").await;
        assert!(!today(&a.html).contains("Skrivsal A"), "{}", a.html);
        let past = a.html.split("<details>").nth(1).unwrap();
        assert!(
            past.contains("Tidigare pass") && past.contains("Skrivsal A"),
            "{}",
            a.html
        );
    }
);

/// Karin signed in, her shift's id and its run sheet, as the link from
/// Mina pass opens it.
async fn karins_run_sheet(app: &TestApp) -> (Session, String, super::http::Answer) {
    shift_world(app).await;
    let karin = sign_in(app, KARIN).await;
    let shifts = get(app, Some(&karin), "/me/shifts", "").await;
    let shift = id_after(&shifts.html, r#"href="/me/shifts/"#);
    let sheet = get(app, Some(&karin), &format!("/me/shifts/{shift}"), "").await;
    (karin, shift, sheet)
}

app_test!(
    the_run_sheet_is_for_the_centres_staff_only,
    |app| async move {
        let (_, shift, sheet) = karins_run_sheet(&app).await;
        assert_eq!(sheet.status, 200, "{}", sheet.html);
        assert!(
            sheet.html.contains("Skrivsal A, tis 8 dec"),
            "{}",
            sheet.html
        );
        assert!(sheet.html.contains("Karin Skrivvakt"), "{}", sheet.html);
        assert!(sheet.html.contains("Checka in"), "{}", sheet.html);
        assert!(
            sheet.html.contains(">Tillgänglighet</a>"),
            "the nav: {}",
            sheet.html
        );

        // An invigilator of another centre: 404, as for any other tenant's item.
        app.admin_with_centre("ostersund").await;
        create_person(
            &app,
            "olle@ostersund.se",
            "Olle",
            "invigilator",
            &["ostersund"],
        );
        let olle = sign_in(&app, "olle@ostersund.se").await;
        let a = get(&app, Some(&olle), &format!("/me/shifts/{shift}"), "").await;
        assert_eq!(a.status, 404, "{}", a.html);
        assert!(!a.html.contains("Skrivsal A"));
        // Nor can they mark a sitting there.
        let sitting = id_after(&sheet.html, &format!("/me/shifts/{shift}/sittings/"));
        let path = format!("/me/shifts/{shift}/sittings/{sitting}/check-in");
        let a = post(&app, &olle, &path, &[("csrf", olle.csrf.as_str())]).await;
        assert_eq!(a.status, 404, "{}", a.html);

        // A student: the invigilator's pages are not theirs.
        create_person(&app, "stina@example.se", "Stina", "student", &[]);
        let stina = sign_in(&app, "stina@example.se").await;
        for path in [
            "/me/shifts",
            &format!("/me/shifts/{shift}"),
            "/me/availability",
        ] {
            assert_eq!(
                get(&app, Some(&stina), path, "").await.status,
                404,
                "{path}"
            );
        }
        let a = post(&app, &stina, &path, &[("csrf", stina.csrf.as_str())]).await;
        assert_eq!(a.status, 404, "{}", a.html);
        // Signed out: to the sign-in page.
        let a = get(&app, None, "/me/shifts", "").await;
        assert_eq!((a.status, a.location.as_deref()), (303, Some("/")));
    }
);

/// A mark button's post, with the session's token.
async fn marked(app: &TestApp, s: &Session, path: &str) -> super::http::Answer {
    post(app, s, path, &[("csrf", s.csrf.as_str())]).await
}

app_test!(
    check_in_changes_the_status_and_a_wrong_mark_says_why,
    |app| async move {
        let (karin, shift, sheet) = karins_run_sheet(&app).await;
        let sitting = id_after(&sheet.html, &format!("/me/shifts/{shift}/sittings/"));
        let mark = |m: &str| format!("/me/shifts/{shift}/sittings/{sitting}/{m}");

        // Without the form's token: refused.
        let a = post(&app, &karin, &mark("check-in"), &[("csrf", "forged")]).await;
        assert_eq!(a.status, 403);

        let a = marked(&app, &karin, &mark("check-in")).await;
        assert_eq!(a.status, 303, "{}", a.html);
        let back = format!("/me/shifts/{shift}");
        assert_eq!(a.location.as_deref(), Some(back.as_str()));
        let after = get(&app, Some(&karin), &back, &flash(&a)).await;
        assert!(
            after.html.contains("Studenten är incheckad."),
            "{}",
            after.html
        );
        assert!(after.html.contains("Incheckad"), "{}", after.html);
        // The checked-in sitting now offers "completed", not check-in again.
        assert!(after.html.contains(&mark("complete")), "{}", after.html);
        assert!(!after.html.contains(&mark("check-in")), "{}", after.html);

        // A checked-in sitting cannot be a no-show: a message on the sheet.
        let a = marked(&app, &karin, &mark("no-show")).await;
        assert_eq!(a.status, 409, "{}", a.html);
        assert!(a.html.contains("<!doctype html>"), "a page, not JSON");
        assert!(
            a.html.contains("Det gick inte att markera skrivningen:"),
            "{}",
            a.html
        );
        assert!(
            a.html.contains("Det går inte längre att ändra bokningen."),
            "{}",
            a.html
        );
        assert!(a.html.contains("Skrivsal A, tis 8 dec"), "{}", a.html);
        // An unknown mark is no page.
        let a = marked(&app, &karin, &mark("vanish")).await;
        assert_eq!(a.status, 404);

        let a = marked(&app, &karin, &mark("complete")).await;
        assert_eq!(a.status, 303, "{}", a.html);
        let after = get(&app, Some(&karin), &back, "").await;
        assert!(after.html.contains("Genomförd"), "{}", after.html);
    }
);

/// The availability form as the page posts it: Monday to Wednesday only
/// (so Tuesday 8 December stays covered) unless `weekdays` says otherwise.
fn availability_form<'a>(
    s: &'a Session,
    action: &'a str,
    weekdays: &[&'a str],
    to: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("csrf", s.csrf.as_str()), ("action", action)];
    for d in weekdays {
        form.extend([("w_day", *d), ("w_from", "07:00"), ("w_to", to)]);
    }
    // A blank row, as the page offers one for adding.
    form.extend([("w_day", "mon"), ("w_from", ""), ("w_to", "")]);
    // Off in the afternoon of a Friday, and an empty exception row.
    form.extend([
        ("x_date", "2026-12-11"),
        ("x_kind", "off"),
        ("x_from", "12:00"),
        ("x_to", "16:00"),
    ]);
    form.extend([
        ("x_date", ""),
        ("x_kind", "off"),
        ("x_from", ""),
        ("x_to", ""),
    ]);
    form
}

app_test!(
    availability_preview_names_the_shift_and_save_persists,
    |app| async move {
        let (admin, inv) = shift_world(&app).await;
        let karin = sign_in(&app, KARIN).await;
        let a = get(&app, Some(&karin), "/me/availability", "").await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(a.html.contains(r#"value="07:00""#), "{}", a.html);
        assert!(a.html.contains("Förhandsgranska"), "{}", a.html);
        let saved = || async {
            app.get_as(&admin, &format!("/api/v1/invigilators/{inv}/availability"))
                .await
                .body
        };

        // Without Tuesday: the preview names Tuesday's shift, and nothing is saved.
        let form = availability_form(&karin, "preview", &["mon", "wed"], "20:00");
        let a = post(&app, &karin, "/me/availability", &form).await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(
            a.html
                .contains("Med de här tiderna är du inte längre tillgänglig"),
            "{}",
            a.html
        );
        assert!(
            a.html.contains("tis 8 dec 09:00–13:30, Skrivsal A"),
            "{}",
            a.html
        );
        // The form shows what was posted, to save as it is.
        assert!(a.html.contains(r#"value="2026-12-11""#), "{}", a.html);
        assert_eq!(saved().await["weekly"].as_array().unwrap().len(), 5);

        // Keeping Tuesday: no shift is affected.
        let form = availability_form(&karin, "preview", &["tue"], "20:00");
        let a = post(&app, &karin, "/me/availability", &form).await;
        assert!(a.html.contains("Inga av dina pass påverkas."), "{}", a.html);

        // A bad row: the message beside it, nothing saved.
        let form = availability_form(&karin, "save", &["tue"], "06:00");
        let a = post(&app, &karin, "/me/availability", &form).await;
        assert_eq!(a.status, 422, "{}", a.html);
        assert!(a.html.contains(r#"id="w0-to-error""#), "{}", a.html);
        assert!(
            a.html.contains("Sluttiden måste vara efter starttiden."),
            "{}",
            a.html
        );
        assert_eq!(saved().await["weekly"].as_array().unwrap().len(), 5);

        // Saving without a preview: saved, and the page warns after.
        let form = availability_form(&karin, "save", &["mon", "wed"], "20:00");
        let a = post(&app, &karin, "/me/availability", &form).await;
        assert_eq!(a.status, 303, "{}", a.html);
        let next = a.location.clone().unwrap();
        let after = get(&app, Some(&karin), &next, &flash(&a)).await;
        assert!(
            after.html.contains("Din tillgänglighet är sparad."),
            "{}",
            after.html
        );
        assert!(
            after.html.contains("Pass utanför din tillgänglighet"),
            "{}",
            after.html
        );
        assert!(
            after.html.contains("tis 8 dec 09:00–13:30, Skrivsal A"),
            "{}",
            after.html
        );
        let body = saved().await;
        let days: Vec<&str> = body["weekly"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["weekday"].as_str().unwrap())
            .collect();
        assert_eq!(days, ["mon", "wed"]);
        assert_eq!(body["exceptions"][0]["date"], "2026-12-11");
        assert_eq!(body["exceptions"][0]["from"], "12:00");
        assert_eq!(body["exceptions"][0]["available"], false);
    }
);

app_test!(
    the_calendar_page_gives_an_invigilator_their_feed,
    |app| async move {
        shift_world(&app).await;
        let karin = sign_in(&app, KARIN).await;
        let a = get(&app, Some(&karin), "/me/calendar", "").await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(a.html.contains("dina pass som skrivvakt"), "{}", a.html);
        let a = post(
            &app,
            &karin,
            "/me/calendar",
            &[("csrf", karin.csrf.as_str())],
        )
        .await;
        assert_eq!(a.status, 200, "{}", a.html);
        assert!(a.html.contains("feed-url"), "{}", a.html);
        let url = a
            .html
            .split(r#"id="feed-url" type="text" readonly value=""#)
            .nth(1)
            .unwrap();
        let url = url.split('"').next().unwrap().replace("&#x2f;", "/");
        let path = &url[url.find("/feeds/").unwrap()..];
        let ics = app.get(path).await.text().await.unwrap();
        assert!(ics.contains("UID:assignment-"), "{ics}");
    }
);
