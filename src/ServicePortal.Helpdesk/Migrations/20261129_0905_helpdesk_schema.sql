-- Helpdesk module: its own schema. Other modules read it only through the module's code.
CREATE SCHEMA IF NOT EXISTS helpdesk;
COMMENT ON SCHEMA helpdesk IS 'ServicePortal Helpdesk module';
