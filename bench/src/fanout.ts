// Fan-out: N graphql-ws subscribers of `taskChanged`, half on each of two gateway processes that share
// events through Redis; a writer changes tasks (updateTask, which appends the event in the mutation's
// transaction and publishes it after COMMIT) at a steady rate, alternating between the two gateways.
//
// What is measured, per (subscriber, event):
//   latency    = receipt − the moment the writer had the mutation's response. The gateway publishes
//                right after COMMIT and before it writes the response, so this is commit → receipt,
//                minus the few hundred microseconds between COMMIT and the response reaching the writer
//                (a slight under-estimate; it can even be negative when delivery beats the response).
//   from_send  = receipt − the moment the writer sent the mutation: an upper bound (adds the mutation's
//                own time before COMMIT).
//   lost       = events whose mutation succeeded but that a subscriber had not received when the grace
//                period (10 s after the last write, > the streams' 5 s gap-filling poll) ended.
// Clocks: process.hrtime (CLOCK_MONOTONIC) in the writer and subscriber processes, same machine.
import path from 'node:path';
import { type Child, type GatewayStats, cpuDiff, cpuSnapshot, startNode } from './procs.ts';
import { TASK_CHANGED, UPDATE_TITLE } from './operations.ts';
import { globalId } from './seed.ts';
import { round } from './load.ts';

export interface FanoutOptions {
  subscribers: number;
  /** Task changes per second and for how long. */
  rate: number;
  seconds: number;
  gateways: { http: string; ws: string; pid: number }[];
  writerToken: string;
  /** Statements sent so far by each gateway process, and its event-loop delay (see gateway-main.ts). */
  stats: (() => Promise<GatewayStats>)[];
  /** 'alternate': the writer sends to both gateways in turn; 'single': to the first only. */
  writer?: 'alternate' | 'single';
  subscriberTokens: string[];
  taskIds: string[];
  otherPids: Record<string, number[]>;
}

