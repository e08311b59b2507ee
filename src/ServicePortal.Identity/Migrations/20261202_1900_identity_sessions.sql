-- Browser sessions live here (Session/PortalSessions.cs); the portal_session cookie names one by its id. A
-- session ends when its row gets an ended_at: sign-out (every copy of the cookie with it), "sign out everywhere",
-- the idle timeout or the absolute lifetime, a new password, a change of roles. Times are written by the portal
-- (its clock), not now(), so that tests can move time; ended_at set by a trigger uses now().

CREATE TABLE identity.sessions (
    id              uuid PRIMARY KEY,
    account_id      uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,   -- written at most about once a minute per session
    idle_timeout    interval NOT NULL,
    expires_at      timestamptz NOT NULL,   -- the absolute lifetime, however busy the session
    ended_at        timestamptz,
    end_reason      text CHECK (length(end_reason) <= 40),
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    client_network  text NOT NULL DEFAULT '' CHECK (length(client_network) <= 64)  -- masked: IPv4 /24, IPv6 /48
);
-- The account page's list, "sign out everywhere" and the triggers below look sessions up by account.
CREATE INDEX sessions_account_live ON identity.sessions (account_id) WHERE ended_at IS NULL;
-- Old rows are removed in small batches by whoever signs in next.
CREATE INDEX sessions_expires_at ON identity.sessions (expires_at);

COMMENT ON TABLE identity.sessions IS 'Browser sessions of the portal; the cookie carries the id';

-- Every node caches live sessions for a few seconds; the end of one is announced at commit, by id.
CREATE FUNCTION identity.session_ended() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('identity_session_ended', ''); -- TRUNCATE: every node forgets every session
    ELSE
        PERFORM pg_notify('identity_session_ended', OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_ended AFTER UPDATE OF ended_at ON identity.sessions
    FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL)
    EXECUTE FUNCTION identity.session_ended();

CREATE TRIGGER sessions_deleted AFTER DELETE ON identity.sessions
    FOR EACH ROW EXECUTE FUNCTION identity.session_ended();

CREATE TRIGGER sessions_truncated AFTER TRUNCATE ON identity.sessions
    FOR EACH STATEMENT EXECUTE FUNCTION identity.session_ended();

-- A change of roles ends the account's sessions: a removed role must not live on in a session, and a granted
-- one is taken up at the next sign-in. Whoever changes roles (an administrator's page, a script) need not know.
CREATE FUNCTION identity.roles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        UPDATE identity.sessions SET ended_at = now(), end_reason = 'roles_changed' WHERE ended_at IS NULL;
    ELSE
        UPDATE identity.sessions SET ended_at = now(), end_reason = 'roles_changed'
        WHERE ended_at IS NULL
          AND account_id IN (CASE WHEN TG_OP = 'INSERT' THEN NEW.account_id ELSE OLD.account_id END,
                             CASE WHEN TG_OP = 'UPDATE' THEN NEW.account_id ELSE NULL END);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER account_roles_changed AFTER INSERT OR UPDATE OR DELETE ON identity.account_roles
    FOR EACH ROW EXECUTE FUNCTION identity.roles_changed();

CREATE TRIGGER account_roles_truncated AFTER TRUNCATE ON identity.account_roles
    FOR EACH STATEMENT EXECUTE FUNCTION identity.roles_changed();

-- A new security stamp (a new password) ends the account's sessions too. It is done in the function that
-- announces account changes, so that the two stay one thing: a change that is silent for the account cache
-- (a test disabling that trigger to play a lost notification) is silent here as well.
CREATE OR REPLACE FUNCTION identity.account_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('identity_account_changed', ''); -- TRUNCATE: no id to name, so every node clears all
    ELSE
        PERFORM pg_notify('identity_account_changed', OLD.id::text);
        IF TG_OP = 'UPDATE' AND OLD.security_stamp IS DISTINCT FROM NEW.security_stamp THEN
            UPDATE identity.sessions SET ended_at = now(), end_reason = 'security_stamp'
            WHERE account_id = NEW.id AND ended_at IS NULL;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
