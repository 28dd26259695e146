// A visit's tasks are bounded (audit: ~3,000 tasks on one visit made one read take 1 s and 0.5 MB, and 50
// such readers starved the pool): at most MAX_TASKS_PER_VISIT tasks per visit, refused with the typed
// TOO_MANY_TASKS on every path that adds tasks; `Visit.tasks` and the board's columns are Relay
// connections with the usual page sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';
import { MAX_TASKS_PER_VISIT } from '../task.service.ts';

let t: TestApp;
let api: VisitApi;
let tenant: TestTenant;

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id } } ... on TaskError { code message } } }`;

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  await t?.close();
});

/** Fills a visit with `n` tasks as the database owner (fast), spread over phases and statuses. */
async function fill(visitId: string, n: number) {
  await ownerQuery(
    `INSERT INTO tasks (tenant_id, visit_id, phase, position, title, status, completed_at)
     SELECT $1, $2, (ARRAY['PREPARATION','RECEPTION','FOLLOW_UP'])[1 + i % 3]::task_phase, i, 'task ' || i,
            (ARRAY['TODO','DONE'])[1 + i % 2]::task_status, CASE WHEN i % 2 = 1 THEN now() END
     FROM generate_series(1, $3::int) AS i`,
    [tenant.id, rawId(visitId), n],
  );
}

const taskCount = async (visitId: string) => Number((await ownerQuery(`SELECT count(*) AS n FROM tasks WHERE visit_id = $1`, [rawId(visitId)]))[0].n);

describe('at most MAX_TASKS_PER_VISIT tasks per visit', () => {
  it('the last one fits; one more is TOO_MANY_TASKS and stores nothing, on createTask and on instantiateChecklist', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    await fill(visitId, MAX_TASKS_PER_VISIT - 1);
    const create = () => t.gql(CREATE_TASK, { input: { visitId, phase: 'RECEPTION', title: unique('任务') } }, { token: tenant.adminToken });
    expect((await create()).data.createTask.__typename).toBe('TaskPayload');
    expect(await taskCount(visitId)).toBe(MAX_TASKS_PER_VISIT);
    const over = (await create()).data.createTask;
    expect(over).toEqual({ __typename: 'TaskError', code: 'TOO_MANY_TASKS', message: `A visit has at most ${MAX_TASKS_PER_VISIT} tasks` });
    expect(await taskCount(visitId)).toBe(MAX_TASKS_PER_VISIT);

    // A checklist that would overflow the visit adds none of its items.
    const { data } = await t.gql(`{ checklistTemplates { id name } }`, {}, { token: tenant.adminToken });
    const template = data.checklistTemplates[0];
    const res = await t.gql(
      `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) { __typename ... on TaskError { code } } }`,
      { v: visitId, t: template.id },
      { token: tenant.adminToken },
    );
    expect(res.data.instantiateChecklist).toEqual({ __typename: 'TaskError', code: 'TOO_MANY_TASKS' });
    expect(await taskCount(visitId)).toBe(MAX_TASKS_PER_VISIT);
    const [events] = await ownerQuery(`SELECT count(*) AS n FROM event_log WHERE tenant_id = $1 AND payload->'task'->>'visitId' = $2`, [
      tenant.id,
      rawId(visitId),
    ]);
    expect(Number(events.n)).toBe(1); // only the one createTask that succeeded
  });

  it('concurrent creates on a nearly full visit never overshoot the cap', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    await fill(visitId, MAX_TASKS_PER_VISIT - 3);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.gql(CREATE_TASK, { input: { visitId, phase: 'RECEPTION', title: unique('任务') } }, { token: tenant.adminToken })),
    );
    const kinds = results.map((r) => (r.data.createTask.__typename === 'TaskPayload' ? 'ok' : r.data.createTask.code));
    expect(kinds.filter((k) => k === 'ok')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'TOO_MANY_TASKS')).toHaveLength(5);
    expect(await taskCount(visitId)).toBe(MAX_TASKS_PER_VISIT);
  });
});

describe("a visit's tasks and the board's columns are connections", () => {
  it('Visit.tasks pages in checklist order: 20 by default, at most 100 a page, with totalCount and cursors', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    await fill(visitId, 250);
    const page = async (args: string) =>
      (
        await t.gql(
          `query($id: ID!) { node(id: $id) { ... on Visit { tasks${args} { totalCount pageInfo { hasNextPage endCursor } nodes { id phase position } } } } }`,
          { id: visitId },
          { token: tenant.adminToken },
        )
      ).data.node.tasks;
    const first = await page('');
    expect(first.totalCount).toBe(250);
    expect(first.nodes).toHaveLength(20);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const seen: { id: string; phase: string; position: number }[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page(`(first: 100${after ? `, after: "${after}"` : ''})`);
      expect(p.nodes.length).toBeLessThanOrEqual(100);
      seen.push(...p.nodes);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((x) => x.id)).size).toBe(250);
    const order = ['PREPARATION', 'RECEPTION', 'FOLLOW_UP'];
    const keys = seen.map((x) => order.indexOf(x.phase) * 1e6 + x.position);
    expect(keys).toEqual([...keys].sort((x, y) => x - y));
  });

  it('a board column counts all its tasks and lists them a page at a time', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    await fill(visitId, 300); // 50 per phase and status (TODO / DONE)
    const res = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Visit { taskBoard { total phases { phase columns { status count
         first: tasks { totalCount nodes { id } pageInfo { hasNextPage } } all: tasks(first: 100) { nodes { id } } } } } } } }`,
      { id: visitId },
      { token: tenant.adminToken },
    );
    expect(res.errors).toBeUndefined();
    const board = res.data.node.taskBoard;
    expect(board.total).toBe(300);
    const todo = board.phases[0].columns.find((c: { status: string }) => c.status === 'TODO');
    expect(todo.count).toBe(50);
    expect(todo.first.nodes).toHaveLength(20);
    expect(todo.first.totalCount).toBe(50); // the column's TaskConnection counts as Query.tasks and Visit.tasks do
    expect(todo.first.pageInfo.hasNextPage).toBe(true);
    expect(todo.all.nodes).toHaveLength(50);
  });
});
