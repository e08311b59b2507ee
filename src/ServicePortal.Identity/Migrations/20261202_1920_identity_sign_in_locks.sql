-- Wrong passwords and codes, counted per NIN (hashed) whether or not an account has it, so that an unknown NIN
-- and a known one answer alike; and per device: '' counts every browser that has not completed a sign-in to the
-- account, and each browser that has (it holds a signed device cookie) counts on its own row. A stranger's
-- guesses therefore lock out strangers' browsers only, never the owner's (Session/SignInLocks.cs; OWASP's
-- "device cookie" pattern). These replace identity.accounts.failed_attempts and locked_until for sign-in.
CREATE TABLE identity.sign_in_locks (
    nin_hash      bytea NOT NULL CHECK (length(nin_hash) = 32),
    device        text NOT NULL CHECK (length(device) <= 64),
    failures      integer NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- in a row, within the lockout duration of each other
    locked_until  timestamptz,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (nin_hash, device)
);
-- Rows long quiet are removed in small batches by whoever counts next.
CREATE INDEX sign_in_locks_updated_at ON identity.sign_in_locks (updated_at);

COMMENT ON TABLE identity.sign_in_locks IS 'Wrong sign-in attempts and locks per NIN and device';
