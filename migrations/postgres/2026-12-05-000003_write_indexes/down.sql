DROP INDEX study_bookings_student_end;
DROP INDEX study_bookings_centre_time;
