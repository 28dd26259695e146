// `pnpm start` with no configuration, as a newcomer runs it: the real main.ts in its own process, an
// embedded PGlite database in DATA_DIR, migrations, the demo seed, real HTTP, a graceful SIGTERM; a
// second start on the same directory reopens it and seeds nothing twice; a bad config exits with 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '@jiedai/gateway';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = 'services/gateway/src/main.ts';
const DEMO_PASSWORD = 'jiedai-demo';

/** Every variable config.ts reads, and the test run's own: none of them may leak into the child. */
const CONFIG_VARS = [...ENV_VARIABLES, 'TEST_DATABASE_URL'];

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of CONFIG_VARS) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name.startsWith('PG')) delete env[name];
  return { ...env, ...extra };
}

interface Gateway {
  child: ChildProcess;
  /** stdout (pino JSON lines) and stderr, as they come. */
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
const dirs: string[] = [];

function start(env: Record<string, string>): Gateway {
  const child = spawn(TSX, [MAIN], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
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

const parse = (line: string): Record<string, any> | null => {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
};
const messages = (g: Gateway) => g.lines.map(parse).filter((l): l is Record<string, any> => l !== null);

async function until<T>(fn: () => T | undefined, g: Gateway, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exit: unknown = null;
  void g.exited.then((e) => (exit = e));
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (exit) throw new Error(`gateway exited (${JSON.stringify(exit)}) before ${what}:\n${g.lines.join('\n')}\n${g.stderr.join('')}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${g.lines.join('\n')}\n${g.stderr.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the "ready at" line and returns it (with the port). */
const ready = (g: Gateway) => until(() => messages(g).find((m) => typeof m.msg === 'string' && m.msg.includes('ready at')), g, 180_000, '"ready at"');

async function gql(port: number, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: any; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

async function signIn(port: number, email: string): Promise<string> {
  const data = await gql(
    port,
    `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) {
       __typename ... on SignInSuccess { token } ... on Error { message } } }`,
    { email, password: DEMO_PASSWORD },
  );
  expect(data.signIn.__typename, JSON.stringify(data)).toBe('SignInSuccess');
  return data.signIn.token;
}

async function stop(g: Gateway): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  g.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 45_000));
  const result = await Promise.race([g.exited, timeout]);
  expect(result, 'exits within 45 s of SIGTERM (generous: a loaded 2-core machine)').not.toBe('timeout');
  return result as { code: number | null; signal: NodeJS.Signals | null };
}

async function demoTenantCount(port: number): Promise<{ totalCount: number; slugs: string[] }> {
  const token = await signIn(port, 'platform@demo.jiedai');
  const data = await gql(port, `{ tenants(first: 10) { totalCount edges { node { slug } } } }`, {}, token);
  return { totalCount: data.tenants.totalCount, slugs: data.tenants.edges.map((e: { node: { slug: string } }) => e.node.slug).sort() };
}

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('no-configuration start (pnpm start)', { timeout: 300_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jiedai-start-'));
  dirs.push(dataDir);
  const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
  let firstStartMs = 0;

  it('starts on embedded PGlite, migrates, seeds the demo, serves it over HTTP, and stops cleanly on SIGTERM', async () => {
    const began = Date.now();
    const g = start(env);
    const line = await ready(g);
    firstStartMs = Date.now() - began;
    expect(line.port).toEqual(expect.any(Number));
    expect(line.port).toBeGreaterThan(0);
    expect(line.database).toBe('embedded');
    expect(line.migrations).toBeGreaterThan(0);
    const port = line.port as number;
    const text = messages(g).map((m) => m.msg);
    expect(text).toContain('created demo platform admin');
    expect(text.filter((m) => /seeded demo tenant/.test(m))).toHaveLength(3);

    const token = await signIn(port, 'admin@gov.demo.jiedai');
    const data = await gql(port, `{ tenant { name kind } rankLadder { name level } }`, {}, token);
    expect(data.tenant.kind).toBe('GOVERNMENT_OFFICE');
    expect(data.tenant.name).toContain('示范市政府办公室');
    expect(data.rankLadder).toHaveLength(12);
    // Four-eyes approval is on for the demo government office, and it has two approvers: the coordinator, who
    // submits, and a leader, who approves (leader@gov.demo.jiedai).
    // (`members(role:)` is not used: on PGlite its array filter fails, "malformed array literal".)
    const approvers = await gql(port, `{ tenant { requireSeparateApprover } members(first: 20) { nodes { roles user { email } } } }`, {}, token);
    expect(approvers.tenant.requireSeparateApprover).toBe(true);
    const withApprover = approvers.members.nodes.filter((m: { roles: string[] }) => m.roles.includes('APPROVER'));
    expect(withApprover.map((m: { user: { email: string } }) => m.user.email).sort()).toEqual(['coordinator@gov.demo.jiedai', 'leader@gov.demo.jiedai']);
    await signIn(port, 'leader@gov.demo.jiedai');
    // The demo office's second visit has two visiting units, each received by its own host leader at its own table.
    const visits = await gql(
      port,
      `{ visits(first: 10) { nodes { title visitingUnits { name principalGuest { name } host { role membership { user { email } } } }
         meals { banquetSeating { tables { number seats { seat person { name unit } } } } } } } }`,
      {},
      token,
    );
    const twoUnits = visits.visits.nodes.find((v: { visitingUnits: unknown[] }) => v.visitingUnits.length === 2);
    expect(twoUnits.visitingUnits).toEqual([
      {
        name: '省发展和改革委员会',
        principalGuest: { name: '陈志远' },
        host: { role: 'HOST_LEADER', membership: { user: { email: 'coordinator@gov.demo.jiedai' } } },
      },
      { name: '省财政厅', principalGuest: { name: '黄晓梅' }, host: { role: 'HOST_LEADER', membership: { user: { email: 'leader@gov.demo.jiedai' } } } },
    ]);
    const tables = twoUnits.meals[0].banquetSeating.tables as Array<{ seats: Array<{ person: { name: string; unit: string | null } | null }> }>;
    expect(tables.map((t) => t.seats[t.seats.length - 1]!.person)).toEqual([
      { name: '陈志远', unit: '省发展和改革委员会' },
      { name: '黄晓梅', unit: '省财政厅' },
    ]);
    // The demo hospital's service points have today's rounds (its KindDemo seedExtras).
    const hospital = await signIn(port, 'admin@hospital.demo.jiedai');
    const rounds = await gql(
      port,
      `{ servicePointRoundSummary { total } servicePointRounds(first: 50) { nodes { servicePoint { name } checks { task { title } } } } }`,
      {},
      hospital,
    );
    expect(rounds.servicePointRoundSummary.total).toBeGreaterThan(10);
    expect(new Set(rounds.servicePointRounds.nodes.map((r: { servicePoint: { name: string } }) => r.servicePoint.name))).toContain('门诊导医台');
    expect(rounds.servicePointRounds.nodes.every((r: { checks: unknown[] }) => r.checks.length > 0)).toBe(true);
    const standards = await gql(port, `{ departmentStandards { cadence department { name } assessments { periodStart task { title } } } }`, {}, hospital);
    expect(standards.departmentStandards).toEqual([
      {
        cadence: 'MONTHLY',
        department: { name: '门诊部' },
        assessments: [{ periodStart: expect.stringMatching(/-01$/), task: { title: expect.stringContaining('门诊部') } }],
      },
    ]);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const exit = await stop(g);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(messages(g).map((m) => m.msg)).toContain('stopped');
  });

  it('a second start on the same DATA_DIR reopens it: nothing migrated or seeded twice', async () => {
    expect(firstStartMs, 'the first start ran').toBeGreaterThan(0);
    const g = start(env);
    const line = await ready(g);
    expect(line.database).toBe('embedded');
    expect(line.migrations).toBe(0);
    const text = messages(g).map((m) => m.msg);
    expect(text).not.toContain('created demo platform admin');
    // (Not timed: what makes a reopening cheaper — no migration, no seed — is asserted instead of wall-clock
    // time, which a loaded machine makes meaningless.)
    expect(text.filter((m) => /seeded demo tenant/.test(m))).toEqual([]);

    expect(await demoTenantCount(line.port)).toEqual({ totalCount: 3, slugs: ['demo-gov', 'demo-hospital', 'demo-hotel'] });
    // Tokens survive restarts (the development JWT secret is kept in DATA_DIR), and so does the data.
    const token = await signIn(line.port, 'admin@hotel.demo.jiedai');
    expect((await gql(line.port, `{ tenant { kind } }`, {}, token)).tenant.kind).toBe('HOTEL');

    expect(await stop(g)).toEqual({ code: 0, signal: null });
    expect(messages(g).map((m) => m.msg)).toContain('stopped');
  });

  it('an invalid configuration (PORT=abc) exits with code 2 and names PORT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jiedai-badconf-'));
    dirs.push(dir);
    const g = start({ DATA_DIR: dir, PORT: 'abc' });
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 120_000));
    const exit = await Promise.race([g.exited, timeout]);
    expect(exit).toEqual({ code: 2, signal: null });
    const stderr = g.stderr.join('');
    expect(stderr).toMatch(/Invalid configuration/);
    expect(stderr).toMatch(/PORT/);
    expect(g.lines.some((l) => l.includes('ready at'))).toBe(false);
  });
});
