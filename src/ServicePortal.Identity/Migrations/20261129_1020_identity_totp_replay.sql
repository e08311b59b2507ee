-- The last authenticator-app time step accepted per account: a code can be used once, never replayed.
ALTER TABLE identity.accounts ADD COLUMN totp_last_step bigint;
