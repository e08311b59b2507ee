-- The agency's own life: the administrator approves or rejects an agency that asked to join, suspends an
-- approved one and reinstates it, each with a reason; agencies retire their services and disable their
-- endpoints themselves. Every step is an agency_history / service_history row written with the change.

-- The reason of the last decision on the agency (rejected, suspended, reinstated), which the agency reads in
-- GET /api/agency and the administrator on the agency's page. The full story is in agency_history.
ALTER TABLE catalog.agencies
    ADD COLUMN status_reason text CHECK (status_reason IS NULL OR length(status_reason) <= 2000),
    ADD COLUMN status_changed_at timestamptz;

-- 'reinstated' (suspended -> approved) joins the agency changes. An endpoint an agency stops is 'disabled'.
ALTER TABLE catalog.agency_history DROP CONSTRAINT agency_history_change_check;
ALTER TABLE catalog.agency_history ADD CONSTRAINT agency_history_change_check
    CHECK (change IN ('created', 'updated', 'submitted', 'approved', 'rejected', 'suspended', 'reinstated', 'disabled'));

-- The administrator's list of agencies waiting for a decision.
CREATE INDEX agencies_awaiting ON catalog.agencies (updated_at) WHERE status = 'awaiting_approval';

-- A rejected proposal for a live service or endpoint leaves a history row (who, when, why) beside the
-- approved ones; 'proposed' keeps what was rejected (before and after are the live entry, which did not change).
ALTER TABLE catalog.service_history ADD COLUMN proposed jsonb;
ALTER TABLE catalog.agency_history ADD COLUMN proposed jsonb;
