-- The access check every operation makes (shared/access.ts in packages/schema), as functions. Sent as
-- text in the transaction's first message (simple protocol, no prepared statement), the join of users
-- and memberships under their policies was planned again for every request: ~0.3 ms of PostgreSQL CPU,
-- more than the rest of a query by id. A PL/pgSQL function keeps its plans for the connection's life.
-- Both run as the caller: RLS applies as before (the scope is set in the same message, just before).
CREATE FUNCTION app_member_access()
  RETURNS TABLE (is_platform_admin boolean, roles text[])
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT u.is_platform_admin, m.roles::text[]
    FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = app_tenant_id()
    WHERE u.id = app_user_id();
END
$$;

CREATE FUNCTION app_api_key_access(p_secret_hash text)
  RETURNS TABLE (id uuid, role text, stale boolean)
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT k.id, k.role::text, (k.last_used_at IS NULL OR k.last_used_at < now() - interval '5 minutes')
    FROM api_keys k
    WHERE k.secret_hash = p_secret_hash AND k.revoked_at IS NULL;
END
$$;
