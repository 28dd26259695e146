// Faults the cluster survives (two gateway processes behind a private PgBouncer, a private Redis):
// Redis killed mid-stream and started again (mutations keep working meanwhile; every subscriber ends
// with every committed event, none twice), and SIGTERM under load (the process stops accepting,
// finishes what is in flight and exits 0; subscriptions are closed with a reason and resume by cursor on
// the other process; every acknowledged mutation is stored exactly once, retries with the same
// idempotency key never duplicate). Figures are printed: events lost, duplicates, p99.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { createPlatformAdmin, createTenant, ownerQuery, unique, waitFor, wsFeed, type Feed, type TestTenant } from '@jiedai/testing';
import { committedTaskEvents, CREATE_TASK, currentSeq, startCluster, tally, TASK_FEED, type Cluster, type TaskEvent } from '../cluster.ts';
import type { GatewayProcess } from '../gateways.ts';

let cluster: Cluster;
let a: TestTenant;
const clients: Client[] = [];

beforeAll(async () => {
  cluster = await startCluster({ gateways: 2 });
  const platform = await createPlatformAdmin(cluster.gateways[0]!.asTestApp());
  a = await createTenant(cluster.gateways[0]!.asTestApp(), platform.token, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  for (const c of clients) await Promise.resolve(c.dispose()).catch(() => undefined);
  await cluster?.stop();
});

const feedOn = (g: GatewayProcess, after: string): Feed<TaskEvent> => {
  const c = g.wsClient({ Authorization: `Bearer ${a.adminToken}` });
  clients.push(c);
  return wsFeed<TaskEvent>(c, { query: TASK_FEED, variables: { after }, field: 'taskChanged' });
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
};

describe('Redis killed and started again mid-stream', () => {
  it('mutations keep working while Redis is down; every subscriber ends with every committed event, none twice', async () => {
    const [one, two] = cluster.gateways as [GatewayProcess, GatewayProcess];
    const from = await currentSeq(a.id);
    const feeds = [feedOn(one, from), feedOn(one, from), feedOn(two, from), feedOn(two, from)];
    let writing = true;
    let acked = 0;
    const failures: unknown[] = [];
    const latencies: number[] = [];
    const writers = [one, two, one, two].map(async (g) => {
      while (writing) {
        const started = performance.now();
        const res = await g.gql(CREATE_TASK, { i: { phase: 'PREPARATION', title: unique('redis') } }, { token: a.adminToken });
        latencies.push(performance.now() - started);
        if (res.data?.createTask?.__typename === 'TaskPayload') acked++;
        else failures.push(res.errors ?? res.data);
      }
    });
    await waitFor(() => acked >= 20, 30_000, 'writes before the outage');
    await cluster.redis.kill();
    const atKill = acked;
    await waitFor(() => acked >= atKill + 30, 60_000, 'writes while Redis is down');
    const duringOutage = acked - atKill;
    await cluster.redis.start();
    const atRestart = acked;
    await waitFor(() => acked >= atRestart + 20, 60_000, 'writes after Redis is back');
    writing = false;
    await Promise.all(writers);
    const committed = await committedTaskEvents(a.id, from);
    expect(committed).toHaveLength(acked);
    // Events published while Redis was down never went out: the streams fill the gap from the event log.
    await waitFor(() => feeds.every((f) => f.events.length >= committed.length), 60_000, 'every subscriber caught up');
    const figures = feeds.map((f) => tally(committed, f.events));
    console.log(
      `[faults] Redis killed mid-stream: ${committed.length} committed (${duringOutage} while Redis was down), failed mutations ${failures.length}, per subscriber ${JSON.stringify(figures)}, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    );
    expect(failures).toEqual([]);
    for (const [i, f] of feeds.entries()) {
      expect(figures[i]).toEqual({ lost: 0, duplicates: 0, foreign: 0 });
      expect(f.events.map((e) => e.cursor)).toEqual(committed.map((e) => e.cursor));
      expect(f.errors).toEqual([]);
      f.stop();
    }
  });
});

describe('SIGTERM under load', () => {
  it('stops accepting, finishes in flight, exits 0; subscriptions closed with a reason resume on the other process; every acknowledged mutation stored once', async () => {
    const [one, two] = cluster.gateways as [GatewayProcess, GatewayProcess];
    const from = await currentSeq(a.id);
    const onOne = feedOn(one, from);
    const onTwo = feedOn(two, from);
    let writing = true;
    const acknowledged = new Map<string, string>(); // idempotency key → task id
    const latencies: number[] = [];
    let retries = 0;
    const unexpected: unknown[] = [];
    const gateways = [one, two];
    /** One create, retried with the same idempotency key (on the other process) until acknowledged. */
    const create = async (key: string, first: number) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const g = gateways[(first + attempt) % 2]!;
        const started = performance.now();
        try {
          const res = await g.gql(CREATE_TASK, { i: { phase: 'PREPARATION', title: key, idempotencyKey: key } }, { token: a.adminToken });
          if (res.data?.createTask?.__typename === 'TaskPayload') {
            latencies.push(performance.now() - started);
            acknowledged.set(key, res.data.createTask.task.id);
            return;
          }
          // Refused while draining (503) is retryable; anything else is not expected.
          if (res.status !== 503) unexpected.push({ status: res.status, body: res.errors ?? res.data });
        } catch {
          // Connection refused or cut: the process is going away.
        }
        retries++;
      }
      unexpected.push({ key, gaveUp: true });
    };
    let n = 0;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      while (writing) await create(`sigterm-${unique(String(w))}`, n++ % 2);
    });
    await waitFor(() => acknowledged.size >= 30, 30_000, 'load before SIGTERM');
    const stopping = one.stop(30_000);
    const code = await stopping;
    await waitFor(() => onOne.ended !== null, 10_000, 'the subscription on the stopped process closed');
    const close = onOne.errors.find((e) => typeof e?.code === 'number') as { code: number; reason: string } | undefined;
    // It resumes on the other process from the last cursor it saw.
    const last = onOne.events.at(-1)?.cursor ?? from;
    const resumed = feedOn(two, last);
    const atStop = acknowledged.size;
    await waitFor(() => acknowledged.size >= atStop + 20, 30_000, 'load after SIGTERM');
    writing = false;
    await Promise.all(writers);
    const committed = await committedTaskEvents(a.id, from);
    await waitFor(
      () => onTwo.events.length >= committed.length && onOne.events.length + resumed.events.length >= committed.length,
      30_000,
      'subscribers caught up',
    );
    const stored = await ownerQuery<{ title: string; n: number }>(
      `SELECT title, count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title LIKE 'sigterm-%' GROUP BY title`,
      [a.id],
    );
    const storedCount = new Map(stored.map((r) => [r.title, r.n]));
    const notOnce = [...acknowledged.keys()].filter((k) => storedCount.get(k) !== 1);
    const unacknowledged = stored.filter((r) => !acknowledged.has(r.title)).length;
    const resumedFigures = tally(committed, [...onOne.events, ...resumed.events]);
    const stayed = tally(committed, onTwo.events);
    console.log(
      `[faults] SIGTERM under load: exit ${code}, ${acknowledged.size} acknowledged, stored not exactly once ${notOnce.length}, stored unacknowledged ${unacknowledged}, retries ${retries}, unexpected ${unexpected.length}; close ${close?.code} "${close?.reason}"; resumed subscriber ${JSON.stringify(resumedFigures)}, other subscriber ${JSON.stringify(stayed)}; p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    );
    expect(code).toBe(0);
    // The close frame names where the subscription resumes: the cursor of the last event it delivered.
    expect(close).toMatchObject({ code: 1001, reason: `Server shutting down; resume after ${last}` });
    expect(notOnce).toEqual([]);
    expect(unacknowledged).toBe(0);
    expect(unexpected).toEqual([]);
    expect(resumedFigures).toEqual({ lost: 0, duplicates: 0, foreign: 0 });
    expect(stayed).toEqual({ lost: 0, duplicates: 0, foreign: 0 });
    resumed.stop();
    onTwo.stop();
  });
});
