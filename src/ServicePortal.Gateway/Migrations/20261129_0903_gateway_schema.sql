-- Gateway module: its own schema. Other modules read it only through the module's code.
CREATE SCHEMA IF NOT EXISTS gateway;
COMMENT ON SCHEMA gateway IS 'ServicePortal Gateway module';
