-- A student who needs a wheelchair-accessible room: a preference the
-- scheduler honours when such a room fits, never a reason to leave the
-- sitting unplaced.
ALTER TABLE sittings ADD COLUMN accessible_room BOOLEAN NOT NULL DEFAULT FALSE;
