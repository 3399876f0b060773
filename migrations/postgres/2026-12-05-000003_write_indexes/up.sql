-- What a study booking's write reads, through indexes rather than scans:
-- the centre's bookings overlapping the new one (the range bounded below by
-- the longest a booking may last, so it starts near the span), and the
-- student's bookings that have not ended (the limits, other centres).
CREATE INDEX study_bookings_centre_time ON study_bookings (centre_id, starts_at);
CREATE INDEX study_bookings_student_end ON study_bookings (student_id, ends_at);
