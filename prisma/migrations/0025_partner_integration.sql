-- Persisted operations (trusted documents, issue 16): a tenant registers its partner apps' GraphQL documents
-- by their SHA-256 (hex, of the document's exact text, as Apollo's and GraphQL-over-HTTP's persisted documents);
-- a request names one with `extensions.persistedQuery.sha256Hash` (or `documentId: "sha256:<hash>"`) instead of
-- sending the text. An API key can be held to registered documents only (`persisted_operations_only`), and the
-- tenant decides whether its signed-in members may still send any document (`arbitrary_operations_for_members`).
-- The gateway reads both through SECURITY DEFINER functions, after the credential was verified for the tenant.

CREATE TABLE persisted_operations (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- The partner app the document belongs to (free text, e.g. "his-integration@2.3"), for listing.
  client_name    text NOT NULL CHECK (length(client_name) BETWEEN 1 AND 100),
  hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  document       text NOT NULL CHECK (length(document) BETWEEN 1 AND 100000),
  operation_name text CHECK (operation_name IS NULL OR length(operation_name) <= 200),
  created_by_id  uuid,
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, hash)
);
CREATE INDEX persisted_operations_client ON persisted_operations (tenant_id, client_name, created_at);

ALTER TABLE persisted_operations ENABLE ROW LEVEL SECURITY;
ALTER TABLE persisted_operations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON persisted_operations USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON persisted_operations TO jiedai_app;

ALTER TABLE api_keys ADD COLUMN persisted_operations_only boolean NOT NULL DEFAULT false;
GRANT UPDATE (persisted_operations_only) ON api_keys TO jiedai_app;

ALTER TABLE tenants ADD COLUMN arbitrary_operations_for_members boolean NOT NULL DEFAULT true;
GRANT INSERT (arbitrary_operations_for_members), UPDATE (arbitrary_operations_for_members) ON tenants TO jiedai_app;

-- The text of a tenant's persisted document, or null.
CREATE FUNCTION persisted_operation_document(p_tenant_id uuid, p_hash text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  RETURN (SELECT o.document FROM public.persisted_operations o WHERE o.tenant_id = p_tenant_id AND o.hash = p_hash);
END
$$;

-- Whether a caller of the tenant may send a document that is not persisted: an API key (its secret's hash
-- given) unless it is held to persisted operations; a member (no hash) when the tenant allows it.
CREATE FUNCTION arbitrary_operations_allowed(p_tenant_id uuid, p_api_key_hash text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  IF p_api_key_hash IS NOT NULL THEN
    RETURN coalesce((SELECT NOT k.persisted_operations_only FROM public.api_keys k
                      WHERE k.tenant_id = p_tenant_id AND k.secret_hash = p_api_key_hash), false);
  END IF;
  RETURN coalesce((SELECT t.arbitrary_operations_for_members FROM public.tenants t WHERE t.id = p_tenant_id), false);
END
$$;

REVOKE ALL ON FUNCTION persisted_operation_document(uuid, text), arbitrary_operations_allowed(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION persisted_operation_document(uuid, text), arbitrary_operations_allowed(uuid, text) TO jiedai_app;

-- Webhook metrics: the open deliveries of every tenant (no tenant ids), for the gateway's /metrics.
CREATE FUNCTION webhook_queue_depth() RETURNS TABLE (status text, deliveries bigint, oldest_seconds double precision)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  AS $$
DECLARE
  t uuid;
  pending bigint := 0;
  retrying bigint := 0;
  oldest timestamptz;
  r record;
BEGIN
  FOR t IN SELECT tn.id FROM public.tenants tn LOOP
    PERFORM set_config('app.tenant_id', t::text, true);
    FOR r IN SELECT d.status, count(*) AS n, min(d.created_at) AS first FROM public.webhook_deliveries d
               WHERE d.tenant_id = t AND d.status IN ('PENDING', 'RETRYING') GROUP BY d.status LOOP
      IF r.status = 'PENDING' THEN pending := pending + r.n; ELSE retrying := retrying + r.n; END IF;
      IF oldest IS NULL OR r.first < oldest THEN oldest := r.first; END IF;
    END LOOP;
  END LOOP;
  PERFORM set_config('app.tenant_id', '', true);
  RETURN QUERY SELECT 'PENDING'::text, pending, coalesce(extract(epoch FROM now() - oldest)::double precision, 0)
    UNION ALL SELECT 'RETRYING'::text, retrying, coalesce(extract(epoch FROM now() - oldest)::double precision, 0);
END
$$;
REVOKE ALL ON FUNCTION webhook_queue_depth() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhook_queue_depth() TO jiedai_app;

-- Plan issues raised (webhook `visit.plan_issues_raised`): the issues a visit's plan had after its last change,
-- as keys (code and the records it names), so a change that brings a new one can say so. Kept by the visit
-- service after every change of the visit (visit.service.ts, changeVisit); plan issues themselves stay computed.
CREATE TABLE visit_plan_issue_states (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id   uuid NOT NULL,
  issue_keys text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, visit_id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE visit_plan_issue_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_plan_issue_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON visit_plan_issue_states USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON visit_plan_issue_states TO jiedai_app;
