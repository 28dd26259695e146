// Limits a client can see: every result carries `extensions.cost` (requested, actual, throttleStatus);
// each tenant and each API key has a budget over time (a token bucket); an operation over it is refused
// before execution with RATE_LIMITED, 429 and Retry-After (over graphql-ws: the error with retryAfter);
// `rateLimit` tells the same as GitHub's. Buckets are shared through Redis when it is configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { memoryCostBudget } from '../cost-budget.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Small budgets, restored slowly, so a handful of operations empties them; MAX_QUERY_COST must fit in them.
const BUDGETS = {
  MAX_QUERY_COST: '100',
  RATE_LIMIT_TENANT_MAX: '200',
  RATE_LIMIT_TENANT_RESTORE: '0.5',
  RATE_LIMIT_API_KEY_MAX: '100',
  RATE_LIMIT_API_KEY_RESTORE: '0.5',
};

/** 15 aliases of `rateLimit { limit }`: requested 15, and the data returned costs 15 too (no refund). */
const FIFTEEN = `{ ${Array.from({ length: 15 }, (_, i) => `r${i}: rateLimit { limit }`).join(' ')} }`;

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  t = await startTestApp(BUDGETS);
  const platform = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platform, 'HOSPITAL');
  b = await createTenant(t, platform, 'HOTEL');
});

afterAll(async () => {
  await t?.close();
});

async function createKey(tenant: TestTenant, app: TestApp = t): Promise<string> {
  const res = await app.gql(
    `mutation($name: String!) { createApiKey(input: { name: $name, role: VIEWER }) { ... on CreateApiKeySuccess { secret } ... on Error { code } } }`,
    { name: unique('partner') },
    { token: tenant.adminToken },
  );
  expect(res.data?.createApiKey?.secret, JSON.stringify(res)).toBeTypeOf('string');
  return res.data.createApiKey.secret as string;
}

describe('extensions.cost and rateLimit', () => {
  it('a result carries the requested and actual cost and the budget left; rateLimit says the same', async () => {
    const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
    // members(first: 20) asks for 20 × (1 + edge 1 + node 1) = 60; one member comes back: 1 + 1 + 1 = 3.
    const res = await t.gql(`{ members(first: 20) { edges { node { id } } } rateLimit { limit remaining restoreRate cost resetAt } }`, undefined, {
      token: tenant.adminToken,
    });
    expect(res.errors).toBeUndefined();
    const body = (await (
      await t.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminToken}` },
        body: JSON.stringify({ query: '{ tenant { id name } }' }),
      })
    ).json()) as { extensions: { cost: Record<string, unknown> } };
    expect(body.extensions.cost).toMatchObject({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 200, restoreRate: 0.5 },
    });
    const rateLimit = res.data.rateLimit as { limit: number; remaining: number; restoreRate: number; cost: number; resetAt: string };
    expect(rateLimit).toMatchObject({ limit: 200, restoreRate: 0.5, cost: 61 });
    // Taken before execution: the full requested cost (61) is gone while the operation runs.
    expect(rateLimit.remaining).toBeLessThanOrEqual(200 - 61 + 1);
    expect(new Date(rateLimit.resetAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('what was asked for and not returned is given back to the budget', async () => {
    const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
    const res = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminToken}` },
      body: JSON.stringify({ query: '{ members(first: 20) { edges { node { id } } } }' }),
    });
    const { extensions } = (await res.json()) as { extensions: { cost: { requestedQueryCost: number; actualQueryCost: number; throttleStatus: any } } };
    expect(extensions.cost.requestedQueryCost).toBe(60);
    expect(extensions.cost.actualQueryCost).toBe(3);
    // 200 − 60 + 57 (plus what was restored meanwhile, below one point a second).
    expect(extensions.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(197);
  });

  it('anonymous callers have a per-operation limit and no budget: extensions.cost without throttleStatus, rateLimit null', async () => {
    const res = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ rateLimit { limit } }' }),
    });
    const body = (await res.json()) as { data: unknown; extensions: unknown };
    expect(body.data).toEqual({ rateLimit: null });
    expect(body.extensions).toEqual({ cost: { requestedQueryCost: 1, actualQueryCost: 0, throttleStatus: null } });
  });
});

