// `pnpm bench`: seeds a fresh benchmark database, starts two gateway processes (Redis between them), a
// gateway of two processes (GATEWAY_PROCESSES=2: a primary and two workers) and the pg baseline server, and
// measures, contenders interleaved (gateway, baseline, gateway ×2, then the other way round; medians of the rounds):
//   by-id   node(id:) of one visit              gateway vs baseline
//   board   visit → 20 tasks → assignees        gateway vs baseline, + statements per request
//   create  createTask (event row, publish)     gateway vs baseline
//   fan-out 200 and 1,000 graphql-ws subscribers on two gateways, a steady writer
// Prints a table and writes bench/results/latest.json.
//
// Flags: --quick (short rounds, for a smoke run), --rounds N, --seconds S, --connections C,
//        --rate R (fan-out changes per second, default 5), --stress-rate R (one more run of the largest
//        fan-out at R/s, default 20; 0 = none), --writer alternate|single, --fanout-seconds S, --subscribers 200,1000,
//        --only by-id,board,create,fanout, --processes 1,2 (the HTTP scenarios' gateway: one process, and a cluster of
//        two, GATEWAY_PROCESSES; each against the same baseline rounds), --profile (CPU profiles of the gateway; see profile.ts),
//        --out FILE (relative to bench/results/, or absolute; default latest.json for a full run, quick.json with --quick,
//        partial.json when other flags change what is measured).
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ADMIN_URL, POOL_SIZE, REDIS_URL, RESULTS_DIR, databaseUrl } from './config.ts';
import { recreateDatabase, seed, globalId, SEED, type Fixture } from './seed.ts';
import { type Child, gatewayStats, processTree, startGateway, startNode, statementsSent, waitForHttp } from './procs.ts';
import { measure, median, quantile, round, type Measurement, type Target } from './load.ts';
import { BOARD, BY_ID, CREATE, CREATE_TITLE } from './operations.ts';
import { runFanout, type FanoutResult } from './fanout.ts';
import { profileScenarios } from './profile.ts';

