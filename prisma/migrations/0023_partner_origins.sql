-- Partner origins (issue 16): the browser origins (scheme://host[:port]) a tenant lets call the API from,
-- managed by its admins. The gateway answers CORS from them (services/gateway/src/plugins/cors.ts): a
-- request acting in a tenant gets Access-Control-Allow-Origin only for an origin of that tenant; a request
-- acting in no tenant, and a preflight (which carries no credential), only for an origin some tenant allows.

CREATE TABLE tenant_cors_origins (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Lower-case, no path, no trailing slash, default ports left out (the service normalizes it).
  origin        text NOT NULL CHECK (origin ~ '^https?://[a-z0-9.:\[\]-]+$' AND length(origin) <= 300),
  note          text CHECK (note IS NULL OR length(note) <= 200),
  created_by_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, origin)
);

ALTER TABLE tenant_cors_origins ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_cors_origins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_cors_origins USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
GRANT SELECT, INSERT, DELETE ON tenant_cors_origins TO jiedai_app;

-- Every origin some tenant allows, with how many do (no tenant ids): what a preflight is answered from.
-- Kept by a trigger on tenant_cors_origins; the app role cannot read it (only cors_origin_allowed).
CREATE TABLE cors_known_origins (
  origin  text PRIMARY KEY,
  tenants integer NOT NULL CHECK (tenants > 0)
);
ALTER TABLE cors_known_origins ENABLE ROW LEVEL SECURITY;

CREATE FUNCTION cors_known_origins_count() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.cors_known_origins (origin, tenants) VALUES (NEW.origin, 1)
      ON CONFLICT (origin) DO UPDATE SET tenants = cors_known_origins.tenants + 1;
    RETURN NEW;
  END IF;
  DELETE FROM public.cors_known_origins WHERE origin = OLD.origin AND tenants <= 1;
  IF NOT FOUND THEN
    UPDATE public.cors_known_origins SET tenants = tenants - 1 WHERE origin = OLD.origin;
  END IF;
  RETURN OLD;
END
$$;
REVOKE ALL ON FUNCTION cors_known_origins_count() FROM PUBLIC;

CREATE TRIGGER tenant_cors_origins_known AFTER INSERT OR DELETE ON tenant_cors_origins
  FOR EACH ROW EXECUTE FUNCTION cors_known_origins_count();

-- Whether the tenant (or, with a null tenant, any tenant) allows the origin. Before any transaction of the
-- request (the gateway caches the answer for a few seconds).
CREATE FUNCTION cors_origin_allowed(p_tenant_id uuid, p_origin text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  AS $$
BEGIN
  IF p_tenant_id IS NULL THEN
    RETURN EXISTS (SELECT 1 FROM public.cors_known_origins k WHERE k.origin = p_origin);
  END IF;
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  RETURN EXISTS (SELECT 1 FROM public.tenant_cors_origins o WHERE o.tenant_id = p_tenant_id AND o.origin = p_origin);
END
$$;
REVOKE ALL ON FUNCTION cors_origin_allowed(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cors_origin_allowed(uuid, text) TO jiedai_app;
