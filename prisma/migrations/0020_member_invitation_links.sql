-- Invitations by e-mail (issue 15). A tenant admin's addMember no longer creates an account nor sets a
-- password: it records a pending invitation for an e-mail address and mails a single-use, expiring link
-- (`jdi_…`, only its SHA-256 is kept, like survey and reset tokens). Whoever holds the link accepts it
-- (acceptMemberInvitationByToken): a new person sets their password and their account is created then;
-- a person who already has an account is added to the tenant without a new password (holding the link
-- proves the mailbox, as a reset link does). Resending gives a new link (the old one is dead at once);
-- revoking and accepting delete the invitation, so a link works once. Nothing about an e-mail of another
-- tenant is told to the inviting admin, and nothing is attached until the person accepts.
--
-- Invitations name the e-mail, not an account (an account may come into existence between the invitation
-- and its acceptance, or never): `user_id` gives way to `email`. A signed-in person still sees and
-- accepts the pending invitations to their own e-mail (viewer.memberInvitations, acceptMemberInvitation).

ALTER TABLE tenant_invitations ADD COLUMN email text;
UPDATE tenant_invitations i SET email = u.email FROM users u WHERE u.id = i.user_id;
ALTER TABLE tenant_invitations ALTER COLUMN email SET NOT NULL;
ALTER TABLE tenant_invitations ADD CONSTRAINT tenant_invitations_email_check CHECK (email = lower(email) AND email LIKE '%_@_%');
-- The name the admin gave, for the account if the person has none yet.
ALTER TABLE tenant_invitations ADD COLUMN display_name text;
UPDATE tenant_invitations i SET display_name = u.display_name FROM users u WHERE u.id = i.user_id;
ALTER TABLE tenant_invitations ALTER COLUMN display_name SET NOT NULL;
ALTER TABLE tenant_invitations ADD CONSTRAINT tenant_invitations_display_name_check CHECK (length(btrim(display_name)) BETWEEN 1 AND 200);
-- The link's token (its SHA-256; none for invitations made before links existed: accepted signed in only).
ALTER TABLE tenant_invitations ADD COLUMN token_hash text UNIQUE;
ALTER TABLE tenant_invitations ADD COLUMN expires_at timestamptz(6);
UPDATE tenant_invitations SET expires_at = created_at + interval '30 days';
ALTER TABLE tenant_invitations ALTER COLUMN expires_at SET NOT NULL;

DROP POLICY invitations_read_own ON tenant_invitations;
ALTER TABLE tenant_invitations DROP CONSTRAINT tenant_invitations_tenant_id_user_id_key;
DROP INDEX tenant_invitations_user_id_idx;
ALTER TABLE tenant_invitations DROP COLUMN user_id;
ALTER TABLE tenant_invitations ADD CONSTRAINT tenant_invitations_tenant_id_email_key UNIQUE (tenant_id, email);
CREATE INDEX tenant_invitations_email_idx ON tenant_invitations (email);

