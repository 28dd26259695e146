// Load held: a gateway process behind PgBouncer (transaction pooling) takes the heaviest realistic read — the
// demo visit with its whole plan, plan issues, settlement and task board — and then a create mutation, each
// at 50 connections for 30 s (autocannon; LOAD_SECONDS overrides the 30). Every response must be HTTP 200 with
// the object asked for and no `errors`; the process must stay up with nothing logged at error level (an
// unhandled rejection would end it: Node's default); its RSS, sampled every 0.5 s, must stay bounded, and the
// heap it retains after a full GC must not grow with the requests served (no leak); every acknowledged create
// is stored. The figures are printed ([load] lines) and recorded in the README.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, withPgSession } from '@jiedai/db';
import { bootstrapPlatformAdmin, createPasswordHasher, DEMO_PASSWORD, seedDemo } from '@jiedai/schema';
import { freePort, ownerQuery, signIn, unique } from '@jiedai/testing';
import { startCluster, type Cluster } from '../cluster.ts';
import type { GatewayProcess } from '../gateways.ts';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const CONNECTIONS = 50;

/** The demo visit as a coordinator's screen shows it: every part of the plan, the computed checks, the board. */
const FULL_VISIT = `query FullVisit($id: ID!) { visit(id: $id) {
  id title status startsAt endsAt version receptionLevel visitingOrganization
  coordinator { id title user { displayName } }
  guests { id name title rankLevel principalOrder gender unit dietaryRestrictions { category restricted } }
  hosts { id role unit rankExplanation membership { id title user { displayName } } }
  contacts { id name phone role }
  travelLegs { id direction mode origin destination departureAt arrivalAt expectedArrivalAt }
  itinerary { id kind title startsAt endsAt place responsible { id } }
  lodgings { id hotelName checkIn checkOut rooms { id number floor isSpare inspectedAt unfitReason guests { id name } } }
  meals { id kind startsAt place alcoholServed wholeDelegation dishes { name } guests { id } }
  vehicles { id kind seats plate driverName checkedAt driverBriefed guests { id } }
  gifts { id item value tags recipients { id } }
  budgetLines { id category planned actual payableAt }
  settlement { planned actual difference }
  planIssues { code severity message recordIds }
  planVersions { number }
  taskBoard { total done blocked overdue progress
    phases { phase total done columns { status count tasks(first: 50) { totalCount nodes { id title status dueAt assignee { id title } } } } } }
} }`;

const CREATE = `mutation Create($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id } } ... on Error { message } } }`;

let cluster: Cluster;
let gateway: GatewayProcess;
let token: string;
let visitId: string;
let inspectorPort: number;

beforeAll(async () => {
  // One gateway with compose's pool (20) behind the pooler.
  // The rate limit is off: this measures the process, not a tenant's budget. DB_POOL_WAIT_MS is raised from 5 s
  // to 30 s: on this shared 2-core machine the full visit is CPU-bound at a few requests a second, so 50 clients
  // queue longer than 5 s and the default sheds the excess with a retryable 503 (seen: 66 of 180 in 30 s) —
  // designed behaviour, but this run holds the load to see that nothing else goes wrong.
  // The demo tenants are seeded here first, retried: on a loaded machine the gateway's own seeding at start
  // (one transaction per tenant) can run past its time limit and end the process.
  const passwords = createPasswordHasher();
  await withPgSession(inject('databaseUrl'), async (owner) => bootstrapPlatformAdmin(owner, await passwords.hash(DEMO_PASSWORD)));
  const owner = await openDatabase({ url: inject('databaseUrl'), migrate: false, poolSize: 2 });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await seedDemo(owner.prisma, passwords);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  } finally {
    await owner.close();
  }
  inspectorPort = await freePort();
  cluster = await startCluster({
    gateways: 1,
    poolSize: 8,
    env: { RATE_LIMIT_ENABLED: 'false', DB_POOL_SIZE: '20', DB_POOL_WAIT_MS: '30000', NODE_OPTIONS: `--inspect=127.0.0.1:${inspectorPort}` },
  });
  gateway = cluster.gateways[0]!;
  token = await signIn(gateway.asTestApp(), 'admin@gov.demo.jiedai', 'jiedai-demo');
  const visits = await gateway.gql(`{ visits(first: 10) { nodes { id title taskBoard { total } guests { id } } } }`, {}, { token });
  const full = (visits.data?.visits?.nodes ?? []).find((v: any) => v.taskBoard.total > 0 && v.guests.length > 0);
  expect(full, JSON.stringify(visits)).toBeDefined();
  visitId = full.id;
});

afterAll(async () => {
  await cluster?.stop();
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

interface Held {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  errors: number;
  firstBad?: string;
  rss: { start: number; afterWarmUp: number; peak: number; end: number; every5s: number[] };
  /** Heap in use after a full GC a third into the run and at its end (MB). */
  heapAfterGc: { third: number; end: number };
}

/**
 * The gateway's JS heap in use right after a full garbage collection (MB), through its inspector (the process
 * runs with --inspect on a port of its own): what it retains, without the garbage RSS also counts. A leak shows
 * as growth of this between two points of a run; V8 sizing its heap up under load (RSS) does not.
 */
async function heapAfterGcMb(): Promise<number> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  let next = 0;
  const call = (method: string) =>
    new Promise<any>((resolve, reject) => {
      const id = ++next;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data));
        if (message.id !== id) return;
        socket.off('message', onMessage);
        if (message.error) reject(new Error(`${method}: ${message.error.message}`));
        else resolve(message.result);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number };
    return usage.usedSize / 1024 / 1024;
  } finally {
    socket.close();
  }
}

