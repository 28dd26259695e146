-- Jiedai foundation: tenants, users, memberships, departments, API keys, audit log, and each tenant
-- kind's own organization structure (government rank ladder, hospital service points, hotel areas).
--
-- Isolation model
--   * jiedai_app is the role the gateway works as: not superuser, no BYPASSRLS, owns nothing.
--   * Every table with tenant_id has RLS ENABLEd and FORCEd; policies compare tenant_id with
--     app_tenant_id(), i.e. current_setting('app.tenant_id', true), set per transaction with
--     set_config(..., true). With no tenant set, tenant tables show nothing.
--   * Foreign keys between tenant tables include tenant_id, so no row can point into another tenant.
--   * tenants and users are global; RLS is enabled (not forced) so that the few SECURITY DEFINER
--     functions below, owned by the migration owner, can do sign-in and tenant-kind look-ups.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jiedai_app') THEN
    CREATE ROLE jiedai_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO jiedai_app;

CREATE TYPE tenant_kind AS ENUM ('GOVERNMENT_OFFICE', 'HOSPITAL', 'HOTEL');
CREATE TYPE member_role AS ENUM ('TENANT_ADMIN', 'COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER');
CREATE TYPE service_point_kind AS ENUM
  ('GUIDE_DESK', 'TRIAGE', 'REPORT_PICKUP', 'GREEN_CHANNEL', 'CASHIER_WINDOW', 'WAITING_AREA', 'PHARMACY', 'OTHER');
CREATE TYPE hotel_area_kind AS ENUM
  ('MEETING_VENUE', 'GUEST_ROOM_FLOOR', 'RESTAURANT', 'MONITORING_ROOM', 'FRONT_DESK', 'OTHER');

CREATE FUNCTION app_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

-- ── global tables ──────────────────────────────────────────────────────────────────────────────
CREATE TABLE tenants (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind       tenant_kind NOT NULL,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  locale     text NOT NULL DEFAULT 'zh-Hans',
  time_zone  text NOT NULL DEFAULT 'Asia/Shanghai',
  currency   char(3) NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  updated_at timestamptz(6) NOT NULL DEFAULT now()
);
CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE users (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email             text NOT NULL UNIQUE CHECK (email = lower(email) AND email LIKE '%_@_%'),
  display_name      text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  password_hash     text,
  is_platform_admin boolean NOT NULL DEFAULT false,
  created_at        timestamptz(6) NOT NULL DEFAULT now(),
  updated_at        timestamptz(6) NOT NULL DEFAULT now()
);
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ── tenant tables ──────────────────────────────────────────────────────────────────────────────
CREATE TABLE departments (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  code       text,
  parent_id  uuid,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id) ON DELETE NO ACTION,
  CHECK (parent_id IS DISTINCT FROM id)
);

CREATE TABLE ranks (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  name_en    text,
  level      integer NOT NULL CHECK (level BETWEEN 1 AND 100),
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE memberships (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  roles         member_role[] NOT NULL CHECK (cardinality(roles) > 0),
  department_id uuid,
  rank_id       uuid,
  title         text,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  updated_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, user_id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, rank_id) REFERENCES ranks (tenant_id, id) ON DELETE NO ACTION
);
CREATE INDEX memberships_user_id_idx ON memberships (user_id);
CREATE TRIGGER memberships_touch BEFORE UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  prefix        text NOT NULL,
  secret_hash   text NOT NULL UNIQUE,
  role          member_role NOT NULL CHECK (role <> 'TENANT_ADMIN'),
  created_by_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  last_used_at  timestamptz(6),
  revoked_at    timestamptz(6),
  UNIQUE (tenant_id, id)
);

CREATE TABLE audit_log (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  actor_user_id    uuid,
  actor_api_key_id uuid,
  action           text NOT NULL,
  target_type      text NOT NULL,
  target_id        uuid,
  data             jsonb,
  request_id       text,
  created_at       timestamptz(6) NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_id_created_at_idx ON audit_log (tenant_id, created_at);

CREATE TABLE service_points (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind          service_point_kind NOT NULL,
  department_id uuid,
  location      text,
  is_peak_only  boolean NOT NULL DEFAULT false,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name),
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE NO ACTION
);

