// Live boards at scale, through the real gateway (graphql-ws and SSE over real sockets, real PostgreSQL):
//   - many subscribers with different selections and roles each receive exactly the committed events, in
//     their own selection, once, and nothing of another tenant — while each event is executed once per
//     process per selection and role (the shared execution), not once per subscriber, and the tenant's
//     feed reads the log once per process, not once per subscriber;
//   - a reconnect herd far larger than the pool (pool 4, its pool wait short) all resume from their
//     cursors, catching up from the log: they queue for the subscriptions' share of the pool instead of
//     failing (no P2028, no STREAM_INTERRUPTED), and a writer meanwhile gets no 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, sseFeed, startTestApp, unique, waitFor, wsFeed, type Feed, type TestApp } from '@jiedai/testing';
import { sharedExecutionStats } from '../plugins/shared-execution.ts';

type WsClient = ReturnType<TestApp['wsClient']>;
interface Event {
  cursor: string;
  kind?: string;
  task: { id: string; title: string; status?: string; version?: number };
  actor?: { displayName: string } | null;
}

const SELECTIONS = {
  plain: 'subscription($after: String) { taskChanged(after: $after) { cursor kind task { id title } } }',
  wider: 'subscription($after: String) { taskChanged(after: $after) { cursor task { id title status version } } }',
  // Reaches a User: shared per person, not per role.
  withActor: 'subscription($after: String) { taskChanged(after: $after) { cursor kind actor { displayName } task { id title } } }',
} as const;
const ROLES = [['VIEWER'], ['STAFF'], ['COORDINATOR'], ['TENANT_ADMIN']] as const;

let t: TestApp;
let platformToken: string;
let url: string;
const clients: WsClient[] = [];
const feeds: Feed<Event>[] = [];

async function gql(query: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql(query, variables, { token });
  if (res.errors) throw new Error(`${res.status} ${JSON.stringify(res.errors)}`);
  return res.data;
}
const createTask = async (token: string, title: string) => {
  const data = await gql(
    `mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename ... on TaskPayload { task { id } } } }`,
    { i: { visitId: null, phase: 'RECEPTION', title } },
    token,
  );
  expect(data.createTask.__typename).toBe('TaskPayload');
  return data.createTask.task.id as string;
};
const rename = async (token: string, id: string, title: string) => {
  const data = await gql(`mutation($id: ID!, $t: String) { updateTask(input: { id: $id, title: $t }) { __typename } }`, { id, t: title }, token);
  expect(data.updateTask.__typename).toBe('TaskPayload');
};

async function currentSeq(tenantId: string): Promise<string> {
  const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [tenantId]);
  return row?.seq ?? '0';
}
/** The tenant's committed task events after a cursor, as the owner sees them. */
async function committed(tenantId: string, after: string) {
  const rows = await ownerQuery<{ cursor: string; task_id: string; title: string }>(
    `SELECT seq::text AS cursor, payload->'task'->>'id' AS task_id, payload->'task'->>'title' AS title
       FROM event_log WHERE tenant_id = $1 AND topic = 'task' AND seq > $2::bigint ORDER BY seq`,
    [tenantId, after],
  );
  return rows.map((r) => ({ cursor: r.cursor, taskId: r.task_id, title: r.title }));
}
const seen = (f: Feed<Event>) => f.events.map((e) => ({ cursor: e.cursor, taskId: rawId(e.task.id), title: e.task.title }));

