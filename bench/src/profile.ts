// `pnpm bench --profile`: where the gateway's CPU goes. For each HTTP scenario a fresh gateway runs
// with V8's sampling profiler (node --cpu-prof) under the same autocannon load; then two profiled
// gateways serve the largest fan-out. Each profile is summarised by self time per package (prisma,
// pg, graphql, yoga/envelop, pothos, jose, pino, ws, node internals, GC, our own code) and by function;
// the summaries go to bench/results/profile.json, the raw .cpuprofile files to bench/results/profiles/
// (open them in Chrome DevTools or speedscope).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './config.ts';
import type { Fixture } from './seed.ts';
import { type Child, gatewayStats, startGateway } from './procs.ts';
import { measure, type Target } from './load.ts';
import { runFanout } from './fanout.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native / V8)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) {
    const name = pnpm[1]!;
    if (name.startsWith('@prisma/') || name === 'prisma') return name.startsWith('@prisma/adapter') ? '@prisma/adapter-pg' : '@prisma/client (runtime)';
    if (name.startsWith('@envelop/') || name.startsWith('@graphql-yoga/') || name === 'graphql-yoga') return 'yoga + envelop';
    if (name.startsWith('@whatwg-node/')) return '@whatwg-node (fetch API over node:http)';
    if (name.startsWith('@pothos/')) return '@pothos/*';
    if (name.startsWith('@escape.tech/')) return 'graphql-armor';
    if (name.startsWith('pg') || name === 'postgres-array' || name === 'postgres-date' || name === 'pg-types') return 'pg (driver)';
    return name;
  }
  if (url.includes('/packages/db/src/generated/')) return '@prisma/client (generated)';
  const own = /\/work\/[^/]+\/((?:packages|services)\/[^/]+)\//.exec(url) ?? /\/((?:packages|services)\/[^/]+)\/src\//.exec(url);
  if (own) return own[1]!;
  if (url.startsWith('node:') || url.includes('internal/')) return 'node internals (http, streams, net)';
  return url.split('/').slice(-2).join('/');
}

/** The main thread's profile in a directory (Node names them CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile). */
export function mainThreadProfile(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.split('.')[4] === '0') ?? files[0];
  if (!main) throw new Error(`no profile in ${dir}`);
  return path.join(dir, main);
}

/**
 * Self time of the main thread within [fromUs, toUs] (process.hrtime µs; V8 stamps samples with the same
 * monotonic clock), each sample charged to the nearest frame of a package on its stack: time in node's
 * own http/net/crypto code is charged to the package that called it (pg's socket writes to pg, the
 * JWT's HMAC to jose, …). Also the top functions by self time.
 */
export function summarise(file: string, window?: { fromUs: number; toUs: number }, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let busy = 0;
  let idle = 0;
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    if (fn === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    let owner: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined && !owner; cur = parent.get(cur)) {
      const url = byId.get(cur)!.callFrame.url;
      if (url && !url.startsWith('node:') && !url.includes('/tsx/')) owner = packageOf(url, fn);
    }
    owner ??= fn.startsWith('(') ? fn : 'node internals (http server, net, timers)';
    packages.set(owner, (packages.get(owner) ?? 0) + us);
    const where = n.callFrame.url
      ? `${n.callFrame.url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${n.callFrame.lineNumber + 1}`
      : '';
    const key = `${fn} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((1000 * us) / busy) / 10;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    file: path.relative(RESULTS_DIR, file),
    window_s: Math.round((busy + idle) / 1e5) / 10,
    busy_share: Math.round((1000 * busy) / (busy + idle)) / 10,
    by_package_pct: Object.fromEntries(
      sorted(packages)
        .slice(0, 20)
        .map(([k, v]) => [k, pct(v)]),
    ),
    top_functions_pct: Object.fromEntries(
      sorted(functions)
        .slice(0, top)
        .map(([k, v]) => [k, pct(v)]),
    ),
  };
}

async function profiledGateway(name: string, dbUrl: string, port: number, dir: string, prefix: string): Promise<Child> {
  // One directory per process: with `--import tsx` the module loader runs in a worker thread that
  // writes a profile of its own; mainThreadProfile() picks the main thread's (tid 0).
  return startGateway(name, dbUrl, port, prefix, ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, name)}`, '--cpu-prof-interval=500']);
}

export async function profileScenarios(o: {
  dbUrl: string;
  fixture: Fixture;
  targets: { name: string; gateway: Target; baseline: Target }[];
  connections: number;
  seconds: number;
  rate: number;
  subscribers: number[];
}) {
  const dir = path.join(RESULTS_DIR, 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const prefix = `jiedai-bench-profile-${process.pid}`;
  const summaries: Record<string, unknown> = {};
  for (const t of o.targets) {
    const port = Number(new URL(t.gateway.url).port);
    const gw = await profiledGateway(t.name, o.dbUrl, port, dir, prefix);
    const pids = { gateway: [gw.pid] };
    // Steady state only: the profile is cut to the measured window, after 15 s of warm-up load.
    await measure(t.gateway, { connections: o.connections, seconds: 15, cpuPids: pids });
    const fromUs = nowUs();
    const m = await measure(t.gateway, { connections: o.connections, seconds: o.seconds, cpuPids: pids });
    const toUs = nowUs();
    await gw.stop();
    summaries[t.name] = {
      rps: m.rps,
      p99_ms: m.p99_ms,
      cpu_ms_per_req: m.cpu_ms_per_req,
      ...summarise(mainThreadProfile(path.join(dir, t.name)), { fromUs, toUs }),
    };
    console.log(`[profile] ${t.name}: ${m.rps} rps (profiler on); ${JSON.stringify((summaries[t.name] as any).by_package_pct)}`);
  }
  if (o.subscribers.length === 0) {
    writeFileSync(path.join(RESULTS_DIR, 'profile.json'), `${JSON.stringify(summaries, null, 2)}\n`);
    return;
  }
  const n = Math.max(...o.subscribers);
  const a = await profiledGateway('fanout-a', o.dbUrl, 4811, dir, prefix);
  const b = await profiledGateway('fanout-b', o.dbUrl, 4812, dir, prefix);
  const r = await runFanout({
    subscribers: n,
    rate: o.rate,
    seconds: o.seconds * 2,
    gateways: [
      { http: 'http://127.0.0.1:4811/graphql', ws: 'ws://127.0.0.1:4811/graphql', pid: a.pid },
      { http: 'http://127.0.0.1:4812/graphql', ws: 'ws://127.0.0.1:4812/graphql', pid: b.pid },
    ],
    writerToken: o.fixture.members[0]!.token,
    stats: [() => gatewayStats(a), () => gatewayStats(b)],
    subscriberTokens: o.fixture.members.map((m) => m.token),
    taskIds: o.fixture.writerTaskIds,
    otherPids: {},
  });
  await Promise.all([a.stop(), b.stop()]);
  summaries[`fan-out-${n}`] = {
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    lost: r.lost,
    cores: r.cores,
    gateway_a: summarise(mainThreadProfile(path.join(dir, 'fanout-a')), r.window),
    gateway_b: summarise(mainThreadProfile(path.join(dir, 'fanout-b')), r.window),
  };
  console.log(`[profile] fan-out ${n}: p99 ${r.p99_ms} ms; ${JSON.stringify((summaries[`fan-out-${n}`] as any).gateway_b.by_package_pct)}`);
  writeFileSync(path.join(RESULTS_DIR, 'profile.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  console.log('[profile] wrote bench/results/profile.json; raw profiles in bench/results/profiles/');
}