export interface FanoutResult {
  subscribers: number;
  rate_per_s: number;
  events: number;
  writer_errors: number;
  deliveries: number;
  expected: number;
  lost: number;
  duplicates: number;
  subscriber_errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  from_send_p50_ms: number;
  from_send_p99_ms: number;
  mutation_p50_ms: number;
  mutation_p99_ms: number;
  setup_s: number;
  /** SQL statements both gateways sent during the measured phase, per event (the writer's mutation included). */
  statements_per_event: number;
  /** Event-log reads by subscriptions (gap filling, polls) per event. */
  event_log_reads_per_event: number;
  /** CPU of both gateway processes (kernel included) during the measured phase per delivery, in µs (the writer's mutations included). */
  gateway_cpu_us_per_delivery: number;
  /** Worst p99 / max event-loop delay of the two gateways during the measured phase. */
  gateway_loop_delay_p99_ms: number;
  gateway_loop_delay_max_ms: number;
  cores: Record<string, number>;
  errors?: string[];
  /** The measured phase, in process.hrtime µs (for profiles; not written to latest.json). */
  window?: { fromUs: number; toUs: number };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nextMessage(child: Child, type: string, timeoutMs: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.proc.off('message', on);
      reject(new Error(`${child.name}: no "${type}" within ${timeoutMs} ms\n${child.output.join('').slice(-2000)}`));
    }, timeoutMs);
    const on = (msg: any) => {
      if (msg?.type !== type) return;
      clearTimeout(timer);
      child.proc.off('message', on);
      resolve(msg);
    };
    child.proc.on('message', on);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function runFanout(o: FanoutOptions): Promise<FanoutResult> {
  const tag = `fan${o.subscribers}-${Date.now().toString(36)}`;
  const setupStarted = Date.now();
  const clients: Child[] = [];
  for (const [i, gw] of o.gateways.entries()) {
    const child = startNode(`subscribers-${i}`, path.join('bench', 'src', 'subscriber.ts'), {});
    clients.push(child);
    await nextMessage(child, 'hello', 30_000);
    const share = Math.floor(o.subscribers / o.gateways.length) + (i < o.subscribers % o.gateways.length ? 1 : 0);
    const tokens = o.subscriberTokens.filter((_, j) => j % o.gateways.length === i);
    child.proc.send({ type: 'start', url: gw.ws, tokens, count: share, query: TASK_CHANGED, tag });
  }
  try {
    const subscribed = await Promise.all(clients.map((c) => nextMessage(c, 'subscribed', 600_000)));
    const failed = subscribed.reduce((s, m) => s + m.failed, 0);
    if (failed > 0) throw new Error(`${failed} subscribers failed: ${JSON.stringify(subscribed.flatMap((m) => m.errors))}`);

    let writerErrors = 0;
    let firstError: string | undefined;
    const write = async (n: number | string) => {
      const gw = o.gateways[typeof n === 'number' && o.writer !== 'single' ? n % o.gateways.length : 0]!;
      const taskId = o.taskIds[(typeof n === 'number' ? n : 0) % o.taskIds.length]!;
      const body = JSON.stringify({ query: UPDATE_TITLE, variables: { id: globalId('Task', taskId), title: `${tag}:${n}` } });
      const sent = nowUs();
      try {
        const res = await fetch(gw.http, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${o.writerToken}` },
          body,
        });
        const text = await res.text();
        const answered = nowUs();
        if (res.status !== 200 || text.includes('"errors"') || !text.includes('"TaskPayload"')) throw new Error(`${res.status} ${text.slice(0, 200)}`);
        return { sent, answered };
      } catch (error) {
        writerErrors++;
        firstError ??= String(error);
        return null;
      }
    };

    // Priming: change a task every 300 ms until every subscription has seen one change, i.e. is live.
    const primed = Promise.all(clients.map((c) => nextMessage(c, 'primed', 600_000)));
    let primedDone = false;
    void primed.then(
      () => (primedDone = true),
      () => undefined,
    );
    for (let k = 0; !primedDone; k++) {
      if (k > 2000) throw new Error('subscriptions never went live');
      await write(`p${k}`);
      await sleep(300);
    }
    await primed;
    await sleep(500);
    const setupSeconds = (Date.now() - setupStarted) / 1000;

    // Steady writes, open loop: the n-th change is sent at start + n / rate, whatever came before.
    const pids: Record<string, number[]> = { ...o.otherPids, gateways: o.gateways.map((g) => g.pid), subscribers: clients.map((c) => c.pid) };
    const statsOf = async () => {
      const all = await Promise.all(o.stats.map((f) => f()));
      return {
        count: all.reduce((a, b) => a + b.count, 0),
        eventLogReads: all.reduce((a, b) => a + b.eventLogReads, 0),
        loopP99: Math.max(...all.map((x) => x.loopDelay.p99_ms)),
        loopMax: Math.max(...all.map((x) => x.loopDelay.max_ms)),
      };
    };
    const statsBefore = await statsOf();
    const cpuBefore = cpuSnapshot(pids);
    const wallStart = Date.now();
    const fromUs = nowUs();
    const total = Math.round(o.rate * o.seconds);
    const start = performance.now();
    const writes: Promise<{ sent: number; answered: number } | null>[] = [];
    for (let n = 1; n <= total; n++) {
      const due = start + ((n - 1) * 1000) / o.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      writes.push(write(n));
    }
    const times = await Promise.all(writes);
    const committed = times.flatMap((t, i) => (t ? [i + 1] : []));

    // Grace: until nothing is missing, at most 10 s.
    let missing = Infinity;
    const graceEnd = Date.now() + 10_000;
    while (Date.now() < graceEnd) {
      const replies = await Promise.all(
        clients.map((c) => {
          const reply = nextMessage(c, 'missing', 30_000);
          c.proc.send({ type: 'missing', ns: committed });
          return reply;
        }),
      );
      missing = replies.reduce((s, r) => s + r.missing, 0);
      if (missing === 0) break;
      await sleep(250);
    }
    const wallMs = Date.now() - wallStart;
    const toUs = nowUs();
    const statsAfter = await statsOf();
    const cpu = cpuDiff(cpuBefore, cpuSnapshot(pids));

    const reports = await Promise.all(
      clients.map((c) => {
        const reply = nextMessage(c, 'report', 60_000);
        c.proc.send({ type: 'report' });
        return reply;
      }),
    );
    const lat: number[] = [];
    const fromSend: number[] = [];
    let deliveries = 0;
    let connections = 0;
    for (const report of reports) {
      for (const flat of report.arrivals as number[][]) {
        connections++;
        for (let i = 0; i < flat.length; i += 2) {
          const n = flat[i]!;
          const t = times[n - 1];
          if (!t) continue;
          deliveries++;
          lat.push((flat[i + 1]! - t.answered) / 1000);
          fromSend.push((flat[i + 1]! - t.sent) / 1000);
        }
      }
    }
    const sorted = Float64Array.from(lat).sort();
    const sortedSend = Float64Array.from(fromSend).sort();
    const mutation = Float64Array.from(times.flatMap((t) => (t ? [(t.answered - t.sent) / 1000] : []))).sort();
    const expected = committed.length * connections;
    const errors = reports.flatMap((r) => r.errors as string[]);
    if (firstError) errors.unshift(`writer: ${firstError}`);
    const cores: Record<string, number> = {};
    for (const [k, v] of Object.entries(cpu)) cores[k] = round(v / wallMs, 2);
    return {
      subscribers: connections,
      rate_per_s: o.rate,
      events: committed.length,
      writer_errors: writerErrors,
      deliveries,
      expected,
      lost: expected - deliveries,
      duplicates: reports.reduce((s, r) => s + r.duplicates, 0),
      subscriber_errors: reports.reduce((s, r) => s + r.errorCount, 0),
      p50_ms: round(percentile(sorted, 50), 1),
      p90_ms: round(percentile(sorted, 90), 1),
      p99_ms: round(percentile(sorted, 99), 1),
      max_ms: round(sorted[sorted.length - 1] ?? NaN, 1),
      from_send_p50_ms: round(percentile(sortedSend, 50), 1),
      from_send_p99_ms: round(percentile(sortedSend, 99), 1),
      mutation_p50_ms: round(percentile(mutation, 50), 1),
      mutation_p99_ms: round(percentile(mutation, 99), 1),
      setup_s: round(setupSeconds, 1),
      statements_per_event: round((statsAfter.count - statsBefore.count) / Math.max(1, total), 1),
      event_log_reads_per_event: round((statsAfter.eventLogReads - statsBefore.eventLogReads) / Math.max(1, total), 1),
      gateway_cpu_us_per_delivery: round(((cpu.gateways ?? 0) * 1000) / Math.max(1, deliveries), 1),
      gateway_loop_delay_p99_ms: statsAfter.loopP99,
      gateway_loop_delay_max_ms: statsAfter.loopMax,
      cores,
      ...(errors.length ? { errors: errors.slice(0, 5) } : {}),
      window: { fromUs, toUs },
    };
  } finally {
    for (const c of clients) c.proc.connected && c.proc.send({ type: 'close' });
    await Promise.all(clients.map((c) => Promise.race([new Promise((r) => c.proc.once('exit', r)), sleep(3000).then(() => c.stop())])));
  }
}
