ALTER TABLE sittings DROP COLUMN accessible_room;