describe('budgets over time', () => {
  it("an API key over its budget is refused before execution (429, Retry-After, RATE_LIMITED); its tenant's members and tenant B go on", async () => {
    const secret = await createKey(a);
    const statuses: number[] = [];
    // 100 points at 15 a time: six operations fit, the seventh does not (0.5 points a second come back).
    for (let i = 0; i < 6; i++) statuses.push((await t.gql(FIFTEEN, undefined, { token: secret })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    t.statements.length = 0;
    const refused = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: FIFTEEN }),
    });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[]; extensions: any };
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter, cost: 15 });
    expect(body.extensions.cost).toMatchObject({ requestedQueryCost: 15, actualQueryCost: 0, throttleStatus: { maximumAvailable: 100, restoreRate: 0.5 } });
    expect(body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(15);
    // Nothing ran: no transaction was begun.
    expect(t.statements.filter((sql) => /\bBEGIN\b/i.test(sql))).toEqual([]);

    // The tenant's own bucket (200) still has room for its members; tenant B's is untouched.
    const member = await t.gql(`{ rateLimit { limit remaining } }`, undefined, { token: a.adminToken });
    expect(member.status).toBe(200);
    expect(member.data.rateLimit.limit).toBe(200);
    expect(member.data.rateLimit.remaining).toBeLessThan(200 - 90);
    const other = await t.gql(`{ rateLimit { limit remaining } }`, undefined, { token: b.adminToken });
    expect(other.data.rateLimit).toEqual({ limit: 200, remaining: 199 });
  });

  it('a refused mutation changes nothing', async () => {
    const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
    const secret = await createKey(tenant);
    for (let i = 0; i < 6; i++) await t.gql(FIFTEEN, undefined, { token: secret });
    const name = unique('dept');
    // createDepartment costs 10 + 1: over what is left; a key with VIEWER could not anyway, but the budget speaks first.
    const refused = await t.gql(`mutation($name: String!) { createDepartment(input: { name: $name }) { __typename } }`, { name }, { token: secret });
    const retried = await t.gql(FIFTEEN, undefined, { token: secret });
    expect([refused.status, retried.status]).toContain(429);
    const departments = await t.gql(`{ departments { name } }`, undefined, { token: tenant.adminToken });
    expect(departments.data.departments.map((d: { name: string }) => d.name)).not.toContain(name);
  });

  it('over graphql-ws the refusal is the operation’s error with retryAfter', async () => {
    const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
    const secret = await createKey(tenant);
    await t.listen();
    const client = t.wsClient({ Authorization: `Bearer ${secret}` });
    try {
      const run = () =>
        new Promise<{ data?: unknown; errors?: { extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
          let last: any;
          client.subscribe({ query: FIFTEEN }, { next: (v) => (last = v), error: reject, complete: () => resolve(last) });
        });
      const results = [];
      for (let i = 0; i < 7; i++) results.push(await run());
      expect(results.slice(0, 6).every((r) => !r.errors)).toBe(true);
      expect(results[6]!.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 15 });
      expect(results[6]!.errors![0]!.extensions!.retryAfter as number).toBeGreaterThanOrEqual(1);
      expect(results[6]!.errors![0]!.extensions!.http).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });
});

describe('the bucket', () => {
  it('restores at its rate up to its maximum, takes all buckets or none, and refunds never above the maximum', async () => {
    let now = 1_000_000;
    const budget = memoryCostBudget(() => now);
    const tenant = { key: 't', max: 100, restore: 10 };
    const key = { key: 'k', max: 50, restore: 5 };
    expect(await budget.take([tenant, key], 40)).toMatchObject({ allowed: true, status: { currentlyAvailable: 10, maximumAvailable: 50 } });
    const refused = await budget.take([tenant, key], 20);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 2_000 });
    // Nothing was taken from the tenant's bucket by the refusal.
    expect(await budget.peek([tenant])).toMatchObject({ currentlyAvailable: 60 });
    now += 2_000;
    expect(await budget.take([tenant, key], 20)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
    expect(await budget.take([tenant, key], -1_000)).toMatchObject({ allowed: true, status: { currentlyAvailable: 50 } });
    now += 3_600_000;
    expect(await budget.peek([tenant, key])).toMatchObject({ currentlyAvailable: 50, maximumAvailable: 50, restoreRate: 5 });
  });
});

describe('with Redis, every gateway process draws on the same budget', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    const REDIS_PREFIX = unique('jiedai-test');
    one = await startTestApp({ ...BUDGETS, REDIS_URL, REDIS_PREFIX });
    two = await startTestApp({ ...BUDGETS, REDIS_URL, REDIS_PREFIX });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('what one process took, the other sees; over the budget the other refuses', async () => {
    const tenant = await createTenant(one, (await createPlatformAdmin(one)).token, 'HOTEL');
    const secret = await createKey(tenant, one);
    for (let i = 0; i < 6; i++) expect((await one.gql(FIFTEEN, undefined, { token: secret })).status).toBe(200);
    const refused = await two.gql(FIFTEEN, undefined, { token: secret });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A cheaper operation still fits in what is left, and both processes report the same budget.
    const left = await two.gql(`{ rateLimit { remaining } }`, undefined, { token: secret });
    const same = await one.gql(`{ rateLimit { remaining } }`, undefined, { token: secret });
    expect(left.data.rateLimit.remaining).toBeLessThan(15);
    expect(Math.abs(same.data.rateLimit.remaining - (left.data.rateLimit.remaining - 1))).toBeLessThanOrEqual(1);
  });
});
