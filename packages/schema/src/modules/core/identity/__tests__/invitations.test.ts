// Invitations by e-mail (issue 15), through the real gateway and a real SMTP server: the admin invites,
// the mail arrives with a single-use link, its holder accepts (setting a password if new) and signs in.
// Resend kills the old link, revoke kills the link, a link works once, an expired link is refused like an
// unknown one, another tenant's user is neither revealed nor added before accepting, and tenant B can
// neither see nor touch tenant A's invitations.
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  invitationTokenFromMail,
  ownerQuery,
  PASSWORD,
  rawId,
  signIn,
  startTestApp,
  unique,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'HOSPITAL', { withDefaultStructure: false });
  b = await createTenant(t, platform.token, 'HOTEL', { withDefaultStructure: false });
});
afterAll(() => t?.close());

const ADD = `mutation($input: AddMemberInput!) { addMember(input: $input) {
  __typename ... on MemberInvitationPayload { invitation { id email displayName roles expiresAt } }
  ... on Error { code } ... on ValidationError { fieldErrors { path } } } }`;
const RESEND = `mutation($id: ID!) { resendMemberInvitation(input: { id: $id }) {
  __typename ... on MemberInvitationPayload { invitation { id expiresAt } } ... on Error { code } } }`;
const REVOKE = `mutation($id: ID!) { revokeMemberInvitation(input: { id: $id }) {
  __typename ... on RevokeMemberInvitationPayload { revokedInvitationId } ... on Error { code } } }`;
const LOOK = `query($token: String!) { memberInvitation(token: $token) {
  __typename ... on MemberInvitationLink { tenantName tenantKind roles email displayName hasAccount } ... on Error { code } } }`;
const ACCEPT = `mutation($input: AcceptMemberInvitationByTokenInput!) { acceptMemberInvitationByToken(input: $input) {
  __typename ... on AcceptMemberInvitationByTokenPayload { membershipId tenantId roles email createdAccount }
  ... on Error { code path } ... on ValidationError { fieldErrors { path } } } }`;
const LIST = `{ memberInvitations { id email roles } }`;

const accept = async (token: string, password?: string) =>
  (await t.gql(ACCEPT, { input: { token, ...(password === undefined ? {} : { password }) } })).data.acceptMemberInvitationByToken;
const look = async (token: string) => (await t.gql(LOOK, { token })).data.memberInvitation;
const invite = async (admin: TestTenant, input: Record<string, unknown>) =>
  t.gql(ADD, { input: { displayName: '李明', ...input } }, { token: admin.adminToken });
const canSignIn = async (email: string, password: string) =>
  (await t.gql(`mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { __typename } }`, { e: email, p: password })).data.signIn
    .__typename === 'SignInSuccess';
const audit = (tenantId: string, targetId: string) =>
  ownerQuery<{ action: string }>(`SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY created_at, action`, [tenantId, targetId]);
const INVALID = { __typename: 'InvitationError', code: 'INVALID_TOKEN', path: ['input', 'token'] };

