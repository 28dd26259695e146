// A board subscription starts in one transaction (issue 19: a reconnect herd opened two or three per
// subscription and exhausted the pool): the transaction that verifies the subscriber also looks up the
// visit (the gateway's tenant-transaction.ts keeps it for the subscription's first withScope), and a replay
// after a cursor that the tenant's feed still holds in memory reads no log. Counted as the BEGINs the gateway
// sent (every transaction, the operations' own included, less the tenant feed's own reads), over graphql-ws and over SSE. Refusals stay as
// they were: an unknown visit is NOT_FOUND, a removed member's subscription is that subscription's error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  sleep,
  sseFeed,
  startTestApp,
  unique,
  waitFor,
  wsFeed,
  globalId,
  type Feed,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';
import { randomUUID } from 'node:crypto';
import { visitApi } from '../../visits/__tests__/visits.helpers.ts';

interface TaskEvent {
  cursor: string;
  kind: string;
  task: { id: string; title: string };
}

// Fields that need no database when an event is delivered (the actor would read the user).
const BOARD = `subscription($v: ID!, $after: String) { taskBoardChanged(visitId: $v, after: $after) { cursor kind task { id title } } }`;
const ALL = `subscription { taskChanged { cursor } }`;

let t: TestApp;
let tenant: TestTenant;
let port: number;
let visitId: string;
const clients: ReturnType<TestApp['wsClient']>[] = [];
const feeds: Feed<unknown>[] = [];

/**
 * The transactions begun so far, less the tenant feed's own log reads (a quiet feed looks at the log every
 * few seconds, whoever subscribes: not a subscription's start).
 */
const begins = () => t.statements.filter((sql) => /^\s*BEGIN\b/i.test(sql)).length - t.app.services.eventFeeds.stats().logReads;

function client() {
  const c = t.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
  clients.push(c);
  return c;
}

async function createTask(title = unique('任务')): Promise<void> {
  const res = await t.gql(
    `mutation($i: CreateTaskInput!) { createTask(input: $i) { __typename } }`,
    { i: { visitId, phase: 'RECEPTION', title } },
    { token: tenant.adminToken },
  );
  expect(res.data?.createTask?.__typename, JSON.stringify(res)).toBe('TaskPayload');
}

/** The BEGINs of one task creation alone (its operation's transaction; nothing else is running). */
async function beginsOfCreate(): Promise<number> {
  const before = begins();
  await createTask();
  return begins() - before;
}

beforeAll(async () => {
  t = await startTestApp();
  port = await t.listen();
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  visitId = await visitApi(t).newVisit(tenant.adminToken);
  // The tenant's feed in this process is attached (it reads the tenant's latest seq once, when it is made)
  // and stays so: a tenant-wide subscription for the whole file.
  const warm = wsFeed<{ cursor: string }>(client(), { query: ALL, field: 'taskChanged' });
  feeds.push(warm as Feed<unknown>);
  await waitFor(
    async () => {
      await createTask();
      return warm.events.length > 0;
    },
    20_000,
    'the tenant feed',
    200,
  );
});

afterAll(async () => {
  for (const f of feeds) f.stop();
  for (const c of clients) await Promise.race([c.dispose(), sleep(2_000)]);
  await t?.close();
});

/**
 * Starts a board feed from now on and counts the BEGINs until it receives a change: task creations are
 * repeated until one arrives (the first may commit before the board is attached); theirs are subtracted.
 */
async function startCountingLive(start: () => Feed<TaskEvent>): Promise<number> {
  const perCreate = await beginsOfCreate();
  expect(perCreate).toBeGreaterThanOrEqual(1);
  const before = begins();
  const feed = start();
  feeds.push(feed as Feed<unknown>);
  let creates = 0;
  await waitFor(
    async () => {
      if (feed.events.length > 0 || feed.ended) return true;
      await createTask();
      creates++;
      return false;
    },
    20_000,
    'a live event on the board',
    100,
  );
  expect(feed.errors).toEqual([]);
  // Anything the start still did after the first event would be counted too.
  await sleep(300);
  feed.stop();
  return begins() - before - creates * perCreate;
}

