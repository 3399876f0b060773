-- Backstops for rule 5 (a student is never in two places at once) and rule 6
-- (an invigilator is in one room at a time). The application serialises
-- conflicting writers and checks every rule before writing; these make the
-- database itself refuse what slipped past, whatever the code does.
-- btree_gist lets a GiST index combine equality on ids with range overlap.
-- It is installed in `public` so that every schema (tests use one each) shares it.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

ALTER TABLE sittings ADD CONSTRAINT no_student_in_two_sittings
    EXCLUDE USING gist (student_id WITH =, tsrange(starts_at, ends_at) WITH &&)
    WHERE (status IN ('confirmed', 'checked_in'));

ALTER TABLE study_bookings ADD CONSTRAINT no_student_in_two_study_places
    EXCLUDE USING gist (student_id WITH =, tsrange(starts_at, ends_at) WITH &&)
    WHERE (status = 'confirmed');

ALTER TABLE invigilator_assignments ADD CONSTRAINT no_invigilator_in_two_rooms
    EXCLUDE USING gist (invigilator_id WITH =, room_id WITH <>, tsrange(starts_at, ends_at) WITH &&);
