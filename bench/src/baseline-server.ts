// The baseline: a plain Node HTTP server that does what the gateway does in SQL, written as cheaply as
// `pg` allows, with nothing else: no authentication (tenant and user come from trusted headers), no
// GraphQL, no ORM. Same database, same pool size, same role (jiedai_app, so RLS applies), the same
// tenant transaction (BEGIN + set_config(app.tenant_id, app.user_id) in one round trip, as the gateway
// sends them; work; COMMIT), the same rows. Named prepared statements (parsed once per connection) for
// the work; one statement per step.
//
//   POST /by-id   {"id": <Visit global id>}           → the visit's id, title, status, startsAt
//   POST /board   {"id": <Visit global id>}           → the visit, its first 100 tasks, each task's assignee (one join)
//   POST /create  {"visitId", "phase", "title"}       → a task + its audit row + its event (append_events, last)
//
// Diagnostics (not baselines): one recorded gateway request of each kind replayed statement for statement
// (Prisma's text and parameters, see statements.ts), to split the gateway's cost into its SQL and the rest:
//   POST /by-id/gateway-sql, /board/gateway-sql, /create/gateway-sql
//        unnamed statements (parsed and planned by PostgreSQL each time)
//   POST /by-id/gateway-sql-prepared, /board/gateway-sql-prepared, /create/gateway-sql-prepared
//        the same statements, named (prepared once per connection), as the gateway sends them
//
// Run: tsx bench/src/baseline-server.ts  (env DATABASE_URL, PORT, POOL_SIZE, BENCH_TRACES); prints "ready <port>".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 10),
  options: '-c role=jiedai_app',
});

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function uuidOf(globalId: unknown, type: string): string {
  const text = Buffer.from(String(globalId), 'base64').toString('utf8');
  const id = text.slice(type.length + 1);
  if (!text.startsWith(`${type}:`) || !UUID.test(id)) throw new BadRequest(`Invalid ${type} id`);
  return id;
}
class BadRequest extends Error {}

const VISIT = { name: 'visit', text: `SELECT id, title, status::text AS status, starts_at FROM visits WHERE id = $1` };
const BOARD = {
  name: 'board',
  text: `SELECT v.id AS visit_id, v.title AS visit_title, t.id, t.title, t.status::text AS status, t.due_at,
                m.id AS m_id, m.title AS m_title, m.roles::text[] AS m_roles
         FROM visits v
         LEFT JOIN tasks t ON t.visit_id = v.id
         LEFT JOIN memberships m ON m.id = t.assignee_membership_id
         WHERE v.id = $1
         ORDER BY t.phase, t.position, t.due_at, t.id
         LIMIT 100`,
};
const INSERT_TASK = {
  name: 'insert_task',
  text: `INSERT INTO tasks (tenant_id, visit_id, phase, title, position, created_by_id)
         VALUES ($1, $2, $3::task_phase, $4, 1000, $5) RETURNING *`,
};
const APPEND_EVENTS = { name: 'append_events', text: `SELECT seq FROM append_events($1::uuid, $2::jsonb)` };
const INSERT_AUDIT = {
  name: 'insert_audit',
  text: `INSERT INTO audit_log (tenant_id, actor_user_id, action, target_type, target_id, request_id)
         VALUES ($1, $2, 'task.created', 'Task', $3, $4)`,
};

// The decomposition: the statements one gateway request sent, with their parameters, as statements.ts
// recorded them (BENCH_TRACES: a JSON file {"by-id": [{text, values}], …}), replayed verbatim: the
// combined BEGIN + scope + access message as a simple query, the rest as sent (unnamed) or named.
// The request's own visit (body.visitId) takes the place of the one the traces were recorded on.
type Trace = { text: string; values?: unknown[] }[];
const traces: Record<string, Trace> & { visitId?: string } = process.env.BENCH_TRACES ? JSON.parse(readFileSync(process.env.BENCH_TRACES, 'utf8')) : {};

