// The job runner on the real PostgreSQL (graphile-worker): two runners (as two gateway processes) share the
// queue; a scheduled run happens once whichever runner claims it, runs missed while no runner was up are
// backfilled at start, a queued job outlives the runner that queued it, and tenant work runs under RLS.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, withPgClient, type Database } from '@jiedai/db';
import type { CronDefinition, EventBus, JobContext, JobDefinition } from '@jiedai/schema';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from '@jiedai/gateway';
import type { Runner } from 'graphile-worker';
import { createPlatformAdmin, createTenant, startTestApp, waitFor, type TestApp } from '@jiedai/testing';

const SCHEMA = 'jobs_test_worker';
const log = pino({ level: 'silent' });
const bus: EventBus & { published: { topic: string; payload: unknown }[] } = {
  published: [],
  publish(topic, payload) {
    this.published.push({ topic, payload });
  },
  subscribe: () => {
    throw new Error('not used');
  },
};

let url: string;
let db: Database;
let t: TestApp;
const runners: JobRunner[] = [];
const owner = <T>(sql: string, params: unknown[] = []) => withPgClient(url, async (c) => (await c.query(sql, params)).rows as T[]);
/** The queue as graphile-worker sees it: a failed wait says why (a locked job, an error, a job still waiting). */
const queueState = () =>
  owner<{ id: string; identifier: string; run_at: Date; attempts: number; last_error: string | null; locked_at: Date | null; locked_by: string | null }>(
    `SELECT j.id, t.identifier, j.run_at, j.attempts, j.last_error, j.locked_at, j.locked_by FROM ${SCHEMA}._private_jobs j JOIN ${SCHEMA}._private_tasks t ON t.id = j.task_id ORDER BY j.id`,
  );
async function waitForJobs(condition: () => boolean | Promise<boolean>, what: string, seen: unknown) {
  try {
    await waitFor(condition, 60_000, what);
  } catch (error) {
    throw new Error(`${(error as Error).message}; ran: ${JSON.stringify(seen)}; queue: ${JSON.stringify(await queueState())}`);
  }
}

beforeAll(async () => {
  url = inject('databaseUrl');
  db = await openDatabase({ url, migrate: false, poolSize: 4 });
  t = await startTestApp();
});
afterAll(async () => {
  for (const r of runners) await r.stop();
  await db?.close();
  await t?.close();
});

/** A runner as a gateway process starts one, with the test's jobs; `runs` records who ran what. */
async function runner(name: string, jobs: JobDefinition[], cron: CronDefinition[], more: Partial<JobRunnerOptions> = {}) {
  const r = await startJobRunner({
    db,
    ownerUrl: url,
    events: bus,
    log,
    schema: SCHEMA,
    pollIntervalMs: 200,
    definitions: { jobs: new Map(jobs.map((j) => [j.name, j])), cron },
    ...more,
  });
  runners.push(r);
  expect(r.kind).toBe('graphile-worker');
  return Object.assign(r, { name });
}

