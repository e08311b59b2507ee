-- Catalog data model: agencies and their gateway endpoints, categories, life events, services (CPSV-AP
-- fields plus the portal's own), and the history of every change. Texts come in pairs: *_sw and *_en.
-- Bilingual lists (eligibility, evidence, legal basis) are jsonb arrays of {"sw": ..., "en": ...}.

-- Trigram matching for search that forgives spelling. pg_trgm is a trusted extension (PostgreSQL 13+), in
-- the contrib package Debian installs with the server. It lives in public so every module may use it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row: the catalogue's version. Every change to a catalogue table bumps it (statement triggers below)
-- and NOTIFY catalog_changed carries it, so a node that missed a notification still sees the number move.
CREATE TABLE catalog.catalog_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog.catalog_state DEFAULT VALUES;

CREATE TABLE catalog.agencies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
    short_name text NOT NULL DEFAULT '' CHECK (length(short_name) <= 40),
    name_sw text NOT NULL CHECK (length(name_sw) BETWEEN 2 AND 200),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 2 AND 200),
    description_sw text NOT NULL DEFAULT '' CHECK (length(description_sw) <= 4000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 4000),
    website text CHECK (website IS NULL OR website ~ '^https://'),
    -- draft: being written by the agency; awaiting_approval: submitted; approved: live; suspended: hidden.
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'awaiting_approval', 'approved', 'suspended')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);

-- What the gateway forwards /agencies/{agency}/{name}/... to. The gateway reads approved rows only.
CREATE TABLE catalog.agency_endpoints (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES catalog.agencies (id),
    name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{0,39}$'),
    -- [{"name": "primary", "address": "https://10.0.0.5:8443/"}, ...]: load balanced by the gateway.
    destinations jsonb NOT NULL CHECK (jsonb_typeof(destinations) = 'array' AND jsonb_array_length(destinations) BETWEEN 1 AND 16),
    health_check_path text NOT NULL DEFAULT '/health' CHECK (health_check_path ~ '^/'),
    health_check_interval_seconds integer NOT NULL DEFAULT 15 CHECK (health_check_interval_seconds BETWEEN 5 AND 3600),
    timeout_seconds integer NOT NULL DEFAULT 30 CHECK (timeout_seconds BETWEEN 1 AND 300),
    max_request_body_bytes bigint NOT NULL DEFAULT 10485760 CHECK (max_request_body_bytes BETWEEN 0 AND 104857600),
    -- public: anyone; citizen: signed in; citizen_substantial: signed in with two factors (acr).
    auth_requirement text NOT NULL DEFAULT 'citizen'
        CHECK (auth_requirement IN ('public', 'citizen', 'citizen_substantial')),
    rate_limit_policy text NOT NULL DEFAULT 'standard' CHECK (rate_limit_policy ~ '^[a-z][a-z0-9-]{0,39}$'),
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'awaiting_approval', 'approved', 'disabled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1,
    UNIQUE (agency_id, name)
);
CREATE INDEX agency_endpoints_approved ON catalog.agency_endpoints (agency_id) WHERE status = 'approved';

CREATE TABLE catalog.categories (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
    name_sw text NOT NULL,
    name_en text NOT NULL,
    sort_order integer NOT NULL DEFAULT 0
);

CREATE TABLE catalog.life_events (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
    name_sw text NOT NULL,
    name_en text NOT NULL,
    sort_order integer NOT NULL DEFAULT 0
);

