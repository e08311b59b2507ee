-- The password-only level is never a session: after the password, a browser gets a grant for exactly one
-- authorization request whose client asked for that level (Session/PasswordGrants.cs). The cookie holds a
-- random key; the row holds its hash, the account, a hash of the request (client, redirect URI, state, nonce,
-- PKCE challenge, acr_values, scope, response type) and when it was used. Five minutes, used once.
CREATE TABLE identity.password_grants (
    key_hash        bytea PRIMARY KEY CHECK (length(key_hash) = 32),
    account_id      uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    security_stamp  uuid NOT NULL,
    request_hash    bytea NOT NULL CHECK (length(request_hash) = 32),
    device          text NOT NULL DEFAULT '' CHECK (length(device) <= 64),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    consumed_at     timestamptz
);
-- Old grants are removed in small batches by whoever makes the next one.
CREATE INDEX password_grants_expires_at ON identity.password_grants (expires_at);

COMMENT ON TABLE identity.password_grants IS 'Password-level grants, each for one authorization request';
