// Tenants and departments through the gateway: platform admins create tenants with their first
// admin and kind structure; tenant admins manage departments; bad input changes nothing; every
// admin action is in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, signIn, startTestApp, unique, PASSWORD, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let platform: { token: string; userId: string };
let gov: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ NODE_ENV: 'development' });
  platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
});
afterAll(() => t?.close());

const CREATE = `mutation($input: CreateTenantInput!) { createTenant(input: $input) {
  __typename
  ... on TenantPayload { tenant { id slug kind locale timeZone currency } }
  ... on TenancyError { code message }
  ... on ValidationError { fieldErrors { path message } } } }`;

describe('createTenant (platform admin)', () => {
  it('creates the tenant, its first admin (who can sign in) and the kind structure, audited', async () => {
    const slug = unique('hosp');
    const res = await t.gql(
      CREATE,
      {
        input: {
          kind: 'HOSPITAL',
          slug,
          name: '测试医院',
          timeZone: 'Asia/Urumqi',
          admin: { email: `a@${slug}.test`, displayName: '院办', password: PASSWORD },
        },
      },
      { token: platform.token },
    );
    expect(res.data.createTenant).toMatchObject({
      __typename: 'TenantPayload',
      tenant: { slug, kind: 'HOSPITAL', locale: 'zh-Hans', timeZone: 'Asia/Urumqi', currency: 'CNY' },
    });
    const token = await signIn(t, `a@${slug}.test`);
    const mine = await t.gql(
      `{ tenant { slug } viewer { memberships { roles } } servicePoints { kind } auditLog(first: 5) { edges { node { action actor { id } } } } }`,
      {},
      { token },
    );
    expect(mine.data.tenant.slug).toBe(slug);
    expect(mine.data.viewer.memberships).toEqual([{ roles: ['TENANT_ADMIN'] }]);
    expect(mine.data.servicePoints.map((p: { kind: string }) => p.kind)).toEqual(
      expect.arrayContaining(['GUIDE_DESK', 'TRIAGE', 'GREEN_CHANNEL', 'CASHIER_WINDOW', 'WAITING_AREA', 'REPORT_PICKUP']),
    );
    expect(mine.data.auditLog.edges.map((e: { node: { action: string } }) => e.node.action)).toContain('tenant.created');
  });

  it('refuses a taken slug and invalid input with typed errors, creating nothing', async () => {
    const email = `${unique('dup-admin')}@t.test`;
    const taken = await t.gql(
      CREATE,
      { input: { kind: 'HOTEL', slug: gov.slug, name: 'dup', admin: { email, displayName: 'x', password: PASSWORD } } },
      { token: platform.token },
    );
    expect(taken.data.createTenant).toMatchObject({ __typename: 'TenancyError', code: 'SLUG_TAKEN' });
    const badSlug = unique('valid-slug');
    const invalid = await t.gql(
      CREATE,
      {
        input: {
          kind: 'HOTEL',
          slug: 'Bad Slug!',
          name: ' ',
          timeZone: 'Mars/Olympus',
          currency: 'yuan',
          admin: { email: 'not-an-email', displayName: 'x', password: 'short' },
        },
      },
      { token: platform.token },
    );
    expect(invalid.data.createTenant.__typename).toBe('ValidationError');
    const paths = invalid.data.createTenant.fieldErrors.map((e: { path: string[] }) => e.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['input.slug', 'input.name', 'input.timeZone', 'input.currency', 'input.admin.email', 'input.admin.password']),
    );
    // A valid slug with one bad field: still nothing at all is created.
    const oneBad = await t.gql(
      CREATE,
      { input: { kind: 'HOTEL', slug: badSlug, name: 'ok', admin: { email, displayName: 'x', password: 'short' } } },
      { token: platform.token },
    );
    expect(oneBad.data.createTenant.__typename).toBe('ValidationError');
    expect(await ownerQuery('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);
    expect(await ownerQuery('SELECT 1 FROM tenants WHERE slug = $1', [badSlug])).toEqual([]);
    expect(await ownerQuery('SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1', [gov.id])).toEqual([{ n: 1 }]);
  });

  it('is for platform admins only; they list every tenant', async () => {
    const denied = await t.gql(
      CREATE,
      { input: { kind: 'HOTEL', slug: unique('no'), name: 'x', admin: { email: `${unique('x')}@t.test`, displayName: 'x' } } },
      { token: gov.adminToken },
    );
    expect(denied.errors).toBeUndefined();
    expect(denied.data.createTenant.__typename).toBe('ForbiddenError');
    const list = await t.gql(`{ tenants(first: 100, kind: GOVERNMENT_OFFICE) { totalCount edges { node { slug kind } } } }`, {}, { token: platform.token });
    expect(list.errors, JSON.stringify(list.errors)).toBeUndefined();
    expect(list.data.tenants.edges.map((e: { node: { slug: string } }) => e.node.slug)).toContain(gov.slug);
    expect(list.data.tenants.edges.every((e: { node: { kind: string } }) => e.node.kind === 'GOVERNMENT_OFFICE')).toBe(true);
    const notPlatform = await t.gql(`{ viewer { isPlatformAdmin } }`, {}, { token: gov.adminToken });
    expect(notPlatform.data.viewer.isPlatformAdmin).toBe(false);
  });
});

describe('tenant settings and departments (tenant admin)', () => {
  it('updates settings, refusing an unknown time zone without changing anything', async () => {
    const bad = await t.gql(
      `mutation { updateTenant(input: { timeZone: "Nowhere/City", name: "改名" }) { __typename ... on ValidationError { fieldErrors { path } } } }`,
      {},
      { token: gov.adminToken },
    );
    expect(bad.data.updateTenant).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'timeZone'] }] });
    const ok = await t.gql(
      `mutation { updateTenant(input: { timeZone: "Asia/Hong_Kong" }) { ... on TenantPayload { tenant { timeZone name } } } }`,
      {},
      { token: gov.adminToken },
    );
    expect(ok.data.updateTenant.tenant.timeZone).toBe('Asia/Hong_Kong');
    expect(ok.data.updateTenant.tenant.name).not.toBe('改名');
  });

  it('creates a department tree; a duplicate name or a department in use is refused and nothing changes', async () => {
    const create = (name: string, parentId?: string) =>
      t.gql(
        `mutation($name: String!, $parentId: ID) { createDepartment(input: { name: $name, parentId: $parentId }) {
           __typename ... on DepartmentPayload { department { id name parent { name } } } ... on TenancyError { code } } }`,
        { name, parentId },
        { token: gov.adminToken },
      );
    const office = await create('接待办');
    const officeId = office.data.createDepartment.department.id;
    const child = await create('车辆组', officeId);
    expect(child.data.createDepartment.department.parent).toEqual({ name: '接待办' });
    expect((await create('接待办')).data.createDepartment).toEqual({ __typename: 'TenancyError', code: 'NAME_TAKEN' });
    const del = await t.gql(
      `mutation($id: ID!) { deleteDepartment(input: { id: $id }) { __typename ... on TenancyError { code } } }`,
      { id: officeId },
      { token: gov.adminToken },
    );
    expect(del.data.deleteDepartment).toEqual({ __typename: 'TenancyError', code: 'IN_USE' });
    const tree = await t.gql(`{ departments { name children { name } } }`, {}, { token: gov.adminToken });
    expect(tree.data.departments).toEqual(expect.arrayContaining([{ name: '接待办', children: [{ name: '车辆组' }] }]));
    const rows = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM departments WHERE tenant_id = $1 AND name = '接待办'`, [gov.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('audits every admin action with its actor and request id', async () => {
    const res = await t.gql(
      `mutation { createDepartment(input: { name: "礼宾组" }) { ... on DepartmentPayload { department { id } } } }`,
      {},
      {
        token: gov.adminToken,
        headers: { 'x-request-id': 'audit-test-request-0001' },
      },
    );
    const log = await t.gql(
      `{ auditLog(first: 1, action: "department.created") { edges { node { action targetId actor { id email } requestId data } } } }`,
      {},
      { token: gov.adminToken },
    );
    const entry = log.data.auditLog.edges[0].node;
    expect(entry).toMatchObject({
      action: 'department.created',
      targetId: res.data.createDepartment.department.id,
      requestId: 'audit-test-request-0001',
      data: { name: '礼宾组' },
    });
    expect(entry.actor).toEqual({ id: expect.any(String), email: gov.adminEmail });
  });
});
