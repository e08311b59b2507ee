-- The citizen's rating of a finished application (issue 12): one per application, given once (not changed later,
-- so a service's average is not moved by edits; a citizen who wants to say more makes a complaint), 1 to 5 with an
-- optional comment. The agency officer and the administrator see averages per service.
CREATE TABLE requests.ratings (
    request_id bigint PRIMARY KEY REFERENCES requests.requests (id),
    account_id uuid NOT NULL,
    service_code text NOT NULL,
    agency text NOT NULL,
    score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment text CHECK (length(comment) BETWEEN 1 AND 1000),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_service ON requests.ratings (agency, service_code);

-- The agency officer's workspace: an agency's applications, newest first.
CREATE INDEX requests_agency_created ON requests.requests (agency, created_at DESC, id DESC);
