-- GitHub webhook deliveries become an inbox: the payload is kept from the claim until the delivery
-- is processed, under a lease that the processing replica renews. A replica that dies while
-- processing leaves the row unprocessed with a lapsed lease; another replica processes it again
-- (executions started from a delivery have ids derived from its id, so nothing starts twice).
-- A failed processing is tried again, up to 5 times, then kept with lease_until NULL.
ALTER TABLE webhook_deliveries ADD COLUMN payload jsonb;
ALTER TABLE webhook_deliveries ADD COLUMN lease_until timestamptz;
ALTER TABLE webhook_deliveries ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE webhook_deliveries ADD COLUMN last_error text;
CREATE INDEX webhook_deliveries_unfinished ON webhook_deliveries (lease_until)
  WHERE processed_at IS NULL AND lease_until IS NOT NULL;
