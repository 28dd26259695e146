-- The schema of a request is chosen from its tenant's kind before the operation's transaction starts.
-- tenant_kind_of answered for any tenant, so a caller who is not a member learnt whether a tenant exists
-- and its kind (another schema, other errors than for a tenant that does not exist). These two answer
-- only for a member (a user's membership) or for a live API key of that tenant: anyone else gets nothing,
-- alike for a tenant that exists and one that does not. The operation's transaction still verifies
-- access (app_member_access / app_api_key_access): these choose a schema, they do not authorize.
--
-- They read memberships and api_keys (FORCE ROW LEVEL SECURITY) as the owner, under the same policies:
-- the scope is set inside the function only (the SET clauses restore the caller's values on exit).

-- A user: no row when the user does not exist; a row with a null kind when they are not a member.
CREATE FUNCTION member_tenant_kind(p_user_id uuid, p_tenant_id uuid)
  RETURNS TABLE (kind tenant_kind)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  SET app.user_id = ''
  AS $$
#variable_conflict use_column
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  PERFORM set_config('app.user_id', p_user_id::text, true);
  RETURN QUERY
    SELECT t.kind
    FROM public.users u
    LEFT JOIN public.memberships m ON m.user_id = u.id AND m.tenant_id = p_tenant_id
    LEFT JOIN public.tenants t ON t.id = m.tenant_id
    WHERE u.id = p_user_id;
END
$$;

-- An API key (the SHA-256 of its secret): the kind of its tenant while the key is not revoked, else null.
CREATE FUNCTION api_key_tenant_kind(p_tenant_id uuid, p_secret_hash text) RETURNS tenant_kind
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  SET app.tenant_id = ''
  AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant_id::text, true);
  RETURN (
    SELECT t.kind
    FROM public.api_keys k JOIN public.tenants t ON t.id = k.tenant_id
    WHERE k.tenant_id = p_tenant_id AND k.secret_hash = p_secret_hash AND k.revoked_at IS NULL
  );
END
$$;

REVOKE ALL ON FUNCTION member_tenant_kind(uuid, uuid), api_key_tenant_kind(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION member_tenant_kind(uuid, uuid), api_key_tenant_kind(uuid, text) TO jiedai_app;
