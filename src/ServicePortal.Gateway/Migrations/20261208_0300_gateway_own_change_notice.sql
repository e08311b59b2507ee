-- The gateway's entitlements no longer hang a trigger on the catalogue's function (a module touches another's
-- data only through its code): they have a version of their own, bumped once per changing statement and
-- announced on the gateway's own channel gateway_entitlements_changed at commit. The gateway listens to that
-- and to the catalogue's published channel, and rebuilds its routes when either version moves.
DROP TRIGGER agency_entitlements_changed ON gateway.agency_entitlements;

CREATE TABLE gateway.entitlements_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO gateway.entitlements_state DEFAULT VALUES;

CREATE FUNCTION gateway.entitlements_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_version bigint;
BEGIN
    UPDATE gateway.entitlements_state SET version = version + 1, changed_at = now() RETURNING version INTO new_version;
    PERFORM pg_notify('gateway_entitlements_changed', new_version::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER agency_entitlements_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gateway.agency_entitlements
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.entitlements_changed();
