-- Back to rendered text only. Messages still holding only their facts
-- cannot be rendered by SQL: they keep an empty text (and are marked
-- failed if not yet sent, so nobody gets an empty e-mail).
CREATE TABLE mail_outbox_old (
    id TEXT PRIMARY KEY CHECK (length(id) = 36),
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL CHECK (to_address LIKE '%_@_%'),
    to_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
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
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
INSERT INTO mail_outbox_old (
    id, message_id, kind, to_address, to_name, language, subject, body_text,
    body_html, ics, related_kind, related_id, status, attempts,
    next_attempt_at, claimed_until, last_error, created_at, sent_at
)
SELECT
    id, message_id, kind, to_address, to_name, language,
    coalesce(subject, ''), coalesce(body_text, ''), body_html, ics,
    related_kind, related_id,
    CASE WHEN body_text IS NULL AND status <> 'sent' THEN 'failed' ELSE status END,
    attempts, next_attempt_at, claimed_until,
    CASE WHEN body_text IS NULL AND status <> 'sent'
        THEN 'permanent: migrated down before it was rendered' ELSE last_error END,
    created_at, sent_at
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_old RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
