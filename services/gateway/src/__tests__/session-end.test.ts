// Open subscriptions end when their session ends: signOut, changePassword and resetPassword end the
// person's open graphql-ws subscriptions and SSE streams with UNAUTHENTICATED (the gateway's session
// watch); another person's, or another still-valid session's, go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import {
  createPlatformAdmin,
  createTenant,
  PASSWORD,
  signIn,
  sseFeed,
  startTestApp,
  waitFor,
  wsFeed,
  type Feed,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

const AUDIT_FEED = `subscription { auditLogAppended { action } }`;
const CREATE_DEPARTMENT = `mutation($name: String!) { createDepartment(input: { name: $name }) { __typename } }`;

let t: TestApp;
let port: number;
let platformToken: string;
const clients: Client[] = [];

const wsAudit = (token: string, headers: Record<string, string> = {}): Feed<{ action: string }> => {
  const c = t.wsClient({ Authorization: `Bearer ${token}`, ...headers });
  clients.push(c);
  return wsFeed(c, { query: AUDIT_FEED, field: 'auditLogAppended' });
};

/** Makes audit events until every feed has received one more (a subscription starts asynchronously). */
async function live(admin: string, ...feeds: Feed<unknown>[]) {
  const before = feeds.map((f) => f.events.length);
  let last = 0;
  await waitFor(
    async () => {
      if (feeds.every((f, i) => f.events.length > before[i]!)) return true;
      if (feeds.some((f) => f.ended !== null)) throw new Error(`a feed ended: ${JSON.stringify(feeds.map((f) => f.errors))}`);
      if (Date.now() - last > 250) {
        last = Date.now();
        await t.gql(CREATE_DEPARTMENT, { name: `dept ${Math.random()}` }, { token: admin });
      }
      return false;
    },
    10_000,
    'every feed to be live',
  );
}

beforeAll(async () => {
  t = await startTestApp();
  port = await t.listen();
  platformToken = (await createPlatformAdmin(t)).token;
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

describe('a session that ends ends its subscriptions', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(t, platformToken);
  });

  it('signOut: this session’s graphql-ws subscription and SSE stream end with UNAUTHENTICATED; another session and another person go on', async () => {
    const session = await signIn(t, tenant.adminEmail);
    const otherSession = await signIn(t, tenant.adminEmail);
    const other = await tenant.member(['TENANT_ADMIN']);
    const ws = wsAudit(session);
    const sse = sseFeed<{ action: string }>(`http://127.0.0.1:${port}/graphql`, session, { query: AUDIT_FEED, field: 'auditLogAppended' });
    const sameUserOtherSession = wsAudit(otherSession);
    const otherPerson = wsAudit(other.token);
    await live(tenant.adminToken, ws, sse, sameUserOtherSession, otherPerson);

    const out = await t.gql(`mutation { signOut(input: {}) { __typename } }`, {}, { token: session });
    expect(out.data.signOut.__typename).toBe('SignOutPayload');

    await Promise.race([Promise.all([ws.done, sse.done]), waitFor(() => false, 10_000, 'both feeds to end').catch(() => undefined)]);
    expect(ws.ended).toBe('complete');
    expect(ws.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(sse.ended).not.toBeNull();
    expect(sse.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    // The other session of the same person and the other person still receive events.
    await live(tenant.adminToken, sameUserOtherSession, otherPerson);
    expect(sameUserOtherSession.ended).toBeNull();
    expect(otherPerson.ended).toBeNull();
    sameUserOtherSession.stop();
    otherPerson.stop();
  });

  it('changePassword ends every open subscription of the person (in their language), the new token works', async () => {
    const member = await tenant.member(['TENANT_ADMIN']);
    const second = await signIn(t, member.email);
    const ws = wsAudit(member.token, { 'Accept-Language': 'zh-CN' });
    const ws2 = wsAudit(second);
    await live(tenant.adminToken, ws, ws2);

    const changed = await t.gql(
      `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on ChangePasswordPayload { token } } }`,
      { input: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } },
      { token: member.token },
    );
    expect(changed.data.changePassword.__typename).toBe('ChangePasswordPayload');
    await waitFor(() => ws.ended !== null && ws2.ended !== null, 10_000, 'both subscriptions to end');
    expect(ws.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(ws.errors[0].message).toMatch(/会话已结束/);
    expect(ws2.errors.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(ws2.errors[0].message).toMatch(/session has ended/);

    const fresh = wsAudit(changed.data.changePassword.token);
    await live(tenant.adminToken, fresh);
    expect(fresh.ended).toBeNull();
    fresh.stop();
  });
});
