// `pnpm start` with GATEWAY_PROCESSES=2 (services/gateway/src/cluster.ts), as production runs it: the real
// main.ts in its own process on a fresh PostgreSQL database (the primary migrates it once, then forks two
// workers) and the local Redis under a prefix of its own. Both workers answer on the one port; a
// subscription opened there receives the events of mutations served by both; the primary's METRICS_PORT
// shows both workers' requests, summed; a killed worker is replaced; SIGTERM exits 0 with no worker left.
// (The settings and the primary's policies in seconds: services/gateway/src/__tests__/cluster.test.ts.)
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { withPgClient } from '@jiedai/db';
import { createPlatformAdmin, createScratchDatabase, createTenant, freePort, unique, waitFor, wsFeed, type TestTenant } from '@jiedai/testing';
import { CREATE_TASK, rawId, TASK_FEED, type TaskEvent } from '../cluster.ts';
import { startGatewayProcess, type GatewayProcess } from '../gateways.ts';

let database: Awaited<ReturnType<typeof createScratchDatabase>>;
let gateway: GatewayProcess;
let metricsPort: number;
let redisPrefix: string;
const METRICS_TOKEN = 'metrics-token-of-this-test-0123';
let tenant: TestTenant;
const clients: Client[] = [];

/** The workers the primary reports listening, by slot (their latest pid). */
const listening = () => new Map(gateway.logged('gateway process listening').map((l) => [l.slot as number, l.workerPid as number]));

