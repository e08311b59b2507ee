-- Helpdesk tickets: a citizen's question or problem, and the conversation about it. Staff public replies and
-- internal notes are rows of the same conversation, told apart by `internal` (a citizen never reads an internal one).
CREATE TABLE helpdesk.tickets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Read out over the phone: the portal references' scheme (ServicePortal.Core.Identifiers.ReadableReference), prefix TK.
    number text NOT NULL UNIQUE CHECK (number ~ '^TK-[0-9A-HJKMNP-TV-Z]{9}$'),
    account_id uuid NOT NULL,                 -- identity.accounts.id (read through the Identity module only)
    category text NOT NULL CHECK (category IN ('application', 'payment', 'account', 'complaint', 'other')),
    -- The application it is about (checked to be the citizen's own through the Requests module when opened).
    request_reference text CHECK (request_reference ~ '^SP-[0-9A-HJKMNP-TV-Z]{9}$'),
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'waiting_for_citizen', 'escalated', 'resolved', 'closed')),
    priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    -- The language the citizen wrote in (their notices use the account's language).
    language text NOT NULL DEFAULT 'sw' CHECK (language IN ('sw', 'en')),
    -- The open-ticket form's one-time token: a double click or a resent form opens one ticket.
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, idempotency_key)
);
CREATE INDEX tickets_citizen ON helpdesk.tickets (account_id, created_at DESC);
-- The staff queues (next: unassigned, breaching SLA...) start from the open ones.
CREATE INDEX tickets_open ON helpdesk.tickets (status, created_at) WHERE status NOT IN ('resolved', 'closed');

CREATE TABLE helpdesk.ticket_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES helpdesk.tickets (id),
    author text NOT NULL CHECK (author IN ('citizen', 'staff')),
    author_account_id uuid NOT NULL,          -- the citizen, or the staff member (staff are accounts too)
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    -- A staff note for staff only; a citizen writes no internal message.
    internal boolean NOT NULL DEFAULT false CHECK (NOT internal OR author = 'staff'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_messages_ticket ON helpdesk.ticket_messages (ticket_id, id);
-- Replies per author a day (the reply limit) without reading the whole conversation.
CREATE INDEX ticket_messages_author ON helpdesk.ticket_messages (author_account_id, created_at);
