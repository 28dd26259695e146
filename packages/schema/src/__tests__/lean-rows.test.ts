// The lean read path (shared/lean-rows.ts): Visit and Task are in Pothos' select mode, so a read loads the
// columns its fields name and nothing else, in as many statements as before; a row that did not come from a
// planned query (a mutation's payload, the board a service builds, a task of a live event) is read as it
// is, never loaded again. Every field of both types (all that take no required argument) resolves alike
// on every way a row arrives: by id, node, in a connection, on the board, in a payload, in a live event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isLeafType, type GraphQLObjectType } from 'graphql';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { buildSchemas } from '../build-schemas.ts';
import { visitApi } from '../modules/shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let a: TestTenant;
let visitId: string;
let taskId: string;

async function ok(query: string, variables: Record<string, unknown> = {}) {
  const res = await t.gql(query, variables, { token: a.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** Every field of a type that takes no required argument: leaves as they are, objects by their typename
 *  (`leavesOnly`: the leaves alone, the fields a row answers from its own columns). */
function everyField(typeName: string, leavesOnly = false): string {
  const type = buildSchemas().government.getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter((f) => f.args.every((arg) => arg.type.toString().slice(-1) !== '!'))
    .filter((f) => !leavesOnly || isLeafType(getNamedType(f.type)))
    .map((f) => (isLeafType(getNamedType(f.type)) ? f.name : `${f.name} { __typename }`))
    .join(' ');
}

/** The statements of one operation (the test app counts what its pool sends). */
async function statementsOf(query: string, variables: Record<string, unknown>) {
  const before = t.statements.length;
  await ok(query, variables);
  return t.statements.slice(before);
}

const dataStatement = (statements: string[], table: string) => statements.find((s) => new RegExp(`FROM "public"\\."${table}"`).test(s)) ?? '';

beforeAll(async () => {
  t = await startTestApp();
  const platform = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platform, 'GOVERNMENT_OFFICE');
  visitId = await visitApi(t).newVisit(a.adminToken, { notes: '备注' });
  taskId = (
    await ok(`mutation($input: CreateTaskInput!) { createTask(input: $input) { ... on TaskPayload { task { id } } } }`, {
      input: { visitId, phase: 'PREPARATION', title: unique('备车'), description: '说明' },
    })
  ).createTask.task.id;
  await t.listen();
});

afterAll(async () => {
  await t?.close();
});

describe('the lean read path', () => {
  it('loads only the columns the operation selects, in as many statements as before', async () => {
    // Warm (tenant kind, plans), then count.
    const byId = `query($id: ID!) { node(id: $id) { ... on Visit { id title status startsAt } } }`;
    await ok(byId, { id: visitId });
    const statements = await statementsOf(byId, { id: visitId });
    expect(statements).toHaveLength(3); // the tenant prelude, the SELECT, COMMIT
    const select = dataStatement(statements, 'visits');
    for (const column of ['id', 'title', 'status', 'starts_at']) expect(select).toContain(`"${column}"`);
    for (const column of ['notes', 'summary', 'escalation_note', 'visiting_organization', 'reception_level']) expect(select).not.toContain(`"${column}"`);

    const board = `query($id: ID!) { node(id: $id) { ... on Visit { id title tasks(first: 100) { nodes { id title status dueAt assignee { id title roles } } } } } }`;
    await ok(board, { id: visitId });
    const boardStatements = await statementsOf(board, { id: visitId });
    expect(boardStatements).toHaveLength(3);
    const joined = dataStatement(boardStatements, 'visits');
    for (const column of ['due_at', 'status']) expect(joined).toContain(`"${column}"`);
    for (const column of ['description', 'status_reason', 'offset_minutes', 'completed_by_id', 'template_item_id']) expect(joined).not.toContain(`"${column}"`);
    // The assignee (a Membership): its id, title and roles, none of its other columns.
    for (const column of ['user_id', 'department_id', 'rank_id']) expect(joined).not.toContain(`"${column}"`);
  });

  it('resolves every field of Task alike by id, as a node, in connections, on the board, in a payload and in a live event', async () => {
    const fields = everyField('Task');
    const byId = (await ok(`query($id: ID!) { task(id: $id) { ${fields} } }`, { id: taskId })).task;
    expect(byId.description).toBe('说明');
    const node = (await ok(`query($id: ID!) { node(id: $id) { ... on Task { ${fields} } } }`, { id: taskId })).node;
    const inVisit = (await ok(`query($id: ID!) { visit(id: $id) { tasks(first: 10) { nodes { ${fields} } } } }`, { id: visitId })).visit.tasks.nodes;
    const listed = (await ok(`query($id: ID!) { tasks(first: 10, filter: { visitId: $id }) { nodes { ${fields} } } }`, { id: visitId })).tasks.nodes;
    const board = (
      await ok(`query($id: ID!) { visit(id: $id) { taskBoard { phases { columns { tasks(first: 2) { nodes { ${fields} } } } } } } }`, { id: visitId })
    ).visit.taskBoard.phases.flatMap((p: any) => p.columns.flatMap((c: any) => c.tasks.nodes));
    for (const seen of [node, inVisit.find((x: any) => x.id === taskId), listed.find((x: any) => x.id === taskId), board.find((x: any) => x.id === taskId)]) {
      expect(seen).toEqual(byId);
    }

    // A payload: the mutation's own row is read as it is (every leaf: no statement more than for `task { id }`;
    // relations load as they always did), and answers as a read after the change does.
    const update = (selection: string, title: string) =>
      `mutation { updateTask(input: { id: "${taskId}", title: "${title}" }) { ... on TaskPayload { task { ${selection} } } } }`;
    // The fewest of three runs each: the pool also carries the odd statement of something else now and then.
    const fewest = async (selection: string) => {
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) counts.push((await statementsOf(update(selection, unique('改')), {})).length);
      return Math.min(...counts);
    };
    expect(await fewest(everyField('Task', true))).toBe(await fewest('id'));
    const payload = (await ok(update(fields, unique('改')))).updateTask.task;
    expect(payload).toEqual((await ok(`query($id: ID!) { task(id: $id) { ${fields} } }`, { id: taskId })).task);

    // A live event: the task as the event carries it, every field, equal to a read after the change.
    const client = t.wsClient({ Authorization: `Bearer ${a.adminToken}` });
    const received: any[] = [];
    let failed: unknown = null;
    const ready = new Promise<void>((resolve) => {
      client.on('connected', () => resolve());
    });
    const dispose = client.subscribe(
      { query: `subscription($v: ID!) { taskBoardChanged(visitId: $v) { kind task { ${fields} } } }`, variables: { v: visitId } },
      { next: (msg) => received.push(msg), error: (e) => (failed = e), complete: () => undefined },
    );
    await ready;
    const title = unique('事件');
    // Resubscribing is not needed: send changes until one arrives (the subscription starts listening asynchronously).
    const until = Date.now() + 60_000;
    while (!received.some((m) => m.data?.taskBoardChanged?.task?.title === title) && Date.now() < until && !failed) {
      await ok(`mutation { updateTask(input: { id: "${taskId}", title: "${title}" }) { __typename } }`);
      await new Promise((r) => setTimeout(r, 500));
    }
    dispose();
    await client.dispose();
    expect(failed).toBeNull();
    const event = received.map((m) => m.data?.taskBoardChanged).find((e) => e?.task?.title === title);
    expect(event, JSON.stringify(received.slice(0, 2))).toBeDefined();
    expect(received.every((m) => !m.errors)).toBe(true);
    const after = (await ok(`query($id: ID!) { task(id: $id) { ${fields} } }`, { id: taskId })).task;
    expect(event.task).toEqual(after);
  });

  it('resolves every field of Visit alike by id, as a node, in a connection and in a payload', async () => {
    const fields = everyField('Visit');
    const byId = (await ok(`query($id: ID!) { visit(id: $id) { ${fields} } }`, { id: visitId })).visit;
    expect(byId.notes).toBe('备注');
    const node = (await ok(`query($id: ID!) { node(id: $id) { ... on Visit { ${fields} } } }`, { id: visitId })).node;
    expect(node).toEqual(byId);
    const listed = (await ok(`{ visits(first: 10) { nodes { ${fields} } } }`)).visits.nodes.find((v: any) => v.id === visitId);
    expect(listed).toEqual(byId);

    const version = byId.version as number;
    const payload = (
      await ok(
        `mutation($input: UpdateVisitInput!) { updateVisit(input: $input) { __typename ... on VisitPayload { visit { ${fields} } } ... on Error { code message } } }`,
        { input: { id: visitId, expectedVersion: version, notes: '新备注' } },
      )
    ).updateVisit;
    expect(payload.__typename, JSON.stringify(payload)).toBe('VisitPayload');
    const after = (await ok(`query($id: ID!) { visit(id: $id) { ${fields} } }`, { id: visitId })).visit;
    expect(payload.visit).toEqual(after);
    expect(after.notes).toBe('新备注');
  });
});
