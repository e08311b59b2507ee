-- The access log becomes a hash chain (issue 12, tamper evidence): one chain per UTC day. Each row carries its
-- place in the day (seq, from 1), the previous row's hash (the day's first row: a fixed genesis value) and its own
-- hash, SHA-256 over the previous hash and the row's fields (AuditChain in Core). The day's head row holds the last
-- place and hash; a writer updates it in the same transaction as its rows, so appends are serialized by the head's
-- row lock across every node and none is lost or forked.
ALTER TABLE portal.access_log
    ADD COLUMN chain_day date,
    ADD COLUMN chain_seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

-- Rows written before this script stay unchained (verify-audit counts them apart); every new row must be chained.
ALTER TABLE portal.access_log ADD CONSTRAINT access_log_chained
    CHECK (chain_day IS NOT NULL AND chain_seq IS NOT NULL AND length(prev_hash) = 32 AND length(hash) = 32) NOT VALID;

-- Not UNIQUE on purpose: a copied row must be found and named by verify-audit, not merely refused.
CREATE INDEX access_log_chain_place ON portal.access_log (chain_day, chain_seq);

CREATE TABLE portal.access_log_chain (
    day       date PRIMARY KEY,
    last_seq  bigint NOT NULL CHECK (last_seq >= 0),
    last_hash bytea CHECK (length(last_hash) = 32)   -- null until the day's first row
);
