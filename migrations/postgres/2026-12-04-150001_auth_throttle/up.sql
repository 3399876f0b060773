-- Sign-in throttle buckets shared by every server process (GCRA): a key
-- ("account:<address>", "ip:<address>", "link:<address>") and its theoretical
-- arrival time in milliseconds since the epoch. A row whose time has passed is
-- a full bucket, the same as no row, so old rows are simply deleted.
CREATE TABLE auth_throttle (
    key TEXT PRIMARY KEY,
    tat_ms BIGINT NOT NULL
);
CREATE INDEX auth_throttle_tat ON auth_throttle (tat_ms);
