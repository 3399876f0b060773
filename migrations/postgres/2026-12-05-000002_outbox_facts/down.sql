-- Back to rendered text only. Messages still holding only their facts
-- cannot be rendered by SQL: they keep an empty text (and are marked
-- failed if not yet sent, so nobody gets an empty e-mail).
UPDATE mail_outbox
SET status = 'failed',
    last_error = 'permanent: migrated down before it was rendered'
WHERE body_text IS NULL AND status <> 'sent';
UPDATE mail_outbox
SET subject = coalesce(subject, ''), body_text = coalesce(body_text, '')
WHERE subject IS NULL OR body_text IS NULL;
ALTER TABLE mail_outbox
    DROP CONSTRAINT mail_outbox_content,
    DROP COLUMN invite,
    DROP COLUMN context,
    ALTER COLUMN body_text SET NOT NULL,
    ALTER COLUMN subject SET NOT NULL;
