-- OpenIddict's four stores (applications, authorizations, scopes, tokens) for the OpenID Connect provider,
-- read and written by ServicePortal.Identity.OpenIdConnect.Stores with Dapper.
--
-- Lists a lookup searches by element (redirect URIs, post-logout redirect URIs, scope resources) are text[]
-- with a GIN index, so `column @> ARRAY[value]` is an index search and an exact, case-sensitive match.
-- Other lists are text[] too (never NULL: an empty list is '{}'); maps are jsonb objects.
-- concurrency_token changes on every update; an UPDATE or DELETE names the value it read, so a lost update
-- affects no row and the store raises OpenIddict's ConcurrencyException.

CREATE TABLE identity.oidc_applications (
    id                        uuid PRIMARY KEY,
    application_type          text,
    client_id                 text,
    client_secret             text,
    client_type               text,
    concurrency_token         text NOT NULL,
    consent_type              text,
    display_name              text,
    display_names             jsonb,
    json_web_key_set          jsonb,
    permissions               text[] NOT NULL DEFAULT '{}',
    post_logout_redirect_uris text[] NOT NULL DEFAULT '{}',
    properties                jsonb,
    redirect_uris             text[] NOT NULL DEFAULT '{}',
    requirements              text[] NOT NULL DEFAULT '{}',
    settings                  jsonb,
    CONSTRAINT oidc_applications_client_id_key UNIQUE (client_id)
);
CREATE INDEX oidc_applications_redirect_uris_idx ON identity.oidc_applications USING gin (redirect_uris);
CREATE INDEX oidc_applications_post_logout_redirect_uris_idx
    ON identity.oidc_applications USING gin (post_logout_redirect_uris);

-- Deleting an application deletes its authorizations and tokens (OpenIddict expects it; its EF store does
-- the same by hand). Deleting an authorization deletes its tokens.
CREATE TABLE identity.oidc_authorizations (
    id                uuid PRIMARY KEY,
    application_id    uuid REFERENCES identity.oidc_applications (id) ON DELETE CASCADE,
    concurrency_token text NOT NULL,
    creation_date     timestamptz,
    properties        jsonb,
    scopes            text[] NOT NULL DEFAULT '{}',
    status            text,
    subject           text,
    type              text
);
-- Lookups by subject (alone, or with client, status and type: the consent check at every sign-in).
CREATE INDEX oidc_authorizations_subject_idx
    ON identity.oidc_authorizations (subject, application_id, status, type);
-- Lookups and revocation by application, and the cascade from oidc_applications.
CREATE INDEX oidc_authorizations_application_id_idx ON identity.oidc_authorizations (application_id);
-- Pruning (see oidc_tokens_creation_date_idx).
CREATE INDEX oidc_authorizations_creation_date_idx ON identity.oidc_authorizations (creation_date);

CREATE TABLE identity.oidc_scopes (
    id                uuid PRIMARY KEY,
    concurrency_token text NOT NULL,
    description       text,
    descriptions      jsonb,
    display_name      text,
    display_names     jsonb,
    name              text,
    properties        jsonb,
    resources         text[] NOT NULL DEFAULT '{}',
    CONSTRAINT oidc_scopes_name_key UNIQUE (name)
);
CREATE INDEX oidc_scopes_resources_idx ON identity.oidc_scopes USING gin (resources);

-- Tokens can be millions: every lookup the server makes has its own index.
CREATE TABLE identity.oidc_tokens (
    id                uuid PRIMARY KEY,
    application_id    uuid REFERENCES identity.oidc_applications (id) ON DELETE CASCADE,
    authorization_id  uuid REFERENCES identity.oidc_authorizations (id) ON DELETE CASCADE,
    concurrency_token text NOT NULL,
    creation_date     timestamptz,
    expiration_date   timestamptz,
    payload           text,
    properties        jsonb,
    redemption_date   timestamptz,
    reference_id      text,
    status            text,
    subject           text,
    type              text,
    CONSTRAINT oidc_tokens_reference_id_key UNIQUE (reference_id)
);
CREATE INDEX oidc_tokens_subject_idx ON identity.oidc_tokens (subject);
CREATE INDEX oidc_tokens_application_id_idx ON identity.oidc_tokens (application_id, status, subject, type);
CREATE INDEX oidc_tokens_authorization_id_idx ON identity.oidc_tokens (authorization_id);
-- Pruning deletes "created before the threshold AND (not valid OR expired OR its authorization not valid)".
-- The OR cannot use a (status, expiration_date) index; the one bound every candidate shares is
-- creation_date, and once pruning runs regularly the rows older than the threshold are few (only tokens
-- still valid and unexpired), so each batch reads little more than what it deletes.
CREATE INDEX oidc_tokens_creation_date_idx ON identity.oidc_tokens (creation_date);

COMMENT ON TABLE identity.oidc_applications IS 'OpenIddict applications (OIDC clients)';
COMMENT ON TABLE identity.oidc_authorizations IS 'OpenIddict authorizations (consents, ad-hoc and permanent)';
COMMENT ON TABLE identity.oidc_scopes IS 'OpenIddict scopes';
COMMENT ON TABLE identity.oidc_tokens IS 'OpenIddict tokens (reference tokens keep their payload here)';