describe('scheduled work with two runners', () => {
  it('runs each scheduled hour exactly once, backfilling the hours missed while no runner was up', async () => {
    const runs: { runner: string; at: string }[] = [];
    const job = (runner: string): JobDefinition => ({
      name: 'test.hourly',
      run: async (_payload, ctx: JobContext) => {
        runs.push({ runner, at: ctx.now.toISOString() });
      },
    });
    const cron: CronDefinition[] = [{ job: 'test.hourly', match: '0 * * * *', identifier: 'test.hourly', backfillHours: 6 }];
    // First start: the cron item becomes known (nothing to backfill yet); then every runner stops.
    const first = await runner('first', [job('first')], cron);
    // The cron item is recorded by the runner's cron loop, which runs beside start-up: wait for the record.
    await waitFor(
      async () => (await owner(`SELECT 1 FROM ${SCHEMA}._private_known_crontabs WHERE identifier = 'test.hourly'`)).length === 1,
      60_000,
      'the known cron item',
    );
    await first.stop();
    // As if the runners had been down since four hours ago (graphile-worker keeps this in its schema).
    const hour = 3_600_000;
    // Not across an hour boundary (the runners would then also owe the new hour): wait past it when close.
    if (Date.now() % hour > hour - 30_000) await new Promise((resolve) => setTimeout(resolve, hour - (Date.now() % hour) + 1_000));
    const lastRun = new Date(Math.floor(Date.now() / hour) * hour - 4 * hour);
    const updated = await owner(
      `UPDATE ${SCHEMA}._private_known_crontabs SET known_since = $1, last_execution = $1 WHERE identifier = 'test.hourly' RETURNING identifier`,
      [lastRun],
    );
    expect(updated).toHaveLength(1);
    // Two gateway processes start at the same moment.
    const [a, b] = await Promise.all([runner('a', [job('a')], cron), runner('b', [job('b')], cron)]);
    const expected = [1, 2, 3, 4].map((n) => new Date(lastRun.getTime() + n * hour).toISOString());
    await waitForJobs(() => runs.length >= expected.length, 'the backfilled hours', runs);
    // Give a duplicate the chance to show up: the queue is empty once both runners find nothing more.
    await waitForJobs(async () => (await queueState()).length === 0, 'an empty queue', runs);
    expect(runs.map((r) => r.at).sort()).toEqual(expected);
    expect(new Set(runs.map((r) => r.at)).size).toBe(runs.length);
    await Promise.all([a.stop(), b.stop()]);
  }, 150_000);

  it('keeps a queued job when its runner stops: the next runner runs it', async () => {
    const ran: string[] = [];
    const job = (runner: string): JobDefinition => ({
      name: 'test.later',
      run: async (payload) => {
        ran.push(`${runner}:${String(payload.note)}`);
      },
    });
    const a = await runner('a2', [job('a2')], []);
    await a.addJob('test.later', { note: 'kept' }, { runAt: new Date(Date.now() + 1_500) });
    await a.stop();
    // The job is still queued, unlocked, for whichever runner comes next.
    expect((await queueState()).filter((j) => j.identifier === 'test.later')).toMatchObject([{ attempts: 0, locked_at: null }]);
    expect(ran).toEqual([]);
    await runner('b2', [job('b2')], []);
    await waitForJobs(() => ran.length > 0, 'the kept job', ran);
    expect(ran).toEqual(['b2:kept']);
  }, 90_000);

  it('starts a new runner when graphile-worker stops by itself, and queued work goes on', async () => {
    const ran: string[] = [];
    const inner: Runner[] = [];
    const job: JobDefinition = { name: 'test.after-restart', run: async (payload) => void ran.push(String(payload.note)) };
    const r = await runner('d', [job], [], { onRunnerStarted: (started) => inner.push(started) });
    expect(inner).toHaveLength(1);
    // As when its worker pool or cron loop ends with an error: the runner stops and closes its pool.
    await inner[0]!.stop();
    await r.addJob('test.after-restart', { note: 'queued after the stop' });
    await waitForJobs(() => ran.length > 0, 'the job queued after the runner stopped', ran);
    expect(ran).toEqual(['queued after the stop']);
    expect(inner).toHaveLength(2);
  }, 90_000);

  it('does tenant work under row-level security, as the app role, in each tenant scope', async () => {
    const platform = await createPlatformAdmin(t);
    const one = await createTenant(t, platform.token, 'HOSPITAL');
    const two = await createTenant(t, platform.token, 'HOTEL');
    const seen: Record<string, { role: string; departments: string[]; visibleTenants: number }> = {};
    const job: JobDefinition = {
      name: 'test.tenants',
      run: async (_payload, ctx) => {
        for (const tenant of await ctx.tenants(['HOSPITAL', 'HOTEL'])) {
          if (tenant.id !== one.id && tenant.id !== two.id) continue;
          seen[tenant.id] = await ctx.inTenant(tenant, async (deps) => {
            const [row] = await deps.db.$queryRaw<{ role: string }[]>`SELECT current_user AS role`;
            const role = row!.role;
            const departments = await deps.db.department.findMany({ select: { tenantId: true } });
            return { role, departments: [...new Set(departments.map((d) => d.tenantId))], visibleTenants: await deps.db.tenant.count() };
          });
        }
      },
    };
    const r = await runner('c', [job], []);
    await r.addJob('test.tenants', {});
    await waitFor(() => Object.keys(seen).length === 2, 10_000, 'the tenant job');
    for (const tenant of [one, two]) {
      expect(seen[tenant.id]).toMatchObject({ role: 'jiedai_app', visibleTenants: 1 });
      expect(seen[tenant.id]!.departments.every((id) => id === tenant.id)).toBe(true);
    }
  });
});
