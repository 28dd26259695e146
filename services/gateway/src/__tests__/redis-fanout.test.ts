// With REDIS_URL, gateway instances share events and sign-in failure counts through Redis:
// a change committed through gateway 1 reaches a subscriber of gateway 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let one: TestApp;
let two: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  // Keys of their own: counts left in Redis by earlier runs must not leak into this one.
  const REDIS_PREFIX = unique('jiedai-test');
  one = await startTestApp({ REDIS_URL, REDIS_PREFIX });
  two = await startTestApp({ REDIS_URL, REDIS_PREFIX });
  const platform = await createPlatformAdmin(one);
  tenant = await createTenant(one, platform.token, 'HOTEL');
  await two.listen();
});
afterAll(async () => {
  await one?.close();
  await two?.close();
});

describe('two gateways with Redis', () => {
  it('a change through gateway 1 reaches a graphql-ws subscriber on gateway 2, once', async () => {
    const client = two.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
    const received: { action: string; data: { name: string } }[] = [];
    let ready!: () => void;
    const subscribed = new Promise<void>((resolve) => (ready = resolve));
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ auditLogAppended: { action: string; data: { name: string } } }>(
        { query: 'subscription { auditLogAppended { action data } }' },
        {
          next: (msg) => {
            if (msg.errors) reject(new Error(JSON.stringify(msg.errors)));
            received.push(msg.data!.auditLogAppended);
            if (received.length === 2) resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
      client.on('connected', () => setTimeout(ready, 300));
    });
    await subscribed;
    for (const name of ['会务组', '安保组']) {
      const res = await one.gql(`mutation($n: String!) { createDepartment(input: { name: $n }) { __typename } }`, { n: name }, { token: tenant.adminToken });
      expect(res.data.createDepartment.__typename).toBe('DepartmentPayload');
    }
    await done;
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more (no duplicates) arrives
    expect(received.map((e) => [e.action, e.data.name])).toEqual([
      ['department.created', '会务组'],
      ['department.created', '安保组'],
    ]);
    await client.dispose();
  });

  it('sign-in failures counted on gateway 1 lock the e-mail on gateway 2', async () => {
    const email = `${unique('nobody')}@redis.test`;
    const attempt = (t: TestApp) =>
      t.gql(`mutation($e: String!) { signIn(input: { email: $e, password: "wrong-password" }) { __typename ... on SignInError { code } } }`, { e: email });
    for (let i = 0; i < 5; i++) expect((await attempt(one)).data.signIn.code).toBe('INVALID_CREDENTIALS');
    expect((await attempt(two)).data.signIn.code).toBe('TOO_MANY_ATTEMPTS');
  });
});
