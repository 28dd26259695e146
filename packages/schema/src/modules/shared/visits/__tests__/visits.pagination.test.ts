// Visits through the real gateway (4/4): the visits connection pages through 120 visits in startsAt
// order (ties broken by id) exactly once each, clamps an oversized page to 100, and loads a page with
// guests, restrictions, meals, dishes and hosts in a number of SQL statements that does not grow with
// the page size (no N+1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type GqlResponse, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let tenant: TestTenant;
let expectedOrder: string[];

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  tenant = await createTenant(t, platform.token, 'HOSPITAL');
  // 120 visits on 60 start times (two per time, inserted out of order), each with a guest with a
  // dietary restriction, a meal with a dish, and a host — as the database owner, for speed.
  const id = tenant.id;
  await ownerQuery(
    `INSERT INTO visits (tenant_id, title, purpose, starts_at, ends_at)
     SELECT $1, 'Visit ' || lpad(n::text, 3, '0'), 'BUSINESS_EXCHANGE'::visit_purpose,
            timestamptz '2031-03-01 09:00+08' + ((n * 37) % 60) * interval '1 hour',
            timestamptz '2031-03-01 11:00+08' + ((n * 37) % 60) * interval '1 hour'
     FROM generate_series(1, 120) AS n`,
    [id],
  );
  const [admin] = await ownerQuery(`SELECT id FROM memberships WHERE tenant_id = $1`, [id]);
  await ownerQuery(`INSERT INTO visit_guests (tenant_id, visit_id, name) SELECT tenant_id, id, 'Guest of ' || title FROM visits WHERE tenant_id = $1`, [id]);
  await ownerQuery(
    `INSERT INTO dietary_restrictions (tenant_id, guest_id, category, restricted) SELECT tenant_id, id, 'PERSONAL'::dietary_category, 'nuts' FROM visit_guests WHERE tenant_id = $1`,
    [id],
  );
  await ownerQuery(
    `INSERT INTO meals (tenant_id, visit_id, kind, starts_at) SELECT tenant_id, id, 'LUNCH'::meal_kind, starts_at + interval '3 hours' FROM visits WHERE tenant_id = $1`,
    [id],
  );
  await ownerQuery(`INSERT INTO dishes (tenant_id, meal_id, name, tags) SELECT tenant_id, id, '米饭', '{rice}' FROM meals WHERE tenant_id = $1`, [id]);
  await ownerQuery(
    `INSERT INTO visit_hosts (tenant_id, visit_id, membership_id, role) SELECT tenant_id, id, $2, 'HOST_LEADER'::host_role FROM visits WHERE tenant_id = $1`,
    [id, admin.id],
  );
  expectedOrder = (await ownerQuery(`SELECT id FROM visits WHERE tenant_id = $1 ORDER BY starts_at, id`, [id])).map((r) => r.id);
});
afterAll(() => t?.close());

const PAGE = `query($first: Int, $after: String) { visits(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id startsAt } } } }`;

describe('visits connection', () => {
  it('pages through all 120 visits exactly once, in startsAt order, with totalCount 120', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: GqlResponse = await t.gql(PAGE, { first: 50, after }, { token: tenant.adminToken });
      expect(res.errors).toBeUndefined();
      const conn: any = res.data.visits;
      expect(conn.totalCount).toBe(120);
      sizes.push(conn.edges.length);
      seen.push(...conn.edges.map((e: any) => rawId(e.node.id)));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(new Set(seen).size).toBe(120);
    expect(seen).toEqual(expectedOrder);
  });

  it('refuses first: 101 (BAD_USER_INPUT) instead of clamping it; first: 100 is a full page with a next one', async () => {
    const over = await t.gql(PAGE, { first: 101 }, { token: tenant.adminToken });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', max: 100, found: 101 });
    const res = await t.gql(PAGE, { first: 100 }, { token: tenant.adminToken });
    expect(res.errors).toBeUndefined();
    expect(res.data.visits.edges).toHaveLength(100);
    expect(res.data.visits.pageInfo.hasNextPage).toBe(true);
    expect(res.data.visits.edges.map((e: any) => rawId(e.node.id))).toEqual(expectedOrder.slice(0, 100));
  });

  it('loads guests, restrictions, meals, dishes and hosts with as many SQL statements for 50 visits as for 5', async () => {
    const query = `query($n: Int!) { visits(first: $n) { edges { node {
      title
      guests { name dietaryRestrictions { restricted } }
      meals { dishes { name } }
      hosts { membership { user { displayName } } } } } } }`;
    const statementsFor = async (n: number) => {
      t.statements.length = 0;
      const res = await t.gql(query, { n }, { token: tenant.adminToken });
      const sent = t.statements.length;
      expect(res.errors).toBeUndefined();
      expect(res.data.visits.edges).toHaveLength(n);
      for (const { node } of res.data.visits.edges) {
        expect(node).toMatchObject({
          guests: [{ name: `Guest of ${node.title}`, dietaryRestrictions: [{ restricted: 'nuts' }] }],
          meals: [{ dishes: [{ name: '米饭' }] }],
          hosts: [{ membership: { user: { displayName: 'Tenant admin' } } }],
        });
      }
      return sent;
    };
    await statementsFor(5); // warm-up
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(five).toBeGreaterThan(0);
    expect(fifty).toBe(five);
  });
});
