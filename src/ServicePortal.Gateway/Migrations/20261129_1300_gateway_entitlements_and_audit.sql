-- Which agencies may receive the citizen's NIN in the identity assertion. Not an agency's own claim: the
-- portal's administrator records it, with the law or agreement that allows it.
CREATE TABLE gateway.agency_entitlements (
    agency_code text PRIMARY KEY CHECK (agency_code ~ '^[a-z][a-z0-9-]{1,39}$'),
    nin boolean NOT NULL DEFAULT false,
    legal_basis text NOT NULL DEFAULT '' CHECK (length(legal_basis) <= 500),
    granted_by text NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 200),
    granted_at timestamptz NOT NULL DEFAULT now()
);

-- A change moves the catalogue version and wakes every node's gateway like an endpoint change does.
CREATE TRIGGER agency_entitlements_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gateway.agency_entitlements
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();

-- Every call the gateway forwarded (or refused at its door): who, to which agency and endpoint, what, how it
-- ended. Written in batches with binary COPY, off the request path. Partitioned by month so that old months
-- are detached or dropped whole; the default partition catches rows outside the months made ahead.
CREATE TABLE gateway.proxied_calls (
    at timestamptz NOT NULL,
    request_id text NOT NULL,
    subject text,                       -- the citizen's pairwise subject for that agency; null when anonymous
    agency text NOT NULL,
    endpoint text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,                 -- without query values: ?a=&b=
    status smallint NOT NULL,
    duration_ms integer NOT NULL,
    bytes_in bigint NOT NULL,
    bytes_out bigint NOT NULL,
    client_address inet
) PARTITION BY RANGE (at);

CREATE TABLE gateway.proxied_calls_default PARTITION OF gateway.proxied_calls DEFAULT;
CREATE INDEX proxied_calls_request ON gateway.proxied_calls (request_id);
CREATE INDEX proxied_calls_subject ON gateway.proxied_calls (subject, at) WHERE subject IS NOT NULL;
CREATE INDEX proxied_calls_agency ON gateway.proxied_calls (agency, at);

-- Makes this month's partition and the next ones. Idempotent; the gateway calls it at start and daily.
CREATE FUNCTION gateway.ensure_proxied_calls_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month_start date := date_trunc('month', now())::date;
    made integer := 0;
    name text;
BEGIN
    FOR i IN 0..months_ahead LOOP
        name := format('proxied_calls_%s', to_char(month_start + make_interval(months => i), 'YYYY_MM'));
        IF to_regclass('gateway.' || name) IS NULL THEN
            EXECUTE format('CREATE TABLE gateway.%I PARTITION OF gateway.proxied_calls FOR VALUES FROM (%L) TO (%L)',
                name, month_start + make_interval(months => i), month_start + make_interval(months => i + 1));
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$$;

SELECT gateway.ensure_proxied_calls_partitions(2);
