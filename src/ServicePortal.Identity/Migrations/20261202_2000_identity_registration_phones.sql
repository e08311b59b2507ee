-- Registration binds the phone to the person: the code goes only to a number the national ID registry holds for
-- the NIN. The registry's numbers arrive with a right answer to its question; the phone is chosen from them (by
-- position) after that, so it is unknown when a registration starts. A password reset of an account with an
-- authenticator app also needs the app's code (app_required, app_verified_at).
ALTER TABLE identity.registrations
    ALTER COLUMN phone DROP NOT NULL,
    ADD COLUMN registry_phones text[] NOT NULL DEFAULT '{}' CHECK (cardinality(registry_phones) <= 10),
    ADD COLUMN app_required boolean NOT NULL DEFAULT false,
    ADD COLUMN app_verified_at timestamptz;