// ── options ─────────────────────────────────────────────────────────────────────────────────────
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  return argv[i]!.includes('=') ? argv[i]!.split('=')[1]! : (argv[i + 1] ?? fallback);
};
const quick = flag('quick');
/** Gateway processes of the HTTP scenarios' contenders (1: a single process; more: GATEWAY_PROCESSES, a cluster). */
const processCounts = [...new Set(option('processes', '1,2').split(',').map(Number))];
if (processCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--processes: whole numbers ≥ 1, got ${option('processes', '')}`);
const opts = {
  // Many short rounds, each contender's turn next to the other's (ABBA order), so that the machine's drift
  // and noise (±15 % on a shared machine) fall on both sides alike and average out in the per-round ratios.
  // Ten rounds of two contenders, or eight of three (one gateway more per round): the run stays near 8 minutes.
  rounds: Number(option('rounds', quick ? '3' : processCounts.length > 1 ? '8' : '10')),
  seconds: Number(option('seconds', quick ? '2' : '3')),
  /** Warm-up in chunks of `warmup` seconds until three chunks agree within 10 %, at most `warmupMax` s. */
  warmup: quick ? 2 : 3,
  warmupMax: quick ? 8 : 30,
  connections: Number(option('connections', '8')),
  rate: Number(option('rate', '5')),
  /** One more run of the largest fan-out at this rate, to show where it breaks (0: none). */
  stressRate: Number(option('stress-rate', '20')),
  writer: option('writer', 'alternate'),
  fanoutSeconds: Number(option('fanout-seconds', quick ? '5' : '15')),
  subscribers: option('subscribers', '200,1000').split(',').map(Number),
  /** Subscribers of the stress run (default: the largest of --subscribers). */
  stressSubscribers: Number(option('stress-subscribers', '0')),
  only: option('only', 'by-id,board,create,fanout').split(','),
  profile: flag('profile'),
  processes: processCounts,
};

const TARGETS: Record<string, number> = { 'by-id': 0.5, board: 0.35, create: 0.5 };
const FANOUT_TARGET_P99: Record<number, number> = { 200: 50, 1000: 300, 5000: 500 };
/** Issue 19: 1,000 subscribers at 20 changes/s, p99 < 300 ms. */
const STRESS_TARGET_P99: Record<string, number> = { '1000@20': 300 };

const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

// ── machine ─────────────────────────────────────────────────────────────────────────────────────
async function redisVersion(): Promise<string> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname);
    let text = '';
    socket.on('connect', () => socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'));
    socket.on('data', (d) => {
      text += d.toString();
      const m = /redis_version:(\S+)/.exec(text);
      if (m) {
        socket.destroy();
        resolve(m[1]!);
      }
    });
    socket.on('error', () => resolve('unknown'));
  });
}

async function machine() {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  const v = await c.query<{ server_version: string }>('SHOW server_version');
  await c.end();
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: v.rows[0]!.server_version,
    redis: await redisVersion(),
    os: `${os.type()} ${os.release()}`,
  };
}

/** The commit measured (and whether the work tree differed from it). */
function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'services', 'prisma'], { encoding: 'utf8' }).trim();
    return dirty ? `${head} (with uncommitted changes in packages/services/prisma)` : head;
  } catch {
    return 'unknown';
  }
}

// ── processes ───────────────────────────────────────────────────────────────────────────────────
const redisPrefix = `jiedai-bench-${process.pid}`;

async function startBaseline(dbUrl: string, port: number, tracesFile: string): Promise<Child> {
  const child = startNode('baseline', 'bench/src/baseline-server.ts', {
    DATABASE_URL: dbUrl,
    PORT: String(port),
    POOL_SIZE: String(POOL_SIZE),
    BENCH_TRACES: tracesFile,
  });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, child);
  return child;
}

async function statementCounts(dbUrl: string, fixture: Fixture) {
  const child = startNode('statements', 'bench/src/statements.ts', {
    DATABASE_URL: dbUrl,
    BENCH_INPUT: JSON.stringify({
      token: fixture.members[0]!.token,
      tenantId: fixture.tenantId,
      visitId: fixture.visitIds[7],
      probeVisits: fixture.probeVisits,
    }),
  });
  const code = await new Promise<number>((resolve) => child.proc.once('exit', (c) => resolve(c ?? 1)));
  const out = child.output.join('');
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`statement count failed:\n${out}`);
  return JSON.parse(line) as Record<string, { count: number; statements: string[]; trace: unknown[] }> & { boardByTasks: Record<string, number> };
}

/** Statements per request of the baseline (see baseline-server.ts): fixed by construction. */
const BASELINE_STATEMENTS = {
  'by-id': ['BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT set_config(…), set_config(…)', 'SELECT … FROM visits', 'COMMIT'],
  board: ['BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT set_config(…), set_config(…)', 'SELECT … visits ⟕ tasks ⟕ memberships', 'COMMIT'],
  create: [
    'BEGIN ISOLATION LEVEL READ COMMITTED; SELECT set_config(…), set_config(…)',
    'INSERT INTO tasks … RETURNING *',
    'INSERT INTO audit_log …',
    'SELECT append_events(…)',
    'COMMIT',
  ],
} as const;

// ── scenarios ───────────────────────────────────────────────────────────────────────────────────
function targets(fixture: Fixture, gatewayPort: number, baselinePort: number) {
  const admin = fixture.members[0]!;
  const gw = { url: `http://127.0.0.1:${gatewayPort}/graphql`, headers: { authorization: `Bearer ${admin.token}` } };
  const base = (route: string) => ({
    url: `http://127.0.0.1:${baselinePort}${route}`,
    headers: { 'x-tenant-id': fixture.tenantId, 'x-user-id': admin.userId },
  });
  const visits = fixture.visitIds.map((id) => globalId('Visit', id));
  const gql = (query: string, variables: unknown) => JSON.stringify({ query, variables });
  // The recorded statements of one gateway request, replayed by the baseline server (see baseline-server.ts).
  const replays = (name: string) =>
    (['unprepared', 'prepared'] as const).map((kind) => ({
      label: `gateway_sql_${kind}`,
      // Rotating over the visits like the contenders (creates must not pile onto one visit: a visit holds at most
      // 2,000 tasks).
      target: {
        ...base(`/${name}/gateway-sql${kind === 'prepared' ? '-prepared' : ''}`),
        bodies: fixture.visitIds.map((visitId) => ({ body: JSON.stringify({ visitId }), expect: '"replayed":' })),
      },
    }));
  const phases = ['PREPARATION', 'RECEPTION', 'FOLLOW_UP'];
  const scenarios: { name: string; gateway: Target; baseline: Target; extra?: { label: string; target: Target }[] }[] = [
    {
      name: 'by-id',
      gateway: { ...gw, bodies: visits.map((id) => ({ body: gql(BY_ID, { id }), expect: `"id":"${id}"` })) },
      baseline: { ...base('/by-id'), bodies: visits.map((id) => ({ body: JSON.stringify({ id }), expect: `"id":"${id}"` })) },
      // Where the gap comes from: the baseline server replaying the statements of one gateway request.
      extra: replays('by-id'),
    },
    {
      name: 'board',
      // The response must hold the visit and (at least) an assignee: the whole depth was resolved.
      gateway: { ...gw, bodies: visits.map((id) => ({ body: gql(BOARD, { id }), expect: `"id":"${id}","title"` })) },
      baseline: { ...base('/board'), bodies: visits.map((id) => ({ body: JSON.stringify({ id }), expect: `"id":"${id}","title"` })) },
      extra: replays('board'),
    },
    {
      name: 'create',
      gateway: {
        ...gw,
        bodies: visits.map((visitId, i) => ({
          body: gql(CREATE, { input: { visitId, phase: phases[i % 3], title: CREATE_TITLE } }),
          expect: '"__typename":"TaskPayload","task":{"id":"',
        })),
      },
      baseline: {
        ...base('/create'),
        bodies: visits.map((visitId, i) => ({
          body: JSON.stringify({ visitId, phase: phases[i % 3], title: CREATE_TITLE }),
          expect: '"__typename":"TaskPayload","task":{"id":"',
        })),
      },
      extra: replays('create'),
    },
  ];
  return scenarios.filter((s) => opts.only.includes(s.name));
}

