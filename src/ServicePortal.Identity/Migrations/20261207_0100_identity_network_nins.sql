-- The distinct NINs each client network (an IPv4 address, an IPv6 /64) has tried in a fixed window, per scope
-- (sign-in, the registry's questions): the bound on one network trying many NINs, which no NIN's own count sees.
-- Not raw attempts, so one person's typos behind a carrier's NAT never close the door for the thousands sharing the
-- address (Session/NetworkNins.cs). Both the network and the NIN are kept as SHA-256s.
CREATE TABLE identity.network_nins (
    scope         text NOT NULL CHECK (length(scope) <= 100),
    network_hash  bytea NOT NULL CHECK (length(network_hash) = 32),
    window_start  timestamptz NOT NULL,
    nin_hash      bytea NOT NULL CHECK (length(nin_hash) = 32),
    window_end    timestamptz NOT NULL,
    PRIMARY KEY (scope, network_hash, window_start, nin_hash)
);
-- Windows long past are removed in small batches by whoever admits next.
CREATE INDEX network_nins_window_end ON identity.network_nins (window_end);

COMMENT ON TABLE identity.network_nins IS 'Distinct NINs tried per client network and window';
