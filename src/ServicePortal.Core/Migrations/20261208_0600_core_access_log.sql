-- Every staff access to a citizen's data (issue 12): who, in which role, when, what, why. Append-only: written
-- by AccessLog.RecordAsync in the same transaction as the read it records, never updated or deleted by the portal.
CREATE TABLE portal.access_log (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                 timestamptz NOT NULL DEFAULT now(),
    citizen_account_id uuid NOT NULL,
    staff_account_id   uuid NOT NULL,
    staff_role         text NOT NULL CHECK (length(staff_role) BETWEEN 1 AND 100),
    action             text NOT NULL CHECK (action IN ('lookup', 'case', 'request', 'ticket', 'export', 'recovery')),
    subject            text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    reason_category    text CHECK (length(reason_category) <= 50),
    reason             text CHECK (length(reason) <= 500)
);

-- "Who viewed my data": a citizen's rows, newest first.
CREATE INDEX access_log_citizen ON portal.access_log (citizen_account_id, at DESC);
-- Supervisors' view of one staff member's volume (unusual lookups).
CREATE INDEX access_log_staff ON portal.access_log (staff_account_id, at DESC);
