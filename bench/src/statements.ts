// Counts the SQL statements the gateway sends per request: the real gateway (buildApp) built in this
// process on a database opened with onStatement, requests through yoga.fetch (the same plugins as
// over HTTP). Run by run.ts as a child process; prints one JSON line.
//   env: DATABASE_URL, BENCH_INPUT = {"token","tenantId","visitId","probeVisits":[{"tasks","id"}]}
import { openDatabase } from '@jiedai/db';
import { buildApp, loadConfig } from '@jiedai/gateway';
import { JWT } from './config.ts';
import { BOARD, BY_ID, CREATE, CREATE_TITLE } from './operations.ts';
import { globalId } from './seed.ts';

interface Input {
  token: string;
  tenantId: string;
  visitId: string;
  probeVisits: { tasks: number; id: string }[];
}

const input = JSON.parse(process.env.BENCH_INPUT!) as Input;
const url = process.env.DATABASE_URL!;
const statements: string[] = [];
/** Each statement with its parameters, for the baseline server to replay verbatim (the decomposition). */
const trace: { text: string; values?: readonly unknown[] | undefined }[] = [];
const db = await openDatabase({
  url,
  migrate: false,
  poolSize: 2,
  onStatement: (sql, values) => {
    statements.push(sql);
    trace.push({ text: sql, values });
  },
});
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  MIGRATE_ON_START: 'false',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'silent',
  JWT_SECRET: JWT.secret,
});
const app = await buildApp(config, { db });

async function run(query: string, variables: Record<string, unknown>) {
  statements.length = 0;
  trace.length = 0;
  const res = await app.yoga.fetch('http://bench.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${input.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.text();
  if (res.status !== 200 || body.includes('"errors"')) throw new Error(`request failed: ${res.status} ${body.slice(0, 300)}`);
  // Let anything sent after the response (none expected) be counted too.
  await new Promise((r) => setTimeout(r, 20));
  return statements.map((s) => s.replace(/\s+/g, ' ').trim());
}

const short = (list: string[]) => (process.env.BENCH_FULL_SQL ? list : list.map((s) => (s.length > 140 ? `${s.slice(0, 137)}...` : s)));
const visit = globalId('Visit', input.visitId);
const result: Record<string, unknown> = {};
// The first request of a kind warms the tenant-kind cache and Prisma's query plans; count the second.
for (const [name, query, variables] of [
  ['by-id', BY_ID, { id: visit }],
  ['board', BOARD, { id: visit }],
  ['create', CREATE, { input: { visitId: visit, phase: 'RECEPTION', title: CREATE_TITLE } }],
] as const) {
  await run(query, variables);
  const list = await run(query, variables);
  result[name] = { count: list.length, statements: short(list), trace: JSON.parse(JSON.stringify(trace)) };
}
const probes: Record<string, number> = {};
for (const probe of input.probeVisits) {
  await run(BOARD, { id: globalId('Visit', probe.id) });
  probes[String(probe.tasks)] = (await run(BOARD, { id: globalId('Visit', probe.id) })).length;
}
probes['20'] = (result.board as { count: number }).count;
result.boardByTasks = probes;
console.log(JSON.stringify(result));
await app.close();
await db.close();
process.exit(0);
