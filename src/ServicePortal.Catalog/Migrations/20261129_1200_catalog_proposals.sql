-- Agency onboarding: what an agency proposes through the API, kept apart from the live rows until the
-- portal administrator approves it. A published service or an approved endpoint stays exactly as it is
-- (citizens and the gateway keep using it) while its next version is drafted, submitted and reviewed.
-- One proposal per service code or endpoint name; approval applies it to catalog.services or
-- catalog.agency_endpoints (with a history row) and deletes it; rejection sends it back to draft with the reason.
CREATE TABLE catalog.proposals (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('service', 'endpoint')),
    agency_id bigint NOT NULL REFERENCES catalog.agencies (id),
    -- The service code (globally unique) or the endpoint name (unique within its agency).
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9-]{0,79}$'),
    -- The proposed entry, with the same keys as catalog.service_snapshot / endpoint rows, so an approver's
    -- page compares it with the live entry key by key.
    body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'awaiting_approval')),
    -- The administrator's reason when the last submission was rejected; cleared by the next submission.
    rejection_reason text CHECK (rejection_reason IS NULL OR length(rejection_reason) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz
);
-- A service code belongs to one agency across the whole catalogue, so its proposal is unique by code alone.
CREATE UNIQUE INDEX proposals_service ON catalog.proposals (key) WHERE kind = 'service';
CREATE UNIQUE INDEX proposals_endpoint ON catalog.proposals (agency_id, key) WHERE kind = 'endpoint';
CREATE INDEX proposals_awaiting ON catalog.proposals (submitted_at) WHERE status = 'awaiting_approval';