-- The e-mail of the signed-in user (users' RLS shows them their own row anyway).
CREATE FUNCTION app_user_email() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT u.email FROM public.users u WHERE u.id = public.app_user_id() $$;
REVOKE ALL ON FUNCTION app_user_email() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_email() TO jiedai_app;

-- Acting without a tenant, a user sees the invitations to their own e-mail in every tenant.
CREATE POLICY invitations_read_own ON tenant_invitations FOR SELECT
  USING (app_tenant_id() IS NULL AND app_user_id() IS NOT NULL AND email = app_user_email());

DROP FUNCTION member_invite(text, text, text, member_role[], uuid, text);

-- A tenant admin invites an e-mail: one pending invitation per tenant and e-mail (inviting again replaces
-- its roles and its link). No account is created or looked at beyond "is this e-mail already a member
-- here" (NULL then: the admin sees the tenant's members anyway). Returns the invitation's id.
CREATE FUNCTION member_invite(p_email text, p_display_name text, p_roles member_role[], p_department_id uuid, p_title text,
                              p_token_hash text, p_ttl interval) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  v_tenant uuid := public.app_tenant_id();
  v_id uuid;
BEGIN
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'member_invite needs a tenant' USING ERRCODE = '42501';
  END IF;
  IF EXISTS (SELECT 1 FROM public.memberships m JOIN public.users u ON u.id = m.user_id
              WHERE m.tenant_id = v_tenant AND u.email = lower(p_email)) THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.tenant_invitations (tenant_id, email, display_name, roles, department_id, title, invited_by_id, token_hash, expires_at)
    VALUES (v_tenant, lower(p_email), p_display_name, p_roles, p_department_id, p_title, public.app_user_id(), p_token_hash, now() + p_ttl)
    ON CONFLICT (tenant_id, email) DO UPDATE
      SET display_name = EXCLUDED.display_name, roles = EXCLUDED.roles, department_id = EXCLUDED.department_id,
          title = EXCLUDED.title, invited_by_id = EXCLUDED.invited_by_id, token_hash = EXCLUDED.token_hash,
          expires_at = EXCLUDED.expires_at, created_at = now()
    RETURNING tenant_invitations.id INTO v_id;
  RETURN v_id;
END
$$;

-- A new link for a pending invitation of this tenant (the old one stops working); returns its e-mail
-- and name, for the mail. Unknown (or another tenant's): no row.
CREATE FUNCTION member_resend_invitation(p_id uuid, p_token_hash text, p_ttl interval)
  RETURNS TABLE (email text, display_name text, roles member_role[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
BEGIN
  IF public.app_tenant_id() IS NULL THEN
    RAISE EXCEPTION 'member_resend_invitation needs a tenant' USING ERRCODE = '42501';
  END IF;
  RETURN QUERY
    UPDATE public.tenant_invitations i SET token_hash = p_token_hash, expires_at = now() + p_ttl
     WHERE i.id = p_id AND i.tenant_id = public.app_tenant_id()
    RETURNING i.email, i.display_name, i.roles;
END
$$;

-- The link's token names its tenant (`jdi_<tenant>_<secret>`, shared/public-links.ts); the tenant is only a
-- selector: the invitation is looked up by the token's hash in that tenant's RLS scope. These two run for
-- anyone (the link is the permission), whatever scope the caller's transaction has, and give it back.

-- What the holder of a link may see of it (the accept page): the inviting tenant, the roles, the e-mail
-- and whether it has an account (the holder proved the mailbox). Unknown, expired, revoked, used: no row.
CREATE FUNCTION member_invitation_by_token(p_tenant uuid, p_token_hash text)
  RETURNS TABLE (tenant_name text, tenant_kind tenant_kind, roles member_role[], email text, display_name text,
                 has_account boolean, expires_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE v_scope text := current_setting('app.tenant_id', true); v_inv public.tenant_invitations;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT i.* INTO v_inv FROM public.tenant_invitations i WHERE i.token_hash = p_token_hash AND i.expires_at > now();
  PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
  IF v_inv.id IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
    SELECT t.name, t.kind, v_inv.roles, v_inv.email, v_inv.display_name,
           EXISTS (SELECT 1 FROM public.users u WHERE u.email = v_inv.email), v_inv.expires_at
      FROM public.tenants t WHERE t.id = v_inv.tenant_id;
END
$$;

-- Accepts a link: the invitation becomes a membership and is gone (a link works once). A person without
-- an account gets one now, with the password hash given; without one: status PASSWORD_REQUIRED and
-- nothing changes. An existing account is never changed (a hash given for it is ignored). Unknown,
-- expired, revoked, used: no row. Recorded in the tenant's audit log as the person's own act.
CREATE FUNCTION member_accept_invitation_by_token(p_tenant uuid, p_token_hash text, p_password_hash text)
  RETURNS TABLE (status text, user_id uuid, membership_id uuid, tenant_id uuid, roles member_role[], email text, created_account boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  v_scope text := current_setting('app.tenant_id', true);
  v_inv public.tenant_invitations;
  v_user uuid;
  v_created boolean := false;
  v_membership uuid;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT i.* INTO v_inv FROM public.tenant_invitations i WHERE i.token_hash = p_token_hash AND i.expires_at > now() FOR UPDATE;
  IF v_inv.id IS NULL THEN
    PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
    RETURN;
  END IF;
  SELECT u.id INTO v_user FROM public.users u WHERE u.email = v_inv.email;
  IF v_user IS NULL AND p_password_hash IS NULL THEN
    PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
    status := 'PASSWORD_REQUIRED';
    RETURN NEXT;
    RETURN;
  END IF;
  IF v_user IS NULL THEN
    v_user := public.auth_create_or_find_user(v_inv.email, v_inv.display_name, p_password_hash);
    v_created := true;
  END IF;
  DELETE FROM public.tenant_invitations i WHERE i.id = v_inv.id;
  INSERT INTO public.memberships (tenant_id, user_id, roles, department_id, title)
    VALUES (v_inv.tenant_id, v_user, v_inv.roles, v_inv.department_id, v_inv.title)
    ON CONFLICT (tenant_id, user_id) DO NOTHING
    RETURNING memberships.id INTO v_membership;
  IF v_membership IS NULL THEN
    SELECT m.id INTO v_membership FROM public.memberships m WHERE m.tenant_id = v_inv.tenant_id AND m.user_id = v_user;
  ELSE
    INSERT INTO public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, data)
      VALUES (v_inv.tenant_id, v_user, 'member.joined', 'Membership', v_membership,
              jsonb_build_object('roles', v_inv.roles, 'invitationId', v_inv.id, 'by', 'link', 'newAccount', v_created));
  END IF;
  PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
  status := 'ACCEPTED';
  user_id := v_user;
  membership_id := v_membership;
  tenant_id := v_inv.tenant_id;
  roles := v_inv.roles;
  email := v_inv.email;
  created_account := v_created;
  RETURN NEXT;
END
$$;

-- The signed-in person accepts a pending invitation to their own e-mail by its id (as before, now by e-mail).
CREATE OR REPLACE FUNCTION member_accept_invitation(p_invitation_id uuid) RETURNS TABLE (membership_id uuid, tenant_id uuid, roles member_role[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  v_inv public.tenant_invitations;
  v_scope text := current_setting('app.tenant_id', true);
  v_user uuid := public.app_user_id();
  v_membership uuid;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'accepting an invitation needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  -- Read as the invitee without a tenant (RLS: the invitations to their e-mail), then write in the
  -- invitation's tenant (RLS), then give the transaction its scope back.
  PERFORM set_config('app.tenant_id', '', true);
  SELECT * INTO v_inv FROM public.tenant_invitations i
   WHERE i.id = p_invitation_id AND i.email = public.app_user_email() AND i.expires_at > now();
  IF FOUND THEN
    PERFORM set_config('app.tenant_id', v_inv.tenant_id::text, true);
    DELETE FROM public.tenant_invitations i WHERE i.id = v_inv.id;
    INSERT INTO public.memberships (tenant_id, user_id, roles, department_id, title)
      VALUES (v_inv.tenant_id, v_user, v_inv.roles, v_inv.department_id, v_inv.title)
      ON CONFLICT (tenant_id, user_id) DO NOTHING
      RETURNING memberships.id INTO v_membership;
    IF v_membership IS NOT NULL THEN
      INSERT INTO public.audit_log (tenant_id, actor_user_id, action, target_type, target_id, data)
        VALUES (v_inv.tenant_id, v_user, 'member.joined', 'Membership', v_membership,
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

CREATE OR REPLACE FUNCTION member_pending_invitations()
  RETURNS TABLE (id uuid, tenant_id uuid, tenant_name text, tenant_kind tenant_kind, roles member_role[], created_at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE v_scope text := current_setting('app.tenant_id', true);
BEGIN
  IF public.app_user_id() IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('app.tenant_id', '', true); -- RLS: the invitations to the invitee's e-mail
  RETURN QUERY
    SELECT i.id, i.tenant_id, t.name, t.kind, i.roles, i.created_at
      FROM public.tenant_invitations i JOIN public.tenants t ON t.id = i.tenant_id
     WHERE i.email = public.app_user_email() AND i.expires_at > now()
     ORDER BY i.created_at, i.id;
  PERFORM set_config('app.tenant_id', coalesce(v_scope, ''), true);
END
$$;

REVOKE ALL ON FUNCTION member_invite(text, text, member_role[], uuid, text, text, interval), member_resend_invitation(uuid, text, interval),
  member_invitation_by_token(uuid, text), member_accept_invitation_by_token(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION member_invite(text, text, member_role[], uuid, text, text, interval), member_resend_invitation(uuid, text, interval),
  member_invitation_by_token(uuid, text), member_accept_invitation_by_token(uuid, text, text) TO jiedai_app;
