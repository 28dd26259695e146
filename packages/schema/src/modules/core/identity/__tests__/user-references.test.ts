// People referenced by a record (who completed a task, wrote a comment, submitted or decided a plan version, did
// what the audit log records) are `User` objects, not bare ids: resolved in a constant number of statements
// whatever the length of the list, and null for a person who is not a member of the tenant (nothing of them leaks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../../shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let tenant: TestTenant;
let people: { token: string; membershipId: string; email: string; userId: string }[];

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
  const members = await Promise.all([0, 1, 2].map(() => tenant.member(['STAFF'])));
  people = await Promise.all(members.map(async (m) => ({ ...m, userId: (await t.gql(`{ viewer { id } }`, {}, { token: m.token })).data.viewer.id as string })));
});
afterAll(() => t?.close());

/** `n` tasks on a new visit, done by the three people in turn, each with a comment by the next. */
async function doneTasks(n: number): Promise<string> {
  const visitId = await api.newVisit(tenant.adminToken);
  const users = people.map((p) => rawId(p.userId));
  await ownerQuery(
    `WITH made AS (
       INSERT INTO tasks (tenant_id, visit_id, phase, position, title, status, completed_at, completed_by_id)
       SELECT $1, $2, 'PREPARATION', i, 'task ' || i, 'DONE', now(), ($3::uuid[])[1 + i % 3] FROM generate_series(1, $4::int) AS i
       RETURNING id, tenant_id, position)
     INSERT INTO task_comments (tenant_id, task_id, body, author_user_id) SELECT tenant_id, id, 'ok', ($3::uuid[])[1 + (position + 1) % 3] FROM made`,
    [tenant.id, rawId(visitId), users, n],
  );
  return visitId;
}

const TASKS = `query($v: ID!, $n: Int!) { node(id: $v) { ... on Visit { tasks(first: $n) { nodes { id completedBy { id email displayName } comments { author { id } } } } } } }`;

async function countStatements(query: string, variables: Record<string, unknown>) {
  await t.gql(query, variables, { token: tenant.adminToken }); // warm: the tenant-kind cache, Prisma's plans
  t.statements.length = 0;
  const res = await t.gql(query, variables, { token: tenant.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { data: res.data, total: t.statements.length, users: t.statements.filter((s) => /"users"/.test(s)).length };
}

describe('User references', () => {
  it('a page of tasks resolves completedBy and comment authors in a constant number of statements (no N+1)', async () => {
    const small = await countStatements(TASKS, { v: await doneTasks(2), n: 2 });
    const large = await countStatements(TASKS, { v: await doneTasks(20), n: 20 });
    expect(large.data.node.tasks.nodes).toHaveLength(20);
    expect(large.total).toBe(small.total);
    expect(large.users).toBe(small.users);
    expect(large.users).toBeLessThanOrEqual(2); // one for completedBy, one for the comments' authors
    const byId = new Map(people.map((p) => [p.userId, p]));
    for (const task of large.data.node.tasks.nodes) {
      expect(byId.get(task.completedBy.id)?.email).toBe(task.completedBy.email);
      expect(task.comments[0].author.id).not.toBe(task.completedBy.id);
    }
  });

  it('a person no longer a member of the tenant resolves to null: their e-mail and name do not leak', async () => {
    const gone = await tenant.member(['STAFF']);
    const goneUserId = (await t.gql(`{ viewer { id } }`, {}, { token: gone.token })).data.viewer.id;
    const visitId = await api.newVisit(tenant.adminToken);
    await ownerQuery(
      `INSERT INTO tasks (tenant_id, visit_id, phase, position, title, status, completed_at, completed_by_id) VALUES ($1, $2, 'RECEPTION', 1, 'left', 'DONE', now(), $3)`,
      [tenant.id, rawId(visitId), rawId(goneUserId)],
    );
    const read = () =>
      t.gql(`query($v: ID!) { node(id: $v) { ... on Visit { tasks { nodes { completedBy { id email } } } } } }`, { v: visitId }, { token: tenant.adminToken });
    expect((await read()).data.node.tasks.nodes).toEqual([{ completedBy: { id: goneUserId, email: gone.email } }]);
    await ownerQuery(`DELETE FROM memberships WHERE id = $1`, [rawId(gone.membershipId)]);
    const after = await read();
    expect(after.errors).toBeUndefined();
    expect(after.data.node.tasks.nodes).toEqual([{ completedBy: null }]);
    expect(JSON.stringify(after)).not.toContain(gone.email);
  });

  it('a plan version names who submitted and who decided it; the audit log names the person or the API key', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    await api.add(tenant.adminToken, 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000031' });
    await api.add(tenant.adminToken, 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000032' });
    expect((await api.submit(tenant.adminToken, visitId)).__typename).toBe('VisitPayload');
    const approver = await tenant.member(['APPROVER']);
    expect((await api.decide(approver.token, visitId, true, '同意')).data.decideVisitPlan.__typename).toBe('VisitPayload');
    const read = await api.read(tenant.adminToken, visitId, 'planVersions { submittedBy { email } decidedBy { email } }');
    expect(read.planVersions).toEqual([{ submittedBy: { email: tenant.adminEmail }, decidedBy: { email: approver.email } }]);

    const log = await t.gql(`{ auditLog(first: 50) { nodes { action actor { email } actorApiKey { id } } } }`, {}, { token: tenant.adminToken });
    expect(log.errors).toBeUndefined();
    const approved = log.data.auditLog.nodes.find((e: { action: string }) => e.action === 'visit.approved');
    expect(approved).toEqual({ action: 'visit.approved', actor: { email: approver.email }, actorApiKey: null });
    // The platform admin who created the tenant is no member of it: the entry keeps no trace of them.
    const created = log.data.auditLog.nodes.find((e: { action: string }) => e.action === 'tenant.created');
    expect(created).toEqual({ action: 'tenant.created', actor: null, actorApiKey: null });
  });
});
