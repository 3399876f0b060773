-- When the reminder before a sitting was queued: set in the same statement
-- that claims it, so several processes send one reminder, not several.
ALTER TABLE sittings ADD COLUMN reminded_at TIMESTAMP;
