-- Adding a person to a tenant no longer attaches an existing account (audit, issue 18). Before, a
-- tenant admin's addMember with any e-mail attached that account at once and showed its display
-- name: an e-mail probe across tenants, and the person's default tenant changed without consent.
-- Now addMember records a pending invitation, whether or not the e-mail has an account (a new
-- account is created for an unknown e-mail, as before, with the password the admin chose); the
-- person becomes a member only by accepting it, signed in as themselves. The admin's result is the
-- same in both cases. (Full invitations — single-use expiring links, declining, expiry — come later.)

CREATE TABLE tenant_invitations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  roles         member_role[] NOT NULL CHECK (cardinality(roles) > 0),
  department_id uuid,
  title         text,
  invited_by_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, user_id),
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE NO ACTION
);
CREATE INDEX tenant_invitations_user_id_idx ON tenant_invitations (user_id);

-- Acting in a tenant: that tenant's invitations (its admins). Acting without a tenant: a user sees
-- their own pending invitations in every tenant (to accept one), as with memberships.
ALTER TABLE tenant_invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_invitations
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
CREATE POLICY invitations_read_own ON tenant_invitations FOR SELECT
  USING (app_tenant_id() IS NULL AND user_id = app_user_id());
GRANT SELECT, DELETE ON tenant_invitations TO jiedai_app;

-- Only a platform admin (creating a tenant with its first admin, the demo seed) may still create or
-- find an account by e-mail and use it directly; a tenant transaction may not.
CREATE OR REPLACE FUNCTION auth_ensure_user(p_email text, p_display_name text, p_password_hash text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_id uuid;
BEGIN
  IF NOT public.app_is_platform_admin() THEN
    RAISE EXCEPTION 'auth_ensure_user is for platform admins' USING ERRCODE = '42501';
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

-- A tenant admin invites a person by e-mail: an unknown e-mail gets a new account (display name and
-- password as given); a known one is left untouched (its name, password and memberships). Either way
-- one pending invitation for this tenant is recorded (again: its roles are replaced) and its id
-- returned — nothing tells the two cases apart. Already a member of this tenant: NULL (the admin sees
-- the tenant's members anyway).
CREATE FUNCTION member_invite(p_email text, p_display_name text, p_password_hash text, p_roles member_role[],
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
  INSERT INTO public.users (email, display_name, password_hash)
    VALUES (lower(p_email), p_display_name, p_password_hash)
    ON CONFLICT (email) DO NOTHING
    RETURNING users.id INTO v_user;
  IF v_user IS NULL THEN
    SELECT u.id INTO v_user FROM public.users u WHERE u.email = lower(p_email);
  END IF;
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

-- The invitee, signed in, accepts (whatever tenant they act in: it is their own invitation): the
-- invitation becomes a membership (and is gone). Someone else's invitation, or none: no row.
CREATE FUNCTION member_accept_invitation(p_invitation_id uuid) RETURNS TABLE (membership_id uuid, tenant_id uuid, roles member_role[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  v_inv public.tenant_invitations;
  v_scope text := current_setting('app.tenant_id', true);
  v_membership uuid;
BEGIN
  IF public.app_user_id() IS NULL THEN
    RAISE EXCEPTION 'accepting an invitation needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  -- Read as the invitee without a tenant (RLS: their own invitations), then write in the
  -- invitation's tenant (RLS), then give the transaction its scope back.
  PERFORM set_config('app.tenant_id', '', true);
  SELECT * INTO v_inv FROM public.tenant_invitations i WHERE i.id = p_invitation_id AND i.user_id = public.app_user_id();
  IF FOUND THEN
    PERFORM set_config('app.tenant_id', v_inv.tenant_id::text, true);
    DELETE FROM public.tenant_invitations i WHERE i.id = v_inv.id;
    INSERT INTO public.memberships (tenant_id, user_id, roles, department_id, title)
      VALUES (v_inv.tenant_id, v_inv.user_id, v_inv.roles, v_inv.department_id, v_inv.title)
      ON CONFLICT (tenant_id, user_id) DO NOTHING
      RETURNING memberships.id INTO v_membership;
    IF v_membership IS NOT NULL THEN
      INSERT INTO public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, data)
        VALUES (v_inv.tenant_id, v_inv.user_id, 'member.joined', 'Membership', v_membership,
                jsonb_build_object('roles', v_inv.roles, 'invitationId', v_inv.id));
    END IF;
  END IF;
  PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
  IF v_membership IS NOT NULL THEN
    membership_id := v_membership;
    tenant_id := v_inv.tenant_id;
    roles := v_inv.roles;
    RETURN NEXT;
  END IF;
END
$$;

-- The signed-in user's pending invitations, with the inviting tenant's name and kind (which they
-- may not otherwise read), whatever tenant they act in.
CREATE FUNCTION member_pending_invitations()
  RETURNS TABLE (id uuid, tenant_id uuid, tenant_name text, tenant_kind tenant_kind, roles member_role[], created_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE v_scope text := current_setting('app.tenant_id', true);
BEGIN
  IF public.app_user_id() IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('app.tenant_id', '', true); -- RLS: the invitee's own invitations
  RETURN QUERY
    SELECT i.id, i.tenant_id, t.name, t.kind, i.roles, i.created_at
      FROM public.tenant_invitations i JOIN public.tenants t ON t.id = i.tenant_id
     WHERE i.user_id = public.app_user_id()
     ORDER BY i.created_at, i.id;
  PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
END
$$;

REVOKE ALL ON FUNCTION member_invite(text, text, text, member_role[], uuid, text), member_accept_invitation(uuid),
  member_pending_invitations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION member_invite(text, text, text, member_role[], uuid, text), member_accept_invitation(uuid),
  member_pending_invitations() TO jiedai_app;