describe('invitations by e-mail', () => {
  it('invite → the mail arrives → its link is accepted with a new password → the person signs in, a member', async () => {
    const email = `${unique('new')}@example.test`;
    const before = t.mail!.messages.length;
    const added = await invite(a, { email, roles: ['COORDINATOR'] });
    expect(added.data.addMember, JSON.stringify(added)).toMatchObject({ __typename: 'MemberInvitationPayload', invitation: { email, roles: ['COORDINATOR'] } });
    const invitationId = rawId(added.data.addMember.invitation.id);
    // Valid for 7 days by default.
    const expires = Date.parse(added.data.addMember.invitation.expiresAt) - Date.now();
    expect(expires).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(expires).toBeLessThanOrEqual(7 * 24 * 3600_000);

    // One mail, over SMTP, to the person, with a link to the gateway's own /i/ page.
    const mails = t.mail!.messages.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([email]);
    expect(mails[0]!.raw).toMatch(/^Subject: /m);
    expect(mails[0]!.text).toContain('李明');
    const token = invitationTokenFromMail(t, email, before);
    expect(mails[0]!.text).toContain(`http://jiedai.test/i/${token}`);
    // Only the token's SHA-256 is kept; no account exists yet.
    const [row] = await ownerQuery(`SELECT token_hash FROM tenant_invitations WHERE id = $1`, [invitationId]);
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(await ownerQuery(`SELECT * FROM tenant_invitations WHERE id = $1`, [invitationId]))).not.toContain(token);
    expect(await ownerQuery(`SELECT 1 FROM users WHERE email = $1`, [email])).toEqual([]);

    // The link's holder sees who invites; a new person must choose a password.
    expect(await look(token)).toEqual({
      __typename: 'MemberInvitationLink',
      tenantName: expect.stringContaining('Test HOSPITAL'),
      tenantKind: 'HOSPITAL',
      roles: ['COORDINATOR'],
      email,
      displayName: '李明',
      hasAccount: false,
    });
    expect(await accept(token)).toEqual({ __typename: 'InvitationError', code: 'PASSWORD_REQUIRED', path: ['input', 'password'] });
    // A weak password is refused per field; nothing changes and the link still works.
    expect(await accept(token, 'short')).toMatchObject({
      __typename: 'ValidationError',
      code: 'BAD_USER_INPUT',
      fieldErrors: [{ path: ['input', 'password'] }],
    });
    expect(await ownerQuery(`SELECT 1 FROM users WHERE email = $1`, [email])).toEqual([]);

    const accepted = await accept(token, 'a brand-new passphrase');
    expect(accepted).toMatchObject({
      __typename: 'AcceptMemberInvitationByTokenPayload',
      tenantId: a.globalId,
      roles: ['COORDINATOR'],
      email,
      createdAccount: true,
    });
    const session = await signIn(t, email, 'a brand-new passphrase');
    expect(decodeJwt(session).tid).toBe(a.id);
    const me = await t.gql(`{ viewer { displayName memberships { id roles } } }`, {}, { token: session });
    expect(me.data.viewer).toEqual({ displayName: '李明', memberships: [{ id: accepted.membershipId, roles: ['COORDINATOR'] }] });

    // Audit: invited by the admin, joined by the person.
    expect((await audit(a.id, invitationId)).map((r) => r.action)).toEqual(['member.invited']);
    expect((await audit(a.id, rawId(accepted.membershipId))).map((r) => r.action)).toEqual(['member.joined']);

    // The link works once; used, unknown and forged look the same.
    expect(await accept(token, 'a brand-new passphrase')).toEqual(INVALID);
    expect(await look(token)).toEqual({ __typename: 'InvitationError', code: 'INVALID_TOKEN' });
    expect(await accept(`${token.slice(0, -4)}AAAA`, 'a brand-new passphrase')).toEqual(INVALID);
    expect(await accept('jdi_not-a-token', 'a brand-new passphrase')).toEqual(INVALID);
  });

  it('resend mails a new link and kills the old one; revoke kills the link; an expired link is refused like an unknown one', async () => {
    const email = `${unique('resend')}@example.test`;
    const added = await invite(a, { email, roles: ['STAFF'] });
    const id = added.data.addMember.invitation.id;
    const first = invitationTokenFromMail(t, email);

    const before = t.mail!.messages.length;
    const resent = await t.gql(RESEND, { id }, { token: a.adminToken });
    expect(resent.data.resendMemberInvitation).toMatchObject({ __typename: 'MemberInvitationPayload', invitation: { id } });
    const second = invitationTokenFromMail(t, email, before);
    expect(second).not.toBe(first);
    expect(await accept(first, PASSWORD)).toEqual(INVALID);
    expect((await look(second)).__typename).toBe('MemberInvitationLink');

    const revoked = await t.gql(REVOKE, { id }, { token: a.adminToken });
    expect(revoked.data.revokeMemberInvitation).toEqual({ __typename: 'RevokeMemberInvitationPayload', revokedInvitationId: id });
    expect(await accept(second, PASSWORD)).toEqual(INVALID);
    expect(await ownerQuery(`SELECT 1 FROM users WHERE email = $1`, [email])).toEqual([]);
    expect((await t.gql(REVOKE, { id }, { token: a.adminToken })).data.revokeMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    expect((await t.gql(RESEND, { id }, { token: a.adminToken })).data.resendMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    expect((await audit(a.id, rawId(id))).map((r) => r.action).sort()).toEqual(['member.invitation_resent', 'member.invitation_revoked', 'member.invited']);

    // Expired: the same answer as unknown.
    const late = `${unique('late')}@example.test`;
    await invite(a, { email: late, roles: ['STAFF'] });
    const lateToken = invitationTokenFromMail(t, late);
    await ownerQuery(`UPDATE tenant_invitations SET expires_at = now() - interval '1 second' WHERE email = $1`, [late]);
    expect(await look(lateToken)).toEqual({ __typename: 'InvitationError', code: 'INVALID_TOKEN' });
    expect(await accept(lateToken, PASSWORD)).toEqual(INVALID);
    expect(await ownerQuery(`SELECT 1 FROM users WHERE email = $1`, [late])).toEqual([]);
  });

  it("another tenant's user: nothing revealed, nothing added until they accept — then added without a new password, their password unchanged", async () => {
    const other = await b.member(['STAFF']);
    const fresh = `${unique('fresh')}@example.test`;
    const existing = await invite(a, { email: other.email, displayName: 'Probe', roles: ['VIEWER'] });
    const unknown = await invite(a, { email: fresh, displayName: 'Probe', roles: ['VIEWER'] });
    const shape = (res: typeof existing) => {
      const { id, email, expiresAt, ...rest } = res.data.addMember.invitation;
      return { typename: res.data.addMember.__typename, rest, errors: res.errors };
    };
    expect(shape(existing)).toEqual(shape(unknown));
    expect(
      await ownerQuery(`SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.tenant_id = $2`, [other.email, a.id]),
    ).toEqual([]);

    const token = invitationTokenFromMail(t, other.email);
    expect(await look(token)).toMatchObject({ email: other.email, hasAccount: true });
    // A password given for an existing account is ignored: the account is never changed by an invitation.
    const accepted = await accept(token, 'an attempt to set a password');
    expect(accepted).toMatchObject({ __typename: 'AcceptMemberInvitationByTokenPayload', tenantId: a.globalId, roles: ['VIEWER'], createdAccount: false });
    expect(await canSignIn(other.email, 'an attempt to set a password')).toBe(false);
    const session = await signIn(t, other.email, PASSWORD);
    const mine = await t.gql(`{ viewer { memberships { tenant { id } } } }`, {}, { token: session });
    expect(mine.data.viewer.memberships.map((m: { tenant: { id: string } }) => m.tenant.id).sort()).toEqual([a.globalId, b.globalId].sort());
  });

  it("tenant B neither sees nor touches tenant A's invitations; bad input changes nothing and mails nobody", async () => {
    const email = `${unique('iso')}@example.test`;
    const added = await invite(a, { email, roles: ['STAFF'] });
    const id = added.data.addMember.invitation.id;
    const token = invitationTokenFromMail(t, email);

    const listA = await t.gql(LIST, {}, { token: a.adminToken });
    expect(listA.data.memberInvitations.map((i: { email: string }) => i.email)).toContain(email);
    const listB = await t.gql(LIST, {}, { token: b.adminToken });
    expect(JSON.stringify(listB.data)).not.toContain(email);
    expect((await t.gql(RESEND, { id }, { token: b.adminToken })).data.resendMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    expect((await t.gql(REVOKE, { id }, { token: b.adminToken })).data.revokeMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    // A's token with B's tenant in its text is not a token of B.
    const forged = `jdi_${Buffer.from(b.id.replace(/-/g, ''), 'hex').toString('base64url')}_${token.split('_').slice(2).join('_')}`;
    expect(await accept(forged, PASSWORD)).toEqual(INVALID);
    expect((await look(token)).__typename).toBe('MemberInvitationLink');

    // A member without TENANT_ADMIN cannot invite, list, resend or revoke.
    const staff = await a.member(['STAFF']);
    const denied = await t.gql(ADD, { input: { email: `${unique('x')}@example.test`, displayName: 'x', roles: ['TENANT_ADMIN'] } }, { token: staff.token });
    expect(denied.data.addMember.__typename).toBe('ForbiddenError');
    expect((await t.gql(REVOKE, { id }, { token: staff.token })).data.revokeMemberInvitation.__typename).toBe('ForbiddenError');

    const before = t.mail!.messages.length;
    const rows = await ownerQuery(`SELECT count(*)::int AS n FROM tenant_invitations`);
    const bad = await invite(a, { email: 'not-an-email', roles: ['STAFF'] });
    expect(bad.data.addMember).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'email'] }] });
    const noRoles = await invite(a, { email: `${unique('y')}@example.test`, roles: [] });
    expect(noRoles.data.addMember.__typename).toBe('ValidationError');
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM tenant_invitations`)).toEqual(rows);
    expect(t.mail!.messages.length).toBe(before);
  });
});
