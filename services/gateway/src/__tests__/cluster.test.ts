// Several gateway processes (GATEWAY_PROCESSES, cluster.ts). The settings: how many by default, and the
// refusals (the embedded database, no Redis). The primary's policies on real forked processes (a small
// stand-in worker, fixtures/cluster-worker.ts, so that they run in seconds): requests reach every worker,
// the metrics are summed over them, a killed worker is replaced, SIGTERM stops them all with exit code 0,
// and a worker that keeps failing before it listens stops the primary with 1 instead of a restart loop.
// The whole gateway as `pnpm start` runs it with two processes: cluster/src/__tests__/processes.test.ts.
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@jiedai/testing';
import { startPrimary, type Primary } from '../cluster.ts';
import { ConfigError, loadConfig, setCoresForTests } from '../config.ts';

const PG = 'postgres://app@db.internal:5432/jiedai';
const REDIS = 'redis://redis.internal:6379';
const SECRET = 'x'.repeat(40);

describe('GATEWAY_PROCESSES', () => {
  it('is 1 outside production, whatever else is set', () => {
    expect(loadConfig({ DATABASE_URL: PG, REDIS_URL: REDIS }).processes.count).toBe(1);
    expect(loadConfig({}).processes).toEqual({ count: 1, reason: expect.stringContaining('outside production') });
  });

  it('is one per core in production with PostgreSQL and Redis; one, and why, without either', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: SECRET };
    expect(loadConfig({ ...production, DATABASE_URL: PG, REDIS_URL: REDIS }).processes.count).toBe(availableParallelism());
    const noRedis = loadConfig({ ...production, DATABASE_URL: PG }).processes;
    expect(noRedis.count).toBe(1);
    expect(noRedis.reason).toMatch(/REDIS_URL/);
    const embedded = loadConfig({ ...production, REDIS_URL: REDIS }).processes;
    expect(embedded.count).toBe(1);
    expect(embedded.reason).toMatch(/embedded database/);
  });

  it('takes a number or auto', () => {
    expect(loadConfig({ GATEWAY_PROCESSES: '3', DATABASE_URL: PG, REDIS_URL: REDIS }).processes.count).toBe(3);
    expect(loadConfig({ GATEWAY_PROCESSES: 'auto', DATABASE_URL: PG, REDIS_URL: REDIS }).processes.count).toBe(availableParallelism());
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, GATEWAY_PROCESSES: '1', DATABASE_URL: PG, REDIS_URL: REDIS }).processes.count).toBe(1);
    // One process needs neither.
    expect(loadConfig({ GATEWAY_PROCESSES: '1' }).processes.count).toBe(1);
    for (const bad of ['0', '-1', '1.5', 'many', '257']) {
      expect(() => loadConfig({ GATEWAY_PROCESSES: bad, DATABASE_URL: PG, REDIS_URL: REDIS }), bad).toThrow(ConfigError);
    }
  });

  it('counts the cores this process may use (auto on one core is one process, which needs neither)', () => {
    try {
      setCoresForTests(() => 4);
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: PG, REDIS_URL: REDIS }).processes).toEqual({
        count: 4,
        reason: expect.stringContaining('one per core (4)'),
      });
      setCoresForTests(() => 1);
      expect(loadConfig({ GATEWAY_PROCESSES: 'auto' }).processes.count).toBe(1);
    } finally {
      setCoresForTests(availableParallelism);
    }
  });

  it('refuses more than one process on the embedded database', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2', REDIS_URL: REDIS })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2', REDIS_URL: REDIS })).toThrow(/GATEWAY_PROCESSES: 2 processes refused: the embedded database/);
  });

  it('refuses more than one process without Redis', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '2', DATABASE_URL: PG })).toThrow(/GATEWAY_PROCESSES: 2 processes refused: without REDIS_URL/);
  });
});

// ── the primary, on real processes ──────────────────────────────────────────────────────────────

const FIXTURE = path.join(import.meta.dirname, 'fixtures/cluster-worker.ts');

