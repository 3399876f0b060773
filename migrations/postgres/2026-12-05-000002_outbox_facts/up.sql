-- The outbox keeps a message's facts, not its text (issue 15): `context` is
-- the template context as JSON and `invite` the calendar invite's facts as
-- JSON, both as they were when the change was made; the worker renders
-- subject, text, HTML and invite when it sends. Rows written before this
-- migration keep their rendered text and are sent as they are, so the text
-- columns become nullable. Every row has one or the other.
ALTER TABLE mail_outbox
    ALTER COLUMN subject DROP NOT NULL,
    ALTER COLUMN body_text DROP NOT NULL,
    ADD COLUMN context TEXT,
    ADD COLUMN invite TEXT,
    ADD CONSTRAINT mail_outbox_content CHECK (
        (subject IS NOT NULL AND body_text IS NOT NULL) OR context IS NOT NULL
    );