const replay =
  (scenario: string, prepared: boolean): Handler =>
  async (_tenantId, _userId, body) => {
    const recorded = traces[scenario];
    if (!recorded) throw new Error(`no trace for ${scenario}`);
    const from = traces.visitId;
    const to = typeof body.visitId === 'string' ? body.visitId : undefined;
    const trace = from && to ? recorded.map((s) => ({ ...s, values: s.values?.map((v) => (typeof v === 'string' ? v.replaceAll(from, to) : v)) })) : recorded;
    const client = await pool.connect();
    try {
      let rows = 0;
      for (const [i, { text, values = [] }] of trace.entries()) {
        const named = prepared && values.length > 0;
        const r = await client.query(named ? { name: `replay_${scenario}_${i}`, text, values } : values.length > 0 ? { text, values } : text);
        rows += Array.isArray(r) ? 0 : (r.rowCount ?? 0);
      }
      return { replayed: trace.length, rows };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

async function inTenant<T>(tenantId: string, userId: string, begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(beginWithScope(begin, tenantId, userId));
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** BEGIN and the scope in one simple-protocol message (no parameters there: literals, escaped by pg). */
function beginWithScope(begin: string, tenantId: string, userId: string): string {
  const literal = pg.Client.prototype.escapeLiteral;
  return `${begin}; SELECT set_config('app.tenant_id', ${literal(tenantId)}, true), set_config('app.user_id', ${literal(userId)}, true)`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

type Handler = (tenantId: string, userId: string, body: Record<string, unknown>) => Promise<unknown>;
const READ = 'BEGIN ISOLATION LEVEL REPEATABLE READ';

const routes: Record<string, Handler> = {
  '/by-id': (tenantId, userId, body) =>
    inTenant(tenantId, userId, READ, async (c) => {
      const r = await c.query({ ...VISIT, values: [uuidOf(body.id, 'Visit')] });
      const v = r.rows[0];
      return { node: v ? { id: gid('Visit', v.id), title: v.title, status: v.status, startsAt: iso(v.starts_at) } : null };
    }),
  '/by-id/gateway-sql': replay('by-id', false),
  '/by-id/gateway-sql-prepared': replay('by-id', true),
  '/board/gateway-sql': replay('board', false),
  '/board/gateway-sql-prepared': replay('board', true),
  '/create/gateway-sql': replay('create', false),
  '/create/gateway-sql-prepared': replay('create', true),
  '/board': (tenantId, userId, body) =>
    inTenant(tenantId, userId, READ, async (c) => {
      const r = await c.query({ ...BOARD, values: [uuidOf(body.id, 'Visit')] });
      const first = r.rows[0];
      if (!first) return { node: null };
      const tasks = [];
      for (const row of r.rows) {
        if (!row.id) continue;
        tasks.push({
          id: gid('Task', row.id),
          title: row.title,
          status: row.status,
          dueAt: iso(row.due_at),
          assignee: row.m_id ? { id: gid('Membership', row.m_id), title: row.m_title, roles: row.m_roles } : null,
        });
      }
      return { node: { id: gid('Visit', first.visit_id), title: first.visit_title, tasks: { nodes: tasks } } };
    }),
  '/create': (tenantId, userId, body) =>
    inTenant(tenantId, userId, 'BEGIN ISOLATION LEVEL READ COMMITTED', async (c) => {
      const visitId = uuidOf(body.visitId, 'Visit');
      const r = await c.query({ ...INSERT_TASK, values: [tenantId, visitId, body.phase, body.title, userId] });
      const t = r.rows[0];
      // The same event payload as the gateway's (taskSnapshot).
      const snapshot = {
        id: t.id,
        visitId: t.visit_id,
        phase: t.phase,
        position: t.position,
        title: t.title,
        description: t.description,
        assigneeMembershipId: t.assignee_membership_id,
        assigneeRole: t.assignee_role,
        dueAt: iso(t.due_at),
        anchor: t.anchor,
        anchorRecordId: t.anchor_record_id,
        offsetMinutes: t.offset_minutes,
        status: t.status,
        statusReason: t.status_reason,
        completedAt: iso(t.completed_at),
        completedById: t.completed_by_id,
        version: t.version,
        createdAt: iso(t.created_at),
        updatedAt: iso(t.updated_at),
      };
      await c.query({ ...INSERT_AUDIT, values: [tenantId, userId, t.id, randomUUID()] });
      const events = [{ topic: 'task', type: 'CREATED', subjectId: visitId, payload: { task: snapshot } }];
      await c.query({ ...APPEND_EVENTS, values: [userId, JSON.stringify(events)] });
      return { createTask: { __typename: 'TaskPayload', task: { id: gid('Task', t.id) } } };
    }),
};

function send(res: ServerResponse, status: number, payload: unknown) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/healthz') return send(res, 200, { status: 'ok' });
  const handler = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
  if (!handler) return send(res, 404, { errors: [{ message: 'not found' }] });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const tenantId = String(req.headers['x-tenant-id'] ?? '');
    const userId = String(req.headers['x-user-id'] ?? '');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { errors: [{ message: 'bad JSON' }] });
    }
    handler(tenantId, userId, body).then(
      (data) => send(res, 200, { data }),
      (error: Error) => send(res, error instanceof BadRequest ? 400 : 500, { errors: [{ message: error.message }] }),
    );
  });
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : ''}`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    pool.end().finally(() => process.exit(0));
  });
}
