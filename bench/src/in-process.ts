// `pnpm bench:cpu`: the gateway's own CPU per request, in one process, without the load generator or other
// processes' noise: the real gateway (buildApp) on the benchmark database (`pnpm bench` seeds it; run that
// first), requests through its node:http server from a keep-alive client in this process, sequentially
// after a warm-up; CPU = process.cpuUsage() over the measured requests minus what the client alone costs
// (measured the same way against a bare node:http server answering a fixed body), for by-id, board and create
// (a new task on one of 200 visits, as `pnpm bench` creates them). Runs with NODE_ENV=production, as the gateway
// does in production (graphql-js skips its development checks). Prints one JSON line
// and the SQL of one request of each kind (with --sql).
//   env: BENCH_DB (default jiedai_bench), BENCH_CPU_REQUESTS (default 3000), BENCH_CPU_ROUNDS (default 3)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openDatabase } from '@jiedai/db';
import { buildApp, loadConfig } from '@jiedai/gateway';
import { JWT, databaseUrl } from './config.ts';
import { BOARD, BY_ID, CREATE, CREATE_TITLE } from './operations.ts';
import { globalId, signToken } from './seed.ts';
import { median, round } from './load.ts';

const url = databaseUrl();
const requests = Number(process.env.BENCH_CPU_REQUESTS ?? 3000);
const rounds = Number(process.env.BENCH_CPU_ROUNDS ?? 3);
const showSql = process.argv.includes('--sql');

// The benchmark tenant's admin and visits, as seed.ts made them.
const owner = new pg.Client({ connectionString: url });
await owner.connect();
const admin = await owner.query<{ user_id: string; tenant_id: string }>(
  `SELECT m.user_id, m.tenant_id FROM memberships m JOIN tenants t ON t.id = m.tenant_id
   WHERE t.kind = 'GOVERNMENT_OFFICE' AND 'TENANT_ADMIN' = ANY(m.roles) ORDER BY m.created_at LIMIT 1`,
);
if (!admin.rows[0]) throw new Error(`no benchmark tenant in ${url}: run pnpm bench first`);
const { user_id: userId, tenant_id: tenantId } = admin.rows[0];
const visits = (await owner.query<{ id: string }>(`SELECT id FROM visits WHERE tenant_id = $1 ORDER BY id LIMIT 200`, [tenantId])).rows.map((r) =>
  globalId('Visit', r.id),
);
await owner.end();
const token = await signToken(userId, tenantId);

const sql: string[] = [];
const db = await openDatabase({ url, migrate: false, poolSize: 4, onStatement: (s) => showSql && sql.push(s.replace(/\s+/g, ' ')) });
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  MIGRATE_ON_START: 'false',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  JWT_SECRET: JWT.secret,
  RATE_LIMIT_TENANT_MAX: '1000000000',
  RATE_LIMIT_TENANT_RESTORE: '1000000000',
});
const app = await buildApp(config, { db });
await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
const port = (app.server.address() as AddressInfo).port;
const bare = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const barePort = (bare.address() as AddressInfo).port;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(toPort: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: toPort,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The variables of request i of a scenario: a visit's id (reads), or a new task on a visit (create). */
const variablesOf = (query: string, i: number) =>
  query === CREATE ? { input: { visitId: visits[i % visits.length], phase: 'PREPARATION', title: CREATE_TITLE } } : { id: visits[i % visits.length] };

async function run(toPort: number, query: string, n: number, check: boolean): Promise<number> {
  const started = cpuMs();
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ query, variables: variablesOf(query, i) });
    const text = await post(toPort, body);
    if (check && (!text.startsWith('{"data":') || text.includes('"errors"'))) throw new Error(`bad response: ${text.slice(0, 300)}`);
  }
  return (cpuMs() - started) / n;
}

const result: Record<string, unknown> = { requests, rounds };
for (const [name, query] of [
  ['by-id', BY_ID],
  ['board', BOARD],
  ['create', CREATE],
] as const) {
  await run(port, query, Math.min(requests, 2000), true); // warm-up: V8 optimises the path
  const perRequest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const gateway = await run(port, query, requests, true);
    const client = await run(barePort, query, requests, false);
    perRequest.push(gateway - client);
  }
  result[name] = { cpu_ms_per_request: round(median(perRequest), 3), rounds: perRequest.map((x) => round(x, 3)) };
  if (showSql) {
    sql.length = 0;
    await post(port, JSON.stringify({ query, variables: variablesOf(query, 0) }));
    result[`${name}_sql`] = [...sql];
  }
}
console.log(JSON.stringify(result, null, showSql ? 2 : 0));
agent.destroy();
bare.close();
await app.close();
await db.close();
process.exit(0);
