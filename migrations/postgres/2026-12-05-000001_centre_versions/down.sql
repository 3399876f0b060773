ALTER TABLE centres DROP COLUMN data_version;
ALTER TABLE centres DROP COLUMN rules_version;