CREATE TABLE hotel_areas (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind       hotel_area_kind NOT NULL,
  floor      integer,
  capacity   integer CHECK (capacity IS NULL OR capacity >= 0),
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);

-- ── security-definer look-ups (run as the owner; EXECUTE granted to the app role only) ──────────
CREATE FUNCTION app_is_platform_admin() RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT coalesce((SELECT u.is_platform_admin FROM public.users u WHERE u.id = public.app_user_id()), false) $$;

-- Sign-in: the app role cannot list users; it may fetch one by exact e-mail to verify a password.
CREATE FUNCTION auth_find_user_by_email(p_email text)
  RETURNS TABLE (id uuid, password_hash text, is_platform_admin boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT u.id, u.password_hash, u.is_platform_admin FROM public.users u WHERE u.email = lower(p_email) $$;

-- Adding a person to a tenant: returns the existing account for that e-mail (its password untouched)
-- or creates one. Only inside a tenant transaction or for a platform admin.
CREATE FUNCTION auth_ensure_user(p_email text, p_display_name text, p_password_hash text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_id uuid;
BEGIN
  IF public.app_tenant_id() IS NULL AND NOT public.app_is_platform_admin() THEN
    RAISE EXCEPTION 'auth_ensure_user needs a tenant or a platform admin' USING ERRCODE = '42501';
  END IF;
  INSERT INTO public.users (email, display_name, password_hash)
    VALUES (lower(p_email), p_display_name, p_password_hash)
    ON CONFLICT (email) DO NOTHING
    RETURNING users.id INTO v_id;
  IF v_id IS NULL THEN
    SELECT u.id INTO v_id FROM public.users u WHERE u.email = lower(p_email);
  END IF;
  RETURN v_id;
END
$$;

-- The tenant's kind picks the GraphQL schema before the operation's transaction starts; it never changes.
CREATE FUNCTION tenant_kind_of(p_tenant_id uuid) RETURNS tenant_kind
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT t.kind FROM public.tenants t WHERE t.id = p_tenant_id $$;

REVOKE ALL ON FUNCTION app_is_platform_admin(), auth_find_user_by_email(text),
  auth_ensure_user(text, text, text), tenant_kind_of(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_is_platform_admin(), auth_find_user_by_email(text),
  auth_ensure_user(text, text, text), tenant_kind_of(uuid) TO jiedai_app;

-- ── row-level security ─────────────────────────────────────────────────────────────────────────
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenants_read ON tenants FOR SELECT USING (
  id = app_tenant_id()
  OR app_is_platform_admin()
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = tenants.id AND m.user_id = app_user_id())
);
CREATE POLICY tenants_create ON tenants FOR INSERT WITH CHECK (app_is_platform_admin());
CREATE POLICY tenants_update ON tenants FOR UPDATE
  USING (id = app_tenant_id() OR app_is_platform_admin())
  WITH CHECK (id = app_tenant_id() OR app_is_platform_admin());

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_read ON users FOR SELECT USING (
  id = app_user_id()
  OR app_is_platform_admin()
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.tenant_id = app_tenant_id())
);
CREATE POLICY users_update_self ON users FOR UPDATE USING (id = app_user_id()) WITH CHECK (id = app_user_id());

-- Acting without a tenant (signing in, choosing one), a user sees their own memberships in every
-- tenant; acting in a tenant, only that tenant's rows are visible, their own included.
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_read_own ON memberships FOR SELECT
  USING (app_tenant_id() IS NULL AND user_id = app_user_id());
CREATE POLICY tenant_isolation ON memberships
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['departments', 'ranks', 'api_keys', 'audit_log', 'service_points', 'hotel_areas'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

-- ── grants ─────────────────────────────────────────────────────────────────────────────────────
GRANT SELECT, INSERT, UPDATE ON tenants TO jiedai_app;
GRANT SELECT, UPDATE (display_name, password_hash) ON users TO jiedai_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, departments, ranks, api_keys, service_points, hotel_areas
  TO jiedai_app;
-- The audit log is append-only for the application.
GRANT SELECT, INSERT ON audit_log TO jiedai_app;