describe('a board subscription starts in one transaction', () => {
  it('over graphql-ws, from now on: verification and the visit lookup are one transaction', async () => {
    const transactions = await startCountingLive(() =>
      wsFeed<TaskEvent>(client(), { query: BOARD, variables: { v: visitId, after: null }, field: 'taskBoardChanged' }),
    );
    expect(transactions).toBe(1);
  });

  it('over SSE too', async () => {
    const transactions = await startCountingLive(() =>
      sseFeed<TaskEvent>(`http://127.0.0.1:${port}/graphql`, tenant.adminToken, {
        query: BOARD,
        variables: { v: visitId, after: null },
        field: 'taskBoardChanged',
      }),
    );
    expect(transactions).toBe(1);
  });

  it('after a cursor the feed still holds in memory: one transaction, and the changes after it are replayed', async () => {
    const history = wsFeed<TaskEvent>(client(), { query: BOARD, variables: { v: visitId, after: '0' }, field: 'taskBoardChanged' });
    feeds.push(history as Feed<unknown>);
    await createTask('A');
    await createTask('B');
    await waitFor(() => history.events.some((e) => e.task.title === 'B'), 20_000, 'the two changes');
    history.stop();
    const a = history.events.find((e) => e.task.title === 'A')!;
    await sleep(300);
    const before = begins();
    const board = wsFeed<TaskEvent>(client(), { query: BOARD, variables: { v: visitId, after: a.cursor }, field: 'taskBoardChanged' });
    feeds.push(board as Feed<unknown>);
    await waitFor(() => board.events.length > 0 || board.ended !== null, 20_000, 'the replay');
    await sleep(300);
    board.stop();
    expect(board.errors).toEqual([]);
    expect(board.events.map((e) => e.task.title)).toEqual(['B']);
    expect(begins() - before).toBe(1);
  });

  it('a subscription that looks nothing up as it starts (taskChanged) costs its verification only, ended by its first event', async () => {
    const statements = (pattern: RegExp) => t.statements.filter((sql) => pattern.test(sql)).length;
    // Transactions begun and not yet ended (savepoints aside).
    const open = () => statements(/^\s*BEGIN\b/i) - statements(/^\s*(COMMIT|ROLLBACK)\b(?!\s+TO\b)/i);
    let openAtFirstEvent: number | undefined;
    const transactions = await startCountingLive(
      () =>
        wsFeed<TaskEvent>(client(), { query: `subscription { taskChanged { cursor kind task { id title } } }`, field: 'taskChanged' }, () => {
          openAtFirstEvent ??= open();
        }) as Feed<TaskEvent>,
    );
    expect(transactions).toBe(1);
    // The start-up transaction did not wait for a withScope that never came.
    expect(openAtFirstEvent).toBe(0);
  });

  it('an unknown visit is still NOT_FOUND, in one transaction, and the socket goes on', async () => {
    const c = client();
    const before = begins();
    const missing = wsFeed<TaskEvent>(c, { query: BOARD, variables: { v: globalId('Visit', randomUUID()), after: null }, field: 'taskBoardChanged' });
    await Promise.race([missing.done, sleep(20_000)]);
    expect(missing.ended).not.toBeNull();
    expect(JSON.stringify(missing.errors)).toContain('NOT_FOUND');
    expect(begins() - before).toBe(1);
    // The same socket serves the next subscription.
    const perCreate = await beginsOfCreate();
    const board = wsFeed<TaskEvent>(c, { query: BOARD, variables: { v: visitId, after: null }, field: 'taskBoardChanged' });
    feeds.push(board as Feed<unknown>);
    await waitFor(
      async () => {
        if (board.events.length > 0 || board.ended) return true;
        await createTask();
        return false;
      },
      20_000,
      'a live event on the same socket',
      100,
    );
    expect(perCreate).toBeGreaterThanOrEqual(1);
    expect(board.errors).toEqual([]);
  });
});
