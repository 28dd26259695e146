// Two gateway processes (services/gateway/src/main.ts, as `pnpm start` runs it) behind a private
// PgBouncer in transaction pooling, sharing a private Redis: a subscriber on one gets the changes made
// on the other; a subscriber that drops resumes by cursor on the other process and misses nothing (no
// sticky sessions); tenants stay apart across the processes; each scheduled job runs once with both
// processes running their job queue (graphile-worker, on the direct URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, unique, waitFor, wsFeed, type TestTenant } from '@jiedai/testing';
import { committedTaskEvents, CREATE_TASK, currentSeq, startCluster, tally, TASK_FEED, type Cluster, type TaskEvent } from '../cluster.ts';
import type { GatewayProcess } from '../gateways.ts';

let cluster: Cluster;
let one: GatewayProcess;
let two: GatewayProcess;
let a: TestTenant;
let b: TestTenant;
const clients: Client[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
  [one, two] = cluster.gateways as [GatewayProcess, GatewayProcess];
  const platform = await createPlatformAdmin(one.asTestApp());
  a = await createTenant(one.asTestApp(), platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(two.asTestApp(), platform.token, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await cluster?.stop();
});

const ws = (g: GatewayProcess, token: string) => {
  const c = g.wsClient({ Authorization: `Bearer ${token}` });
  clients.push(c);
  return c;
};

async function createTask(g: GatewayProcess, token: string, title = unique('任务')): Promise<string> {
  const res = await g.gql(CREATE_TASK, { i: { phase: 'PREPARATION', title } }, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data.createTask.__typename, JSON.stringify(res.data)).toBe('TaskPayload');
  return res.data.createTask.task.id;
}

describe('two gateway processes through PgBouncer with Redis fan-out', () => {
  it('a subscriber on process 1 gets every change made on process 2, in order, once; tenant B sees none of them', async () => {
    const from = await currentSeq(a.id);
    const fromB = await currentSeq(b.id);
    const feed = wsFeed<TaskEvent>(ws(one, a.adminToken), { query: TASK_FEED, variables: { after: from }, field: 'taskChanged' });
    const feedB = wsFeed<TaskEvent>(ws(one, b.adminToken), { query: TASK_FEED, variables: { after: fromB }, field: 'taskChanged' });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createTask(two, a.adminToken));
    await waitFor(() => feed.events.length >= 10, 20_000, '10 task events on process 1');
    const committed = await committedTaskEvents(a.id, from);
    expect(committed.map((e) => e.taskId)).toEqual(ids.map(rawId));
    expect(feed.events.map((e) => e.task.id)).toEqual(ids);
    expect(tally(committed, feed.events)).toEqual({ lost: 0, duplicates: 0, foreign: 0 });
    // B's own change arrives on B's feed: B's feed is live, and carried nothing of A's.
    const bTask = await createTask(two, b.adminToken);
    await waitFor(() => feedB.events.length >= 1, 20_000, "B's own event");
    expect(feedB.events.map((e) => e.task.id)).toEqual([bTask]);
    expect(feed.errors).toEqual([]);
    feed.stop();
    feedB.stop();
  });

  it('a subscriber that drops resumes by cursor on the other process and misses nothing while writes go on through both', async () => {
    const from = await currentSeq(a.id);
    const first = wsFeed<TaskEvent>(ws(one, a.adminToken), { query: TASK_FEED, variables: { after: from }, field: 'taskChanged' });
    let writing = true;
    const written: string[] = [];
    // Two writers, one per process, all along.
    const writers = [one, two].map(async (g) => {
      while (writing) written.push(await createTask(g, a.adminToken));
    });
    await waitFor(() => first.events.length >= 8, 30_000, 'events before the drop');
    // The connection drops (the client goes away); writes go on meanwhile.
    await clients.pop()!.dispose();
    // What the client saw when it went away (a message already on its way may still be handed to the
    // disposed client; a client that left does not process it, and resumes after what it saw).
    const dropped = first.events.length;
    const last = first.events[dropped - 1]!.cursor;
    const countAtDrop = written.length;
    await waitFor(() => written.length >= countAtDrop + 8, 30_000, 'writes while no one listens');
    // Back, on the other process, from the last cursor it saw.
    const second = wsFeed<TaskEvent>(ws(two, a.adminToken), { query: TASK_FEED, variables: { after: last }, field: 'taskChanged' });
    const countAtResume = written.length;
    await waitFor(() => written.length >= countAtResume + 8, 30_000, 'writes after the resume');
    writing = false;
    await Promise.all(writers);
    const committed = await committedTaskEvents(a.id, from);
    expect(committed).toHaveLength(written.length);
    await waitFor(() => dropped + second.events.length >= committed.length, 30_000, 'every committed event received');
    const received = [...first.events.slice(0, dropped), ...second.events];
    const figures = tally(committed, received);
    console.log(
      `[replicas] drop and resume on the other process: ${committed.length} committed, ${received.length} received (${dropped} before the drop), lost ${figures.lost}, duplicates ${figures.duplicates}, foreign ${figures.foreign}`,
    );
    expect(figures).toEqual({ lost: 0, duplicates: 0, foreign: 0 });
    // In commit order across the two connections.
    expect(received.map((e) => e.cursor)).toEqual(committed.map((e) => e.cursor));
    second.stop();
  });

  it("tenant A through either process never sees or changes B's records", async () => {
    const bTask = await createTask(one, b.adminToken, 'B 的任务');
    const before = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title = 'B 的任务'`, [b.id]);
    let wrongTenantRows = 0;
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const g = i % 2 ? one : two;
        const res = await g.gql(`query($id: ID!) { node(id: $id) { id } tenant { id } }`, { id: bTask }, { token: a.adminToken });
        expect(res.errors).toBeUndefined();
        if (res.data.node !== null) wrongTenantRows++;
        const changed = await g.gql(
          `mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: DONE }) { __typename } }`,
          { id: bTask },
          { token: a.adminToken },
        );
        if (changed.data?.changeTaskStatus?.__typename === 'TaskPayload') wrongTenantRows++;
      }),
    );
    const after = await ownerQuery<{ n: number; status: string }>(
      `SELECT count(*)::int AS n, min(status::text) AS status FROM tasks WHERE tenant_id = $1 AND title = 'B 的任务' GROUP BY tenant_id`,
      [b.id],
    );
    console.log(`[replicas] 200 cross-tenant reads and writes across 2 processes: wrong-tenant rows ${wrongTenantRows}`);
    expect(wrongTenantRows).toBe(0);
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(after[0]!.status).not.toBe('DONE');
  });
});

describe('scheduled jobs with two processes', () => {
  it('each scheduled run (identifier, minute) runs once, whichever process claims it', async () => {
    // A first process creates graphile-worker's schema and registers the cron items …
    const seeder = await cluster.addGateway('jobs-seed', { JOBS_ENABLED: 'true', LOG_LEVEL: 'info' });
    await waitFor(async () => (await ownerQuery(`SELECT 1 FROM graphile_worker._private_known_crontabs`).catch(() => [])).length > 0, 60_000, 'known crontabs');
    await seeder.stop();
    // … which were known since 3 hours ago and have not run since: both processes, starting together,
    // backfill the runs missed (each item within its backfill period).
    await ownerQuery(`UPDATE graphile_worker._private_known_crontabs SET known_since = now() - interval '3 hours', last_execution = NULL`);
    const items = await ownerQuery<{ identifier: string }>(`SELECT identifier FROM graphile_worker._private_known_crontabs ORDER BY identifier`);
    const workers = await Promise.all(['jobs-1', 'jobs-2'].map((name) => cluster.addGateway(name, { JOBS_ENABLED: 'true', LOG_LEVEL: 'info' })));
    const runs = () =>
      workers.flatMap((w) => w.logged('job started').map((line) => ({ worker: w.name, job: line.job as string, at: line.scheduledAt as string })));
    const settled = async () => {
      // Nothing waiting for its first attempt, nothing running (a failed job waiting for its retry is done here).
      const [row] = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE attempts = 0 OR locked_at IS NOT NULL`);
      return row!.n === 0;
    };
    await waitFor(async () => runs().length > 0 && (await settled()), 90_000, 'the backfilled runs done');
    const all = runs();
    const keys = all.map((r) => `${r.job}@${r.at}`);
    const duplicates = keys.length - new Set(keys).size;
    const byWorker = Object.fromEntries(workers.map((w) => [w.name, all.filter((r) => r.worker === w.name).length]));
    console.log(
      `[replicas] scheduled runs with 2 processes: ${all.length} runs of ${items.map((i) => i.identifier).join(', ')}, ${JSON.stringify(byWorker)}, duplicates ${duplicates}`,
    );
    expect(duplicates).toBe(0);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const w of workers) await w.stop();
  });
});
