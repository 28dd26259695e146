// Audit (issue 18) item 4: a tenant admin's addMember with an e-mail that already has an account
// neither attaches that account nor reveals that it exists. The result is a pending invitation (and a
// mail with its link, issue 15), the same for a fresh e-mail and an existing one; the person joins only
// by accepting it (signed in as themselves here; by the link in invitations.test.ts); their default
// tenant never changes because another tenant invited them.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitationByToken,
  createPlatformAdmin,
  createTenant,
  invitationTokenFromMail,
  ownerQuery,
  PASSWORD,
  signIn,
  startTestApp,
  unique,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

let t: TestApp;
let hotel: TestTenant; // the victim's tenant
let hospital: TestTenant; // the other tenant's admin probes / invites

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
});
afterAll(() => t?.close());

const ADD = `mutation($input: AddMemberInput!) { addMember(input: $input) {
  __typename
  ... on MemberInvitationPayload { invitation { id email roles } }
  ... on IdentityError { code message }
  ... on ValidationError { fieldErrors { path message } } } }`;
const ACCEPT = `mutation($id: ID!) { acceptMemberInvitation(input: { id: $id }) {
  __typename ... on AcceptMemberInvitationPayload { membershipId roles tenantId } ... on IdentityError { code } } }`;
const VIEWER = `{ viewer { memberships { tenant { id } } memberInvitations { id roles tenantId tenantName tenantKind } } }`;

/** The response with the random invitation id and the e-mail given left out: what could differ. */
const shape = (res: { status: number; data: any; errors?: unknown }) => {
  const { id, email, ...rest } = res.data.addMember.invitation;
  expect(id).toEqual(expect.any(String));
  return { status: res.status, errors: res.errors, typename: res.data.addMember.__typename, invitation: rest, emailEchoed: typeof email };
};

