// Tenant isolation through the real gateway: a user of tenant A cannot see or change anything of
// tenant B, by global id or otherwise, and gets exactly what a random id gets.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, ownerQuery, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const bIds: Record<string, string> = {};

async function bRowCounts() {
  const rows = await ownerQuery(
    `SELECT (SELECT count(*) FROM departments WHERE tenant_id = $1)::int AS departments,
              (SELECT count(*) FROM memberships WHERE tenant_id = $1)::int AS memberships,
              (SELECT count(*) FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL)::int AS active_keys,
              (SELECT count(*) FROM ranks WHERE tenant_id = $1)::int AS ranks,
              (SELECT string_agg(name, ',' ORDER BY name) FROM departments WHERE tenant_id = $1) AS department_names,
              (SELECT string_agg(roles::text, ',' ORDER BY id) FROM memberships WHERE tenant_id = $1) AS roles`,
    [b.id],
  );
  return rows[0];
}

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  // Give B one of everything.
  const dep = await t.gql(
    `mutation { createDepartment(input: { name: "B 接待科" }) { ... on DepartmentPayload { department { id } } } }`,
    {},
    { token: b.adminToken },
  );
  bIds.department = dep.data.createDepartment.department.id;
  const staff = await b.member(['STAFF']);
  bIds.membership = staff.membershipId;
  const key = await t.gql(
    `mutation { createApiKey(input: { name: "B partner", role: VIEWER }) { ... on CreateApiKeySuccess { apiKey { id } } } }`,
    {},
    { token: b.adminToken },
  );
  bIds.apiKey = key.data.createApiKey.apiKey.id;
  const bView = await t.gql(`{ tenant { id } viewer { id } rankLadder { id } auditLog(first: 1) { edges { node { id } } } }`, {}, { token: b.adminToken });
  bIds.tenant = bView.data.tenant.id;
  bIds.user = bView.data.viewer.id;
  bIds.rank = bView.data.rankLadder[0].id;
  bIds.auditLogEntry = bView.data.auditLog.edges[0].node.id;
});

afterAll(async () => {
  await t?.close();
});

describe('tenant isolation', () => {
  it('B can see its own records (the ids below are real)', async () => {
    const res = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Object.values(bIds) }, { token: b.adminToken });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes.map((n: { id: string } | null) => n?.id)).toEqual(Object.values(bIds));
  });

  it.each(['tenant', 'department', 'membership', 'apiKey', 'user', 'rank', 'auditLogEntry'])(
    "A's admin gets for B's %s exactly what a random id gets",
    async (kind) => {
      const typename = Buffer.from(bIds[kind]!, 'base64').toString().split(':')[0]!;
      const random = globalId(typename, randomUUID());
      const query = `query($id: ID!) { node(id: $id) { id __typename } }`;
      const forB = await t.gql(query, { id: bIds[kind] }, { token: a.adminToken });
      const forRandom = await t.gql(query, { id: random }, { token: a.adminToken });
      expect(forB.status).toBe(200);
      expect(forB.data).toEqual({ node: null });
      expect(forB.errors).toBeUndefined();
      expect({ data: forB.data, errors: forB.errors }).toEqual({ data: forRandom.data, errors: forRandom.errors });
    },
  );

  it("an id of a type the caller's schema lacks is not found (not an error)", async () => {
    // A platform admin without a tenant works on the public schema: no Department there.
    const platform = await createPlatformAdmin(t);
    const res = await t.gql(
      `query($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id } }`,
      {
        id: bIds.department,
        ids: [bIds.department, bIds.tenant],
      },
      { token: platform.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.node).toBeNull();
    expect(res.data.nodes).toEqual([null, { id: bIds.tenant }]);
  });

  it("A's lists never include B's rows", async () => {
    const res = await t.gql(
      `{ members(first: 100) { edges { node { id user { id } } } } departments { id } apiKeys(first: 100) { edges { node { id } } }
         auditLog(first: 100) { edges { node { id } } } rankLadder { id } }`,
      {},
      { token: a.adminToken },
    );
    expect(res.errors).toBeUndefined();
    const seen = JSON.stringify(res.data);
    for (const id of Object.values(bIds)) expect(seen).not.toContain(id);
    expect(res.data.members.edges.length).toBeGreaterThan(0);
  });

  it("A's admin cannot change B's records: NOT_FOUND, and nothing in B changes", async () => {
    const before = await bRowCounts();
    const attempts = [
      [`mutation($id: ID!) { updateDepartment(input: { id: $id, name: "hijacked" }) { __typename ... on TenancyError { code } } }`, 'updateDepartment'],
      [`mutation($id: ID!) { deleteDepartment(input: { id: $id }) { __typename ... on TenancyError { code } } }`, 'deleteDepartment'],
      [`mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename ... on IdentityError { code } } }`, 'revokeApiKey'],
      [`mutation($id: ID!) { removeMember(input: { membershipId: $id }) { __typename ... on IdentityError { code } } }`, 'removeMember'],
      [`mutation($id: ID!) { updateMember(input: { membershipId: $id, roles: [TENANT_ADMIN] }) { __typename ... on IdentityError { code } } }`, 'updateMember'],
    ] as const;
    const ids = {
      updateDepartment: bIds.department,
      deleteDepartment: bIds.department,
      revokeApiKey: bIds.apiKey,
      removeMember: bIds.membership,
      updateMember: bIds.membership,
    };
    for (const [mutation, field] of attempts) {
      const res = await t.gql(mutation, { id: ids[field] }, { token: a.adminToken });
      expect(res.errors, field).toBeUndefined();
      expect(res.data[field], field).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await bRowCounts()).toEqual(before);
  });

  it("A cannot reference B's department from its own records", async () => {
    const res = await t.gql(
      `mutation($dep: ID!) { createDepartment(input: { name: "child of B", parentId: $dep }) { __typename ... on TenancyError { code } } }`,
      { dep: bIds.department },
      { token: a.adminToken },
    );
    expect(res.data.createDepartment).toEqual({ __typename: 'TenancyError', code: 'INVALID_REFERENCE' });
  });

  it('a user cannot pick a tenant they are not a member of, and an API key cannot leave its tenant', async () => {
    const res = await t.gql(`{ tenant { id } }`, {}, { token: a.adminToken, tenantId: b.id });
    expect(res.status).toBe(403);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const key = await t.gql(
      `mutation { createApiKey(input: { name: "A partner", role: VIEWER }) { ... on CreateApiKeySuccess { secret } } }`,
      {},
      { token: a.adminToken },
    );
    const cross = await t.gql(`{ tenant { id } }`, {}, { token: key.data.createApiKey.secret, tenantId: b.id });
    expect(cross.status).toBe(403);
    const own = await t.gql(`{ tenant { id } }`, {}, { token: key.data.createApiKey.secret });
    expect(own.data.tenant.id).not.toBe(bIds.tenant);
  });
});
