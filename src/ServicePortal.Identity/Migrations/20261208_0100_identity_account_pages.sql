-- Issue 11, the citizen's account pages.
--
-- The registry's question: what kind of answer it wants (a region is chosen from the list of Tanzania's regions,
-- Registry/TanzaniaRegions.cs) and the registry's tries left for it, so that the question page shows one number of
-- tries left (the smaller of this and the NIN's answers left today: RegistrationFlow.AnswersLeftAsync).
ALTER TABLE identity.registrations
    ADD COLUMN question_kind text NOT NULL DEFAULT '' CHECK (length(question_kind) <= 40),
    ADD COLUMN registry_attempts_left integer NOT NULL DEFAULT 3 CHECK (registry_attempts_left BETWEEN 0 AND 10);

-- Recent sign-ins, for the account page ("Umeingia hivi karibuni"): one row per complete sign-in (password and second
-- factor, or a registration), written by the same statement that starts its session (PortalSessions.StartAsync), so
-- a sign-in is never without its row. Sessions are removed 30 days after they end; sign-ins are kept 90 days (rows
-- older than that are removed in small batches by whoever signs in next). Like the sessions, only the masked network
-- (IPv4 /24, IPv6 /48) is stored, never the address.
CREATE TABLE identity.sign_ins (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      uuid NOT NULL REFERENCES identity.accounts (id) ON DELETE CASCADE,
    signed_in_at    timestamptz NOT NULL,
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    client_network  text NOT NULL DEFAULT '' CHECK (length(client_network) <= 64)
);
CREATE INDEX sign_ins_account ON identity.sign_ins (account_id, signed_in_at DESC);
CREATE INDEX sign_ins_signed_in_at ON identity.sign_ins (signed_in_at);

COMMENT ON TABLE identity.sign_ins IS 'Complete sign-ins of each account, kept 90 days, for the account page';
