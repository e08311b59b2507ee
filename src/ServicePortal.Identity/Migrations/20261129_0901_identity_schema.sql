-- Identity module: its own schema. Other modules read it only through the module's code.
CREATE SCHEMA IF NOT EXISTS identity;
COMMENT ON SCHEMA identity IS 'ServicePortal Identity module';
