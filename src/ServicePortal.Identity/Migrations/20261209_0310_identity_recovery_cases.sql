-- Assisted recovery by the helpdesk (issue 12): one case per citizen looked up, its steps, and the four-eyes decision.
CREATE TABLE identity.recovery_cases (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    opened_by        uuid NOT NULL REFERENCES identity.accounts (id),
    opened_role      text NOT NULL,
    reason           text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    opened_at        timestamptz NOT NULL,
    verification_id  text,                        -- the registry's question, while it is being asked
    registry_phones  text[],                      -- the registry's numbers, once its question was answered rightly
    registry_at      timestamptz,
    kind             text CHECK (kind IN ('phone', 'factors')),
    new_phone        text,
    asked_by         uuid REFERENCES identity.accounts (id),
    asked_at         timestamptz,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'asked', 'approved', 'refused')),
    decided_by       uuid REFERENCES identity.accounts (id),
    decided_at       timestamptz,
    -- Four eyes: whoever asked for the change never decides it.
    CHECK (decided_by IS NULL OR decided_by <> asked_by)
);
CREATE INDEX recovery_cases_asked ON identity.recovery_cases (asked_at) WHERE status = 'asked';
