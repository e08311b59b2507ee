-- The X-Request-Id a client sent, kept as the client's value beside the portal's own request id (the key): a
-- mobile app's support case names its id, the helpdesk finds the call by it; a client can no longer choose, or
-- collide with, the id the audit and the agency see.
ALTER TABLE gateway.proxied_calls ADD COLUMN client_request_id text CHECK (length(client_request_id) <= 64);
CREATE INDEX proxied_calls_client_request ON gateway.proxied_calls (client_request_id) WHERE client_request_id IS NOT NULL;