function client(token: string): WsClient {
  const c = t.wsClient({ Authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  // Pool 4 (startTestApp), subscriptions' share 2, and a pool wait of 2 s: 200 start-ups of 3 transactions
  // each waiting for a connection in the pool (as before) would fail with P2028 here.
  t = await startTestApp({ SUBSCRIPTION_DB_CONCURRENCY: '2', DB_POOL_WAIT_MS: '2000' });
  const port = await t.listen();
  url = `http://127.0.0.1:${port}/graphql`;
  platformToken = (await createPlatformAdmin(t)).token;
});
afterAll(async () => {
  for (const f of feeds) f.stop();
  await Promise.all(clients.map((c) => c.dispose()));
  await t?.close();
});

describe('live boards: many subscribers', () => {
  it('each of many subscribers (3 selections × 4 roles, graphql-ws and SSE) receives exactly the committed events in its selection; each event is executed once per selection and role', async () => {
    const a = await createTenant(t, platformToken);
    const b = await createTenant(t, platformToken);
    const members = await Promise.all(ROLES.map((roles) => a.member([...roles])));
    const bViewer = await b.member(['VIEWER']);
    const start = await currentSeq(a.id);
    const startB = await currentSeq(b.id);

    // 3 selections × 4 roles × 4 graphql-ws subscribers (two sockets per person and selection), 12 over SSE.
    const subscribers: { feed: Feed<Event>; selection: keyof typeof SELECTIONS; role: string }[] = [];
    for (const [i, member] of members.entries()) {
      const sockets = [client(member.token), client(member.token)];
      for (const selection of Object.keys(SELECTIONS) as (keyof typeof SELECTIONS)[]) {
        for (const socket of [...sockets, ...sockets]) {
          const feed = wsFeed<Event>(socket, { query: SELECTIONS[selection], variables: { after: start }, field: 'taskChanged' });
          subscribers.push({ feed, selection, role: ROLES[i]![0] });
        }
        const sse = sseFeed<Event>(url, member.token, { query: SELECTIONS[selection], variables: { after: start }, field: 'taskChanged' });
        subscribers.push({ feed: sse, selection, role: ROLES[i]![0] });
      }
    }
    const other = wsFeed<Event>(client(bViewer.token), { query: SELECTIONS.plain, variables: { after: startB }, field: 'taskChanged' });
    feeds.push(other, ...subscribers.map((s) => s.feed));
    expect(subscribers.length).toBe(60);

    const before = sharedExecutionStats();
    const feedReadsBefore = t.app.services.eventFeeds.stats().logReads;
    // Changes in A (some while subscriptions are still starting), and in B.
    for (let k = 0; k < 4; k++) {
      const id = await createTask(a.adminToken, unique(`A${k}`));
      await rename(a.adminToken, id, `A${k}-renamed`);
      await rename(a.adminToken, id, `A${k}-again`);
    }
    const bTask = await createTask(b.adminToken, 'B-only');
    await rename(b.adminToken, bTask, 'B-renamed');

    const expected = await committed(a.id, start);
    expect(expected).toHaveLength(12);
    await waitFor(() => subscribers.every((s) => s.feed.events.length >= expected.length), 60_000, 'every subscriber has every committed event');
    const expectedB = await committed(b.id, startB);
    await waitFor(() => other.events.length >= expectedB.length, 30_000, "tenant B's subscriber has B's events");
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more (no duplicates) arrives

    for (const { feed, selection, role } of subscribers) {
      const what = `${selection} as ${role}`;
      expect(feed.errors, what).toEqual([]);
      expect(seen(feed), what).toEqual(expected);
      for (const event of feed.events) {
        // Its own selection, nothing more and nothing less.
        if (selection === 'plain') expect(Object.keys(event).sort(), what).toEqual(['cursor', 'kind', 'task']);
        if (selection === 'wider') {
          expect(Object.keys(event).sort(), what).toEqual(['cursor', 'task']);
          expect(Object.keys(event.task).sort(), what).toEqual(['id', 'status', 'title', 'version']);
        }
        if (selection === 'withActor') expect(event.actor, what).toEqual({ displayName: 'Tenant admin' });
      }
    }
    expect(other.errors).toEqual([]);
    expect(seen(other)).toEqual(expectedB);
    expect(seen(other).some((e) => e.title.startsWith('A'))).toBe(false);

    // 12 events of A reached 60 subscribers (720 results) and 2 of B one: executed once per event and
    // group (selection × role: plain 4, wider 4, withActor 4 persons) — at most 12 × 12 + 2.
    const after = sharedExecutionStats();
    const executions = after.executions - before.executions;
    const sharedResults = after.shared - before.shared;
    expect(executions + sharedResults).toBeGreaterThanOrEqual(12 * 60 + 2);
    expect(executions).toBeLessThanOrEqual(12 * 12 + 2);
    // The tenant's feed read the log at most a few times (gap fills, a poll), never once per subscriber.
    expect(t.app.services.eventFeeds.stats().logReads - feedReadsBefore).toBeLessThan(10);
  });

  it('a reconnect herd of 200 subscriptions (pool 4) all resume from their cursors, catching up from the log, without errors; a writer meanwhile gets no 503', async () => {
    const c = await createTenant(t, platformToken);
    const viewer = await c.member(['VIEWER']);
    const start = await currentSeq(c.id);
    // History the feed's memory does not hold (no subscriber of this tenant yet): the herd reads the log.
    const ids: string[] = [];
    for (let k = 0; k < 8; k++) ids.push(await createTask(c.adminToken, unique(`H${k}`)));

    const feedReadsBefore = t.app.services.eventFeeds.stats().logReads;
    // The herd: 200 subscriptions on 20 sockets, all at once, each resuming from `start`.
    const herd: Feed<Event>[] = [];
    for (let s = 0; s < 20; s++) {
      const socket = client(viewer.token);
      for (let k = 0; k < 10; k++) herd.push(wsFeed<Event>(socket, { query: SELECTIONS.plain, variables: { after: start }, field: 'taskChanged' }));
    }
    feeds.push(...herd);
    // A writer while the herd starts: every write succeeds.
    const writes: Promise<void>[] = [];
    for (const [k, id] of ids.entries()) writes.push(rename(c.adminToken, id, `H${k}-renamed`));
    await Promise.all(writes);

    const expected = await committed(c.id, start);
    expect(expected).toHaveLength(16);
    await waitFor(() => herd.every((f) => f.events.length >= expected.length || f.ended !== null), 120_000, 'the whole herd has caught up');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The herd's catch-up was read from the log by the tenant's feed, once for all (a few reads, not 200).
    expect(t.app.services.eventFeeds.stats().logReads - feedReadsBefore).toBeLessThan(10);
    for (const [i, feed] of herd.entries()) {
      expect(feed.errors, `subscriber ${i}`).toEqual([]);
      expect(feed.ended, `subscriber ${i}`).toBeNull();
      expect(seen(feed), `subscriber ${i}`).toEqual(expected);
    }
    const logged = t.logs.join('');
    expect(logged).not.toMatch(/P2028|Unable to start a transaction/);
  });
});
