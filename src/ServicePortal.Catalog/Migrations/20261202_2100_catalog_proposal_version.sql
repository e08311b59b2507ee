-- Optimistic concurrency for the administrator's decisions. Every write to a proposal (the agency saving or
-- submitting it, a rejection) bumps its version; the review page carries the version it showed, and approving or
-- rejecting applies only to that version. An agency that re-submits between the review and the click gets
-- "changed since you opened it", never its new version published unseen. (Agencies already have a version.)
ALTER TABLE catalog.proposals ADD COLUMN version integer NOT NULL DEFAULT 1;
