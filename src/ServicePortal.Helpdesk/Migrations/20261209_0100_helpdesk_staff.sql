-- The helpdesk staff side (issue 12): who works a ticket, the agency it was escalated to, and the moments the SLA
-- clocks stop (the first public staff reply; resolved or closed).
ALTER TABLE helpdesk.tickets
    ADD COLUMN assignee_account_id uuid,      -- a staff account (identity.accounts.id); null: in the unassigned queue
    ADD COLUMN escalated_agency text CHECK (escalated_agency ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
    ADD COLUMN escalated_at timestamptz,
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN resolved_at timestamptz,
    -- An escalated ticket names its agency (the officer's queue is "escalated to my agency").
    ADD CONSTRAINT tickets_escalated_has_agency CHECK (status <> 'escalated' OR escalated_agency IS NOT NULL);

CREATE INDEX tickets_assignee ON helpdesk.tickets (assignee_account_id, updated_at DESC) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX tickets_agency ON helpdesk.tickets (escalated_agency, updated_at DESC) WHERE escalated_agency IS NOT NULL;

-- An answer written on behalf of an agency (its officer's page, or its own system through the API): the agency's code.
-- An agency system has no account: its messages carry the empty uuid as author_account_id.
ALTER TABLE helpdesk.ticket_messages
    ADD COLUMN agency_code text CHECK (agency_code ~ '^[a-z0-9][a-z0-9_-]{0,49}$');