// ── main ────────────────────────────────────────────────────────────────────────────────────────
const started = Date.now();
const children: Child[] = [];
async function cleanup() {
  await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  const host = await machine();
  log(`machine: ${host.cores} cores (${host.cpu}), Node ${host.node}, PostgreSQL ${host.postgres}, Redis ${host.redis}`);
  log(`options: ${JSON.stringify(opts)}`);
  // bench/results/ is git-ignored (all but nothing): a fresh clone has no such directory.
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dbUrl = databaseUrl();
  log('recreating and migrating the benchmark database …');
  await recreateDatabase();
  log(`seeding: ${SEED.visits} visits × ${SEED.tasksPerVisit} tasks, ${SEED.users} users (+${SEED.otherTenants} other tenants) …`);
  const seedStarted = Date.now();
  const fixture = await seed(dbUrl);
  log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s: ${JSON.stringify(fixture.counts)}`);

  if (opts.profile) {
    await profileScenarios({
      dbUrl,
      fixture,
      targets: targets(fixture, 4801, 4802),
      connections: opts.connections,
      seconds: opts.seconds,
      rate: opts.stressRate > 0 ? opts.stressRate : opts.rate,
      subscribers: opts.only.includes('fanout') ? opts.subscribers : [],
    });
    process.exit(0);
  }

  log('counting the statements the gateway sends per request …');
  const statements = await statementCounts(dbUrl, fixture);
  log(
    `statements per request: by-id ${statements['by-id']!.count}, board ${statements.board!.count}, create ${statements.create!.count}; board with 2/20/200 tasks: ${JSON.stringify(statements.boardByTasks)}`,
  );

  // BENCH_PORT moves the ports (several benchmarks on one machine): gateways BENCH_PORT and +1, baseline +2,
  // clustered gateways (--processes above 1) +3 on.
  const GW_A = Number(process.env.BENCH_PORT ?? 4701);
  const GW_B = GW_A + 1;
  const BASE = GW_A + 2;
  const clusterPort = (i: number) => GW_A + 3 + i;
  const tracesFile = path.join(RESULTS_DIR, 'gateway-traces.json');
  writeFileSync(
    tracesFile,
    JSON.stringify({
      // The visit the traces were recorded on: the replays put each request's own visit in its place.
      visitId: fixture.visitIds[7],
      'by-id': statements['by-id']!.trace,
      board: statements.board!.trace,
      create: statements.create!.trace,
    }),
  );
  const http = opts.only.some((name) => name !== 'fanout');
  const clustered = http ? opts.processes.filter((n) => n > 1) : [];
  log(`starting two gateway processes${clustered.map((n) => `, a gateway of ${n} processes`).join('')} and the baseline …`);
  const [gwA, gwB, baseline, ...gwClusters] = await Promise.all([
    startGateway('gateway-a', dbUrl, GW_A, redisPrefix),
    startGateway('gateway-b', dbUrl, GW_B, redisPrefix),
    startBaseline(dbUrl, BASE, tracesFile),
    ...clustered.map((n, i) => startGateway(`gateway-${n}p`, dbUrl, clusterPort(i), redisPrefix, [], n)),
  ]);
  children.push(gwA, gwB, baseline, ...gwClusters);
  // The HTTP scenarios' gateways: one process (gateway-a), and each cluster (its primary and workers: the CPU of all).
  const contenders = opts.processes.map((n) =>
    n === 1 ? { processes: 1, child: gwA, port: GW_A } : { processes: n, child: gwClusters[clustered.indexOf(n)]!, port: clusterPort(clustered.indexOf(n)) },
  );

  const scenarios: Record<string, unknown>[] = [];
  const sampler = new pg.Client({ connectionString: dbUrl });
  await sampler.connect();
  const baselinePids = { baseline: [baseline.pid] };
  // Read at each measurement: a cluster's workers are its primary's children.
  const cpuPidsOf = (child: Child) => ({ gateway: processTree(child.pid), ...baselinePids });
  for (const scenario of targets(fixture, GW_A, BASE)) {
    const mopts = { connections: opts.connections, sampler };
    const gatewayTargets = contenders.map((c) => ({ ...c, target: { ...scenario.gateway, url: scenario.gateway.url.replace(`:${GW_A}/`, `:${c.port}/`) } }));
    // Warm-up until steady: V8 needs ~10 s of load before the gateway reaches its steady throughput
    // (it starts at a third of it); the baseline is steady within a couple of seconds.
    for (const [side, t, child] of [
      ...gatewayTargets.map((g) => [g.processes === 1 ? 'gateway' : `gateway ×${g.processes}`, g.target, g.child] as const),
      ['baseline', scenario.baseline, gwA] as const,
    ]) {
      const history: number[] = [];
      for (let elapsed = 0; elapsed < opts.warmupMax; elapsed += opts.warmup) {
        const w = await measure(t, { ...mopts, cpuPids: cpuPidsOf(child), seconds: opts.warmup });
        if (w.bad > 0) throw new Error(`${scenario.name}: bad responses during warm-up: ${w.firstBad}`);
        history.push(w.rps);
        const [a, b, c] = history.slice(-3);
        if (c !== undefined && Math.max(a!, b!, c) / Math.min(a!, b!, c) < 1.1) break;
      }
      log(`${scenario.name}: ${side} warm-up ${history.length * opts.warmup} s: ${history.join(' → ')} rps`);
    }
    /** Per round: each gateway contender's measurement (by process count) and the baseline's. */
    const rounds: { gateways: Measurement[]; baseline: Measurement }[] = [];
    for (let r = 1; r <= opts.rounds; r++) {
      const runGateway = (i: number) => {
        const g = gatewayTargets[i]!;
        return measure(g.target, { ...mopts, cpuPids: cpuPidsOf(g.child), seconds: opts.seconds, statements: () => statementsSent(g.child) });
      };
      const runBaseline = () => measure(scenario.baseline, { ...mopts, cpuPids: cpuPidsOf(gwA), seconds: opts.seconds });
      // Neither side always first: one gateway: A B, B A, …; two: A B C, C B A, … (the baseline between them,
      // each gateway next to it, and first or last in turn), so drift and noise fall on every side alike.
      const order: (number | 'baseline')[] = [0, 'baseline', ...gatewayTargets.slice(1).map((_, i) => i + 1)];
      if (r % 2 === 0) order.reverse();
      const gateways: Measurement[] = [];
      let base!: Measurement;
      for (const turn of order) {
        if (turn === 'baseline') base = await runBaseline();
        else gateways[turn] = await runGateway(turn);
      }
      rounds.push({ gateways, baseline: base });
      log(
        `${scenario.name} round ${r}/${opts.rounds}: ${gateways
          .map(
            (m, i) =>
              `gateway${gatewayTargets[i]!.processes > 1 ? ` ×${gatewayTargets[i]!.processes}` : ''} ${m.rps} rps (p99 ${m.p99_ms} ms, ${m.cpu_ms_per_req.gateway} ms CPU/req, bad ${m.bad}, ratio ${round(m.rps / base.rps, 2)})`,
          )
          .join(', ')}, baseline ${base.rps} rps (p99 ${base.p99_ms} ms, ${base.cpu_ms_per_req.baseline} ms CPU/req, bad ${base.bad})`,
      );
    }
    // Decomposition contenders (by-id): fewer, shorter rounds, interleaved among themselves.
    const extra: Record<string, Measurement[]> = {};
    for (let r = 1; scenario.extra && r <= Math.min(3, opts.rounds); r++) {
      for (const { label, target } of scenario.extra) {
        const m = await measure(target, { ...mopts, cpuPids: cpuPidsOf(gwA), seconds: Math.min(5, opts.seconds) });
        if (m.bad > 0) throw new Error(`${label}: bad responses: ${m.firstBad}`);
        (extra[label] ??= []).push(m);
      }
      log(
        `${scenario.name} decomposition round ${r}: ${Object.entries(extra)
          .map(([k, v]) => `${k} ${v.at(-1)!.rps} rps`)
          .join(', ')}`,
      );
    }
    const name = scenario.name as keyof typeof BASELINE_STATEMENTS;
    gatewayTargets.forEach((contender, i) => {
      const pairs = rounds.map((x) => ({ gateway: x.gateways[i]!, baseline: x.baseline }));
      scenarios.push(scenarioRecord(name, contender.processes, pairs, contender.processes === 1 || i === 0 ? extra : undefined, !!scenario.extra));
    });
  }

  function scenarioRecord(
    name: keyof typeof BASELINE_STATEMENTS,
    processes: number,
    rounds: { gateway: Measurement; baseline: Measurement }[],
    extra: Record<string, Measurement[]> | undefined,
    hasExtra: boolean,
  ): Record<string, unknown> {
    const med = (pick: (m: { gateway: Measurement; baseline: Measurement }) => number) => round(median(rounds.map(pick)), 2);
    const cpuMed = (side: 'gateway' | 'baseline') => {
      const keys = Object.keys(rounds[0]![side].cpu_ms_per_req);
      return Object.fromEntries(keys.map((k) => [k, round(median(rounds.map((x) => x[side].cpu_ms_per_req[k] ?? 0)), 3)]));
    };
    const coresMed = (side: 'gateway' | 'baseline') => {
      const keys = Object.keys(rounds[0]![side].cores);
      return Object.fromEntries(keys.map((k) => [k, round(median(rounds.map((x) => x[side].cores[k] ?? 0)), 2)]));
    };
    const gatewayRps = med((m) => m.gateway.rps);
    const baselineRps = med((m) => m.baseline.rps);
    // The headline ratio: the median of each round's ratio (the two halves of a round ran back to back, under
    // the same machine conditions), with the spread of those ratios.
    const ratios = rounds.map((m) => m.gateway.rps / m.baseline.rps);
    return {
      name,
      // Gateway processes of this contender (1: one process; more: a cluster, GATEWAY_PROCESSES); the CPU figures are
      // the sum over the cluster's processes (its primary included).
      processes,
      gateway_rps: gatewayRps,
      baseline_rps: baselineRps,
      ratio: round(median(ratios), 2),
      ratio_of_medians: round(gatewayRps / baselineRps, 2),
      ratio_quartiles: [round(quantile(ratios, 0.25), 2), round(quantile(ratios, 0.75), 2)],
      target_ratio: TARGETS[name],
      // CPU of the serving process per request (ms), the other headline figure: what a request costs, whatever
      // else the machine was doing.
      gateway_cpu_ms_per_request: round(median(rounds.map((m) => m.gateway.cpu_ms_per_req.gateway ?? NaN)), 3),
      baseline_cpu_ms_per_request: round(median(rounds.map((m) => m.baseline.cpu_ms_per_req.baseline ?? NaN)), 3),
      postgres_cpu_ms_per_request: {
        gateway_run: round(median(rounds.map((m) => m.gateway.cpu_ms_per_req.postgres ?? NaN)), 3),
        baseline_run: round(median(rounds.map((m) => m.baseline.cpu_ms_per_req.postgres ?? NaN)), 3),
      },
      p99_ms: med((m) => m.gateway.p99_ms),
      p50_ms: med((m) => m.gateway.p50_ms),
      baseline_p99_ms: med((m) => m.baseline.p99_ms),
      baseline_p50_ms: med((m) => m.baseline.p50_ms),
      bad_responses: rounds.reduce((s, m) => s + m.gateway.bad + m.baseline.bad, 0),
      statements_per_request: { gateway: statements[name]!.count, baseline: BASELINE_STATEMENTS[name].length },
      statements_per_request_live: med((m) => m.gateway.statements_per_req ?? NaN),
      // Backends of the database busy (and waiting for a lock), averaged over the run.
      db_active_avg: { gateway_run: med((m) => m.gateway.db_active_avg ?? NaN), baseline_run: med((m) => m.baseline.db_active_avg ?? NaN) },
      db_lock_waiting_avg: {
        gateway_run: med((m) => m.gateway.db_lock_waiting_avg ?? NaN),
        baseline_run: med((m) => m.baseline.db_lock_waiting_avg ?? NaN),
      },
      ...(name === 'board'
        ? {
            statements_by_task_count: statements.boardByTasks,
            statements_constant: new Set(Object.values(statements.boardByTasks)).size === 1,
          }
        : {}),
      gateway_statements: statements[name]!.statements,
      cpu_ms_per_request: { gateway_run: cpuMed('gateway'), baseline_run: cpuMed('baseline') },
      cores_busy: { gateway_run: coresMed('gateway'), baseline_run: coresMed('baseline') },
      ...(hasExtra && extra
        ? {
            decomposition: Object.fromEntries(
              Object.entries(extra).map(([k, ms]) => [
                k,
                {
                  rps: round(median(ms.map((m) => m.rps)), 1),
                  p99_ms: median(ms.map((m) => m.p99_ms)),
                  db_lock_waiting_avg: round(median(ms.map((m) => m.db_lock_waiting_avg ?? NaN)), 2),
                  cpu_ms_per_request: Object.fromEntries(
                    Object.keys(ms[0]!.cpu_ms_per_req).map((c) => [c, round(median(ms.map((m) => m.cpu_ms_per_req[c] ?? 0)), 3)]),
                  ),
                },
              ]),
            ),
          }
        : {}),
      rounds: rounds.map((m) => ({
        gateway_rps: m.gateway.rps,
        baseline_rps: m.baseline.rps,
        ratio: round(m.gateway.rps / m.baseline.rps, 3),
        gateway_cpu_ms_per_request: m.gateway.cpu_ms_per_req.gateway,
        baseline_cpu_ms_per_request: m.baseline.cpu_ms_per_req.baseline,
        gateway_p99_ms: m.gateway.p99_ms,
        baseline_p99_ms: m.baseline.p99_ms,
      })),
    };
  }

  const fanouts: (FanoutResult & { stress?: boolean })[] = [];
  if (opts.only.includes('fanout')) {
    const runs = opts.subscribers.map((n) => ({ n, rate: opts.rate, stress: false }));
    if (opts.stressRate > 0) runs.push({ n: opts.stressSubscribers || Math.max(...opts.subscribers), rate: opts.stressRate, stress: true });
    for (const { n, rate, stress } of runs) {
      const seconds = stress ? Math.min(10, opts.fanoutSeconds) : opts.fanoutSeconds;
      log(`fan-out: ${n} subscribers over 2 gateways, ${rate} changes/s for ${seconds} s${stress ? ' (stress)' : ''} …`);
      const r = await runFanout({
        subscribers: n,
        rate,
        seconds,
        gateways: [
          { http: `http://127.0.0.1:${GW_A}/graphql`, ws: `ws://127.0.0.1:${GW_A}/graphql`, pid: gwA.pid },
          { http: `http://127.0.0.1:${GW_B}/graphql`, ws: `ws://127.0.0.1:${GW_B}/graphql`, pid: gwB.pid },
        ],
        writerToken: fixture.members[0]!.token,
        stats: [() => gatewayStats(gwA), () => gatewayStats(gwB)],
        writer: option('writer', 'alternate') as 'alternate' | 'single',
        subscriberTokens: fixture.members.map((m) => m.token),
        taskIds: fixture.writerTaskIds,
        otherPids: {},
      });
      log(
        `fan-out ${n}: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms, lost ${r.lost}/${r.expected}, writer errors ${r.writer_errors}/${r.events + r.writer_errors}, cores ${JSON.stringify(r.cores)}`,
      );
      delete r.window;
      // What the gateways logged as errors meanwhile (pino level ≥ 50), e.g. why a subscription ended.
      const logged = [gwA, gwB]
        .flatMap((g) => g.output.splice(0).join('').split('\n'))
        .filter((line) => /"level":(50|60)/.test(line))
        .map((line) => {
          try {
            const j = JSON.parse(line);
            return JSON.stringify(j.err ?? j.args ?? j.msg).slice(0, 400);
          } catch {
            return line.slice(0, 300);
          }
        });
      if (logged.length) (r as FanoutResult & { gateway_errors?: Record<string, number> }).gateway_errors = countBy(logged);
      fanouts.push({ ...r, stress } as FanoutResult & { stress: boolean });
    }
  }

  await sampler.end();
  await cleanup();
  const results = {
    generated_at: new Date().toISOString(),
    command: `pnpm bench${argv.length ? ` ${argv.join(' ')}` : ''}`,
    duration_s: round((Date.now() - started) / 1000, 0),
    commit: commit(),
    machine: host,
    options: { ...opts, pool_size: POOL_SIZE, seed: SEED },
    seeded_rows: fixture.counts,
    scenarios: [
      ...scenarios,
      ...fanouts.map((f) => ({
        name: `fan-out-${f.subscribers}${f.stress ? `-at-${f.rate_per_s}-per-s` : ''}`,
        gateway_rps: null,
        baseline_rps: null,
        ratio: null,
        target_p99_ms: f.stress ? (STRESS_TARGET_P99[`${f.subscribers}@${f.rate_per_s}`] ?? null) : (FANOUT_TARGET_P99[f.subscribers] ?? null),
        ...f,
      })),
    ],
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.resolve(
    RESULTS_DIR,
    option('out', quick ? 'quick.json' : argv.some((a) => /^--(?!rounds|seconds)/.test(a)) ? 'partial.json' : 'latest.json'),
  );
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results.scenarios as any[]);
  log(`wrote ${path.relative(process.cwd(), file)} in ${results.duration_s} s`);
} catch (error) {
  console.error(error);
  await cleanup();
  process.exit(1);
}
process.exit(0);

