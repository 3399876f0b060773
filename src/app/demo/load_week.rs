//! Loading the demo week: exam requests with their sittings, and study bookings.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::{ExamRequest, InvigilatorAssignment, Sitting, StudyBooking};
use crate::db::schema::{exam_requests, invigilator_assignments, sittings, study_bookings};
use crate::db::{self};
use crate::domain::booking_code;
use crate::types::{
    ExamRequestId, InstitutionId, RequestStatus, RoomId, SittingStatus, StudyBookingStatus, UserId,
};

use super::{hm, is_working_day, utc, LoadedCentre, Loader};

impl Loader<'_> {
    /// Per centre: on Tuesday and Thursday an approved, placed exam with four
    /// students (one with extended time in the separate room), and on
    /// Wednesday a submitted request waiting for approval.
    pub(super) fn exams(
        &mut self,
        monday: NaiveDate,
        centres: &[LoadedCentre],
        institutions: &[InstitutionId],
        students: &[UserId],
    ) -> anyhow::Result<()> {
        let courses = [
            ("MA051G", "Matematik för ingenjörer", "Tentamen 1"),
            ("EN012A", "Engelska A", "Skriftligt prov"),
            ("DT157G", "Databasteknik", "Salstentamen"),
            ("EK033A", "Redovisning", "Omtentamen"),
            ("VO110Y", "Vård och omsorg", "Delprov 2"),
            ("PS021G", "Psykologi I", "Hemtentamen i sal"),
        ];
        let mut course = courses.iter().cycle();
        // Round-robin over the students, skipping anyone already sitting an
        // exam that day: nobody is in two places at once.
        let mut next_student = 0usize;
        let mut busy: std::collections::HashSet<(NaiveDate, usize)> =
            std::collections::HashSet::new();
        for (ci, centre) in centres.iter().enumerate() {
            for (day_offset, placed) in [(1, true), (3, true), (2, false)] {
                let date = monday + Duration::days(day_offset);
                if !is_working_day(date) {
                    continue;
                }
                let (code, name, title) = course.next().copied().unwrap_or(courses[0]);
                let institution = &institutions[(ci + day_offset as usize) % institutions.len()];
                let start_time = if day_offset == 3 {
                    hm(10, 0)
                } else {
                    centre.opens.max(hm(9, 0))
                };
                let starts_at = utc(date, start_time)?;
                let duration = 180;
                let request_id: ExamRequestId = db::new_id();
                diesel::insert_into(exam_requests::table)
                    .values(&ExamRequest {
                        id: request_id.clone(),
                        institution_id: institution.clone(),
                        centre_id: centre.id.clone(),
                        course_code: code.into(),
                        course_name: name.into(),
                        title: title.into(),
                        starts_at: Some(starts_at),
                        window_start: None,
                        window_end: None,
                        duration_minutes: duration,
                        aids: "Miniräknare, ordbok".into(),
                        computer_required: false,
                        paper_delivery: "email".into(),
                        answer_return: "scan_email".into(),
                        contact_name: "Kursansvarig lärare".into(),
                        contact_email: "larare@miun.demo".into(),
                        contact_phone: "060-14 86 00".into(),
                        open: false,
                        registration_deadline: Some(date - Duration::days(14)),
                        status: if placed {
                            RequestStatus::Scheduled
                        } else {
                            RequestStatus::Submitted
                        },
                        status_reason: None,
                        created_by: None,
                        created_at: self.now,
                        updated_at: self.now,
                    })
                    .execute(self.conn)?;
                self.summary.exam_requests += 1;
                let hall = &centre.exam_rooms[0];
                let mut room_spans: Vec<(RoomId, NaiveDateTime, NaiveDateTime)> = Vec::new();
                for k in 0..4 {
                    let mut pick = next_student;
                    for _ in 0..students.len() {
                        if !busy.contains(&(date, pick % students.len())) {
                            break;
                        }
                        pick += 1;
                    }
                    let index = pick % students.len();
                    busy.insert((date, index));
                    self.exam_days.insert((date, index));
                    next_student = index + 1;
                    let student_id = students[index].clone();
                    let extended = k == 0;
                    let extra = if extended { 50 } else { 0 };
                    let minutes = duration as i64 * (100 + extra as i64) / 100;
                    let ends_at = starts_at + Duration::minutes(minutes);
                    let (room_id, status) = if !placed {
                        (None, SittingStatus::Requested)
                    } else if extended {
                        (
                            Some(centre.separate_room.id.clone()),
                            SittingStatus::Confirmed,
                        )
                    } else {
                        (Some(hall.id.clone()), SittingStatus::Confirmed)
                    };
                    if let Some(r) = &room_id {
                        room_spans.push((r.clone(), starts_at, ends_at));
                    }
                    diesel::insert_into(sittings::table)
                        .values(&Sitting {
                            id: db::new_id(),
                            exam_request_id: request_id.clone(),
                            centre_id: centre.id.clone(),
                            student_id,
                            booking_code: booking_code::generate(),
                            status,
                            status_reason: None,
                            extra_time_percent: extra,
                            separate_room: extended,
                            computer: false,
                            breaks_minutes: 0,
                            other_accommodation: None,
                            accessible_room: false,
                            starts_at: room_id.as_ref().map(|_| starts_at),
                            ends_at: room_id.as_ref().map(|_| ends_at),
                            room_id,
                            sequence: 0,
                            created_at: self.now,
                            updated_at: self.now,
                            reminded_at: None,
                        })
                        .execute(self.conn)?;
                    self.summary.sittings += 1;
                }
                // One invigilator per room in use, from the first start to the
                // last end; the two rooms get different invigilators.
                let mut rooms_used: Vec<RoomId> = room_spans.iter().map(|s| s.0.clone()).collect();
                rooms_used.sort();
                rooms_used.dedup();
                for (i, room_id) in rooms_used.iter().enumerate() {
                    let start = room_spans
                        .iter()
                        .filter(|s| &s.0 == room_id)
                        .map(|s| s.1)
                        .min();
                    let end = room_spans
                        .iter()
                        .filter(|s| &s.0 == room_id)
                        .map(|s| s.2)
                        .max();
                    if let (Some(start), Some(end)) = (start, end) {
                        diesel::insert_into(invigilator_assignments::table)
                            .values(&InvigilatorAssignment {
                                id: db::new_id(),
                                invigilator_id: centre.invigilators[i % centre.invigilators.len()]
                                    .clone(),
                                room_id: room_id.clone(),
                                starts_at: start,
                                ends_at: end,
                                created_at: self.now,
                            })
                            .execute(self.conn)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Study places: each student books a few mornings and afternoons at their
    /// home centre, inside opening hours.
    pub(super) fn study_bookings(
        &mut self,
        monday: NaiveDate,
        centres: &[LoadedCentre],
        students: &[UserId],
    ) -> anyhow::Result<()> {
        for (i, student_id) in students.iter().enumerate() {
            let centre = &centres[i % centres.len()];
            let room = &centre.study_rooms[i % centre.study_rooms.len()];
            for day in [0, 2, 4] {
                let date = monday + Duration::days(day + (i as i64 % 2));
                if !is_working_day(date) {
                    continue;
                }
                let (from, to) = if i % 3 == 0 {
                    (hm(13, 0), hm(16, 0))
                } else {
                    (hm(9, 0), hm(12, 0))
                };
                if self.exam_days.contains(&(date, i)) {
                    continue;
                }
                diesel::insert_into(study_bookings::table)
                    .values(&StudyBooking {
                        id: db::new_id(),
                        centre_id: centre.id.clone(),
                        room_id: room.id.clone(),
                        student_id: student_id.clone(),
                        booking_code: booking_code::generate(),
                        starts_at: utc(date, from)?,
                        ends_at: utc(date, to)?,
                        status: StudyBookingStatus::Confirmed,
                        sequence: 0,
                        created_at: self.now,
                        cancelled_at: None,
                    })
                    .execute(self.conn)?;
                self.summary.study_bookings += 1;
            }
        }
        Ok(())
    }
}
