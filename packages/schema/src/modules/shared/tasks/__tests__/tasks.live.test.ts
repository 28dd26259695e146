// Live task boards over real transports: graphql-ws clients against the listening gateway, SSE, and
// two gateway processes sharing Redis. Every change reaches the boards in order with a cursor; a
// subscriber that reconnects with its last cursor gets exactly what it missed; a rolled-back change
// emits nothing (seq stays gapless); tenants see only their own; a bad token is refused with 4403; a
// removed member or revoked key stops receiving; a Redis restart loses nothing; a consumer that stops
// reading is cut off with its cursor and resumes without loss. Every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '@jiedai/schema';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  rawId,
  sleep,
  sseFeed,
  startTestApp,
  TEST_JWT,
  unique,
  waitFor,
  wsFeed,
  type Feed,
  type TestApp,
  type TestTenant,
  freePort,
} from '@jiedai/testing';
import { L, visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';

type WsClient = ReturnType<TestApp['wsClient']>;

interface TaskEvent {
  cursor: string;
  kind: string;
  visitId: string | null;
  task: { id: string; title: string; status: string; version: number };
}

/** A live feed of task events (see @jiedai/testing's feeds). */
type TaskFeed = Feed<TaskEvent>;

const EVENT_FIELDS = `cursor kind visitId task { id title status version }`;
const BOARD = `subscription($v: ID!, $after: String) { taskBoardChanged(visitId: $v, after: $after) { ${EVENT_FIELDS} } }`;
const ALL = `subscription($after: String) { taskChanged(after: $after) { ${EVENT_FIELDS} } }`;
const TASK_RESULT = `__typename ... on TaskPayload { task { id version status title } } ... on TaskError { code }`;

const KEEPALIVE_MS = 60_000;
let t: TestApp;
let api: VisitApi;
let platformToken: string;
const clients: WsClient[] = [];
const apps: TestApp[] = [];
const redisServers: ChildProcess[] = [];

function wsClient(app: TestApp, token: string): WsClient {
  const c = app.wsClient({ Authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
}

const boardFeed = (c: WsClient, visitId: string, after: string | null, onEvent?: (event: TaskEvent) => void): TaskFeed =>
  wsFeed<TaskEvent>(c, { query: BOARD, variables: { v: visitId, after }, field: 'taskBoardChanged' }, onEvent);
const tenantFeed = (c: WsClient, after: string | null): TaskFeed => wsFeed<TaskEvent>(c, { query: ALL, variables: { after }, field: 'taskChanged' });

/** The tenant's latest seq (the cursor of "now"). */
async function currentSeq(tenantId: string): Promise<string> {
  const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [tenantId]);
  return row?.seq ?? '0';
}

/** Committed task events after a cursor (of one visit, or all of the tenant's), as the owner sees them. */
async function committed(tenantId: string, after: string, visitId?: string) {
  const rows = await ownerQuery<{ cursor: string; type: string; task_id: string }>(
    `SELECT e.seq::text AS cursor, e.type, e.payload->'task'->>'id' AS task_id FROM event_log e
      WHERE e.tenant_id = $1 AND e.topic = 'task' AND e.seq > $2::bigint AND ($3::uuid IS NULL OR e.subject_id = $3::uuid) ORDER BY e.seq`,
    [tenantId, after, visitId ? rawId(visitId) : null],
  );
  return rows.map((r) => ({ cursor: r.cursor, kind: r.type, taskId: r.task_id }));
}

const seen = (f: TaskFeed) => f.events.map((e) => ({ cursor: e.cursor, kind: e.kind, taskId: rawId(e.task.id) }));
const cursors = (events: { cursor: string }[]) => events.map((e) => BigInt(e.cursor));
const increasing = (events: { cursor: string }[]) => cursors(events).every((c, i, all) => i === 0 || c > all[i - 1]!);

async function gql(app: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await app.gql(query, variables, { token });
  if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

function taskOps(app: TestApp, token: string) {
  return {
    async create(visitId: string | null, title = unique('任务')) {
      const data = await gql(
        app,
        `mutation($i: CreateTaskInput!) { createTask(input: $i) { ${TASK_RESULT} } }`,
        { i: { visitId, phase: 'RECEPTION', title } },
        token,
      );
      expect(data.createTask.__typename, JSON.stringify(data)).toBe('TaskPayload');
      return data.createTask.task as { id: string; version: number; status: string; title: string };
    },
    async status(id: string, status: string, reason?: string) {
      const data = await gql(
        app,
        `mutation($id: ID!, $s: TaskStatus!, $r: String) { changeTaskStatus(input: { id: $id, status: $s, reason: $r }) { ${TASK_RESULT} } }`,
        { id, s: status, r: reason ?? null },
        token,
      );
      return data.changeTaskStatus;
    },
    async rename(id: string, title: string) {
      const data = await gql(app, `mutation($id: ID!, $t: String) { updateTask(input: { id: $id, title: $t }) { ${TASK_RESULT} } }`, { id, t: title }, token);
      expect(data.updateTask.__typename).toBe('TaskPayload');
      return data.updateTask.task;
    },
    async comment(id: string, body: string) {
      const data = await gql(
        app,
        `mutation($id: ID!, $b: String!) { addTaskComment(input: { id: $id, body: $b }) { ${TASK_RESULT} } }`,
        { id, b: body },
        token,
      );
      expect(data.addTaskComment.__typename).toBe('TaskPayload');
    },
    async remove(id: string) {
      const data = await gql(app, `mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename } }`, { id }, token);
      expect(data.deleteTask.__typename).toBe('DeleteTaskPayload');
    },
  };
}

/** Waits until the feed holds `count` events (or has ended), then a little longer for strays. */
async function collect(f: TaskFeed, count: number, timeoutMs = 5_000, what = 'events') {
  await waitFor(() => f.events.length >= count || f.ended !== null, timeoutMs, `${count} ${what} (have ${f.events.length})`);
  await sleep(250);
}

beforeAll(async () => {
  // A long keep-alive (ping every 60 s): the slow-consumer test pauses a socket, which then cannot answer
  // pings; on a loaded machine its writes may take longer than the default 12 s + 12 s.
  t = await startTestApp({ WS_KEEPALIVE_MS: String(KEEPALIVE_MS) });
  apps.push(t);
  await t.listen();
  api = visitApi(t);
  platformToken = (await createPlatformAdmin(t)).token;
});

afterAll(async () => {
  for (const c of clients) await Promise.race([c.dispose(), sleep(2_000)]);
  for (const app of apps) await Promise.race([app.close(), sleep(10_000)]).catch(() => undefined);
  for (const proc of redisServers) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

describe('graphql-ws task boards', () => {
  let a: TestTenant;
  let coordinatorToken: string;

  beforeAll(async () => {
    a = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
    coordinatorToken = (await a.member(['COORDINATOR'])).token;
  });

  it('taskBoardChanged delivers CREATED, STATUS_CHANGED, UPDATED and DELETED of its visit, in order, with the committed cursors', async () => {
    const visitId = await api.newVisit(coordinatorToken);
    const otherVisit = await api.newVisit(coordinatorToken);
    const ops = taskOps(t, coordinatorToken);
    const from = await currentSeq(a.id);
    const board = boardFeed(wsClient(t, a.adminToken), visitId, from);
    // A second subscriber without a cursor: from whenever it starts listening (primed with probes).
    const live = boardFeed(wsClient(t, a.adminToken), visitId, null);
    const probes: string[] = [];
    for (let i = 0; i < 50 && live.events.length === 0; i++) {
      probes.push((await ops.create(visitId, `probe-${i}`)).id);
      await waitFor(() => live.events.length > 0, 200, 'a probe').catch(() => undefined);
    }
    expect(live.events.length).toBeGreaterThan(0);
    await collect(board, probes.length, 5_000, 'probes');

    const x = await ops.create(visitId, '布置会场');
    await ops.create(otherVisit, '别的来访'); // another board
    await ops.status(x.id, 'IN_PROGRESS');
    await ops.rename(x.id, '布置会场（3号会议室）');
    await ops.comment(x.id, '桌签已打印');
    await api.add(coordinatorToken, 'saveMeal', visitId, { kind: 'LUNCH', startsAt: L('2030-05-10T12:00') }); // not a task event
    await ops.status(x.id, 'DONE');
    await ops.remove(x.id);
    await collect(board, probes.length + 6);

    const ours = board.events.slice(probes.length);
    expect(ours.map((e) => [e.kind, e.task.id, e.task.title, e.task.status, e.task.version])).toEqual([
      ['CREATED', x.id, '布置会场', 'TODO', 1],
      ['STATUS_CHANGED', x.id, '布置会场', 'IN_PROGRESS', 2],
      ['UPDATED', x.id, '布置会场（3号会议室）', 'IN_PROGRESS', 3],
      ['UPDATED', x.id, '布置会场（3号会议室）', 'IN_PROGRESS', 3],
      ['STATUS_CHANGED', x.id, '布置会场（3号会议室）', 'DONE', 4],
      ['DELETED', x.id, '布置会场（3号会议室）', 'DONE', 4],
    ]);
    expect(ours.every((e) => e.visitId === visitId)).toBe(true);
    // Exactly what was committed for this visit, cursor for cursor.
    expect(seen(board)).toEqual(await committed(a.id, from, visitId));
    expect(increasing(board.events)).toBe(true);
    expect(board.errors).toEqual([]);
    // The cursor-less feed saw the same events from the first one it got on.
    expect(seen(board).slice(-live.events.length)).toEqual(seen(live));
    board.stop();
    live.stop();
  });

  it('a subscriber that disconnects and resubscribes with its last cursor gets exactly the missed events, then live ones, no duplicates', async () => {
    const visitId = await api.newVisit(coordinatorToken);
    const ops = taskOps(t, coordinatorToken);
    const from = await currentSeq(a.id);
    const first = wsClient(t, a.adminToken);
    const before = boardFeed(first, visitId, from);
    const x = await ops.create(visitId, '接站');
    await ops.status(x.id, 'IN_PROGRESS');
    await collect(before, 2);
    expect(before.events.map((e) => e.kind)).toEqual(['CREATED', 'STATUS_CHANGED']);
    const lastCursor = before.events.at(-1)!.cursor;
    await first.dispose();

    // Offline: five changes.
    const y = await ops.create(visitId, '订餐');
    await ops.rename(x.id, '接站（南京南站）');
    await ops.status(y.id, 'BLOCKED', '餐厅未回复');
    await ops.comment(y.id, '已电话催促');
    await ops.status(x.id, 'DONE');
    const missed = await committed(a.id, lastCursor, visitId);
    expect(missed.map((e) => e.kind)).toEqual(['CREATED', 'UPDATED', 'STATUS_CHANGED', 'UPDATED', 'STATUS_CHANGED']);

    const resumed = boardFeed(wsClient(t, a.adminToken), visitId, lastCursor);
    await collect(resumed, 5);
    expect(seen(resumed)).toEqual(missed);
    // Then live.
    await ops.status(y.id, 'TODO');
    await ops.remove(y.id);
    await collect(resumed, 7);
    expect(seen(resumed)).toEqual(await committed(a.id, lastCursor, visitId));
    expect(resumed.events.map((e) => e.kind)).toEqual(['CREATED', 'UPDATED', 'STATUS_CHANGED', 'UPDATED', 'STATUS_CHANGED', 'STATUS_CHANGED', 'DELETED']);
    expect(new Set(resumed.events.map((e) => e.cursor)).size).toBe(7);
    expect([...before.events, ...resumed.events].map((e) => e.cursor)).toEqual((await committed(a.id, from, visitId)).map((e) => e.cursor));
    expect(resumed.errors).toEqual([]);
    resumed.stop();
  });

  it('a rolled-back change emits nothing: the next committed change has the very next cursor', async () => {
    const visitId = await api.newVisit(coordinatorToken);
    const ops = taskOps(t, coordinatorToken);
    const x = await ops.create(visitId, '准备材料');
    const from = await currentSeq(a.id);
    const f = tenantFeed(wsClient(t, a.adminToken), from);
    await ops.status(x.id, 'IN_PROGRESS');
    await collect(f, 1);
    const k = BigInt(f.events[0]!.cursor);

    // Refused as data (a TaskError): rolled back to its savepoint.
    expect(await ops.status(x.id, 'IN_PROGRESS')).toEqual({ __typename: 'TaskError', code: 'ILLEGAL_TRANSITION' });
    expect(await ops.status(x.id, 'BLOCKED')).toEqual({ __typename: 'TaskError', code: 'REASON_REQUIRED' });
    // A whole operation that ends with an error: its first field's change (and event) is dropped.
    const mixed = await t.gql(
      `mutation($id: ID!) {
         a: changeTaskStatus(input: { id: $id, status: DONE }) { __typename }
         b: addTaskComment(input: { id: $id, body: "评论" }) { __typename }
         c: changeTaskStatus(input: { id: "bm90IGEgdGFzayBpZA==", status: DONE }) { __typename }
       }`,
      { id: x.id },
      { token: coordinatorToken },
    );
    expect(mixed.errors?.length, JSON.stringify(mixed)).toBeGreaterThan(0);
    expect(await ownerQuery(`SELECT status::text, version FROM tasks WHERE id = $1`, [rawId(x.id)])).toEqual([{ status: 'IN_PROGRESS', version: 2 }]);
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM task_comments WHERE task_id = $1`, [rawId(x.id)])).toEqual([{ n: 0 }]);
    expect(await currentSeq(a.id)).toBe(String(k));

    const next = await ops.status(x.id, 'DONE');
    expect(next.__typename).toBe('TaskPayload');
    await collect(f, 2);
    await sleep(300);
    expect(f.events.map((e) => [e.kind, e.task.status])).toEqual([
      ['STATUS_CHANGED', 'IN_PROGRESS'],
      ['STATUS_CHANGED', 'DONE'],
    ]);
    expect(BigInt(f.events[1]!.cursor)).toBe(k + 1n); // gapless: nothing was numbered for the rolled-back changes
    expect(await committed(a.id, from)).toEqual(seen(f));
    f.stop();
  });

  it("tenant B's subscriber receives nothing of tenant A, and cannot watch A's board", async () => {
    const b = await createTenant(t, platformToken, 'HOTEL');
    const aVisit = await api.newVisit(coordinatorToken);
    const bVisit = await api.newVisit(b.adminToken);
    const aOps = taskOps(t, coordinatorToken);
    const bOps = taskOps(t, b.adminToken);
    // B replays its whole history (after: "0") and listens.
    const bFeed = tenantFeed(wsClient(t, b.adminToken), '0');
    const aFeed = tenantFeed(wsClient(t, a.adminToken), await currentSeq(a.id));
    const x = await aOps.create(aVisit, 'A 的任务');
    await aOps.status(x.id, 'DONE');
    await aOps.create(null, 'A 的全局任务');
    await collect(aFeed, 3);
    const y = await bOps.create(bVisit, 'B 的任务');
    await collect(bFeed, 1);
    await sleep(300);
    expect(bFeed.events.map((e) => [e.kind, e.task.id])).toEqual([['CREATED', y.id]]);
    expect(seen(bFeed)).toEqual(await committed(b.id, '0'));
    expect(aFeed.events.map((e) => e.task.id)).not.toContain(y.id);

    // A's board is not B's to watch.
    const peek = boardFeed(wsClient(t, b.adminToken), aVisit, '0');
    await Promise.race([peek.done, sleep(5_000)]);
    expect(peek.ended).not.toBeNull();
    expect(peek.events).toEqual([]);
    expect(JSON.stringify(peek.errors)).toContain('NOT_FOUND');
    bFeed.stop();
    aFeed.stop();
  });

  it('an invalid or forged token at connection_init is closed with 4403; a valid one is acknowledged', async () => {
    const viewerId = rawId((await t.gql(`{ viewer { id } }`, {}, { token: a.adminToken })).data.viewer.id);
    const forged = await createTokenService({ ...TEST_JWT, secret: 'another-secret-of-at-least-thirty-two-chars', ttlSeconds: 600 }).issue({
      userId: viewerId,
      tenantId: a.id,
      sessionEpoch: 0,
    });
    const attempt = async (params: Record<string, unknown>) => {
      const c = t.wsClient(params);
      clients.push(c);
      let acked = false;
      let closedWith: number | null = null;
      c.on('connected', () => (acked = true));
      c.on('closed', (event) => (closedWith = (event as { code: number }).code));
      const f = tenantFeed(c, null);
      await waitFor(() => closedWith !== null || acked, 5_000, 'the handshake');
      if (acked) f.stop();
      else await Promise.race([f.done, sleep(2_000)]);
      return { acked, closedWith, events: f.events.length };
    };
    for (const params of [
      { Authorization: 'Bearer not-a-token' },
      { Authorization: `Bearer ${forged}` },
      { Authorization: `Bearer jdk_not_a_real_key` },
      { Authorization: a.adminToken }, // no "Bearer"
    ]) {
      expect(await attempt(params), JSON.stringify(params)).toEqual({ acked: false, closedWith: 4403, events: 0 });
    }
    expect((await attempt({ Authorization: `Bearer ${a.adminToken}` })).acked).toBe(true);

    // Without any credential the connection is anonymous: it cannot subscribe to task changes at all.
    const anonymous = t.wsClient({});
    clients.push(anonymous);
    const f = tenantFeed(anonymous, '0');
    await Promise.race([f.done, sleep(5_000)]);
    expect(f.ended).not.toBeNull();
    expect(f.events).toEqual([]);
    expect(f.errors.length).toBeGreaterThan(0);
  });

  it('a removed member and a revoked API key stop receiving: their streams end and nothing more arrives', async () => {
    const c = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
    const member = await c.member(['STAFF']);
    const demoted = await c.member(['STAFF']);
    const key = await gql(
      t,
      `mutation { createApiKey(input: { name: "大屏", role: VIEWER }) { __typename ... on CreateApiKeySuccess { secret apiKey { id } } } }`,
      {},
      c.adminToken,
    );
    const { secret, apiKey } = key.createApiKey;
    const visitId = await api.newVisit(c.adminToken);
    const ops = taskOps(t, c.adminToken);
    const from = await currentSeq(c.id);
    const memberFeed = tenantFeed(wsClient(t, member.token), from);
    const keyFeed = boardFeed(wsClient(t, secret), visitId, from);
    const adminFeed = tenantFeed(wsClient(t, c.adminToken), from);
    const demotedFeed = tenantFeed(wsClient(t, demoted.token), from);
    const x = await ops.create(visitId, '门口迎宾');
    await collect(memberFeed, 1);
    await collect(keyFeed, 1);
    expect(memberFeed.events.map((e) => e.task.id)).toEqual([x.id]);
    expect(keyFeed.events.map((e) => e.task.id)).toEqual([x.id]);

    // A member whose roles change but who may still view keeps the stream.
    const demotion = await gql(
      t,
      `mutation($id: ID!) { updateMember(input: { membershipId: $id, roles: [VIEWER] }) { __typename } }`,
      { id: demoted.membershipId },
      c.adminToken,
    );
    expect(demotion.updateMember.__typename).toBe('MembershipPayload');
    const removed = await gql(t, `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { __typename } }`, { id: member.membershipId }, c.adminToken);
    expect(removed.removeMember.__typename).toBe('RemoveMemberPayload');
    const revoked = await gql(t, `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }`, { id: apiKey.id }, c.adminToken);
    expect(revoked.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    await ops.status(x.id, 'IN_PROGRESS');
    await ops.rename(x.id, '门口迎宾（东门）');
    await collect(adminFeed, 3);
    await Promise.race([Promise.all([memberFeed.done, keyFeed.done]), sleep(3_000)]);
    expect(adminFeed.events.map((e) => e.kind)).toEqual(['CREATED', 'STATUS_CHANGED', 'UPDATED']);
    expect(memberFeed.events.map((e) => e.kind)).toEqual(['CREATED']);
    expect(keyFeed.events.map((e) => e.kind)).toEqual(['CREATED']);
    expect(memberFeed.ended).not.toBeNull();
    expect(keyFeed.ended).not.toBeNull();
    expect(seen(demotedFeed)).toEqual(seen(adminFeed));
    expect(demotedFeed.ended).toBeNull();
    adminFeed.stop();
    demotedFeed.stop();
  });

  it('taskChanged over server-sent events delivers the same events with their cursors', async () => {
    const port = await t.listen();
    const visitId = await api.newVisit(coordinatorToken);
    const ops = taskOps(t, coordinatorToken);
    const from = await currentSeq(a.id);
    const sse = sseFeed<TaskEvent>(`http://127.0.0.1:${port}/graphql`, a.adminToken, { query: ALL, variables: { after: from }, field: 'taskChanged' });
    const res = await sse.status;
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/event-stream');
    const x = await ops.create(visitId, 'SSE 任务');
    await ops.status(x.id, 'DONE');
    await waitFor(() => sse.events.length >= 2, 5_000, 'two SSE events');
    await sleep(250);
    sse.stop();
    await Promise.race([sse.done, sleep(2_000)]);
    expect(seen(sse)).toEqual(await committed(a.id, from));
    expect(sse.errors).toEqual([]);
  });
});

// ── Redis ──────────────────────────────────────────────────────────────────────────────────────

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 500);
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(String(data).startsWith('+PONG'));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redisServers.push(proc);
  await waitFor(() => redisPing(port), 10_000, `redis-server on ${port}`);
  return proc;
}

async function stopRedis(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGKILL');
  await Promise.race([exited, sleep(5_000)]);
}

describe('two gateways sharing Redis', () => {
  it('a change through gateway 1 reaches a subscriber on gateway 2 through Redis (well before any poll), once', async () => {
    const prefix = unique('jiedai-tasks');
    const one = await startTestApp({ REDIS_URL: SHARED_REDIS, REDIS_PREFIX: prefix });
    apps.push(one);
    const two = await startTestApp({ REDIS_URL: SHARED_REDIS, REDIS_PREFIX: prefix });
    apps.push(two);
    await two.listen();
    const d = await createTenant(one, platformToken, 'HOSPITAL');
    const visitId = await api.newVisit(d.adminToken);
    const ops = taskOps(one, d.adminToken);
    // Subscribed from now on (no cursor), so nothing comes from the log: only the bus can deliver.
    const c = wsClient(two, d.adminToken);
    let connected = false;
    c.on('connected', () => (connected = true));
    const f = boardFeed(c, visitId, null);
    await waitFor(() => connected, 5_000, 'the connection');
    await sleep(300);
    const x = await ops.create(visitId, '导医迎接');
    // Each change must arrive long before the stream's own 5 s poll of the log.
    for (const [i, change] of [
      async () => undefined,
      async () => ops.status(x.id, 'IN_PROGRESS'),
      async () => ops.rename(x.id, '导医迎接（门诊大厅）'),
    ].entries()) {
      await change();
      const started = Date.now();
      await waitFor(() => f.events.length >= i + 1, 1_500, `event ${i + 1} through Redis`);
      expect(Date.now() - started).toBeLessThan(1_500);
      await sleep(150);
    }
    await sleep(300);
    expect(f.events.map((e) => e.kind)).toEqual(['CREATED', 'STATUS_CHANGED', 'UPDATED']);
    expect(seen(f)).toEqual(await committed(d.id, '0', visitId));
    f.stop();
  });

  it('Redis restarted during a stream: the received seqs equal the committed seqs, no loss, no duplicates', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const prefix = unique('jiedai-restart');
    const one = await startTestApp({ REDIS_URL: url, REDIS_PREFIX: prefix });
    apps.push(one);
    const two = await startTestApp({ REDIS_URL: url, REDIS_PREFIX: prefix });
    apps.push(two);
    await two.listen();
    const e = await createTenant(one, platformToken, 'GOVERNMENT_OFFICE');
    const visitId = await api.newVisit(e.adminToken);
    const ops = taskOps(one, e.adminToken);
    const from = await currentSeq(e.id);

    // The subscriber on gateway 2 resubscribes with its last cursor whenever its stream ends.
    const received: TaskEvent[] = [];
    const streams: TaskFeed[] = [];
    let stopped = false;
    const subscribe = () => {
      const f = boardFeed(wsClient(two, e.adminToken), visitId, received.at(-1)?.cursor ?? from, (event) => received.push(event));
      streams.push(f);
      void f.done.then(() => {
        if (!stopped) setTimeout(subscribe, 50);
      });
    };
    subscribe();

    const tasks = [await ops.create(visitId, '重启前 1'), await ops.create(visitId, '重启前 2')];
    await ops.status(tasks[0]!.id, 'IN_PROGRESS');
    await waitFor(() => received.length >= 3, 5_000, 'the events before the restart');

    await stopRedis(redis);
    // Changes while Redis is down: committed, but nothing can be published.
    tasks.push(await ops.create(visitId, 'Redis 停机时'));
    await ops.status(tasks[1]!.id, 'BLOCKED', '等待 Redis');
    await ops.rename(tasks[0]!.id, '重启前 1（改）');
    await sleep(300);
    redis = await startRedis(port);
    await sleep(1_000); // the gateways reconnect
    tasks.push(await ops.create(visitId, '重启后'));
    await ops.status(tasks[1]!.id, 'TODO');
    await ops.remove(tasks[2]!.id);

    const expected = await committed(e.id, from, visitId);
    expect(expected).toHaveLength(3 + 3 + 3);
    await waitFor(() => received.length >= expected.length, 15_000, `all ${expected.length} events (have ${received.length})`);
    await sleep(500);
    const got = received.map((x) => x.cursor);
    expect(new Set(got).size).toBe(got.length); // no duplicates
    expect(got).toEqual(expected.map((x) => x.cursor)); // no loss, in order
    expect(received.map((x) => ({ cursor: x.cursor, kind: x.kind, taskId: rawId(x.task.id) }))).toEqual(expected);
    // And live delivery through the restarted Redis is back: the next change arrives at once (no poll).
    const count = received.length;
    await ops.status(tasks[0]!.id, 'DONE');
    await waitFor(() => received.length > count, 1_500, 'a live event through the restarted Redis');
    stopped = true;
    expect(streams.length, 'resubscriptions').toBeLessThanOrEqual(2);
    expect(received.slice(count).map((x) => x.kind)).toEqual(['STATUS_CHANGED']);
    expect(received.map((x) => x.cursor)).toEqual((await committed(e.id, from, visitId)).map((x) => x.cursor));
    for (const f of streams) f.stop();
  });
});

