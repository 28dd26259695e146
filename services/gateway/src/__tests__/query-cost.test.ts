// The cost limit counts what an operation asks for with its variables (audit: an anonymous loop of
// `nodes(ids: $ids)` with ~12,000 ids stalled every tenant, because armor's cost rule saw only literals),
// anonymous callers get a smaller budget, and `nodes` takes at most 100 ids. Refusals come before any
// database work.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  await t?.close();
});

/** No operation work was done: no transaction was begun (a member's tenant kind may be looked up at authentication). */
const noTransactionBegun = () => expect(t.statements.filter((sql) => /\bBEGIN\b/i.test(sql))).toEqual([]);
const visitIds = (n: number) => Array.from({ length: n }, () => globalId('Visit', randomUUID()));
const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';

describe('the cost of an operation counts list arguments given in variables', () => {
  it('an anonymous nodes(ids:) with 12,000 ids in a variable is refused before the database is touched', async () => {
    t.statements.length = 0;
    const res = await t.gql(NODES, { ids: visitIds(12_000) });
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 500 });
    expect(res.errors![0]!.extensions!.found as number).toBeGreaterThanOrEqual(12_000);
    expect(t.statements).toEqual([]);
  });

  it('a member is refused too once the list makes the operation cost more than the member budget', async () => {
    t.statements.length = 0;
    const res = await t.gql(NODES, { ids: visitIds(6_000) }, { token: tenant.adminToken });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 5_000, found: 6_000 });
    noTransactionBegun();
  });

  it('first/last given in a variable count like literals', async () => {
    const query = `query($n: Int) { a: members(first: $n) { edges { node { id user { id } } } } b: members(first: $n) { edges { node { id user { id } } } } }`;
    const small = await t.gql(query, { n: 5 }, { token: tenant.adminToken });
    expect(small.errors).toBeUndefined();
    // Without variables in the count this would cost as much as n: 5; with them 2 × 100 × 4 = 800 ≤ 5000: served.
    const big = await t.gql(query, { n: 100 }, { token: tenant.adminToken });
    expect(big.errors).toBeUndefined();
    // Anonymous: 800 > 500 (the fields are refused by the schema anyway, but the budget speaks first).
    const anonymous = await t.gql(`query($n: Int) { a: tenants(first: $n) { edges { node { id } } } b: tenants(first: $n) { edges { node { id } } } }`, {
      n: 100,
    });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', max: 500, found: 600 });
  });

  it('lists nested in an input count one per element, also in mutations', async () => {
    t.statements.length = 0;
    const scores = Array.from({ length: 5_000 }, (_, i) => ({ criterionKey: `c${i}`, value: 1 }));
    const res = await t.gql(
      `mutation($id: ID!, $scores: [AssessmentScoreInput!]!) { recordAssessmentScores(input: { id: $id, scores: $scores }) { __typename } }`,
      { id: globalId('Assessment', randomUUID()), scores },
      { token: tenant.adminToken },
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', found: 5_010 });
    noTransactionBegun();
  });

  it('anonymous callers have a smaller budget than members: 15 aliases of 100 ids each', async () => {
    const ids = visitIds(100);
    const query = `query($ids: [ID!]!) { ${Array.from({ length: 15 }, (_, i) => `n${i}: nodes(ids: $ids) { id }`).join(' ')} }`;
    const anonymous = await t.gql(query, { ids });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', max: 500, found: 1_500 });
    const member = await t.gql(query, { ids }, { token: tenant.adminToken });
    expect(member.errors).toBeUndefined();
    expect(member.data.n0).toHaveLength(100);
    expect(member.data.n14.every((node: unknown) => node === null)).toBe(true);
  });
});

describe('nodes(ids:) takes at most 100 ids', () => {
  it('101 ids are refused with BAD_USER_INPUT naming the argument and the limit; 100 are served', async () => {
    const over = await t.gql(NODES, { ids: visitIds(101) }, { token: tenant.adminToken });
    expect(over.data ?? null).toBeNull();
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids', max: 100, found: 101 });
    const atLimit = await t.gql(NODES, { ids: visitIds(100) }, { token: tenant.adminToken });
    expect(atLimit.errors).toBeUndefined();
    expect(atLimit.data.nodes).toHaveLength(100);
  });
});
