-- Signed webhooks (issue 16): a tenant's endpoints subscribed to public event types, and one delivery per
-- (endpoint, event) made from the tenant's event log (0002 event_log, gapless `seq` in commit order).
--
-- * An endpoint keeps a cursor (`dispatched_seq`): the dispatcher job reads the event log after it, in seq
--   order, creates the deliveries of the events the endpoint subscribes to and moves the cursor, in one
--   transaction with the endpoint row locked; UNIQUE (endpoint_id, event_seq) makes a second dispatcher's
--   insert a no-op. So every committed event an enabled endpoint subscribes to gets exactly one delivery.
-- * The delivery job sends one endpoint's deliveries in seq order, holding the endpoint's lease
--   (`lease_until`) so two job runners never send for one endpoint at once.
-- * Signing secrets are kept readable (HMAC needs them): the previous secret stays valid until
--   `previous_secret_expires_at` after a rotation. They are never audited nor returned after creation/rotation.

CREATE TYPE webhook_delivery_status AS ENUM ('PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED');

CREATE TABLE webhook_endpoints (
  id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url                        text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  description                text CHECK (length(description) <= 500),
  event_types                text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
  enabled                    boolean NOT NULL DEFAULT true,
  disabled_reason            text,
  disabled_at                timestamptz(6),
  secret                     text NOT NULL,
  previous_secret            text,
  previous_secret_expires_at timestamptz(6),
  secret_rotated_at          timestamptz(6),
  -- The last event seq the dispatcher has looked at for this endpoint (events after it are not dispatched yet).
  dispatched_seq             bigint NOT NULL DEFAULT 0 CHECK (dispatched_seq >= 0),
  -- Only one job runner sends for an endpoint at a time: the one whose lease has not run out.
  lease_until                timestamptz(6),
  consecutive_failures       integer NOT NULL DEFAULT 0,
  failing_since              timestamptz(6),
  created_by_id              uuid,
  created_at                 timestamptz(6) NOT NULL DEFAULT now(),
  updated_at                 timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL)),
  CHECK (enabled OR disabled_at IS NOT NULL)
);
CREATE TRIGGER webhook_endpoints_touch BEFORE UPDATE ON webhook_endpoints FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE webhook_deliveries (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  endpoint_id        uuid NOT NULL,
  event_seq          bigint NOT NULL,
  -- The public event type (webhook.events.ts), e.g. task.changed.
  event_type         text NOT NULL,
  status             webhook_delivery_status NOT NULL DEFAULT 'PENDING',
  attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_response_code integer,
  last_latency_ms    integer,
  last_error         text CHECK (length(last_error) <= 2000),
  -- The first bytes of the last response body (capped by the sender).
  last_response_body text CHECK (length(last_response_body) <= 4096),
  last_attempt_at    timestamptz(6),
  next_attempt_at    timestamptz(6) NOT NULL DEFAULT now(),
  delivered_at       timestamptz(6),
  created_at         timestamptz(6) NOT NULL DEFAULT now(),
  updated_at         timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (endpoint_id, event_seq),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, event_seq) REFERENCES event_log (tenant_id, seq) ON DELETE CASCADE
);
CREATE TRIGGER webhook_deliveries_touch BEFORE UPDATE ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
-- The next delivery of an endpoint (the oldest not yet delivered) and the delivery log, newest first.
CREATE INDEX webhook_deliveries_open ON webhook_deliveries (tenant_id, endpoint_id, event_seq) WHERE status IN ('PENDING', 'RETRYING');
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (tenant_id, endpoint_id, created_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO jiedai_app;
-- Deliveries go when their endpoint goes (cascade); otherwise they are a log.
GRANT SELECT, INSERT, UPDATE ON webhook_deliveries TO jiedai_app;
