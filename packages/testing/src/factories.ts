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

/** A platform admin can only be made by the database owner (as `pnpm start` bootstraps one). */
export async function createPlatformAdmin(t: TestApp): Promise<{ userId: string; email: string; token: string }> {
  const email = `${unique('platform')}@test.jiedai`;
  platformHash ??= hasher.hash(PASSWORD);
  const hash = await platformHash;
  const { rows } = await withPgClient(inject('databaseUrl'), (client) =>
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
      const invitationId = await invite(t, adminToken, { email, displayName: 'Member', password: PASSWORD, roles });
      const membershipId = await acceptInvitation(t, await signIn(t, email), invitationId);
      const token = await signIn(t, email);
      return { token, membershipId, email };
    },
  };
}

/** A tenant admin's addMember: a pending invitation (whether or not the e-mail has an account); returns its id. */
export async function invite(
  t: TestApp,
  adminToken: string,
  input: { email: string; displayName?: string; password?: string; roles: string[]; departmentId?: string },
): Promise<string> {
  const added = await t.gql(
    `mutation($input: AddMemberInput!) { addMember(input: $input) {
       __typename ... on MemberInvitationPayload { invitation { id } } ... on Error { message } } }`,
    { input: { displayName: 'Member', ...input } },
    { token: adminToken },
  );
  if (added.data?.addMember?.__typename !== 'MemberInvitationPayload') throw new Error(`addMember failed: ${JSON.stringify(added)}`);
  return added.data.addMember.invitation.id;
}

/** The invited person (signed in, no tenant chosen) accepts; returns the new membership's global id. */
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
