-- Two counters per centre, bumped in the same transaction as every write to
-- it: `rules_version` when its rooms, hours, closures, invigilators (with
-- their availability), access cards or settings change, `data_version` on any
-- change at all (bookings, sittings, assignments, requests too). The service
-- keeps each centre's rules in memory and reloads them only when the
-- counter moved, and caches a day's documents by `data_version`; several
-- processes on one database stay right because the counter is read under
-- the centre's lock.
ALTER TABLE centres ADD COLUMN rules_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE centres ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