async function hold(body: unknown, good: (status: number, body: string) => boolean): Promise<Held> {
  const pid = gateway.proc.pid!;
  const samples: { at: number; mb: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ at: Date.now() - started, mb: rssMb(pid) }), 500);
  const start = rssMb(pid);
  let bad = 0;
  let firstBad: string | undefined;
  // A third into the run, what the process retains (a forced full GC: a pause the load rides through).
  let third = Number.NaN;
  const thirdTaken = new Promise<void>((resolve) =>
    setTimeout(
      () =>
        void heapAfterGcMb()
          .then(
            (mb) => void (third = mb),
            () => undefined,
          )
          .finally(resolve),
      (SECONDS * 1000) / 3,
    ),
  );
  const result = await autocannon({
    url: `${gateway.baseUrl}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    connections: CONNECTIONS,
    pipelining: 1,
    duration: SECONDS,
    timeout: 30,
    requests: [
      {
        onResponse: (status: number, text: string) => {
          if (!good(status, text)) {
            bad++;
            firstBad ??= `${status} ${String(text).slice(0, 300)}`;
          }
        },
      },
    ],
  } as autocannon.Options);
  clearInterval(sampler);
  await thirdTaken;
  const heapEnd = await heapAfterGcMb();
  const end = rssMb(pid);
  const warm = samples.find((s) => s.at >= 5_000)?.mb ?? start;
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad,
    errors: result.errors + result.timeouts + result.non2xx,
    ...(firstBad ? { firstBad } : {}),
    rss: {
      start: Math.round(start),
      afterWarmUp: Math.round(warm),
      peak: Math.round(Math.max(start, end, ...samples.map((s) => s.mb))),
      end: Math.round(end),
      // The curve, to tell a plateau (heap sized up under load) from a leak (growing with the requests served).
      every5s: samples.filter((_s, i) => i % 10 === 9).map((s) => Math.round(s.mb)),
    },
    heapAfterGc: { third: Math.round(third), end: Math.round(heapEnd) },
  };
}

/** Lines the process logged at error level or above (pino: 50, 60), and any unhandled rejection. */
function errorsLogged(): string[] {
  return gateway.output
    .join('')
    .split('\n')
    .filter((line) => /"level":(50|60)/.test(line) || /unhandled/i.test(line));
}

describe(`load held: ${CONNECTIONS} connections, ${SECONDS} s each, one gateway behind PgBouncer`, () => {
  it('the full visit (plan, checks, settlement, board): every response whole, no error, RSS bounded', async () => {
    const figures = await hold({ query: FULL_VISIT, variables: { id: visitId } }, (status, text) => {
      return status === 200 && text.startsWith('{"data":{"visit":{') && !text.includes('"errors"') && text.includes('"taskBoard":{');
    });
    console.log(`[load] full visit read: ${JSON.stringify(figures)}`);
    expect(figures.requests).toBeGreaterThan(CONNECTIONS);
    expect(figures.firstBad).toBeUndefined();
    expect(figures.bad).toBe(0);
    expect(figures.errors).toBe(0);
    // RSS: V8 sizes its heap up under load to a high-water mark it keeps (higher on a loaded machine): bounded,
    // not flat. What the process retains after a full GC does not grow with the requests served (no leak).
    expect(figures.rss.peak - figures.rss.start).toBeLessThan(800);
    expect(figures.heapAfterGc.end - figures.heapAfterGc.third).toBeLessThan(40);
    expect(gateway.proc.exitCode).toBeNull();
    expect(errorsLogged()).toEqual([]);
  });

  it('createTask: every response acknowledged, every acknowledged task stored once, no error, RSS bounded', async () => {
    const title = unique('load');
    let acknowledged = 0;
    const figures = await hold({ query: CREATE, variables: { input: { phase: 'PREPARATION', title } } }, (status, text) => {
      const ok = status === 200 && text.startsWith('{"data":{"createTask":{"__typename":"TaskPayload"') && !text.includes('"errors"');
      if (ok) acknowledged++;
      return ok;
    });
    const [stored] = await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE title = $1`, [title]);
    console.log(`[load] createTask: ${JSON.stringify({ ...figures, acknowledged, stored: stored!.n })}`);
    expect(figures.requests).toBeGreaterThan(CONNECTIONS);
    expect(figures.firstBad).toBeUndefined();
    expect(figures.bad).toBe(0);
    expect(figures.errors).toBe(0);
    // autocannon may cut the last responses at the deadline: stored ≥ acknowledged, and no more than was sent.
    expect(stored!.n).toBeGreaterThanOrEqual(acknowledged);
    expect(stored!.n).toBeLessThanOrEqual(figures.requests + CONNECTIONS);
    // RSS: V8 sizes its heap up under load to a high-water mark it keeps (higher on a loaded machine): bounded,
    // not flat. What the process retains after a full GC does not grow with the requests served (no leak).
    expect(figures.rss.peak - figures.rss.start).toBeLessThan(800);
    expect(figures.heapAfterGc.end - figures.heapAfterGc.third).toBeLessThan(40);
    expect(gateway.proc.exitCode).toBeNull();
    expect(errorsLogged()).toEqual([]);
  });
});
