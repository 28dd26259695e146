// The baseline: a plain Node HTTP server that does what the gateway does in SQL, written as cheaply as
// `pg` allows, with nothing else: no authentication (tenant and user come from trusted headers), no
// GraphQL, no ORM. Same database, same pool size, same role (jiedai_app, so RLS applies), the same
// tenant transaction (BEGIN + set_config(app.tenant_id, app.user_id) in one round trip, as the gateway
// sends them; work; COMMIT), the same rows. Named prepared statements (parsed once per connection) for
// the work; one statement per step.
//
//   POST /by-id   {"id": <Visit global id>}           → the visit's id, title, status, startsAt
//   POST /board   {"id": <Visit global id>}           → the visit, its tasks, each task's assignee (one join)
//   POST /create  {"visitId", "phase", "title"}       → a task + its audit row + its event (append_events, last)
//
// Diagnostics (not baselines): by-id, board and create done with exactly the SQL the gateway sends
// (Prisma's text, see statements.ts), to split the gateway's cost into its SQL and the rest:
//   POST /by-id/gateway-sql, /board/gateway-sql, /create/gateway-sql
//        unnamed statements, as Prisma sends them (parsed and planned by PostgreSQL each time)
//   POST /by-id/gateway-sql-prepared, /board/gateway-sql-prepared, /create/gateway-sql-prepared
//        the same statements, named (prepared once per connection)
//
// Run: tsx bench/src/baseline-server.ts  (env DATABASE_URL, PORT, POOL_SIZE); prints "ready <port>".
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
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
         ORDER BY t.phase, t.position, t.due_at, t.id`,
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

// The gateway's statements, verbatim: Prisma's text as `BENCH_FULL_SQL=1 … statements.ts` prints it (BEGIN, the
// isolation level, the scope and the access check are one simple-protocol message there).
const GW_ACCESS = `SELECT u.is_platform_admin, m.roles::text[] AS roles FROM users u LEFT JOIN memberships m ON m.user_id = u.id AND m.tenant_id = app_tenant_id() WHERE u.id = app_user_id()`;
const GW_VISIT =
  'SELECT ' +
  '"public"."visits"."id", "public"."visits"."tenant_id", "public"."visits"."title", ' +
  '"public"."visits"."purpose"::text, "public"."visits"."status"::text, "public"."visits"."reception_level", ' +
  '"public"."visits"."visiting_organization", "public"."visits"."starts_at", "public"."visits"."ends_at", ' +
  '"public"."visits"."includes_important_leader", "public"."visits"."escalated_at", ' +
  '"public"."visits"."escalation_note", "public"."visits"."coordinator_id", "public"."visits"."notes", ' +
  '"public"."visits"."safe_arrival_confirmed_at", "public"."visits"."forgotten_items_checked_at", ' +
  '"public"."visits"."photos_sent_at", "public"."visits"."summary", "public"."visits"."version", ' +
  '"public"."visits"."created_by_id", "public"."visits"."created_at", "public"."visits"."updated_at" ' +
  'FROM "public"."visits" WHERE ("public"."visits"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3';

const GW_TASKS =
  'SELECT "public"."tasks"."id", "public"."tasks"."tenant_id", "public"."tasks"."visit_id", ' +
  '"public"."tasks"."template_item_id", "public"."tasks"."phase"::text, "public"."tasks"."position", ' +
  '"public"."tasks"."title", "public"."tasks"."description", "public"."tasks"."assignee_membership_id", ' +
  '"public"."tasks"."assignee_role"::text, "public"."tasks"."due_at", "public"."tasks"."anchor"::text, ' +
  '"public"."tasks"."anchor_record_id", "public"."tasks"."offset_minutes", "public"."tasks"."status"::text, ' +
  '"public"."tasks"."status_reason", "public"."tasks"."completed_at", "public"."tasks"."completed_by_id", ' +
  '"public"."tasks"."version", "public"."tasks"."created_by_id", "public"."tasks"."created_at", ' +
  '"public"."tasks"."updated_at" FROM "public"."tasks" ' +
  'WHERE ("public"."tasks"."tenant_id" = $1 AND "public"."tasks"."visit_id" = $2) ORDER BY "public"."tasks"."phase" ASC, ' +
  '"public"."tasks"."position" ASC, "public"."tasks"."due_at" ASC, "public"."tasks"."id" ASC OFFSET $3';
const GW_MEMBERSHIPS_SELECT =
  'SELECT "public"."memberships"."id", "public"."memberships"."tenant_id", "public"."memberships"."user_id", ' +
  '"public"."memberships"."roles"::text[], "public"."memberships"."department_id", ' +
  '"public"."memberships"."rank_id", "public"."memberships"."title", "public"."memberships"."created_at", ' +
  '"public"."memberships"."updated_at" FROM "public"."memberships"';
/** Prisma's relation query: one id and one tenant id per task with an assignee (duplicates kept, as Prisma sends them). */
function gwMemberships(n: number) {
  const list = (from: number) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(',');
  return `${GW_MEMBERSHIPS_SELECT} WHERE ("public"."memberships"."id" IN (${list(1)}) AND "public"."memberships"."tenant_id" IN (${list(n + 1)})) OFFSET $${2 * n + 1}`;
}

const GW_VISIT_EXISTS =
  'SELECT "public"."visits"."id" FROM "public"."visits" WHERE ("public"."visits"."id" = $1 AND 1=1) LIMIT $2 OFFSET $3';
const GW_INSERT_TASK =
  'INSERT INTO "public"."tasks" ("tenant_id","visit_id","phase","position","title","description",' +
  '"assignee_membership_id","assignee_role","due_at","status","version","created_by_id","created_at","updated_at") ' +
  'VALUES ($1,$2,CAST($3::text AS "public"."task_phase"),$4,$5,$6,$7,$8,$9,CAST($10::text AS "public"."task_status"),' +
  '$11,$12,$13,$14) RETURNING "public"."tasks"."id", ' +
  '"public"."tasks"."tenant_id", "public"."tasks"."visit_id", "public"."tasks"."template_item_id", ' +
  '"public"."tasks"."phase"::text, "public"."tasks"."position", "public"."tasks"."title", ' +
  '"public"."tasks"."description", "public"."tasks"."assignee_membership_id", ' +
  '"public"."tasks"."assignee_role"::text, "public"."tasks"."due_at", "public"."tasks"."anchor"::text, ' +
  '"public"."tasks"."anchor_record_id", "public"."tasks"."offset_minutes", "public"."tasks"."status"::text, ' +
  '"public"."tasks"."status_reason", "public"."tasks"."completed_at", "public"."tasks"."completed_by_id", ' +
  '"public"."tasks"."version", "public"."tasks"."created_by_id", "public"."tasks"."created_at", ' +
  '"public"."tasks"."updated_at"';
const GW_APPEND_EVENTS = 'SELECT * FROM append_events($1::uuid, $2::jsonb)';
const GW_INSERT_AUDIT =
  'INSERT INTO "public"."audit_log" ("tenant_id","actor_user_id","actor_api_key_id","action","target_type",' +
  '"target_id","request_id","created_at") VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING "public"."audit_log"."id", ' +
  '"public"."audit_log"."tenant_id", "public"."audit_log"."actor_user_id", ' +
  '"public"."audit_log"."actor_api_key_id", "public"."audit_log"."action", "public"."audit_log"."target_type", ' +
  '"public"."audit_log"."target_id", "public"."audit_log"."data", "public"."audit_log"."request_id", ' +
  '"public"."audit_log"."created_at"';

type Q = (name: string, text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** The gateway's transaction, statement for statement: BEGIN + isolation level + scope + access check (one message); work; COMMIT. */
async function gatewaySql<T>(prepared: boolean, tenantId: string, userId: string, work: (q: Q) => Promise<T>, readOnly = true): Promise<T> {
  const client = await pool.connect();
  const q: Q = (name, text, values = []) =>
    client.query(prepared ? { name: `gw_${name}`, text, values, rowMode: 'array' } : { text, values, rowMode: 'array' });
  try {
    await client.query(`${beginWithScope(readOnly ? READ : 'BEGIN ISOLATION LEVEL READ COMMITTED', tenantId, userId)}; ${GW_ACCESS}`);
    const result = await work(q);
    await q('commit', 'COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const gwById = (prepared: boolean) => (tenantId: string, userId: string, body: Record<string, unknown>) =>
  gatewaySql(prepared, tenantId, userId, async (q) => {
    const v = (await q('visit', GW_VISIT, [uuidOf(body.id, 'Visit'), 1, 0])).rows[0] as unknown[] | undefined;
    return { node: v ? { id: gid('Visit', v[0] as string), title: v[2], status: v[4], startsAt: iso(v[7] as Date) } : null };
  });

/** createTask as the gateway runs it (one mutation field: no savepoint): visit check, task, audit row, events last (Prisma's text). */
const gwCreate = (prepared: boolean) => (tenantId: string, userId: string, body: Record<string, unknown>) =>
  gatewaySql(
    prepared,
    tenantId,
    userId,
    async (q) => {
      const visitId = uuidOf(body.visitId, 'Visit');
      await q('visit_exists', GW_VISIT_EXISTS, [visitId, 1, 0]);
      const now = new Date();
      const t = (await q('insert_task', GW_INSERT_TASK, [tenantId, visitId, body.phase, 1000, body.title, null, null, null, null, 'TODO', 1, userId, now, now]))
        .rows[0] as unknown[];
      const snapshot = {
        id: t[0], visitId: t[2], phase: t[4], position: t[5], title: t[6], description: t[7], assigneeMembershipId: t[8],
        assigneeRole: t[9], dueAt: iso(t[10] as Date | null), anchor: t[11], anchorRecordId: t[12], offsetMinutes: t[13],
        status: t[14], statusReason: t[15], completedAt: iso(t[16] as Date | null), completedById: t[17], version: t[18],
        createdAt: iso(t[20] as Date), updatedAt: iso(t[21] as Date),
      };
      await q('insert_audit', GW_INSERT_AUDIT, [tenantId, userId, null, 'task.created', 'Task', t[0], randomUUID(), new Date()]);
      const events = [{ topic: 'task', type: 'CREATED', subjectId: visitId, payload: { task: snapshot } }];
      await q('append_events', GW_APPEND_EVENTS, [userId, JSON.stringify(events)]);
      return { createTask: { __typename: 'TaskPayload', task: { id: gid('Task', t[0] as string) } } };
    },
    false,
  );

const gwBoard = (prepared: boolean) => (tenantId: string, userId: string, body: Record<string, unknown>) =>
  gatewaySql(prepared, tenantId, userId, async (q) => {
    const v = (await q('visit', GW_VISIT, [uuidOf(body.id, 'Visit'), 1, 0])).rows[0] as unknown[] | undefined;
    if (!v) return { node: null };
    const tasks = (await q('tasks', GW_TASKS, [tenantId, v[0], 0])).rows as unknown[][];
    const assignees = tasks.map((t) => t[8] as string | null).filter((id): id is string => id !== null);
    const members = new Map<string, unknown[]>();
    if (assignees.length > 0) {
      const values = [...assignees, ...assignees.map(() => tenantId), 0];
      for (const m of (await q(`members${assignees.length}`, gwMemberships(assignees.length), values)).rows as unknown[][]) members.set(m[0] as string, m);
    }
    return {
      node: {
        id: gid('Visit', v[0] as string),
        title: v[2],
        tasks: tasks.map((t) => {
          const m = t[8] ? members.get(t[8] as string) : undefined;
          return {
            id: gid('Task', t[0] as string),
            title: t[6],
            status: t[14],
            dueAt: iso(t[10] as Date | null),
            assignee: m ? { id: gid('Membership', m[0] as string), title: m[6], roles: m[3] } : null,
          };
        }),
      },
    };
  });

async function inTenant<T>(
  tenantId: string,
  userId: string,
  begin: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
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
  '/by-id/gateway-sql': gwById(false),
  '/by-id/gateway-sql-prepared': gwById(true),
  '/board/gateway-sql': gwBoard(false),
  '/board/gateway-sql-prepared': gwBoard(true),
  '/create/gateway-sql': gwCreate(false),
  '/create/gateway-sql-prepared': gwCreate(true),
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
      return { node: { id: gid('Visit', first.visit_id), title: first.visit_title, tasks } };
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
