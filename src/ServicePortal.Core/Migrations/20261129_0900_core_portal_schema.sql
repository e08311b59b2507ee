-- Core: the shared kernel's schema. Outbox, audit and other cross-module records will live here.
CREATE SCHEMA IF NOT EXISTS portal;
COMMENT ON SCHEMA portal IS 'ServicePortal shared kernel: migrations journal, outbox, audit';
