-- The gateway's audit becomes a hash chain (issue 12), like the access log: one chain per UTC day of writing (the
-- batch's transaction time, not the call's: a call made at 23:59:59 and written at 00:00:01 is in the new day's
-- chain). The audit writer appends a whole batch under one lock of the day's head row, so the proxy path never
-- waits on the chain and nodes' batches never fork it. Rows have no id of their own: a row is named by its day and
-- place (chain_day, chain_seq) and its request_id.
ALTER TABLE gateway.proxied_calls
    ADD COLUMN chain_day date,
    ADD COLUMN chain_seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

-- Rows written before this script stay unchained (verify-audit counts them apart); every new row must be chained.
ALTER TABLE gateway.proxied_calls ADD CONSTRAINT proxied_calls_chained
    CHECK (chain_day IS NOT NULL AND chain_seq IS NOT NULL AND length(prev_hash) = 32 AND length(hash) = 32) NOT VALID;

CREATE INDEX proxied_calls_chain_place ON gateway.proxied_calls (chain_day, chain_seq);

CREATE TABLE gateway.proxied_calls_chain (
    day       date PRIMARY KEY,
    last_seq  bigint NOT NULL CHECK (last_seq >= 0),
    last_hash bytea CHECK (length(last_hash) = 32)   -- null until the day's first row
);
