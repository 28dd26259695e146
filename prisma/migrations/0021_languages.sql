-- Languages (issue 15): messages in zh-Hans or en, chosen per request. A person may set the language they
-- want (`users.preferred_language`, NULL: none); a tenant's default is its existing `locale` (zh-Hans unless
-- a tenant admin changes it). Both come back with the access check the operation runs anyway (one
-- statement, no extra round trip): app_member_access and app_api_key_access gain the caller's preferred
-- language and the tenant's locale.

ALTER TABLE users ADD COLUMN preferred_language text
  CONSTRAINT users_preferred_language_check CHECK (preferred_language IN ('zh-Hans', 'en'));
GRANT SELECT (preferred_language) ON users TO jiedai_app;

DROP FUNCTION app_member_access(integer, uuid);
CREATE FUNCTION app_member_access(p_epoch integer, p_session uuid)
  RETURNS TABLE (is_platform_admin boolean, roles text[], session_valid boolean, preferred_language text, tenant_locale text)
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT u.is_platform_admin, m.roles::text[],
           u.session_epoch = p_epoch AND NOT EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = p_session),
           u.preferred_language,
           (SELECT t.locale FROM tenants t WHERE t.id = app_tenant_id() AND m.id IS NOT NULL)
    FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = app_tenant_id()
    WHERE u.id = app_user_id();
END
$$;
REVOKE ALL ON FUNCTION app_member_access(integer, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_member_access(integer, uuid) TO jiedai_app;

DROP FUNCTION app_api_key_access(text);
CREATE FUNCTION app_api_key_access(p_secret_hash text)
  RETURNS TABLE (id uuid, role text, stale boolean, tenant_locale text)
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT k.id, k.role::text, (k.last_used_at IS NULL OR k.last_used_at < now() - interval '5 minutes'),
           (SELECT t.locale FROM tenants t WHERE t.id = app_tenant_id())
    FROM api_keys k
    WHERE k.secret_hash = p_secret_hash AND k.revoked_at IS NULL;
END
$$;
REVOKE ALL ON FUNCTION app_api_key_access(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_api_key_access(text) TO jiedai_app;

-- The signed-in person's own preferred language (NULL: none). The app role cannot write users.
CREATE FUNCTION auth_set_own_preferred_language(p_language text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_user uuid := public.app_user_id();
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'auth_set_own_preferred_language needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  UPDATE public.users SET preferred_language = p_language, updated_at = now() WHERE id = v_user;
END
$$;
REVOKE ALL ON FUNCTION auth_set_own_preferred_language(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_set_own_preferred_language(text) TO jiedai_app;
