-- Every node caches the accounts of signed-in sessions for a few seconds (Session/SessionAccounts.cs) and
-- evicts one when told so here. The notification is sent at the commit of a change to anything the session
-- or the identity assertion reads: the security stamp (a new password ends every session), names, NIN, date
-- of birth, phone, e-mail, language, the second factor and the lock. failed_attempts, totp_last_step and
-- updated_at change on ordinary sign-ins and are never read from the cache, so they stay quiet.
CREATE FUNCTION identity.account_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('identity_account_changed', ''); -- TRUNCATE: no id to name, so every node clears all
    ELSE
        PERFORM pg_notify('identity_account_changed', OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_changed AFTER UPDATE ON identity.accounts
    FOR EACH ROW
    WHEN ((OLD.security_stamp, OLD.nin, OLD.first_name, OLD.middle_name, OLD.last_name, OLD.date_of_birth, OLD.phone,
           OLD.email, OLD.language, OLD.password_hash, OLD.second_factor, OLD.totp_secret, OLD.locked_until)
          IS DISTINCT FROM
          (NEW.security_stamp, NEW.nin, NEW.first_name, NEW.middle_name, NEW.last_name, NEW.date_of_birth, NEW.phone,
           NEW.email, NEW.language, NEW.password_hash, NEW.second_factor, NEW.totp_secret, NEW.locked_until))
    EXECUTE FUNCTION identity.account_changed();

CREATE TRIGGER accounts_deleted AFTER DELETE ON identity.accounts
    FOR EACH ROW EXECUTE FUNCTION identity.account_changed();

CREATE TRIGGER accounts_truncated AFTER TRUNCATE ON identity.accounts
    FOR EACH STATEMENT EXECUTE FUNCTION identity.account_changed();