/** A request on a connection of its own (the primary hands out connections): the answer and which process served it. */
function send(method: 'GET' | 'POST', path: string, payload: string | undefined, token?: string): Promise<{ slot: number; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path,
        method,
        agent: false,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ slot: Number(res.headers['x-jiedai-process']), status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function post(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ slot: number; body: any }> {
  const { slot, text } = await send('POST', '/graphql', JSON.stringify({ query, variables }), token);
  return { slot, body: JSON.parse(text) };
}

/** Each process's request count in an exposition (jiedai_gateway_process_requests_total). */
const perProcess = (text: string) =>
  Object.fromEntries([...text.matchAll(/^jiedai_gateway_process_requests_total\{process="(\d+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  database = await createScratchDatabase('jiedai_processes');
  metricsPort = await freePort();
  redisPrefix = unique('processes');
  gateway = await startGatewayProcess('gateway', {
    GATEWAY_PROCESSES: '2',
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'true',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    METRICS_PORT: String(metricsPort),
    METRICS_TOKEN: METRICS_TOKEN,
    LOG_LEVEL: 'info',
  });
  // /readyz answered once one worker listened: wait for the primary's word that both do.
  await waitFor(() => gateway.logged(`Jiedai gateway ready at http://localhost:${gateway.port}/graphql`).length === 1, 120_000, 'both workers', 100);
  const platform = await createPlatformAdmin(gateway.asTestApp(), database.url);
  tenant = await createTenant(gateway.asTestApp(), platform.token, 'GOVERNMENT_OFFICE');
}, 240_000);

afterAll(async () => {
  for (const c of clients) await Promise.resolve(c.dispose()).catch(() => undefined);
  await gateway?.stop(5_000);
  await database?.drop();
});

describe('pnpm start with GATEWAY_PROCESSES=2', { timeout: 180_000 }, () => {
  it('migrates once in the primary and serves from two worker processes on the one port', async () => {
    const primary = gateway.logged('database ready');
    expect(primary).toHaveLength(1);
    expect(primary[0]).toMatchObject({ process: 'primary', pid: gateway.proc.pid });
    expect(primary[0]!.migrations).toBeGreaterThan(0);
    const workers = listening();
    expect([...workers.keys()].sort()).toEqual([1, 2]);
    expect(new Set(workers.values()).size).toBe(2);
    // Each worker's own log lines name it (pino bindings).
    for (const [slot, pid] of workers) expect(gateway.logged('gateway process ready')).toContainEqual(expect.objectContaining({ process: slot, pid }));
    const slots = new Set<number>();
    for (let i = 0; i < 200 && slots.size < 2; i++) slots.add((await post('{ __typename }')).slot);
    expect([...slots].sort()).toEqual([1, 2]);
  });

  it('a subscription on the port receives the events of mutations served by either process, published through Redis', async () => {
    const seq = await withPgClient(
      database.url,
      async (c) => (await c.query<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [tenant.id])).rows[0]?.seq ?? '0',
    );
    // What the processes publish to Redis under this gateway's prefix: every event of both processes passes there
    // (the feeds' own reads of the event log, for gaps and quiet spells, could otherwise hide a missing fan-out).
    const listener = new Redis('redis://127.0.0.1:6379');
    const published: string[] = [];
    listener.on('pmessage', (_pattern, _channel, message: string) => published.push(message));
    await listener.psubscribe(`${redisPrefix}:*`);
    const client = gateway.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
    clients.push(client);
    const feed = wsFeed<TaskEvent>(client, { query: TASK_FEED, variables: { after: seq }, field: 'taskChanged' });
    const created: string[] = [];
    const servedBy = new Set<number>();
    for (let i = 0; i < 100 && (servedBy.size < 2 || created.length < 4); i++) {
      const { slot, body } = await post(CREATE_TASK, { i: { phase: 'PREPARATION', title: unique('processes') } }, tenant.adminToken);
      expect(body.data?.createTask?.__typename, JSON.stringify(body)).toBe('TaskPayload');
      created.push(body.data.createTask.task.id);
      servedBy.add(slot);
    }
    expect([...servedBy].sort()).toEqual([1, 2]);
    await waitFor(() => created.every((id) => feed.events.some((e) => e.task.id === id)), 60_000, 'every created task on the subscription', 50);
    expect(created.filter((id) => !published.some((m) => m.includes(rawId(id))))).toEqual([]);
    await listener.quit();
    expect(feed.errors).toEqual([]);
    expect(feed.ended).toBeNull();
  });

  it('serves the sum of both workers’ metrics on METRICS_PORT, and on the main port through either worker', async () => {
    // The primary asks the workers at each scrape: a request counted a moment ago is in.
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const counts = perProcess(text);
    expect(Object.keys(counts).sort()).toEqual(['1', '2']);
    expect(counts['1']).toBeGreaterThan(0);
    expect(counts['2']).toBeGreaterThan(0);
    // The anonymous createTask mutations of both processes, summed into one series.
    const mutations = Number(/^jiedai_graphql_operations_total\{operation="\(anonymous\)",type="mutation",outcome="ok"\} (\d+)$/m.exec(text)?.[1]);
    expect(mutations).toBeGreaterThanOrEqual(4);
    // (No worker serves METRICS_PORT alone: a worker's registry holds only its own slot, this one both.)
    // On the main port with METRICS_TOKEN, whichever worker answers serves the same sum, not its own counters.
    expect((await send('GET', '/metrics', undefined)).status).toBe(401);
    const answeredBy = new Set<number>();
    for (let i = 0; i < 100 && answeredBy.size < 2; i++) {
      const scrape = await send('GET', '/metrics', undefined, METRICS_TOKEN);
      expect(scrape.status).toBe(200);
      expect(Object.keys(perProcess(scrape.text)).sort()).toEqual(['1', '2']);
      answeredBy.add(scrape.slot);
    }
    expect([...answeredBy].sort()).toEqual([1, 2]);
  });

  it('replaces a killed worker, then stops every process on SIGTERM with exit code 0', async () => {
    const before = listening();
    const killed = before.get(1)!;
    process.kill(killed, 'SIGKILL');
    await waitFor(() => listening().get(1) !== killed, 120_000, 'the replacement of worker 1 listening', 100);
    const replaced = gateway.logged('gateway process exited unexpectedly: replacing it');
    expect(replaced).toEqual([expect.objectContaining({ slot: 1, workerPid: killed, signal: 'SIGKILL' })]);
    const replacement = listening().get(1)!;
    expect(alive(replacement)).toBe(true);
    const slots = new Set<number>();
    for (let i = 0; i < 200 && slots.size < 2; i++) slots.add((await post('{ __typename }')).slot);
    expect([...slots].sort()).toEqual([1, 2]);

    const workers = [...listening().values()];
    expect(await gateway.stop(45_000)).toBe(0);
    expect(workers.filter(alive)).toEqual([]);
    expect(gateway.logged('gateway process stopped').map((l) => l.code)).toEqual([0, 0]);
  });
});
