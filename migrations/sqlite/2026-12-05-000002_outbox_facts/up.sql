-- The outbox keeps a message's facts, not its text (issue 15): `context` is
-- the template context as JSON and `invite` the calendar invite's facts as
-- JSON, both as they were when the change was made; the worker renders
-- subject, text, HTML and invite when it sends. Rows written before this
-- migration keep their rendered text and are sent as they are, so the text
-- columns become nullable. Every row has one or the other.
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing
-- refers to it).
CREATE TABLE mail_outbox_new (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL CHECK (to_address LIKE '%_@_%'),
    to_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    subject TEXT,
    body_text TEXT,
    body_html TEXT,
    ics TEXT,
    related_kind TEXT,
    related_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    context TEXT,
    invite TEXT,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT mail_outbox_content CHECK (
        (subject IS NOT NULL AND body_text IS NOT NULL) OR context IS NOT NULL
    )
);
INSERT INTO mail_outbox_new (
    id, message_id, kind, to_address, to_name, language, subject, body_text,
    body_html, ics, related_kind, related_id, status, attempts,
    next_attempt_at, claimed_until, last_error, created_at, sent_at
)
SELECT
    id, message_id, kind, to_address, to_name, language, subject, body_text,
    body_html, ics, related_kind, related_id, status, attempts,
    next_attempt_at, claimed_until, last_error, created_at, sent_at
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