function logged() {
  const lines: Record<string, any>[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { log, lines };
}

/** One request on a connection of its own (the primary hands out connections, not requests). */
function hit(port: number): Promise<{ slot: number; pid: number; header: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ ...JSON.parse(body), header: res.headers['x-jiedai-process'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let primary: Primary | undefined;
afterEach(async () => {
  await primary?.stop('SIGKILL');
  primary = undefined;
});

describe('the primary of several processes', { timeout: 120_000 }, () => {
  it('hands connections to every worker, sums their metrics, replaces a killed worker, and stops them all on SIGTERM with 0', async () => {
    const port = await freePort();
    const { log, lines } = logged();
    primary = startPrimary({
      processes: 2,
      log,
      shutdownGraceMs: 5_000,
      exec: { file: FIXTURE, execArgv: ['--import', 'tsx'] },
      env: { FIXTURE_MODE: 'serve', FIXTURE_PORT: String(port) },
      restart: { firstDelayMs: 200 },
    });
    await primary.ready;
    expect(primary.port()).toBe(port);
    const pids = new Map<number, number>();
    let sent = 0;
    for (let i = 0; i < 200 && pids.size < 2; i++) {
      const answer = await hit(port);
      sent++;
      expect(answer.header).toBe(String(answer.slot));
      pids.set(answer.slot, answer.pid);
    }
    expect([...pids.keys()].sort()).toEqual([1, 2]);
    expect(new Set(pids.values()).size).toBe(2);
    expect([...primary.workers()].map(([slot, w]) => [slot, w.process.pid]).sort()).toEqual([...pids].sort());

    // Summed over the workers (AggregatorRegistry.aggregate), each worker's own count kept apart by its label.
    const text = await (await primary.metrics()).metrics();
    expect(text).toContain(`fixture_requests_total ${sent}`);
    const byProcess = [...text.matchAll(/fixture_process_requests_total\{process="(\d)"\} (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(byProcess.map(([slot]) => slot).sort()).toEqual([1, 2]);
    expect(byProcess.reduce((sum, [, n]) => sum + n!, 0)).toBe(sent);
    // A worker asks the primary for the same sum (GET /metrics on the gateway's main port).
    const fromWorker = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/sum', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.end();
    });
    expect(fromWorker).toContain(`fixture_requests_total ${sent}`);

    // Killed: logged, replaced in the same slot by a new process, which serves.
    const killed = pids.get(1)!;
    process.kill(killed, 'SIGKILL');
    await waitFor(() => primary!.workers().get(1)?.process.pid !== undefined && primary!.workers().get(1)!.process.pid !== killed, 30_000, 'a replacement');
    await waitFor(() => lines.filter((l) => l.msg === 'gateway process listening' && l.slot === 1).length === 2, 60_000, 'the replacement listening');
    expect(lines.find((l) => l.msg === 'gateway process exited unexpectedly: replacing it')).toMatchObject({ slot: 1, workerPid: killed, signal: 'SIGKILL' });
    const replacement = primary.workers().get(1)!.process.pid!;
    const seen = new Set<number>();
    for (let i = 0; i < 200 && !seen.has(replacement); i++) seen.add((await hit(port)).pid);
    expect(seen).toContain(replacement);
    expect(seen).not.toContain(killed);

    const workers = [...primary.workers().values()].map((w) => w.process.pid!);
    expect(await primary.stop('SIGTERM')).toBe(0);
    expect(await primary.done).toBe(0);
    expect(workers.filter(alive)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'gateway process stopped').map((l) => l.code)).toEqual([0, 0]);
  });

  it('stops with exit code 1 when a worker keeps failing before it listens, instead of restarting it forever', async () => {
    const port = await freePort();
    const { log, lines } = logged();
    primary = startPrimary({
      processes: 2,
      log,
      shutdownGraceMs: 5_000,
      exec: { file: FIXTURE, execArgv: ['--import', 'tsx'] },
      env: { FIXTURE_MODE: 'fail', FIXTURE_PORT: String(port) },
      restart: { firstDelayMs: 50, maxStartFailures: 3 },
    });
    await expect(primary.ready).rejects.toThrow(/failed 3 times before listening/);
    expect(await primary.done).toBe(1);
    const fatal = lines.filter((l) => l.msg === 'a gateway process keeps failing before it listens: stopping');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ code: 3, failures: 3 });
    // Replaced with a growing delay before that: 50 ms, then 100 ms.
    const replaced = lines.filter((l) => l.msg === 'gateway process exited unexpectedly: replacing it' && l.slot === fatal[0]!.slot);
    expect(replaced.map((l) => l.restartInMs)).toEqual([50, 100]);
    expect(primary.workers().size).toBe(0);
  });
});
