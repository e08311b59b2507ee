-- Passkeys (WebAuthn credentials) of an account, and the one-time challenges of the ceremonies (issue 12).
CREATE TABLE identity.passkeys (
    credential_id  bytea PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    public_key     bytea NOT NULL,
    sign_count     bigint NOT NULL CHECK (sign_count >= 0),
    user_handle    bytea NOT NULL,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    created_at     timestamptz NOT NULL,
    last_used_at   timestamptz
);
CREATE INDEX passkeys_account ON identity.passkeys (account_id);

-- One challenge per binding (a session, or a pending sign-in) and purpose: asking again replaces it, answering spends it.
CREATE TABLE identity.passkey_challenges (
    binding     text NOT NULL,
    purpose     text NOT NULL CHECK (purpose IN ('register', 'sign_in')),
    account_id  uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    options     text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (binding, purpose)
);