CREATE TABLE catalog.services (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- CPSV-AP dct:identifier: stable, starts with the agency's code (rita-birth-certificate).
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{2,79}$'),
    agency_id bigint NOT NULL REFERENCES catalog.agencies (id),      -- cv:hasCompetentAuthority
    category_id integer NOT NULL REFERENCES catalog.categories (id),
    name_sw text NOT NULL CHECK (length(name_sw) BETWEEN 2 AND 200),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 2 AND 200),
    summary_sw text NOT NULL CHECK (length(summary_sw) <= 500),
    summary_en text NOT NULL CHECK (length(summary_en) <= 500),
    description_sw text NOT NULL DEFAULT '' CHECK (length(description_sw) <= 8000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 8000),
    -- portal: the portal's own form; agency_online: the agency's pages behind the gateway; office; ussd.
    channels text[] NOT NULL DEFAULT '{}'
        CHECK (channels <@ ARRAY['portal', 'agency_online', 'office', 'ussd']::text[]),
    -- Shillings have no cents in practice. NULL: the cost depends on the case (see cost_note).
    cost_tzs bigint CHECK (cost_tzs >= 0),
    cost_paid text NOT NULL DEFAULT 'free' CHECK (cost_paid IN ('free', 'on_application', 'on_issue', 'periodic')),
    cost_note_sw text NOT NULL DEFAULT '',
    cost_note_en text NOT NULL DEFAULT '',
    processing_days integer CHECK (processing_days BETWEEN 0 AND 3650),  -- 0: the same day; NULL: varies
    eligibility jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(eligibility) = 'array'),   -- cv:hasCriterion
    evidence jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(evidence) = 'array'),         -- cpsv:hasInput
    output_sw text NOT NULL DEFAULT '',                                                    -- cpsv:produces
    output_en text NOT NULL DEFAULT '',
    legal_basis jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legal_basis) = 'array'),   -- cv:hasLegalResource
    keywords_sw text[] NOT NULL DEFAULT '{}',
    keywords_en text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'awaiting_approval', 'published', 'retired')),
    -- The application form: JSON Schema 2020-12, texts in x-title / x-description {"sw","en"} annotations.
    form_schema jsonb CHECK (form_schema IS NULL OR jsonb_typeof(form_schema) = 'object'),
    submit_path text CHECK (submit_path IS NULL OR submit_path ~ '^/[A-Za-z0-9/_.-]*$'),
    status_path text CHECK (status_path IS NULL OR status_path ~ '^/[A-Za-z0-9/_.{}-]*$'),
    -- Search, maintained by the triggers in 20261129_1101: names A, summaries and keywords B, agency and
    -- life events C, descriptions D; search_names is what trigram matching compares against.
    search_document tsvector NOT NULL DEFAULT ''::tsvector,
    search_names text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    version integer NOT NULL DEFAULT 1
);
CREATE INDEX services_agency ON catalog.services (agency_id);
CREATE INDEX services_category ON catalog.services (category_id);
CREATE INDEX services_published_name_sw ON catalog.services (name_sw) WHERE status = 'published';

CREATE TABLE catalog.service_life_events (
    service_id bigint NOT NULL REFERENCES catalog.services (id) ON DELETE CASCADE,
    life_event_id integer NOT NULL REFERENCES catalog.life_events (id),
    PRIMARY KEY (service_id, life_event_id)
);
CREATE INDEX service_life_events_event ON catalog.service_life_events (life_event_id);

-- Every change to a service, written in the same transaction as the change: who, when, what it was, what
-- it became (the service as the API shows it, so an approver can diff the two).
CREATE TABLE catalog.service_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id bigint NOT NULL REFERENCES catalog.services (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL CHECK (length(changed_by) BETWEEN 1 AND 200),  -- 'seed', 'agency:rita', 'staff:<sub>'
    change text NOT NULL CHECK (change IN ('created', 'updated', 'submitted', 'approved', 'rejected', 'retired')),
    reason text,
    before jsonb,
    after jsonb NOT NULL
);
CREATE INDEX service_history_service ON catalog.service_history (service_id, changed_at DESC);

-- The same for agencies and their endpoints (endpoint_id NULL: the agency itself).
CREATE TABLE catalog.agency_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES catalog.agencies (id),
    endpoint_id bigint REFERENCES catalog.agency_endpoints (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by text NOT NULL CHECK (length(changed_by) BETWEEN 1 AND 200),
    change text NOT NULL CHECK (change IN ('created', 'updated', 'submitted', 'approved', 'rejected', 'suspended', 'disabled')),
    reason text,
    before jsonb,
    after jsonb NOT NULL
);
CREATE INDEX agency_history_agency ON catalog.agency_history (agency_id, changed_at DESC);
