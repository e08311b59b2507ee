-- ASP.NET Core Data Protection key ring, shared by every node so that each reads the others' cookies and
-- antiforgery tokens. The XML is encrypted with a certificate when one is configured (production).
CREATE TABLE portal.data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
