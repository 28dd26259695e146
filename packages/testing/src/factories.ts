// Tenants, users and tokens for tests, made through the real API wherever the API can make them.
import { randomBytes } from 'node:crypto';
import { withPgClient } from '@jiedai/db';
import { inject } from 'vitest';
import { createPasswordHasher } from '@jiedai/schema';
import type { TestApp } from './app.ts';

export const PASSWORD = 'correct horse battery staple';
const hasher = createPasswordHasher();
let platformHash: Promise<string> | null = null;

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/**
 * A platform admin can only be made by the database owner (as `pnpm start` bootstraps one): in the run's
 * database unless the test's gateway has one of its own (`databaseUrl`).
 */
export async function createPlatformAdmin(t: TestApp, databaseUrl = inject('databaseUrl')): Promise<{ userId: string; email: string; token: string }> {
  const email = `${unique('platform')}@test.jiedai`;
  platformHash ??= hasher.hash(PASSWORD);
  const hash = await platformHash;
  const { rows } = await withPgClient(databaseUrl, (client) =>
    client.query<{ id: string }>(
      `WITH u AS (INSERT INTO users (email, display_name, is_platform_admin) VALUES ($1, 'Platform admin', true) RETURNING id),
            c AS (INSERT INTO user_credentials (user_id, password_hash) SELECT id, $2 FROM u)
       SELECT id FROM u`,
      [email, hash],
    ),
  );
  return { userId: rows[0]!.id, email, token: await signIn(t, email) };
}

export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.gql(
    `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) {
       __typename ... on SignInSuccess { token } ... on Error { message } } }`,
    { email, password },
  );
  if (res.data?.signIn?.__typename !== 'SignInSuccess') throw new Error(`sign-in failed: ${JSON.stringify(res)}`);
  return res.data.signIn.token;
}

export type Kind = 'GOVERNMENT_OFFICE' | 'HOSPITAL' | 'HOTEL';

export interface TestTenant {
  id: string;
  globalId: string;
  slug: string;
  kind: Kind;
  adminEmail: string;
  adminToken: string;
  /** Adds a member with the given roles and returns a token acting in this tenant. */
  member(roles: string[], options?: { email?: string }): Promise<{ token: string; membershipId: string; email: string }>;
}

export async function createTenant(
  t: TestApp,
  platformToken: string,
  kind: Kind = 'GOVERNMENT_OFFICE',
  options: { withDefaultStructure?: boolean } = {},
): Promise<TestTenant> {
  const slug = unique(kind.toLowerCase().replace('_', '-').slice(0, 10));
  const adminEmail = `admin@${slug}.test.jiedai`;
  const res = await t.gql(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) {
       __typename ... on TenantPayload { tenant { id } } ... on Error { message } } }`,
    {
      input: {
        kind,
        slug,
        name: `Test ${kind} ${slug}`,
        withDefaultStructure: options.withDefaultStructure ?? true,
        admin: { email: adminEmail, displayName: 'Tenant admin', password: PASSWORD },
      },
    },
    { token: platformToken },
  );
  if (res.data?.createTenant?.__typename !== 'TenantPayload') throw new Error(`createTenant failed: ${JSON.stringify(res)}`);
  const globalId = res.data.createTenant.tenant.id as string;
  const id = Buffer.from(globalId, 'base64').toString().split(':')[1]!;
  const adminToken = await signIn(t, adminEmail);
  return {
    id,
    globalId,
    slug,
    kind,
    adminEmail,
    adminToken,
    async member(roles, opts = {}) {
      const email = opts.email ?? `${unique(roles[0]!.toLowerCase())}@${slug}.test.jiedai`;
      // The real invitation flow: addMember mails a link, the person accepts it (setting a password if new).
      const { link } = await invite(t, adminToken, { email, roles });
      const membershipId = await acceptInvitationByToken(t, link, PASSWORD);
      const token = await signIn(t, email);
      return { token, membershipId, email };
    },
  };
}

/**
 * A tenant admin's addMember: a pending invitation (whether or not the e-mail has an account) and a mail with its
 * link, read from the test app's SMTP sink. Returns the invitation's global id and the link's token.
 */
export async function invite(
  t: TestApp,
  adminToken: string,
  input: { email: string; displayName?: string; roles: string[]; departmentId?: string },
): Promise<{ invitationId: string; link: string }> {
  const sent = t.mail?.messages.length ?? 0;
  const added = await t.gql(
    `mutation($input: AddMemberInput!) { addMember(input: $input) {
       __typename ... on MemberInvitationPayload { invitation { id } } ... on Error { message } } }`,
    { input: { displayName: 'Member', ...input } },
    { token: adminToken },
  );
  if (added.data?.addMember?.__typename !== 'MemberInvitationPayload') throw new Error(`addMember failed: ${JSON.stringify(added)}`);
  return { invitationId: added.data.addMember.invitation.id, link: invitationTokenFromMail(t, input.email, sent) };
}

/** The `jdi_…` token of the newest invitation mail to `email` (received after the first `after` messages). */
export function invitationTokenFromMail(t: TestApp, email: string, after = 0): string {
  if (!t.mail) throw new Error('this test app has no mail sink (it was given its own SMTP_URL)');
  const mail = t.mail.messages
    .slice(after)
    .reverse()
    .find((m) => m.to.includes(email.toLowerCase()) && /jdi_/.test(m.text));
  const token = mail && /(jdi_[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

/** The link's holder accepts without signing in (a new person sets `password`; ignored for an existing account); returns the membership's global id. */
export async function acceptInvitationByToken(t: TestApp, token: string, password?: string): Promise<string> {
  const res = await t.gql(
    `mutation($input: AcceptMemberInvitationByTokenInput!) { acceptMemberInvitationByToken(input: $input) {
       __typename ... on AcceptMemberInvitationByTokenPayload { membershipId } ... on Error { code message } } }`,
    { input: { token, password: password ?? null } },
  );
  if (res.data?.acceptMemberInvitationByToken?.__typename !== 'AcceptMemberInvitationByTokenPayload') throw new Error(`accept failed: ${JSON.stringify(res)}`);
  return res.data.acceptMemberInvitationByToken.membershipId;
}

/** The invited person (signed in, no tenant chosen) accepts by the invitation's id; returns the new membership's global id. */
export async function acceptInvitation(t: TestApp, token: string, invitationId: string): Promise<string> {
  const res = await t.gql(
    `mutation($id: ID!) { acceptMemberInvitation(input: { id: $id }) {
       __typename ... on AcceptMemberInvitationPayload { membershipId } ... on Error { message } } }`,
    { id: invitationId },
    { token },
  );
  if (res.data?.acceptMemberInvitation?.__typename !== 'AcceptMemberInvitationPayload') throw new Error(`accept failed: ${JSON.stringify(res)}`);
  return res.data.acceptMemberInvitation.membershipId;
}

/** The database id inside a Relay global id. */
export const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1]!;
export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
