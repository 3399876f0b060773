use chrono::NaiveDate;
use diesel::prelude::*;
use skrivsal::db::models::*;
use skrivsal::db::schema::*;

use crate::db_test;

db_test!(demo_loads_once_into_an_empty_database, |db, _url| {
    // The Wednesday before the demo week, so that its requests lie ahead.
    let db = &crate::helpers::database_at(db, "2026-11-25T09:00:00+01:00");
    let mut conn = db.get().unwrap();
    let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let summary = skrivsal::app::demo::load_for_week(&mut conn, monday)
        .unwrap()
        .expect("loaded into an empty database");
    assert_eq!(summary.centres, 3);
    let c = &mut *conn;
    let centre_names: Vec<String> = centres::table
        .select(centres::name)
        .order(centres::name)
        .load(c)
        .unwrap();
    assert_eq!(centre_names.len(), 3);
    assert!(centre_names.iter().any(|n| n.contains("Östersund")));
    let institution_count: i64 = institutions::table.count().get_result(c).unwrap();
    assert_eq!(institution_count, 2);
    let requests = exam_requests::table
        .select(ExamRequest::as_select())
        .load(c)
        .unwrap();
    assert!(
        requests.iter().any(|r| r.status.as_str() == "submitted"),
        "pending requests to approve"
    );
    assert!(
        requests.iter().any(|r| r.status.as_str() == "scheduled"),
        "placed requests"
    );
    let placed: Vec<Sitting> = sittings::table
        .filter(sittings::room_id.is_not_null())
        .select(Sitting::as_select())
        .load(c)
        .unwrap();
    assert!(!placed.is_empty());
    // Every placed sitting lies in the demo week and is covered by an
    // invigilator in its room for its whole span.
    let week_start = monday.and_hms_opt(0, 0, 0).unwrap();
    let week_end = week_start + chrono::Duration::days(7);
    let assignments = invigilator_assignments::table
        .select(InvigilatorAssignment::as_select())
        .load(c)
        .unwrap();
    for s in &placed {
        let (start, end) = (s.starts_at.unwrap(), s.ends_at.unwrap());
        assert!(start >= week_start && end <= week_end);
        assert!(
            assignments
                .iter()
                .any(|a| Some(&a.room_id) == s.room_id.as_ref()
                    && a.starts_at <= start
                    && a.ends_at >= end),
            "sitting {} uncovered",
            s.booking_code
        );
    }
    // Separate-room sittings are alone in their room.
    for s in placed.iter().filter(|s| s.separate_room) {
        let others = placed
            .iter()
            .filter(|o| {
                o.id != s.id
                    && o.room_id == s.room_id
                    && o.starts_at < s.ends_at
                    && s.starts_at < o.ends_at
            })
            .count();
        assert_eq!(others, 0);
    }
    let bookings: i64 = study_bookings::table.count().get_result(c).unwrap();
    assert!(bookings > 0);

    // The independent whole-state check finds no rule broken at any centre.
    let all: Vec<Centre> = centres::table.select(Centre::as_select()).load(c).unwrap();
    for centre in &all {
        let snap = skrivsal::exams::booking::snapshot(
            c,
            centre,
            monday,
            monday + chrono::Duration::days(6),
        )
        .unwrap();
        let broken = skrivsal::conflicts::audit(&snap);
        assert!(broken.is_empty(), "{}: {broken:?}", centre.name);
    }

    // Every pending demo request can be approved as it stands.
    let pending: Vec<skrivsal::types::ExamRequestId> = exam_requests::table
        .filter(exam_requests::status.eq("submitted"))
        .select(exam_requests::id)
        .load(c)
        .unwrap();
    assert!(!pending.is_empty());
    let admin_id: String = users::table
        .filter(users::role.eq("system_admin"))
        .select(users::id)
        .first(c)
        .unwrap();
    let admin = skrivsal::accounts::actor::Caller {
        user_id: admin_id.into(),
        email: skrivsal::app::demo::DEMO_ADMIN.into(),
        name: "test".into(),
        role: skrivsal::domain::Role::SystemAdmin,
        centre_ids: vec![],
        institution_id: None,
        session_id: None,
    };
    for id in &pending {
        let placed = skrivsal::exams::sittings::approve(c, &admin, "skrivsal.test", id);
        assert!(placed.is_ok(), "demo request {id}: {:?}", placed.err());
    }

    // A second load leaves the database as it was.
    let again = skrivsal::app::demo::load_for_week(c, monday).unwrap();
    assert!(again.is_none());
    let centre_count: i64 = centres::table.count().get_result(c).unwrap();
    assert_eq!(centre_count, 3);
});

#[test]
fn next_monday_is_always_ahead() {
    let wed = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    assert_eq!(
        skrivsal::app::demo::next_monday(wed),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    );
    let mon = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    assert_eq!(
        skrivsal::app::demo::next_monday(mon),
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    );
}

