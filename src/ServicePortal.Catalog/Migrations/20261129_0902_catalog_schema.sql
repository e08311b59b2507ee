-- Catalog module: its own schema. Other modules read it only through the module's code.
CREATE SCHEMA IF NOT EXISTS catalog;
COMMENT ON SCHEMA catalog IS 'ServicePortal Catalog module';