// ── slow consumers ─────────────────────────────────────────────────────────────────────────────

describe('a consumer that stops reading', () => {
  it('is cut off with SLOW_CONSUMER and its cursor (a reading one is not), and resumes from that cursor without loss', async () => {
    const s = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
    const visitId = await api.newVisit(s.adminToken);
    // Big events (a long description, selected many times over) fill the socket buffers quickly.
    const description = '请仔细核对来宾名单、车辆、房间和菜单。'.repeat(25);
    const templateIds: string[] = [];
    for (let n = 0; n < 6; n++) {
      const created = await gql(
        t,
        `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename ... on ChecklistTemplatePayload { template { id } } } }`,
        {
          i: {
            name: unique(`大清单${n}`),
            items: Array.from({ length: 300 }, (_, i) => ({ phase: 'PREPARATION', title: `第${n}组第${i + 1}项`, description })),
          },
        },
        s.adminToken,
      );
      templateIds.push(created.createChecklistTemplate.template.id);
    }
    const from = await currentSeq(s.id);
    const aliases = Array.from({ length: 12 }, (_, i) => `d${i}: description`).join(' ');
    const HEAVY = `subscription($v: ID!, $after: String) { taskBoardChanged(visitId: $v, after: $after) { cursor kind visitId task { id title status version ${aliases} } } }`;

    const slowClient = wsClient(t, s.adminToken);
    let socket: any = null;
    slowClient.on('connected', (ws: unknown) => (socket = ws));
    const slow = wsFeed<TaskEvent>(slowClient, { query: HEAVY, variables: { v: visitId, after: from }, field: 'taskBoardChanged' });
    const steady = boardFeed(wsClient(t, s.adminToken), visitId, from);
    await waitFor(() => socket !== null, 5_000, 'the slow connection');
    await sleep(200);
    socket.pause(); // stops reading from its TCP socket

    const started = Date.now();
    for (const templateId of templateIds) {
      const res = await gql(
        t,
        `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) { __typename ... on InstantiateChecklistPayload { created { id } } } }`,
        { v: visitId, t: templateId },
        s.adminToken,
      );
      expect(res.instantiateChecklist.created).toHaveLength(300);
    }
    const total = 6 * 300;
    // The reading subscriber keeps up with every event.
    await waitFor(() => steady.events.length >= total || steady.ended !== null, 50_000, `the steady subscriber's ${total} events`);
    // The paused socket cannot answer pings: the server's keep-alive (ping after KEEPALIVE_MS, terminate
    // KEEPALIVE_MS later without a pong) must not be what closes it: the writes were done well before.
    expect(Date.now() - started).toBeLessThan(KEEPALIVE_MS);
    const receivedWhilePaused = slow.events.length;
    expect(receivedWhilePaused).toBeLessThan(total);

    socket.resume();
    await Promise.race([slow.done, sleep(15_000)]);
    expect(slow.ended, JSON.stringify(slow.errors).slice(0, 500)).not.toBeNull();
    const cutOff = slow.errors.find((e) => e?.extensions?.code === 'SLOW_CONSUMER');
    expect(cutOff, JSON.stringify(slow.errors).slice(0, 500)).toBeDefined();
    const cursor = cutOff.extensions.cursor as string;
    expect(cursor).toMatch(/^\d+$/);

    const expected = await committed(s.id, from, visitId);
    expect(expected).toHaveLength(total);
    // Before the cut: every event up to the cursor, nothing after it.
    expect(slow.events.length).toBeLessThan(total);
    expect(seen(slow)).toEqual(expected.filter((x) => BigInt(x.cursor) <= BigInt(cursor)));
    expect(slow.events.every((x: any) => x.task.d0 === description && x.task.d11 === description)).toBe(true);

    // Resuming from the reported cursor yields the rest.
    const rest = boardFeed(wsClient(t, s.adminToken), visitId, cursor);
    await waitFor(() => slow.events.length + rest.events.length >= total || rest.ended !== null, 20_000, 'the rest after the cursor');
    await sleep(300);
    const all = [...seen(slow), ...seen(rest)];
    expect(all).toEqual(expected);
    expect(rest.errors).toEqual([]);

    expect(seen(steady)).toEqual(expected);
    expect(steady.errors).toEqual([]);
    expect(steady.ended).toBeNull();
    steady.stop();
    rest.stop();
  }, 180_000);

  it('one operation committing more events than a subscription buffers (1200) neither crashes the gateway nor loses anything', async () => {
    // (The bus used to throw RepeaterOverflowError out of the publisher past 1024 unread events:
    // an uncaught exception, i.e. the process down for every tenant.)
    const s = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
    const visitId = await api.newVisit(s.adminToken);
    for (const [kind, at] of [
      ['BREAKFAST', '07:30'],
      ['LUNCH', '12:00'],
      ['DINNER', '18:00'],
      ['BANQUET', '20:00'],
    ] as const) {
      await api.add(s.adminToken, 'saveMeal', visitId, { kind, startsAt: L(`2030-05-10T${at}`) });
    }
    const template = await gql(
      t,
      `mutation($i: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $i) { __typename ... on ChecklistTemplatePayload { template { id } } } }`,
      {
        i: {
          name: unique('每餐清单'),
          items: Array.from({ length: 300 }, (_, i) => ({ phase: 'RECEPTION', title: `每餐第${i + 1}项`, anchor: 'EACH_MEAL', offsetMinutes: -15 })),
        },
      },
      s.adminToken,
    );
    const from = await currentSeq(s.id);
    const f = boardFeed(wsClient(t, s.adminToken), visitId, from);
    await sleep(300);
    const res = await gql(
      t,
      `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) { __typename ... on InstantiateChecklistPayload { created { id } } } }`,
      { v: visitId, t: template.createChecklistTemplate.template.id },
      s.adminToken,
    );
    expect(res.instantiateChecklist.created).toHaveLength(1200); // 300 steps × 4 meals, one commit
    await waitFor(() => f.events.length >= 1200 || f.ended !== null, 20_000, 'the burst');
    // The stream may have cut this subscriber off (its queue is bounded); then it resumes from its cursor.
    let all = seen(f);
    if (f.ended) {
      const cutOff = f.errors.find((e) => e?.extensions?.code === 'SLOW_CONSUMER');
      expect(cutOff, JSON.stringify(f.errors).slice(0, 500)).toBeDefined();
      const rest = boardFeed(wsClient(t, s.adminToken), visitId, cutOff.extensions.cursor);
      await waitFor(() => f.events.length + rest.events.length >= 1200 || rest.ended !== null, 20_000, 'the rest');
      await sleep(200);
      all = [...all, ...seen(rest)];
      rest.stop();
    }
    expect(all).toEqual(await committed(s.id, from, visitId));
    // The gateway still serves.
    expect((await t.gql(`{ tenant { id } }`, {}, { token: s.adminToken })).data.tenant.id).toBe(s.globalId);
    f.stop();
  }, 180_000);
});
