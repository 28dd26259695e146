// `pnpm worker` as it runs in production: the real worker-main.ts in its own process against the test
// database (owner URL, its own graphile-worker schema), a job queued in the database is run by it (a hospital's
// overdue complaint is escalated, with its task), and SIGTERM stops it cleanly; without PostgreSQL it refuses
// to start (exit 2). The gateway here runs with JOBS_ENABLED=false: the work is the worker's.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ENV_VARIABLES } from '@jiedai/gateway';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const WORKER = 'services/gateway/src/worker-main.ts';
const SCHEMA = 'worker_process_test_worker';

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...ENV_VARIABLES, 'TEST_DATABASE_URL']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name.startsWith('PG')) delete env[name];
  return { ...env, ...extra };
}

interface Child {
  child: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const started: ChildProcess[] = [];

function startWorkerProcess(env: Record<string, string>): Child {
  const child = spawn(TSX, [WORKER], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, stderr, exited };
}
const logged = (c: Child, text: string) => c.lines.some((line) => line.includes(text));

let t: TestApp;
let hospital: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
});
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await t?.close();
});

describe('pnpm worker', () => {
  it('is the package script, and compose runs it as the `worker` service while the gateways run no jobs', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.worker).toBe(`tsx --env-file-if-exists=.env ${WORKER}`);
    const compose = parse(readFileSync(path.join(ROOT, 'docker/compose.yaml'), 'utf8'), { merge: true });
    const worker = compose.services.worker;
    expect(worker.command).toEqual(['node_modules/.bin/tsx', WORKER]);
    expect(worker.environment.MIGRATION_DATABASE_URL).toMatch(/^postgres:\/\/postgres:/);
    expect(worker.environment.DATABASE_URL).toMatch(/^postgres:\/\/jiedai_app:/);
    expect(worker.environment.REDIS_URL).toBeTruthy();
    for (const name of ['gateway', 'gateway-2']) {
      expect(compose.services[name].environment.JOBS_ENABLED).toBe('false');
      expect(compose.services[name].environment.MIGRATION_DATABASE_URL).toBeUndefined();
    }
  });

  it('runs a job queued in the database (an overdue complaint escalated, with its task) and stops on SIGTERM', async () => {
    const receivedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const created = await t.gql(
      `mutation($input: CreateComplaintInput!) { createComplaint(input: $input) { ... on ComplaintPayload { complaint { id } } } }`,
      { input: { category: 'PROCESS', severity: 'HIGH', summary: '检查预约流程混乱', receivedAt } },
      { token: hospital.adminToken },
    );
    const complaintId = rawId(created.data.createComplaint.complaint.id);

    const worker = startWorkerProcess({
      NODE_ENV: 'test',
      DATABASE_URL: inject('databaseUrl'),
      MIGRATE_ON_START: 'false',
      JOBS_SCHEMA: SCHEMA,
      LOG_LEVEL: 'info',
    });
    await waitFor(
      async () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited ${worker.child.exitCode}: ${worker.stderr.join('')}`);
        return logged(worker, 'Jiedai worker ready');
      },
      90_000,
      'the worker to be ready',
    );
    // Queued in the database as any process would (graphile-worker's add_job): only the worker runs it.
    await ownerQuery(`SELECT ${SCHEMA}.add_job('hospital.complaintEscalation', json_build_object('tenants', json_build_array($1::text)))`, [hospital.id]);
    const escalations = () =>
      ownerQuery<{ deadline: string; task_id: string | null }>(
        'SELECT deadline::text, task_id FROM complaint_escalations WHERE complaint_id = $1 ORDER BY deadline',
        [complaintId],
      );
    await waitFor(async () => (await escalations()).length === 2, 60_000, 'the escalation by the worker');
    expect((await escalations()).map((e) => e.deadline)).toEqual(['ACKNOWLEDGEMENT', 'RESPONSE']);
    expect((await escalations()).every((e) => e.task_id)).toBe(true);
    await waitFor(
      async () => (await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}._private_jobs`))[0]!.n === 0,
      30_000,
      'the queue to empty',
    );

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(logged(worker, 'worker stopped')).toBe(true);
  }, 180_000);

  it('refuses to start without PostgreSQL (exit 2, a message)', async () => {
    const worker = startWorkerProcess({ NODE_ENV: 'test' });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr.join('')).toMatch(/needs PostgreSQL/);
  }, 90_000);
});
