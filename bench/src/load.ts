// One measurement: autocannon (this process; the servers are other processes) against one contender
// for a fixed time, every response checked (HTTP 200, no `errors`, the object asked for), plus the
// CPU each process spent meanwhile.
import autocannon from 'autocannon';
import type pg from 'pg';
import { cpuDiff, cpuSnapshot } from './procs.ts';
import { goodResponse } from './operations.ts';

export interface Target {
  /** Full URL of the endpoint (gateway /graphql or a baseline route). */
  url: string;
  headers: Record<string, string>;
  /** Request bodies to rotate through, and the text each response must contain. */
  bodies: { body: string; expect: string }[];
}

export interface Measurement {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  ok: number;
  bad: number;
  /** CPU milliseconds per successful request, by process group. */
  cpu_ms_per_req: Record<string, number>;
  /** Share of the machine's cores used, by process group (1.0 = one full core). */
  cores: Record<string, number>;
  /** Sampled every 100 ms from pg_stat_activity: backends of the database running a statement, and of
   *  those, waiting for a lock (for `create`: the tenant's event counter row, held until COMMIT). */
  db_active_avg?: number;
  db_lock_waiting_avg?: number;
  /** SQL statements the server sent per request (gateway only: counted by gateway-main.ts). */
  statements_per_req?: number;
  firstBad?: string;
}

export async function measure(
  target: Target,
  opts: {
    connections: number;
    seconds: number;
    cpuPids: Record<string, number[]>;
    statements?: () => Promise<number>;
    /** Owner connection to the benchmark database, to sample pg_stat_activity. */
    sampler?: pg.Client;
  },
): Promise<Measurement> {
  const samples: { active: number; waiting: number }[] = [];
  let sampling = !!opts.sampler;
  const sampler = (async () => {
    while (sampling) {
      const r = await opts.sampler!.query<{ active: number; waiting: number }>(
        `SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
                count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')::int AS waiting
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      samples.push(r.rows[0]!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const statementsBefore = await opts.statements?.();
  let next = 0;
  let bad = 0;
  let firstBad: string | undefined;
  const bodies = target.bodies;
  const before = cpuSnapshot(opts.cpuPids);
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    connections: opts.connections,
    pipelining: 1,
    duration: opts.seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (req: any, context: any) => {
          const item = bodies[next++ % bodies.length]!;
          context.expect = item.expect;
          req.body = item.body;
          return req;
        },
        onResponse: (status: number, body: string, context: any) => {
          if (!goodResponse(status, body, context.expect)) {
            bad++;
            firstBad ??= `${status} ${String(body).slice(0, 300)}`;
          }
        },
      },
    ],
  } as autocannon.Options);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  sampling = false;
  await sampler;
  const cpu = cpuDiff(before, cpuSnapshot(opts.cpuPids));
  const statementsAfter = await opts.statements?.();
  const total = result.requests.total;
  const errors = result.errors + result.timeouts;
  // Every response (2xx or not) went through onResponse: `bad` already counts non-2xx ones.
  const ok = Math.max(0, total - bad);
  const cpuPerReq: Record<string, number> = {};
  const cores: Record<string, number> = {};
  for (const [k, v] of Object.entries(cpu)) {
    cpuPerReq[k] = ok > 0 ? round(v / ok, 3) : 0;
    cores[k] = round(v / wallMs, 2);
  }
  return {
    rps: round(ok / result.duration, 1),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    ok,
    bad: bad + errors,
    cpu_ms_per_req: cpuPerReq,
    cores,
    ...(samples.length
      ? {
          db_active_avg: round(samples.reduce((a, x) => a + x.active, 0) / samples.length, 2),
          db_lock_waiting_avg: round(samples.reduce((a, x) => a + x.waiting, 0) / samples.length, 2),
        }
      : {}),
    ...(statementsBefore !== undefined && statementsAfter !== undefined && total > 0
      ? { statements_per_req: round((statementsAfter - statementsBefore) / total, 2) }
      : {}),
    ...(firstBad ? { firstBad } : {}),
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** The q-quantile (0–1) of `xs`, interpolated between neighbours. */
export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
};
