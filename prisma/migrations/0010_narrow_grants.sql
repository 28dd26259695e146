-- The app role's grants narrowed to what the API uses (audit, issue 18).
--
-- Password hashes leave `users` for `user_credentials`, which the app role cannot read or write at
-- all: sign-in reads a hash only through auth_find_user_by_email (SECURITY DEFINER), accounts get
-- theirs through auth_ensure_user / member_invite. Before, any member's transaction could SELECT
-- the password hashes of every co-member (users' RLS shows co-members).
CREATE TABLE user_credentials (
  user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  updated_at    timestamptz(6) NOT NULL DEFAULT now()
);
ALTER TABLE user_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_credentials FORCE ROW LEVEL SECURITY;
-- No policy and no grant: nobody but the owner (through the functions below) reads it.
REVOKE ALL ON user_credentials FROM PUBLIC, jiedai_app;

INSERT INTO user_credentials (user_id, password_hash)
  SELECT id, password_hash FROM users WHERE password_hash IS NOT NULL;
ALTER TABLE users DROP COLUMN password_hash;

CREATE OR REPLACE FUNCTION auth_find_user_by_email(p_email text)
  RETURNS TABLE (id uuid, password_hash text, is_platform_admin boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT u.id, c.password_hash, u.is_platform_admin
          FROM public.users u LEFT JOIN public.user_credentials c ON c.user_id = u.id
         WHERE u.email = lower(p_email) $$;

-- Creates the account for an unknown e-mail (with its password hash, if any); returns its id and
-- whether it was created. Owner-only helper of the two SECURITY DEFINER functions below.
CREATE FUNCTION auth_create_or_find_user(p_email text, p_display_name text, p_password_hash text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_id uuid;
BEGIN
  INSERT INTO public.users (email, display_name)
    VALUES (lower(p_email), p_display_name)
    ON CONFLICT (email) DO NOTHING
    RETURNING users.id INTO v_id;
  IF v_id IS NULL THEN
    SELECT u.id INTO v_id FROM public.users u WHERE u.email = lower(p_email);
  ELSIF p_password_hash IS NOT NULL THEN
    INSERT INTO public.user_credentials (user_id, password_hash) VALUES (v_id, p_password_hash);
  END IF;
  RETURN v_id;
END
$$;
REVOKE ALL ON FUNCTION auth_create_or_find_user(text, text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION auth_ensure_user(p_email text, p_display_name text, p_password_hash text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
BEGIN
  IF NOT public.app_is_platform_admin() THEN
    RAISE EXCEPTION 'auth_ensure_user is for platform admins' USING ERRCODE = '42501';
  END IF;
  RETURN public.auth_create_or_find_user(p_email, p_display_name, p_password_hash);
END
$$;

CREATE OR REPLACE FUNCTION member_invite(p_email text, p_display_name text, p_password_hash text, p_roles member_role[],
                                         p_department_id uuid, p_title text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_tenant uuid := public.app_tenant_id();
  v_user uuid;
  v_id uuid;
BEGIN
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'member_invite needs a tenant' USING ERRCODE = '42501';
  END IF;
  v_user := public.auth_create_or_find_user(p_email, p_display_name, p_password_hash);
  IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.tenant_id = v_tenant AND m.user_id = v_user) THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.tenant_invitations (tenant_id, user_id, roles, department_id, title, invited_by_id)
    VALUES (v_tenant, v_user, p_roles, p_department_id, p_title, public.app_user_id())
    ON CONFLICT (tenant_id, user_id) DO UPDATE
      SET roles = EXCLUDED.roles, department_id = EXCLUDED.department_id, title = EXCLUDED.title,
          invited_by_id = EXCLUDED.invited_by_id, created_at = now()
    RETURNING tenant_invitations.id INTO v_id;
  RETURN v_id;
END
$$;

-- users: read (RLS: oneself, co-members, all for platform admins); the API changes no user row.
REVOKE ALL ON users FROM jiedai_app;
GRANT SELECT (id, email, display_name, is_platform_admin, created_at, updated_at) ON users TO jiedai_app;

-- tenants: created by platform admins, settings changed by tenant admins; the kind and the slug
-- never change (the kind picks the GraphQL schema, the slug names the tenant).
REVOKE ALL ON tenants FROM jiedai_app;
GRANT SELECT ON tenants TO jiedai_app;
-- (Prisma sends @default(now()) values itself: created_at and updated_at are in its INSERT.)
GRANT INSERT (kind, name, slug, locale, time_zone, currency, created_at, updated_at) ON tenants TO jiedai_app;
GRANT UPDATE (name, locale, time_zone, currency) ON tenants TO jiedai_app;
