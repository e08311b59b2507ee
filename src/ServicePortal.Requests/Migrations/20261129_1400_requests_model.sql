-- Applications: one row per request a citizen made, its current state, and (as the outbox of the submission)
-- what is left to do to deliver it to the agency. The timeline is requests.events.
CREATE TABLE requests.requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference text NOT NULL UNIQUE CHECK (reference ~ '^SP-[0-9A-HJKMNP-TV-Z]{9}$'),
    account_id uuid NOT NULL,                 -- identity.accounts.id (read through the Identity module only)
    service_code text NOT NULL,
    agency text NOT NULL,
    answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object'),
    status text NOT NULL CHECK (status IN ('queued', 'submitted', 'in_review', 'action_required', 'awaiting_payment',
                                          'approved', 'rejected', 'completed', 'cancelled')),
    -- What the citizen (or their app) sent as Idempotency-Key, or the apply form's one-time token.
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
    language text NOT NULL DEFAULT 'sw' CHECK (language IN ('sw', 'en')),
    -- How the citizen had signed in when they applied: the assertion sent with the submission says so.
    acr text NOT NULL,
    amr text[] NOT NULL DEFAULT '{}',
    -- The agency's side, as last reported.
    agency_reference text,
    agency_status text,
    agency_version integer,
    agency_updated_at timestamptz,
    message_sw text,
    message_en text,
    payment_control_number text,
    amount_tzs bigint,
    correction jsonb,
    -- Submission (the outbox): due when next_attempt_at has come and status is queued.
    submit_attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error text,
    -- Where the agency takes it and answers about it (the service's paths when the citizen applied).
    submit_path text NOT NULL,
    status_path text NOT NULL,
    -- SLA: from the service's processing time, counted from submission.
    processing_days integer,
    due_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    closed_at timestamptz,
    UNIQUE (account_id, idempotency_key)
);
CREATE UNIQUE INDEX requests_agency_reference ON requests.requests (agency, agency_reference) WHERE agency_reference IS NOT NULL;
CREATE INDEX requests_citizen ON requests.requests (account_id, created_at DESC);
CREATE INDEX requests_to_submit ON requests.requests (next_attempt_at) WHERE status = 'queued';
-- Open at the agency: what the status sync asks about, agency by agency, in id order.
CREATE INDEX requests_open ON requests.requests (agency, id)
    WHERE status IN ('submitted', 'in_review', 'action_required', 'awaiting_payment', 'approved');

-- Every change on a request's timeline, written in the same transaction as the change.
CREATE TABLE requests.events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES requests.requests (id),
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL CHECK (kind IN ('created', 'submitted', 'status', 'submit_failed', 'agency_error')),
    source text NOT NULL CHECK (source IN ('citizen', 'portal', 'push', 'pull')),
    status_from text,
    status_to text,
    agency_status text,
    agency_version integer,
    message_sw text,
    message_en text,
    detail text
);
CREATE INDEX events_request ON requests.events (request_id, id);

-- One row per agency for the status sync: when it last worked, what went wrong, the circuit.
CREATE TABLE requests.agency_sync (
    agency text PRIMARY KEY,
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    circuit_open_until timestamptz,
    updates_applied bigint NOT NULL DEFAULT 0
);

-- Answers from agencies the portal could not use (malformed, unknown status, wrong agency): kept for the
-- administrator and the agency's engineers, never applied.
CREATE TABLE requests.agency_errors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    agency text NOT NULL,
    source text NOT NULL CHECK (source IN ('push', 'pull', 'submit')),
    agency_reference text,
    problem text NOT NULL,
    excerpt text
);
CREATE INDEX agency_errors_agency ON requests.agency_errors (agency, at DESC);
