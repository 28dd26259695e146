-- Sessions that can end, passwords a person changes or resets themselves (issue 15).
--
-- * An access token (JWT) names its session (`jti`) and the account's session epoch (`sv`). A token
--   counts only while its epoch is the account's current one and its session is not revoked: changing
--   or resetting the password, and signing out everywhere, move the epoch on (every earlier token stops
--   working at once); signing out revokes the one session. app_member_access checks both in the same
--   statement that checks the membership, so the check costs no round trip.
-- * Password reset tokens are stored as SHA-256 hashes, single-use, expiring; asking for one never says
--   whether the e-mail has an account.
-- * Every change is recorded in user_security_events (the person's own log; a password change is not a
--   tenant's business), written by the functions themselves in the same transaction.
-- The app role reads none of the new tables but revoked_sessions (its own rows, for the access check) and
-- user_security_events (its own rows); all writes go through the SECURITY DEFINER functions below.

ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
-- Readable like the other columns (app_member_access compares it); written only by the functions below.
GRANT SELECT (session_epoch) ON users TO jiedai_app;

CREATE TABLE revoked_sessions (
  session_id uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- When the token would have expired anyway: the row can go after that.
  expires_at timestamptz(6) NOT NULL,
  revoked_at timestamptz(6) NOT NULL DEFAULT now()
);
CREATE INDEX revoked_sessions_user ON revoked_sessions (user_id, expires_at);
ALTER TABLE revoked_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE revoked_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY revoked_sessions_own ON revoked_sessions FOR SELECT USING (user_id = app_user_id());
REVOKE ALL ON revoked_sessions FROM PUBLIC, jiedai_app;
GRANT SELECT ON revoked_sessions TO jiedai_app;

CREATE TABLE password_resets (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz(6) NOT NULL,
  used_at    timestamptz(6),
  created_at timestamptz(6) NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user ON password_resets (user_id);
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
-- No policy and no grant: only the functions below touch it.
REVOKE ALL ON password_resets FROM PUBLIC, jiedai_app;

CREATE TYPE user_security_action AS ENUM ('PASSWORD_CHANGED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET', 'SIGNED_OUT', 'SIGNED_OUT_EVERYWHERE');

CREATE TABLE user_security_events (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  action         user_security_action NOT NULL,
  request_id     text,
  client_address text,
  at             timestamptz(6) NOT NULL DEFAULT now()
);
CREATE INDEX user_security_events_user ON user_security_events (user_id, at DESC);
ALTER TABLE user_security_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_security_events FORCE ROW LEVEL SECURITY;
CREATE POLICY user_security_events_own ON user_security_events FOR SELECT USING (user_id = app_user_id());
REVOKE ALL ON user_security_events FROM PUBLIC, jiedai_app;
GRANT SELECT ON user_security_events TO jiedai_app;

-- The access check of a user's token, now with its session: `session_valid` is false for a token of an
-- earlier epoch or a revoked session.
DROP FUNCTION app_member_access();
CREATE FUNCTION app_member_access(p_epoch integer, p_session uuid)
  RETURNS TABLE (is_platform_admin boolean, roles text[], session_valid boolean)
  LANGUAGE plpgsql STABLE
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT u.is_platform_admin, m.roles::text[],
           u.session_epoch = p_epoch AND NOT EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = p_session)
    FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = app_tenant_id()
    WHERE u.id = app_user_id();
END
$$;
REVOKE ALL ON FUNCTION app_member_access(integer, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_member_access(integer, uuid) TO jiedai_app;

-- The signed-in user's own password hash (to verify the current one before a change).
CREATE FUNCTION auth_own_password_hash() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT c.password_hash FROM public.user_credentials c WHERE c.user_id = public.app_user_id() $$;

CREATE FUNCTION auth_record_security_event(p_user uuid, p_action user_security_action, p_request_id text, p_client_address text) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ INSERT INTO public.user_security_events (user_id, action, request_id, client_address) VALUES (p_user, p_action, p_request_id, p_client_address) $$;
REVOKE ALL ON FUNCTION auth_record_security_event(uuid, user_security_action, text, text) FROM PUBLIC;

-- Sets the signed-in user's password and ends every session (the epoch moves on); returns the new epoch.
CREATE FUNCTION auth_change_own_password(p_password_hash text, p_request_id text, p_client_address text) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_user uuid := public.app_user_id(); v_epoch integer;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'auth_change_own_password needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  INSERT INTO public.user_credentials (user_id, password_hash) VALUES (v_user, p_password_hash)
    ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now();
  UPDATE public.users SET session_epoch = session_epoch + 1 WHERE id = v_user RETURNING session_epoch INTO v_epoch;
  UPDATE public.password_resets SET used_at = now() WHERE user_id = v_user AND used_at IS NULL;
  PERFORM public.auth_record_security_event(v_user, 'PASSWORD_CHANGED', p_request_id, p_client_address);
  RETURN v_epoch;
END
$$;

-- Revokes one session of the signed-in user (until its token would have expired); forgets revocations
-- whose tokens have expired.
CREATE FUNCTION auth_revoke_own_session(p_session uuid, p_expires_at timestamptz, p_request_id text, p_client_address text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_user uuid := public.app_user_id();
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'auth_revoke_own_session needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  DELETE FROM public.revoked_sessions WHERE user_id = v_user AND expires_at < now();
  INSERT INTO public.revoked_sessions (session_id, user_id, expires_at) VALUES (p_session, v_user, p_expires_at)
    ON CONFLICT (session_id) DO NOTHING;
  PERFORM public.auth_record_security_event(v_user, 'SIGNED_OUT', p_request_id, p_client_address);
END
$$;

-- Ends every session of the signed-in user; returns the new epoch.
CREATE FUNCTION auth_end_own_sessions(p_request_id text, p_client_address text) RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE v_user uuid := public.app_user_id(); v_epoch integer;
BEGIN
  IF v_user IS NULL THEN
    RAISE EXCEPTION 'auth_end_own_sessions needs a signed-in user' USING ERRCODE = '42501';
  END IF;
  UPDATE public.users SET session_epoch = session_epoch + 1 WHERE id = v_user RETURNING session_epoch INTO v_epoch;
  PERFORM public.auth_record_security_event(v_user, 'SIGNED_OUT_EVERYWHERE', p_request_id, p_client_address);
  RETURN v_epoch;
END
$$;

-- A reset token for the account of an e-mail, if there is one (its earlier unused tokens stop working).
-- Returns the account's display name, or nothing: the caller answers the same either way.
CREATE FUNCTION auth_request_password_reset(p_email text, p_token_hash text, p_ttl interval, p_request_id text, p_client_address text)
  RETURNS TABLE (display_name text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE v_user uuid; v_name text;
BEGIN
  SELECT u.id, u.display_name INTO v_user, v_name FROM public.users u WHERE u.email = lower(p_email);
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  UPDATE public.password_resets SET used_at = now() WHERE user_id = v_user AND used_at IS NULL;
  INSERT INTO public.password_resets (user_id, token_hash, expires_at) VALUES (v_user, p_token_hash, now() + p_ttl);
  PERFORM public.auth_record_security_event(v_user, 'PASSWORD_RESET_REQUESTED', p_request_id, p_client_address);
  RETURN QUERY SELECT v_name;
END
$$;

-- Uses a reset token: sets the password, ends every session. Returns the account id, or nothing for a
-- token that is unknown, used or expired (all alike).
CREATE FUNCTION auth_reset_password(p_token_hash text, p_password_hash text, p_request_id text, p_client_address text)
  RETURNS TABLE (user_id uuid)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE v_user uuid;
BEGIN
  UPDATE public.password_resets r SET used_at = now()
    WHERE r.token_hash = p_token_hash AND r.used_at IS NULL AND r.expires_at > now()
    RETURNING r.user_id INTO v_user;
  IF v_user IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO public.user_credentials (user_id, password_hash) VALUES (v_user, p_password_hash)
    ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now();
  UPDATE public.users SET session_epoch = session_epoch + 1 WHERE id = v_user;
  UPDATE public.password_resets SET used_at = now() WHERE user_id = v_user AND used_at IS NULL;
  PERFORM public.auth_record_security_event(v_user, 'PASSWORD_RESET', p_request_id, p_client_address);
  RETURN QUERY SELECT v_user;
END
$$;

-- Sign-in also needs the account's current epoch, for the token it issues.
DROP FUNCTION auth_find_user_by_email(text);
CREATE FUNCTION auth_find_user_by_email(p_email text)
  RETURNS TABLE (id uuid, password_hash text, is_platform_admin boolean, session_epoch integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT u.id, c.password_hash, u.is_platform_admin, u.session_epoch
          FROM public.users u LEFT JOIN public.user_credentials c ON c.user_id = u.id
         WHERE u.email = lower(p_email) $$;

REVOKE ALL ON FUNCTION auth_find_user_by_email(text), auth_own_password_hash(), auth_change_own_password(text, text, text),
  auth_revoke_own_session(uuid, timestamptz, text, text), auth_end_own_sessions(text, text),
  auth_request_password_reset(text, text, interval, text, text), auth_reset_password(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_find_user_by_email(text), auth_own_password_hash(), auth_change_own_password(text, text, text),
  auth_revoke_own_session(uuid, timestamptz, text, text), auth_end_own_sessions(text, text),
  auth_request_password_reset(text, text, interval, text, text), auth_reset_password(text, text, text, text) TO jiedai_app;
