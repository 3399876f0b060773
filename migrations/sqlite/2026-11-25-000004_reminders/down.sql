ALTER TABLE sittings DROP COLUMN reminded_at;
