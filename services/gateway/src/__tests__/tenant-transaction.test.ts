// What one operation sends to PostgreSQL, through the real gateway: BEGIN, the scope and the access
// check in one round trip; a query by id in three statements; a mutation of one field without a
// savepoint, its events appended as the last statement before COMMIT; a sole mutation that fails
// after writing rolls back everything it wrote; several mutation fields keep their savepoints, so
// one failing field leaves the others' work in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createPlatformAdmin, createTenant, globalId, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let tenant: TestTenant;
let visitId: string;

const VISIT_INPUT = () => ({
  title: unique('接待'),
  purpose: 'WORK_INSPECTION',
  startsAt: '2030-05-10T01:00:00.000Z',
  endsAt: '2030-05-10T09:00:00.000Z',
});
const CREATE_VISIT = `mutation($input: CreateVisitInput!) { createVisit(input: $input) {
  __typename ... on VisitPayload { visit { id } } ... on Error { message } } }`;
const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id } } ... on Error { message } } }`;

async function sent(query: string, variables: Record<string, unknown>) {
  t.statements.length = 0;
  const res = await t.gql(query, variables, { token: tenant.adminToken });
  expect(res.errors).toBeUndefined();
  return { data: res.data, statements: [...t.statements] };
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token);
  const res = await t.gql(CREATE_VISIT, { input: VISIT_INPUT() }, { token: tenant.adminToken });
  visitId = res.data.createVisit.visit.id;
});

afterAll(async () => {
  await t?.close();
});

describe('the statements of an operation', () => {
  it('a query by id: BEGIN + scope + membership check, the SELECT, COMMIT', async () => {
    const { data, statements } = await sent(`query($id: ID!) { node(id: $id) { ... on Visit { id title } } }`, { id: visitId });
    expect(data.node.id).toBe(visitId);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatch(/^BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT set_config\('app\.tenant_id', '[0-9a-f-]{36}', true\)/);
    expect(statements[0]).toMatch(/; SELECT \* FROM app_member_access\(0, '[0-9a-f-]{36}'\)$/);
    expect(statements[1]).toMatch(/FROM "public"\."visits"/);
    expect(statements[2]).toBe('COMMIT');
  });

  it('a board (visit → tasks → assignees): one SELECT, however many tasks', async () => {
    const member = await tenant.member(['STAFF']);
    const board = `query($id: ID!) { node(id: $id) { ... on Visit { id tasks(first: 100) { nodes { id title assignee { id title roles } } } } } }`;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(
        CREATE_TASK,
        { input: { visitId, phase: 'RECEPTION', title: unique('任务'), assigneeMembershipId: member.membershipId } },
        { token: tenant.adminToken },
      );
      expect(res.data.createTask.__typename).toBe('TaskPayload');
      const { data, statements } = await sent(board, { id: visitId });
      expect(data.node.tasks.nodes.filter((task: any) => task.assignee?.id === member.membershipId)).toHaveLength(i + 1);
      counts.push(statements.length);
    }
    expect(counts).toEqual([3, 3, 3]);
  });

  it('a sole mutation: no savepoint; its event is the last statement before COMMIT, and is published', async () => {
    const { data, statements } = await sent(CREATE_TASK, { input: { visitId, phase: 'RECEPTION', title: unique('任务') } });
    expect(data.createTask.__typename).toBe('TaskPayload');
    expect(statements[0]).toMatch(/^BEGIN ISOLATION LEVEL READ COMMITTED; /);
    expect(statements.filter((s) => /SAVEPOINT/.test(s))).toEqual([]);
    expect(statements.at(-2)).toMatch(/append_events/);
    expect(statements.at(-1)).toBe('COMMIT');
    const [event] = await ownerQuery(`SELECT type, payload->'task'->>'id' AS task FROM event_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [tenant.id]);
    expect(event).toEqual({ type: 'CREATED', task: rawId(data.createTask.task.id) });
  });

  it('a sole mutation that fails after writing (its idempotency key) rolls all of it back; the key stays free', async () => {
    const key = unique('key-rollback');
    const before = await ownerQuery(
      `SELECT (SELECT count(*) FROM visits WHERE tenant_id = $1)::int AS visits,
      (SELECT count(*) FROM idempotency_keys WHERE tenant_id = $1)::int AS keys`,
      [tenant.id],
    );
    const bad = await t.gql(
      CREATE_VISIT,
      { input: { ...VISIT_INPUT(), endsAt: '2030-05-09T01:00:00.000Z', idempotencyKey: key } },
      { token: tenant.adminToken },
    );
    expect(bad.data.createVisit.__typename).toBe('ValidationError');
    const after = await ownerQuery(
      `SELECT (SELECT count(*) FROM visits WHERE tenant_id = $1)::int AS visits,
      (SELECT count(*) FROM idempotency_keys WHERE tenant_id = $1)::int AS keys`,
      [tenant.id],
    );
    expect(after).toEqual(before);
    const good = await t.gql(CREATE_VISIT, { input: { ...VISIT_INPUT(), idempotencyKey: key } }, { token: tenant.adminToken });
    expect(good.data.createVisit.__typename).toBe('VisitPayload');
  });

  it('several mutation fields: each in a savepoint; a failing one undoes only itself', async () => {
    const title = unique('kept');
    const { data, statements } = await sent(
      `mutation($ok: CreateTaskInput!, $bad: CreateTaskInput!) {
        ok: createTask(input: $ok) { __typename }
        bad: createTask(input: $bad) { __typename } }`,
      // The bad one fails in PostgreSQL (a visit that does not exist: foreign key), aborting the statement.
      { ok: { visitId, phase: 'RECEPTION', title }, bad: { visitId: globalId('Visit', randomUUID()), phase: 'RECEPTION', title: unique('lost') } },
    );
    expect(data).toEqual({ ok: { __typename: 'TaskPayload' }, bad: { __typename: 'TaskError' } });
    expect(statements.filter((s) => s === 'SAVEPOINT jiedai_mutation')).toHaveLength(2);
    expect(statements).toContain('RELEASE SAVEPOINT jiedai_mutation');
    expect(statements).toContain('ROLLBACK TO SAVEPOINT jiedai_mutation');
    const kept = await ownerQuery(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title = $2`, [tenant.id, title]);
    expect(kept).toEqual([{ n: 1 }]);
    const [event] = await ownerQuery(`SELECT payload->'task'->>'title' AS title FROM event_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [tenant.id]);
    expect(event).toEqual({ title });
  });
});
