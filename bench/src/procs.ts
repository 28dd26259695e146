// Child processes (gateways, the baseline, subscriber clients) and CPU accounting from /proc: how
// much CPU each side (gateway, baseline, PostgreSQL, Redis, load generator) spent in a measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { JWT, POOL_SIZE, REDIS_URL, ROOT } from './config.ts';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

/** Starts `node --import tsx <script>` (one process, so its pid is the one that does the work). */
export function startNode(name: string, script: string, env: Record<string, string>, nodeFlags: string[] = []): Child {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 2000) output.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return {
    name,
    proc,
    pid: proc.pid!,
    output,
    stop: async () => {
      if (exited) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** 180 s: a gateway compiles its sources (tsx) and builds four schemas before it listens, minutes on a loaded 2-core machine. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited:\n${child.output.join('')}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${child.name} not ready after ${timeoutMs} ms:\n${child.output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ── gateways ────────────────────────────────────────────────────────────────────────────────────

/** The gateway's environment (services/gateway/src/config.ts): production, quiet logs, Redis events. */
export function gatewayEnv(dbUrl: string, port: number, redisPrefix: string, processes = 1): Record<string, string> {
  return {
    // 1: one process, as before the setting; more: a primary and that many workers (services/gateway/src/cluster.ts).
    GATEWAY_PROCESSES: String(processes),
    DATABASE_URL: dbUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: JWT.secret,
    SEED_DEMO: 'false',
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    DB_POOL_SIZE: String(POOL_SIZE),
    // The cost budgets run (their CPU is measured) but never refuse the load's one tenant.
    RATE_LIMIT_TENANT_MAX: '1000000000',
    RATE_LIMIT_TENANT_RESTORE: '1000000000',
  };
}

/** The node flags of `pnpm start` (package.json: the V8 heap settings before the script), so that the
 *  gateway is measured as it is started. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.start!.split(/\s+/).filter((word) => /^--max-(semi|old)-space-size=\d+$/.test(word));
}

/** A gateway process (bench/src/gateway-main.ts: main.ts plus a statement counter), once /readyz answers. */
export async function startGateway(name: string, dbUrl: string, port: number, redisPrefix: string, nodeFlags: string[] = [], processes = 1): Promise<Child> {
  const child = startNode(name, 'bench/src/gateway-main.ts', gatewayEnv(dbUrl, port, redisPrefix, processes), [...startFlags(), ...nodeFlags]);
  // Several processes: /readyz answers once one worker listens; the primary says when every one does.
  const allListening = new Promise<void>((resolve) => child.proc.on('message', (m: { type?: string }) => m?.type === 'ready' && resolve()));
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, child);
  if (processes > 1) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}: not every worker listening after 180 s:\n${child.output.join('')}`)), 180_000);
    });
    await Promise.race([allListening, late]);
    clearTimeout(timer);
  }
  return child;
}

/** A process and all its descendants (a cluster's primary and its workers), read from /proc now. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

export interface GatewayStats {
  /** SQL statements the process has sent so far. */
  count: number;
  /** Of which reads of the event log by subscriptions (replay, gap filling, quiet poll). */
  eventLogReads: number;
  /** Event-loop delay since the previous call. */
  loopDelay: { p50_ms: number; p99_ms: number; max_ms: number };
}

/** SQL statements the gateway process has sent so far (total). */
export async function statementsSent(child: Child): Promise<number> {
  return (await gatewayStats(child)).count;
}

export function gatewayStats(child: Child): Promise<GatewayStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name}: no statement count`)), 60_000); // a loaded machine answers late
    const on = (msg: any) => {
      if (msg?.type !== 'statements') return;
      clearTimeout(timer);
      child.proc.off('message', on);
      resolve(msg as GatewayStats);
    };
    child.proc.on('message', on);
    child.proc.send({ type: 'statements' });
  });
}

// ── CPU ─────────────────────────────────────────────────────────────────────────────────────────

const TICK_MS = 10; // USER_HZ = 100 on Linux

function ticksOf(pid: number | string, which: 'all' | 'sys' = 'all'): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (which === 'all' ? Number(fields[11]) : 0) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

function pidsNamed(comm: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) out.push(entry);
    } catch {
      // gone
    }
  }
  return out;
}

/** Snapshot of CPU milliseconds per group; PostgreSQL counts every `postgres` process (backends come and go: */
/** a backend that exits during the measurement is missed, so pools are kept open while measuring). */
export function cpuSnapshot(groups: Record<string, number[]>): Record<string, number> {
  const snap: Record<string, number> = {};
  for (const [name, pids] of Object.entries(groups)) {
    snap[name] = pids.reduce((s, p) => s + ticksOf(p), 0) * TICK_MS;
    // Of which in the kernel (system calls: socket reads and writes).
    snap[`${name}_kernel`] = pids.reduce((s, p) => s + ticksOf(p, 'sys'), 0) * TICK_MS;
  }
  snap.postgres = pidsNamed('postgres').reduce((s, p) => s + ticksOf(p), 0) * TICK_MS;
  snap.redis = pidsNamed('redis-server').reduce((s, p) => s + ticksOf(p), 0) * TICK_MS;
  const self = process.cpuUsage();
  snap.loadgen = (self.user + self.system) / 1000;
  return snap;
}

export function cpuDiff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const k of Object.keys(after)) d[k] = Math.max(0, (after[k] ?? 0) - (before[k] ?? 0));
  return d;
}
