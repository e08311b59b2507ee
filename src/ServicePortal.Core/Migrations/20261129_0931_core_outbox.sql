-- Outbox for messages to people (SMS, e-mail): written in the same transaction as the change that causes
-- them, sent by the dispatcher with retries. message_id is the idempotency key handed to the gateway.
CREATE TABLE portal.outbox_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    channel         text NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient       text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
    subject         text,
    body            text NOT NULL CHECK (length(body) <= 4000),
    purpose         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    sent_at         timestamptz,
    last_error      text
);

-- The dispatcher's only question: what is due and not yet sent.
CREATE INDEX outbox_messages_due ON portal.outbox_messages (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_messages_recipient ON portal.outbox_messages (recipient, created_at DESC);
