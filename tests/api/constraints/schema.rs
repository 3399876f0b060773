//! schema.rs matches both databases, and PostgreSQL's exclusion constraints
//! back up the double-booking rules.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use super::*;
use crate::db_test;

db_test!(schema_rs_matches_both_databases, |db, _url| {
    // Selecting every column through diesel's schema proves that schema.rs and
    // the migrations agree on names and types for this backend.
    use skrivsal::db::models::*;
    use skrivsal::db::schema::*;
    let mut conn = db.get().unwrap();
    seed(&mut conn);
    let c = &mut *conn;
    institutions::table
        .select(Institution::as_select())
        .load(c)
        .unwrap();
    centres::table.select(Centre::as_select()).load(c).unwrap();
    fee_exemptions::table
        .select(FeeExemption::as_select())
        .load(c)
        .unwrap();
    rooms::table.select(Room::as_select()).load(c).unwrap();
    centre_hours::table
        .select(CentreHours::as_select())
        .load(c)
        .unwrap();
    closures::table
        .select(Closure::as_select())
        .load(c)
        .unwrap();
    assert_eq!(
        users::table
            .select(User::as_select())
            .load(c)
            .unwrap()
            .len(),
        3
    );
    user_centres::table
        .select(UserCentre::as_select())
        .load(c)
        .unwrap();
    api_tokens::table
        .select(ApiToken::as_select())
        .load(c)
        .unwrap();
    access_cards::table
        .select(AccessCard::as_select())
        .load(c)
        .unwrap();
    invigilators::table
        .select(Invigilator::as_select())
        .load(c)
        .unwrap();
    invigilator_weekly::table
        .select(InvigilatorWeekly::as_select())
        .load(c)
        .unwrap();
    invigilator_exceptions::table
        .select(InvigilatorException::as_select())
        .load(c)
        .unwrap();
    exam_requests::table
        .select(ExamRequest::as_select())
        .load(c)
        .unwrap();
    let s = sittings::table
        .select(Sitting::as_select())
        .load(c)
        .unwrap();
    assert_eq!(s[0].extra_time_percent, 50);
    assert_eq!(s[0].starts_at.unwrap().to_string(), "2026-03-30 07:00:00");
    study_bookings::table
        .select(StudyBooking::as_select())
        .load(c)
        .unwrap();
    invigilator_assignments::table
        .select(InvigilatorAssignment::as_select())
        .load(c)
        .unwrap();
    exam_papers::table
        .select(ExamPaper::as_select())
        .load(c)
        .unwrap();
    exam_paper_accesses::table
        .select(ExamPaperAccess::as_select())
        .load(c)
        .unwrap();
    answer_returns::table
        .select(AnswerReturn::as_select())
        .load(c)
        .unwrap();
    incidents::table
        .select(Incident::as_select())
        .load(c)
        .unwrap();
    fees::table.select(Fee::as_select()).load(c).unwrap();
    mail_outbox::table
        .select(OutboxMessage::as_select())
        .load(c)
        .unwrap();
    audit_log::table
        .select(AuditEntry::as_select())
        .load(c)
        .unwrap();
    let _ = c.batch_execute("SELECT 1");
});

#[test]
fn postgres_exclusion_constraints_back_up_rules_5_and_6() {
    let Some((db, _guard)) = crate::helpers::test_database(skrivsal::db::Backend::Postgres) else {
        return crate::helpers::skipped(
            "postgres_exclusion_constraints",
            skrivsal::db::Backend::Postgres,
        );
    };
    let mut conn = db.get().unwrap();
    seed(&mut conn);
    // A second sitting of the seeded student overlapping the seeded one.
    let overlapping = with_override(
        row("sittings", 500, 500),
        &[
            ("student_id", id_static(STUDENT)),
            ("exam_request_id", id_static(REQUEST)),
        ],
    );
    let second_request = insert_sql("exam_requests", &row("exam_requests", 501, 501));
    diesel::sql_query(&second_request)
        .execute(&mut *conn)
        .unwrap();
    let overlapping = with_override(overlapping, &[("exam_request_id", id_static(501))]);
    match attempt(&mut conn, &insert_sql("sittings", &overlapping)) {
        Err(Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info)) => {
            assert_eq!(info.constraint_name(), Some("no_student_in_two_sittings"));
            let api: skrivsal::error::Error =
                Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, info).into();
            assert!(matches!(api, skrivsal::error::Error::Conflict { .. }));
        }
        other => panic!("expected an exclusion violation, got {other:?}"),
    }
    // The same sitting cancelled does not collide.
    let cancelled = with_override(overlapping.clone(), &[("status", "'cancelled'")]);
    assert!(attempt(&mut conn, &insert_sql("sittings", &cancelled)).is_ok());
    // An invigilator in two rooms at once.
    let room2 = insert_sql("rooms", &row("rooms", 502, 502));
    diesel::sql_query(&room2).execute(&mut *conn).unwrap();
    let first = insert_sql(
        "invigilator_assignments",
        &row("invigilator_assignments", 503, 503),
    );
    diesel::sql_query(&first).execute(&mut *conn).unwrap();
    let other_room = with_override(
        row("invigilator_assignments", 504, 504),
        &[("room_id", id_static(502))],
    );
    assert!(matches!(
        attempt(
            &mut conn,
            &insert_sql("invigilator_assignments", &other_room)
        ),
        Err(Error::DatabaseError(
            DatabaseErrorKind::ExclusionViolation,
            _
        ))
    ));
    // The same room twice is a relay, not a double booking.
    let same_room = row("invigilator_assignments", 505, 505);
    assert!(attempt(
        &mut conn,
        &insert_sql("invigilator_assignments", &same_room)
    )
    .is_ok());
    // Two overlapping study bookings of one student.
    let b2 = with_override(
        row("study_bookings", 506, 506),
        &[("student_id", id_static(STUDENT))],
    );
    assert!(matches!(
        attempt(&mut conn, &insert_sql("study_bookings", &b2)),
        Err(Error::DatabaseError(
            DatabaseErrorKind::ExclusionViolation,
            _
        ))
    ));
}
