// Every relation of every type in a live task event resolves, over graphql-ws and SSE alike: a task's
// assignee (and their user), its visit (and the visit's tasks), its comments and its evidence. Events are
// resolved outside an operation's transaction, on a client scoped to the subscriber's tenant: the old
// hand-made Proxy lacked a `has` trap, so plugin-prisma's `'task' in client` failed with "Unable to find
// delegate for model Task" and, `comments` being non-null, every such event arrived as `data: null`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, sseFeed, startTestApp, unique, waitFor, wsFeed, type Feed, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let tenant: TestTenant;
let other: TestTenant;
let url: string;

const TASK = `id title
  assignee { id title roles user { id displayName } }
  visit { id title status tasks(first: 5) { totalCount nodes { id } } }
  comments { id body author { id email } }
  completedBy { id email }
  evidence { id kind reference note }`;
const BOARD = `subscription($v: ID!) { taskBoardChanged(visitId: $v) { cursor kind actor { email } task { ${TASK} } } }`;
const ALL = `subscription { taskChanged { cursor kind actor { email } task { ${TASK} } } }`;

interface RichEvent {
  kind: string;
  actor: { email: string } | null;
  task: {
    id: string;
    assignee: { id: string; user: { displayName: string } } | null;
    visit: { id: string; tasks: { totalCount: number; nodes: { id: string }[] } } | null;
    comments: { body: string; author: { email: string } | null }[];
    completedBy: { email: string } | null;
    evidence: { reference: string }[];
  };
}

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = (await createPlatformAdmin(t)).token;
  tenant = await createTenant(t, platform, 'GOVERNMENT_OFFICE');
  other = await createTenant(t, platform, 'GOVERNMENT_OFFICE');
  url = `http://127.0.0.1:${await t.listen()}/graphql`;
});

afterAll(async () => {
  await t?.close();
});

async function ok(query: string, variables: Record<string, unknown>) {
  const res = await t.gql(query, variables, { token: tenant.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** Creates a task with an assignee, comments on it, attaches evidence and completes it: every relation filled by the last event. */
async function richTask(visitId: string, assigneeMembershipId: string, title: string) {
  const created = await ok(`mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id } } } }`, {
    input: { visitId, phase: 'PREPARATION', title, assigneeMembershipId },
  });
  const id = created.createTask.task.id as string;
  await ok(`mutation($id: ID!) { addTaskComment(input: { id: $id, body: "房间已检查" }) { __typename } }`, { id });
  await ok(`mutation($id: ID!) { addTaskEvidence(input: { id: $id, kind: PHOTO, reference: "s3://evidence/room-1.jpg", note: "1208" }) { __typename } }`, {
    id,
  });
  const done = await ok(`mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: DONE }) { __typename } }`, { id });
  expect(done.changeTaskStatus.__typename).toBe('TaskPayload');
  return id;
}

function expectRich(feed: Feed<RichEvent>, taskId: string, visitId: string, displayName: string) {
  expect(feed.errors, JSON.stringify(feed.errors).slice(0, 500)).toEqual([]);
  const mine = feed.events.filter((e) => e.task.id === taskId);
  expect(mine[0]!.kind).toBe('CREATED');
  expect(mine.at(-1)!.kind).toBe('STATUS_CHANGED');
  for (const event of mine) {
    expect(event.task.assignee?.user.displayName).toBe(displayName);
    expect(event.task.visit?.id).toBe(visitId);
    expect(event.task.visit?.tasks.nodes.map((n) => n.id)).toContain(taskId);
  }
  const last = mine.at(-1)!;
  expect(last.task.comments.map((c) => c.body)).toEqual(['房间已检查']);
  // The people in it are User objects: who commented, who completed it, who made the change.
  expect(last.task.comments.map((c) => c.author?.email)).toEqual([tenant.adminEmail]);
  expect(last.task.completedBy?.email).toBe(tenant.adminEmail);
  expect(mine.map((e) => e.actor?.email)).toEqual(mine.map(() => tenant.adminEmail));
  expect(last.task.evidence.map((e) => e.reference)).toEqual(['s3://evidence/room-1.jpg']);
}

describe('relations inside live task events', () => {
  it('resolve over graphql-ws (the visit board and the tenant-wide feed) and over SSE', async () => {
    const visitId = await api.newVisit(tenant.adminToken);
    const member = await tenant.member(['STAFF']);
    const displayName = (
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Membership { user { displayName } } } }`, { id: member.membershipId }, { token: tenant.adminToken })
    ).data.node.user.displayName;

    const ws = t.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
    const board = wsFeed<RichEvent>(ws, { query: BOARD, variables: { v: visitId }, field: 'taskBoardChanged' });
    const all = wsFeed<RichEvent>(ws, { query: ALL, field: 'taskChanged' });
    const sse = sseFeed<RichEvent>(url, tenant.adminToken, { query: ALL, field: 'taskChanged' });
    expect((await sse.status).status).toBe(200);
    // Another tenant's subscriber sees none of it.
    const foreign = sseFeed<RichEvent>(url, other.adminToken, { query: ALL, field: 'taskChanged' });
    // The subscriptions are live once a probe's event (or its failure) has reached all three.
    const heard = (f: Feed<RichEvent>) => f.events.length + f.errors.length > 0;
    await waitFor(
      async () => {
        if (heard(board) && heard(all) && heard(sse)) return true;
        await ok(`mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`, {
          input: { visitId, phase: 'FOLLOW_UP', title: unique('probe') },
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        return false;
      },
      15_000,
      'the three subscriptions to be live',
    );

    const taskId = await richTask(visitId, member.membershipId, unique('检查房间'));
    for (const feed of [board, all, sse]) {
      await waitFor(() => feed.errors.length > 0 || feed.events.some((e) => e.task.id === taskId && e.kind === 'STATUS_CHANGED'), 10_000, 'the task completed');
      expectRich(feed, taskId, visitId, displayName);
    }
    expect(foreign.events).toEqual([]);
    expect(foreign.errors).toEqual([]);
    for (const feed of [board, all, sse, foreign]) feed.stop();
    await ws.dispose();
  }, 60_000);
});
