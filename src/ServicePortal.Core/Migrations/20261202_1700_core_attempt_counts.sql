-- Attempts counted per key and fixed time window, shared by every node: sign-in tries per address, identity
-- checks per NIN, codes per phone, and what else must hold across nodes. The subject (a NIN, a phone, an
-- address) is kept only as a SHA-256 hash: the table says how often, never who.
CREATE TABLE portal.attempt_counts (
    scope         text NOT NULL CHECK (length(scope) BETWEEN 1 AND 100),
    subject_hash  bytea NOT NULL CHECK (length(subject_hash) = 32),
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    count         integer NOT NULL CHECK (count >= 0),
    PRIMARY KEY (scope, subject_hash, window_start)
);

-- Old windows are removed in small batches by whoever counts next.
CREATE INDEX attempt_counts_window_end ON portal.attempt_counts (window_end);
