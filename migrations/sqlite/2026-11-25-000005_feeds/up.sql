-- Calendar feeds at secret URLs: the URL is the credential (calendar apps
-- cannot send a token header), so only its SHA-256 is stored, and a feed can
-- be revoked.
CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    kind TEXT NOT NULL CHECK (kind IN ('invigilator', 'room', 'student')),
    subject_id TEXT NOT NULL CHECK (length(subject_id) = 36),
    created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_creator ON calendar_feeds (created_by);
