-- Requests module: its own schema. Other modules read it only through the module's code.
CREATE SCHEMA IF NOT EXISTS requests;
COMMENT ON SCHEMA requests IS 'ServicePortal Requests module';
