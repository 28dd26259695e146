// The operation cost is cached per (schema, document, operation, shape of the variables): the same answer as
// walking the document again for any variables, a different one whenever a `first`, a list's length, an input's
// item count or an @include/@skip flag differs, and no second walk on a hit, also through the real gateway
// (yoga's parse cache hands the same DocumentNode for the same text).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildSchemas } from '@jiedai/schema';
import { createPlatformAdmin, createTenant, globalId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

const walks = vi.hoisted(() => ({ count: 0 }));
vi.mock('graphql-query-complexity', async (importOriginal) => {
  const original = await importOriginal<typeof import('graphql-query-complexity')>();
  return {
    ...original,
    getComplexity: (...args: Parameters<typeof original.getComplexity>) => {
      walks.count++;
      return original.getComplexity(...args);
    },
  };
});

const { cachedOperationCost, operationCost } = await import('../plugins/query-cost.ts');

const schema = buildSchemas().government;
const OPERATIONS = parse(`
  query Page($n: Int, $m: Int, $ids: [ID!]!, $withMembers: Boolean!, $skipNodes: Boolean = false) {
    members(first: $n) @include(if: $withMembers) { edges { node { id user { id } } } }
    last: members(last: $m) { nodes { id } }
    nodes(ids: $ids) @skip(if: $skipNodes) { id }
  }
  mutation Scores($id: ID!, $scores: [AssessmentScoreInput!]!) {
    recordAssessmentScores(input: { id: $id, scores: $scores }) { __typename }
  }
`);

const anyValue = fc.oneof(fc.constant(null), fc.string({ maxLength: 3 }), fc.integer({ min: -5, max: 300 }), fc.boolean());
const pageVariables = fc.record(
  {
    n: fc.oneof(fc.integer({ min: -2, max: 150 }), anyValue),
    m: fc.oneof(fc.integer({ min: 0, max: 120 }), anyValue),
    ids: fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 40 }), fc.array(anyValue, { maxLength: 5 }), anyValue),
    withMembers: fc.oneof(fc.boolean(), anyValue),
    skipNodes: fc.oneof(fc.boolean(), fc.constant(null)),
  },
  { requiredKeys: [] },
);
const score = fc.record(
  {
    criterionKey: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
    value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()),
    comment: fc.string({ maxLength: 3 }),
    extra: fc.string(),
  },
  { requiredKeys: ['criterionKey', 'value'] },
);
const scoresVariables = fc.record(
  { id: fc.oneof(fc.string({ maxLength: 4 }), anyValue), scores: fc.oneof(fc.array(score, { maxLength: 30 }), anyValue) },
  { requiredKeys: [] },
);

describe('the cached operation cost', () => {
  beforeEach(() => {
    walks.count = 0;
  });

  it('is the cost walked anew, for any variables (valid or not) of any operation of the document', () => {
    const cases = fc.oneof(
      fc.tuple(fc.constantFrom('Page', undefined), pageVariables),
      fc.tuple(fc.constant('Scores'), scoresVariables),
      // No such operation, or the whole document without a name (every operation is counted).
      fc.tuple(fc.constantFrom('Missing', undefined), fc.record({}, { requiredKeys: [] })),
    );
    let hits = 0;
    fc.assert(
      fc.property(cases, ([name, variables]) => {
        const before = walks.count;
        const cached = cachedOperationCost(schema, OPERATIONS, name, variables);
        if (walks.count === before) hits++;
        expect(cached).toEqual(operationCost(schema, OPERATIONS, name, variables));
      }),
      { numRuns: 2_000 },
    );
    // The property saw hits, not only misses (the shapes repeat).
    expect(hits).toBeGreaterThan(100);
  });

  it('differs with `first`/`last`, a list length, an input list length and an @include flag; a hit walks nothing', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);
    const cost = (name: string, variables: Record<string, unknown>) => cachedOperationCost(schema, OPERATIONS, name, variables)!.cost;
    const base = { n: 5, m: 3, ids: ids(2), withMembers: true };
    const first = cost('Page', base);
    expect(walks.count).toBe(1);
    expect(cost('Page', { ...base, ids: ids(2).reverse() })).toBe(first);
    expect(cost('Page', { ...base, ids: ['other', 'ids'] })).toBe(first);
    expect(walks.count).toBe(1);
    const variants = [
      cost('Page', { ...base, n: 6 }),
      cost('Page', { ...base, m: 4 }),
      cost('Page', { ...base, ids: ids(3) }),
      cost('Page', { ...base, withMembers: false }),
      cost('Page', { ...base, skipNodes: true }),
    ];
    for (const variant of variants) expect(variant).not.toBe(first);
    expect(walks.count).toBe(6);
    const scores = (n: number) => Array.from({ length: n }, (_, i) => ({ criterionKey: `c${i}`, value: i }));
    expect(cost('Scores', { id: 'a', scores: scores(3) })).not.toBe(cost('Scores', { id: 'a', scores: scores(4) }));
    const walked = walks.count;
    expect(cost('Scores', { id: 'zz', scores: scores(4).reverse() })).toBe(cost('Scores', { id: 'a', scores: scores(4) }));
    expect(walks.count).toBe(walked);
  });

  it('keeps the oversized page exact: a cached first of 100 is served, 101 is refused with its own number', () => {
    const variables = (n: number) => ({ n, m: 1, ids: [], withMembers: true });
    expect(cachedOperationCost(schema, OPERATIONS, 'Page', variables(100))!.oversized).toEqual([]);
    expect(cachedOperationCost(schema, OPERATIONS, 'Page', variables(101))!.oversized).toEqual([{ field: 'Query.members', argument: 'first', found: 101 }]);
    expect(cachedOperationCost(schema, OPERATIONS, 'Page', variables(100))!.oversized).toEqual([]);
    expect(cachedOperationCost(schema, OPERATIONS, 'Page', variables(150))!.oversized).toEqual([{ field: 'Query.members', argument: 'first', found: 150 }]);
  });
});

describe('through the gateway', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  });

  afterAll(async () => {
    await t?.close();
  });

  /** The operation's requested cost from `extensions.cost` (gql() keeps only data and errors). */
  async function requestedCost(query: string, variables: Record<string, unknown>): Promise<number> {
    const res = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en', authorization: `Bearer ${tenant.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: unknown; extensions?: { cost?: { requestedQueryCost: number } } };
    expect(body.errors).toBeUndefined();
    return body.extensions!.cost!.requestedQueryCost;
  }

  it('the same query text with other ids of the same count is costed once; another count or `first` is costed again', async () => {
    const query = 'query CachedCost($ids: [ID!]!, $n: Int) { nodes(ids: $ids) { id } members(first: $n) { edges { node { id } } } }';
    const ids = (n: number) => Array.from({ length: n }, () => globalId('Visit', randomUUID()));
    walks.count = 0;
    const same = [
      await requestedCost(query, { ids: ids(3), n: 2 }),
      await requestedCost(query, { ids: ids(3), n: 2 }),
      await requestedCost(query, { ids: ids(3), n: 2 }),
    ];
    expect(walks.count).toBe(1);
    expect(new Set(same).size).toBe(1);
    // nodes: 3 × 1; members: 2 × (the connection 1 + edges (1 + node 1)).
    expect(same[0]).toBe(3 + 2 * (1 + 2));
    expect(await requestedCost(query, { ids: ids(4), n: 2 })).toBe(same[0]! + 1);
    expect(await requestedCost(query, { ids: ids(3), n: 7 })).toBe(same[0]! + 5 * 3);
    expect(walks.count).toBe(3);
  });
});
