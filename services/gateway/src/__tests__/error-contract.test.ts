// The error contract a partner can rely on (README, "Errors"): failures of a mutation come back as data
// implementing `Error { code message path }`, and every top-level error has a documented extensions.code —
// here, what a caller without a tenant meets when asking for a tenant's field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let tenant: TestTenant;
let platformToken: string;

beforeAll(async () => {
  t = await startTestApp();
  platformToken = (await createPlatformAdmin(t)).token;
  tenant = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  await t?.close();
});

describe('a tenant field asked for without a tenant', () => {
  it('anonymous: 401 UNAUTHENTICATED naming the field, not "Cannot query field"', async () => {
    for (const query of ['{ visits(first: 5) { nodes { id } } }', 'mutation { createTask(input: { phase: RECEPTION, title: "x" }) { __typename } }']) {
      const res = await t.gql(query);
      expect(res.status, JSON.stringify(res.errors)).toBe(401);
      expect(res.errors, query).toHaveLength(1);
      expect(res.errors![0]!.extensions?.code, query).toBe('UNAUTHENTICATED');
      expect(res.errors![0]!.message, query).toMatch(/needs a signed-in caller/);
      expect(JSON.stringify(res.errors), query).not.toMatch(/Cannot query field/);
    }
  });

  it('a signed-in user acting in no tenant: 403 FORBIDDEN, asked to choose a tenant', async () => {
    const res = await t.gql('{ visits(first: 5) { nodes { id } } }', {}, { token: platformToken });
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.message).toMatch(/X-Tenant-Id/);
  });

  it('a field no schema has is still an ordinary validation error, and a member is served', async () => {
    const typo = await t.gql('{ visitz { id } }');
    expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "visitz"/);
    expect(typo.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const member = await t.gql('{ visits(first: 5) { totalCount } }', {}, { token: tenant.adminToken });
    expect(member.errors).toBeUndefined();
  });
});

describe('failures as data', () => {
  it('every failure member answers `... on Error { code message path }`: validation, module and authorization errors', async () => {
    const staff = await tenant.member(['STAFF']);
    const CREATE = `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { __typename ... on Error { code message path } } }`;
    const forbidden = await t.gql(CREATE, { input: { name: 'x' } }, { token: staff.token });
    expect(forbidden.data.createDepartment).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN', path: null });
    const invalid = await t.gql(CREATE, { input: { name: '' } }, { token: tenant.adminToken });
    expect(invalid.data.createDepartment).toMatchObject({ __typename: 'ValidationError', code: 'BAD_USER_INPUT' });
    expect(invalid.data.createDepartment.path.at(-1)).toBe('name');
    const first = await t.gql(CREATE, { input: { name: '接待办' } }, { token: tenant.adminToken });
    expect(first.data.createDepartment.__typename).toBe('DepartmentPayload');
    const taken = await t.gql(CREATE, { input: { name: '接待办' } }, { token: tenant.adminToken });
    expect(taken.data.createDepartment).toMatchObject({ __typename: 'TenancyError', code: 'NAME_TAKEN' });
  });
});

describe('X-Tenant-Id', () => {
  it("takes the tenant's global id, as the API returns it, or its UUID", async () => {
    for (const header of [tenant.globalId, tenant.id]) {
      const res = await t.gql('{ tenant { id kind } }', {}, { token: platformToken, tenantId: header });
      // The platform admin is no member of this tenant: refused alike for both spellings...
      expect(res.status, header).toBe(403);
    }
    const member = await tenant.member(['STAFF']);
    for (const header of [tenant.globalId, tenant.id]) {
      // ...and a member is served with either.
      const res = await t.gql('{ tenant { id kind } }', {}, { token: member.token, tenantId: header });
      expect(res.errors, header).toBeUndefined();
      expect(res.data.tenant).toEqual({ id: tenant.globalId, kind: 'GOVERNMENT_OFFICE' });
    }
    const garbage = await t.gql('{ tenant { id } }', {}, { token: member.token, tenantId: 'not-a-tenant' });
    expect(garbage.status).toBe(403);
  });
});