describe('addMember with an e-mail of another tenant', () => {
  it("answers exactly as for a fresh e-mail, without the other account's name, and attaches nobody", async () => {
    const victim = await hotel.member(['STAFF']);
    await ownerQuery(`UPDATE users SET display_name = '王秘书长' WHERE email = $1`, [victim.email]);
    const fresh = `${unique('fresh')}@nobody.test`;

    const before = t.mail!.messages.length;
    const existing = await t.gql(ADD, { input: { email: victim.email, displayName: 'Probe', roles: ['VIEWER'] } }, { token: hospital.adminToken });
    const unknown = await t.gql(ADD, { input: { email: fresh, displayName: 'Probe', roles: ['VIEWER'] } }, { token: hospital.adminToken });
    expect(existing.data.addMember.__typename, JSON.stringify(existing)).toBe('MemberInvitationPayload');
    expect(shape(existing)).toEqual(shape(unknown));
    expect(JSON.stringify(existing)).not.toContain('王秘书长');
    expect(existing.data.addMember.invitation.email).toBe(victim.email);

    // Not a member of the other tenant; the other tenant's members list does not show them.
    expect(
      await ownerQuery(`SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.tenant_id = $2`, [victim.email, hospital.id]),
    ).toEqual([]);
    const members = await t.gql(`{ members(first: 100) { edges { node { user { email displayName } } } } }`, {}, { token: hospital.adminToken });
    expect(JSON.stringify(members.data)).not.toContain(victim.email);
    expect(JSON.stringify(members.data)).not.toContain('王秘书长');

    // No account was made for the fresh e-mail (it gets one only by accepting), and both mails read the same
    // but for the link.
    expect(await ownerQuery(`SELECT 1 FROM users WHERE email = $1`, [fresh])).toEqual([]);
    const mailTo = (email: string) =>
      t
        .mail!.messages.slice(before)
        .filter((m) => m.to.includes(email))
        .map((m) => m.text.replace(/jdi_[A-Za-z0-9_-]+/g, 'TOKEN'));
    expect(mailTo(victim.email)).toEqual(mailTo(fresh));
    expect(mailTo(victim.email).join('')).not.toContain('王秘书长');

    // The victim's account is untouched: their next token still names their own tenant (one membership, as before).
    const token = await signIn(t, victim.email, PASSWORD);
    expect(decodeJwt(token).tid).toBe(hotel.id);
    const inOwn = await t.gql(`{ tenant { id } }`, {}, { token });
    expect(inOwn.data.tenant.id).toBe(hotel.globalId);
  });

  it('the person sees the invitation and joins only by accepting it, signed in; nobody else can accept it', async () => {
    const person = await hotel.member(['STAFF']);
    const added = await t.gql(ADD, { input: { email: person.email, displayName: 'x', roles: ['COORDINATOR'] } }, { token: hospital.adminToken });
    const invitationId = added.data.addMember.invitation.id;
    const pendingRows = () => ownerQuery(`SELECT 1 FROM tenant_invitations WHERE email = $1`, [person.email]);
    expect(await pendingRows()).toHaveLength(1);

    // The inviting admin (or anyone else) cannot accept it.
    const byAdmin = await t.gql(ACCEPT, { id: invitationId }, { token: hospital.adminToken });
    expect(byAdmin.data.acceptMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    expect(await pendingRows()).toHaveLength(1);

    // The person, signed in (their token names the hotel, their only tenant), sees it with the
    // inviting tenant's name — and nothing else of that tenant.
    const personToken = await signIn(t, person.email);
    const viewer = await t.gql(VIEWER, {}, { token: personToken });
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data.viewer).toEqual({
      memberships: [{ tenant: { id: hotel.globalId } }],
      memberInvitations: [{ id: invitationId, roles: ['COORDINATOR'], tenantId: hospital.globalId, tenantName: expect.any(String), tenantKind: 'HOSPITAL' }],
    });
    // The hotel's admin does not see the person's invitations from elsewhere.
    const asHotelAdmin = await t.gql(`{ members(first: 100) { edges { node { user { email memberInvitations { id } } } } } }`, {}, { token: hotel.adminToken });
    expect(JSON.stringify(asHotelAdmin.data)).not.toContain(invitationId);

    const accepted = await t.gql(ACCEPT, { id: invitationId }, { token: personToken });
    expect(accepted.data.acceptMemberInvitation, JSON.stringify(accepted)).toMatchObject({
      __typename: 'AcceptMemberInvitationPayload',
      roles: ['COORDINATOR'],
      tenantId: hospital.globalId,
    });
    expect(await pendingRows()).toHaveLength(0);
    // Once only.
    const again = await t.gql(ACCEPT, { id: invitationId }, { token: personToken });
    expect(again.data.acceptMemberInvitation).toEqual({ __typename: 'IdentityError', code: 'NOT_FOUND' });
    // Now in both tenants, by their own choice: a token without default tenant, both memberships.
    const session = await signIn(t, person.email);
    expect(decodeJwt(session)).not.toHaveProperty('tid');
    const after = await t.gql(`{ viewer { memberships { tenant { id } } memberInvitations { id } } }`, {}, { token: session });
    expect(after.data.viewer.memberships.map((m: { tenant: { id: string } }) => m.tenant.id).sort()).toEqual([hotel.globalId, hospital.globalId].sort());
    expect(after.data.viewer.memberInvitations).toEqual([]);
  });

  it('a fresh e-mail gets no account until the link is accepted with a password; then it signs in, a member', async () => {
    const email = `${unique('newcomer')}@nobody.test`;
    const added = await t.gql(ADD, { input: { email, displayName: '新人', roles: ['STAFF'] } }, { token: hospital.adminToken });
    expect(added.data.addMember.__typename).toBe('MemberInvitationPayload');
    const refused = await t.gql(`mutation($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { __typename } }`, { e: email, p: PASSWORD });
    expect(refused.data.signIn.__typename).toBe('SignInError');
    await acceptInvitationByToken(t, invitationTokenFromMail(t, email), PASSWORD);
    const token = await signIn(t, email);
    expect(decodeJwt(token).tid).toBe(hospital.id);
    const viewer = await t.gql(`{ viewer { displayName memberInvitations { id } } }`, {}, { token });
    expect(viewer.data.viewer).toEqual({ displayName: '新人', memberInvitations: [] });
  });

  it('adding someone who is already a member is ALREADY_MEMBER (the admin sees the members anyway)', async () => {
    const member = await hospital.member(['STAFF']);
    const res = await t.gql(ADD, { input: { email: member.email, displayName: 'x', roles: ['VIEWER'] } }, { token: hospital.adminToken });
    expect(res.data.addMember).toMatchObject({ __typename: 'IdentityError', code: 'ALREADY_MEMBER' });
  });
});
