-- What a study booking's write reads, through indexes rather than scans:
-- the centre's bookings overlapping the new one (bounded below by the
-- longest a booking may last, so the range starts near the span), its
-- placed sittings ending after the span starts (the future ones only), and
-- the student's bookings that have not ended (limits, other centres).
CREATE INDEX study_bookings_centre_time ON study_bookings (centre_id, starts_at);
CREATE INDEX sittings_centre_end ON sittings (centre_id, ends_at);
CREATE INDEX study_bookings_student_end ON study_bookings (student_id, ends_at);