function countBy(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) out[l] = (out[l] ?? 0) + 1;
  return out;
}

function printTable(rows: any[]) {
  const pad = (v: unknown, n: number) => String(v ?? '—').padStart(n);
  console.log('');
  console.log(
    'scenario      gateway rps  baseline rps  ratio (IQR)        target  CPU ms/req gw / base  PG CPU ms/req gw / base  gw p50 ms  gw p99 ms  base p99 ms  statements gw/base  bad',
  );
  for (const r of rows.filter((x) => x.gateway_rps !== null)) {
    console.log(
      `${(r.processes > 1 ? `${r.name} ×${r.processes}` : String(r.name)).padEnd(12)}${pad(r.gateway_rps, 13)}${pad(r.baseline_rps, 14)}${pad(`${r.ratio} (${r.ratio_quartiles.join('–')})`, 19)}${pad(`≥${r.target_ratio}`, 8)}` +
        `${pad(`${r.gateway_cpu_ms_per_request} / ${r.baseline_cpu_ms_per_request}`, 22)}${pad(`${r.postgres_cpu_ms_per_request.gateway_run} / ${r.postgres_cpu_ms_per_request.baseline_run}`, 25)}` +
        `${pad(r.p50_ms, 11)}${pad(r.p99_ms, 11)}${pad(r.baseline_p99_ms, 13)}${pad(`${r.statements_per_request.gateway}/${r.statements_per_request.baseline}`, 20)}${pad(r.bad_responses, 5)}`,
    );
  }
  const split = rows.filter((x) => x.decomposition);
  if (split.length) {
    console.log('');
    console.log('where the gap is (rps)   baseline  gateway SQL, prepared  gateway SQL, as sent  gateway   gw CPU ms/req  PG CPU ms/req gw/base');
    for (const r of split) {
      const cpu = r.cpu_ms_per_request;
      console.log(
        `${String(r.name).padEnd(21)}${pad(r.baseline_rps, 11)}${pad(r.decomposition.gateway_sql_prepared?.rps, 23)}${pad(r.decomposition.gateway_sql_unprepared?.rps, 22)}` +
          `${pad(r.gateway_rps, 10)}${pad(cpu.gateway_run.gateway, 15)}${pad(`${cpu.gateway_run.postgres}/${cpu.baseline_run.postgres}`, 24)}`,
      );
    }
  }
  const board = rows.find((x) => x.name === 'board');
  if (board?.statements_by_task_count) {
    console.log(
      `\nboard: statements per request by tasks on the visit ${JSON.stringify(board.statements_by_task_count)}: ${board.statements_constant ? 'constant' : 'GROWS'}`,
    );
  }
  const fan = rows.filter((x) => x.gateway_rps === null);
  if (fan.length) {
    console.log('');
    console.log('fan-out                    subscribers  events  rate/s  p50 ms  p90 ms  p99 ms  target  max ms  from-send p99  lost  writer errors');
    for (const r of fan) {
      console.log(
        `${String(r.name).padEnd(27)}${pad(r.subscribers, 11)}${pad(r.events, 8)}${pad(r.rate_per_s, 8)}${pad(r.p50_ms, 8)}${pad(r.p90_ms, 8)}` +
          `${pad(r.p99_ms, 8)}${pad(r.target_p99_ms ? `<${r.target_p99_ms}` : '', 8)}${pad(r.max_ms, 8)}${pad(r.from_send_p99_ms, 15)}${pad(r.lost, 6)}${pad(r.writer_errors, 15)}`,
      );
    }
  }
  console.log('');
}