db_test!(demo_skips_holidays, |db, _url| {
    // Christmas week 2026: julafton (Thu 24), juldagen (Fri 25) are closed.
    let db = &crate::helpers::database_at(db, "2026-12-16T09:00:00+01:00");
    let mut conn = db.get().unwrap();
    let monday = NaiveDate::from_ymd_opt(2026, 12, 21).unwrap();
    skrivsal::app::demo::load_for_week(&mut conn, monday)
        .unwrap()
        .unwrap();
    let c = &mut *conn;
    let tz = chrono_tz::Europe::Stockholm;
    let starts: Vec<chrono::NaiveDateTime> = study_bookings::table
        .select(study_bookings::starts_at)
        .load(c)
        .unwrap();
    let closed = [24, 25];
    for s in starts {
        let local = chrono::TimeZone::from_utc_datetime(&tz, &s).date_naive();
        assert!(
            !closed.contains(&chrono::Datelike::day(&local)),
            "booking on {local}"
        );
    }
    let exam_starts: Vec<Option<chrono::NaiveDateTime>> = exam_requests::table
        .select(exam_requests::starts_at)
        .load(c)
        .unwrap();
    for s in exam_starts.into_iter().flatten() {
        let local = chrono::TimeZone::from_utc_datetime(&tz, &s).date_naive();
        assert!(
            !closed.contains(&chrono::Datelike::day(&local)),
            "exam on {local}"
        );
    }
});

db_test!(demo_week_is_the_one_after_the_clock_s_today, |db, _url| {
    // "Next week" is next week on the injected clock, whatever day the suite runs.
    let db = &crate::helpers::database_at(db, "2027-03-10T09:00:00+01:00");
    let mut conn = db.get().unwrap();
    skrivsal::app::demo::load(&mut conn).unwrap().unwrap();
    let starts: Vec<Option<chrono::NaiveDateTime>> = sittings::table
        .select(sittings::starts_at)
        .load(&mut *conn)
        .unwrap();
    let week_start = NaiveDate::from_ymd_opt(2027, 3, 15)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let placed: Vec<_> = starts.into_iter().flatten().collect();
    assert!(!placed.is_empty());
    for s in placed {
        assert!(
            s >= week_start - chrono::Duration::hours(1)
                && s < week_start + chrono::Duration::days(7),
            "sitting at {s}"
        );
    }
});

// The demo prints a ready account for every role; each one signs in with the
// printed password, and the invigilator's account is the one their
// assignments are made to, so "Mina pass" is theirs.
db_test!(every_role_printed_by_the_demo_signs_in, |db, url| {
    use skrivsal::accounts::sessions::{sign_in_with_password, Client};
    use skrivsal::app::demo::{self, DEMO_PASSWORD};
    let db = &crate::helpers::database_at(db, "2026-11-25T09:00:00+01:00");
    let mut conn = db.get().unwrap();
    let c = &mut *conn;
    let summary = demo::load_for_week(c, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
        .unwrap()
        .expect("an empty database takes the demo");
    let printed = summary.to_string();
    let settings = crate::helpers::settings_for(url);
    let client = Client {
        ip: Some("127.0.0.1".into()),
        user_agent: None,
    };
    for (email, role) in [
        (demo::DEMO_ADMIN, "system_admin"),
        ("admin.sundsvall@skrivsal.demo", "centre_admin"),
        ("tentamen@miun.demo", "institution"),
        (demo::DEMO_INVIGILATOR, "invigilator"),
        (demo::DEMO_STUDENT, "student"),
    ] {
        assert!(printed.contains(email), "{email} is not printed: {printed}");
        let session = sign_in_with_password(c, &settings, email, DEMO_PASSWORD, &client)
            .unwrap_or_else(|e| panic!("{email} cannot sign in: {e:?}"));
        assert_eq!(session.user.role.as_str(), role, "{email}");
    }
    let user_id: String = users::table
        .filter(users::email.eq(demo::DEMO_INVIGILATOR))
        .select(users::id)
        .first(c)
        .unwrap();
    let linked: Option<String> = invigilators::table
        .filter(invigilators::user_id.eq(&user_id))
        .select(invigilators::name)
        .first(c)
        .optional()
        .unwrap();
    assert_eq!(linked.as_deref(), Some("Karin Sjöberg"));
    // Her "Mina pass" shows shifts in the demo week, with sittings in them.
    let session =
        sign_in_with_password(c, &settings, demo::DEMO_INVIGILATOR, DEMO_PASSWORD, &client)
            .unwrap();
    let karin = skrivsal::accounts::actor::caller_for_session(c, &session.secret)
        .unwrap()
        .unwrap()
        .caller;
    let shifts = skrivsal::centres::shifts::mine(c, &karin).unwrap();
    assert!(shifts.len() >= 2, "{shifts:?}");
    assert!(shifts.iter().all(|s| !s.sittings.is_empty()), "{shifts:?}");
});
