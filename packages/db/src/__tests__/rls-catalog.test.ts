// Tenant isolation in the migrated database: first the catalog (RLS enabled and forced, policies on
// app_tenant_id(), the app role's powers), then behaviour through the Prisma client acting as
// jiedai_app, with the superuser (`pg`) to set up rows and to look behind RLS.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_ROLE, openDatabase, type Database } from '../database.ts';
import { inScope } from '../tenant-transaction.ts';

const url = inject('databaseUrl');
let su: pg.Client; // superuser: bypasses RLS

beforeAll(async () => {
  su = new pg.Client({ connectionString: url });
  await su.connect();
});

afterAll(async () => {
  await su?.end();
});

/** The PostgreSQL SQLSTATE of an error from `pg` or from Prisma's pg driver adapter. */
function sqlState(error: unknown): string | undefined {
  const e = error as {
    code?: unknown;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; code?: string } } };
  };
  const cause = e?.meta?.driverAdapterError?.cause;
  if (cause) return cause.originalCode ?? cause.code;
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
}

async function expectSqlError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a database error ${code}`).toBeDefined();
  expect(sqlState(error), String((error as Error).message)).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('catalog', () => {
  it('every table in public with a tenant_id column has RLS enabled and forced, and a tenant_id = app_tenant_id() policy for all commands', async () => {
    const { rows } = await su.query<{ table: string; enabled: boolean; forced: boolean }>(
      `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
          AND a.attname = 'tenant_id' AND NOT a.attisdropped
        ORDER BY 1`,
    );
    // Not vacuous: the foundation's tenant tables are among them.
    expect(rows.map((r) => r.table)).toEqual(
      expect.arrayContaining(['departments', 'memberships', 'ranks', 'api_keys', 'audit_log', 'service_points', 'hotel_areas']),
    );
    expect(rows.filter((r) => !r.enabled || !r.forced)).toEqual([]);

    const { rows: policies } = await su.query<{
      tablename: string;
      cmd: string;
      permissive: string;
      roles: string[];
      qual: string | null;
      with_check: string | null;
    }>(`SELECT tablename, cmd, permissive, roles::text[] AS roles, qual, with_check FROM pg_policies WHERE schemaname = 'public'`);
    const isolating = /\btenant_id\s*=\s*app_tenant_id\(\)/;
    const missing = rows
      .map((r) => r.table)
      .filter(
        (table) =>
          !policies.some(
            (p) =>
              p.tablename === table &&
              p.cmd === 'ALL' &&
              p.permissive === 'PERMISSIVE' &&
              (p.roles.includes('public') || p.roles.includes(APP_ROLE)) &&
              isolating.test(p.qual ?? '') &&
              isolating.test(p.with_check ?? ''),
          ),
      );
    expect(missing).toEqual([]);
  });

  it('tenants and users have RLS enabled', async () => {
    const { rows } = await su.query<{ table: string; enabled: boolean; policies: number }>(
      `SELECT c.relname AS table, c.relrowsecurity AS enabled,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
         FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname IN ('tenants', 'users') ORDER BY 1`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.enabled, `${row.table} RLS`).toBe(true);
      expect(row.policies, `${row.table} policies`).toBeGreaterThan(0);
    }
  });

  it(`${APP_ROLE} is not superuser, has no BYPASSRLS, inherits neither, and owns nothing in public`, async () => {
    const { rows } = await su.query<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1`,
      [APP_ROLE],
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false }]);

    const powerful = await su.query(
      `SELECT r.rolname FROM pg_roles r
        WHERE (r.rolsuper OR r.rolbypassrls) AND pg_has_role($1, r.oid, 'MEMBER')`,
      [APP_ROLE],
    );
    expect(powerful.rows).toEqual([]);

    const owned = await su.query<{ kind: string; name: string }>(
      `SELECT 'relation' AS kind, c.relname AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = $1::regrole
       UNION ALL
       SELECT 'function', p.proname FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = $1::regrole
       UNION ALL
       SELECT 'type', t.typname FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typowner = $1::regrole
       UNION ALL
       SELECT 'schema', n.nspname FROM pg_namespace n WHERE n.nspowner = $1::regrole`,
      [APP_ROLE],
    );
    expect(owned.rows).toEqual([]);
  });
});

describe(`behaviour as ${APP_ROLE} through the Prisma client`, () => {
  const run = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  let db: Database;
  let tenantA: string;
  let tenantB: string;
  let deptA: string;
  let deptB: string;
  let userId: string;

  beforeAll(async () => {
    db = await openDatabase({ url, migrate: false, poolSize: 2 });
    const insertTenant = async (suffix: string) =>
      (
        await su.query<{ id: string }>(`INSERT INTO tenants (kind, name, slug) VALUES ('HOTEL', $1, $2) RETURNING id`, [
          `RLS test ${suffix}`,
          `rls-${suffix}-${run}`,
        ])
      ).rows[0]!.id;
    tenantA = await insertTenant('a');
    tenantB = await insertTenant('b');
    const insertDept = async (tenantId: string, name: string) =>
      (await su.query<{ id: string }>(`INSERT INTO departments (tenant_id, name) VALUES ($1, $2) RETURNING id`, [tenantId, name])).rows[0]!.id;
    deptA = await insertDept(tenantA, 'Front office A');
    deptB = await insertDept(tenantB, 'Front office B');
    userId = (await su.query<{ id: string }>(`INSERT INTO users (email, display_name) VALUES ($1, 'RLS tester') RETURNING id`, [`rls-${run}@example.test`]))
      .rows[0]!.id;
  });

  afterAll(async () => {
    await db?.close();
    // Deleting the tenants cascades to their departments, memberships and audit log.
    if (tenantA || tenantB) await su.query(`DELETE FROM tenants WHERE id = ANY($1::uuid[])`, [[tenantA, tenantB].filter(Boolean)]);
    if (userId) await su.query(`DELETE FROM users WHERE id = $1`, [userId]);
  });

  const scopedToA = () => ({ tenantId: tenantA });

  it(`the client's connections act as ${APP_ROLE}`, async () => {
    const rows = await inScope(db.prisma, {}, (tx) => tx.$queryRaw<{ current_user: string }[]>`SELECT current_user`);
    expect(rows).toEqual([{ current_user: APP_ROLE }]);
  });

  it('with no tenant set, departments shows no rows (though the superuser sees both)', async () => {
    const { rows } = await su.query(`SELECT id FROM departments WHERE id = ANY($1::uuid[])`, [[deptA, deptB]]);
    expect(rows).toHaveLength(2);

    expect(await db.prisma.department.count()).toBe(0); // outside any transaction, nothing set
    expect(await inScope(db.prisma, {}, (tx) => tx.department.count())).toBe(0);
    expect(await inScope(db.prisma, {}, (tx) => tx.department.findMany({ where: { id: { in: [deptA, deptB] } } }))).toEqual([]);
  });

  it("scoped to tenant A, only A's department shows", async () => {
    const departments = await inScope(db.prisma, scopedToA(), (tx) => tx.department.findMany({ orderBy: { name: 'asc' } }));
    expect(departments.map((d) => d.id)).toEqual([deptA]);
    expect(departments.every((d) => d.tenantId === tenantA)).toBe(true);

    const fromB = await inScope(db.prisma, { tenantId: tenantB }, (tx) => tx.department.findMany());
    expect(fromB.map((d) => d.id)).toEqual([deptB]);
  });

  it("inserting a department with B's tenant_id while scoped to A fails with an RLS error", async () => {
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.department.create({ data: { tenantId: tenantB, name: 'Smuggled' } })),
      '42501',
      /row-level security/,
    );
    // Without RETURNING, only the policy's WITH CHECK stands in the way (Prisma's create also reads
    // the row back, which the USING clause would refuse on its own).
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.$executeRaw`INSERT INTO departments (tenant_id, name) VALUES (${tenantB}::uuid, 'Smuggled')`),
      '42501',
      /row-level security/,
    );
    const { rows } = await su.query(`SELECT 1 FROM departments WHERE name = 'Smuggled' AND tenant_id = $1`, [tenantB]);
    expect(rows).toHaveLength(0);
  });

  it("moving A's own row into tenant B while scoped to A fails with an RLS error", async () => {
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.department.updateMany({ where: { id: deptA }, data: { tenantId: tenantB } })),
      '42501',
      /row-level security/,
    );
    // No WHERE and no RETURNING: nothing is read, so only WITH CHECK can refuse the new rows.
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.$executeRaw`UPDATE departments SET tenant_id = ${tenantB}::uuid`),
      '42501',
      /row-level security/,
    );
    const { rows } = await su.query(`SELECT tenant_id FROM departments WHERE id = $1`, [deptA]);
    expect(rows).toEqual([{ tenant_id: tenantA }]);
  });

  it("updating or deleting B's rows while scoped to A affects 0 rows", async () => {
    const updated = await inScope(db.prisma, scopedToA(), (tx) => tx.department.updateMany({ where: { id: deptB }, data: { name: 'Hijacked' } }));
    expect(updated.count).toBe(0);
    const deleted = await inScope(db.prisma, scopedToA(), (tx) => tx.department.deleteMany({ where: { tenantId: tenantB } }));
    expect(deleted.count).toBe(0);
    const raw = await inScope(db.prisma, scopedToA(), (tx) => tx.$executeRaw`DELETE FROM departments WHERE id = ${deptB}::uuid`);
    expect(raw).toBe(0);

    const { rows } = await su.query(`SELECT name FROM departments WHERE id = $1`, [deptB]);
    expect(rows).toEqual([{ name: 'Front office B' }]);

    // Control: the same update on A's own row, scoped to A, does affect it.
    const own = await inScope(db.prisma, scopedToA(), (tx) => tx.department.updateMany({ where: { id: deptA }, data: { code: 'A-1' } }));
    expect(own.count).toBe(1);
  });

  it("a membership of tenant A pointing at B's department is refused by the composite foreign key (even for the superuser)", async () => {
    // Control: pointing at A's own department is fine.
    await su.query(`INSERT INTO memberships (tenant_id, user_id, roles, department_id) VALUES ($1, $2, '{STAFF}', $3)`, [tenantA, userId, deptA]);
    await su.query(`DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, [tenantA, userId]);

    const error = await su
      .query(`INSERT INTO memberships (tenant_id, user_id, roles, department_id) VALUES ($1, $2, '{STAFF}', $3)`, [tenantA, userId, deptB])
      .then(
        () => undefined,
        (e: unknown) => e as pg.DatabaseError,
      );
    expect(error, 'insert should have failed').toBeDefined();
    expect(error!.code).toBe('23503');
    expect(error!.constraint).toMatch(/department/);
    expect(error!.detail).toContain(deptB);
  });

  it(`audit_log is append-only for ${APP_ROLE}: INSERT and SELECT work, UPDATE and DELETE are permission denied`, async () => {
    const entry = await inScope(db.prisma, scopedToA(), (tx) =>
      tx.auditLogEntry.create({ data: { tenantId: tenantA, action: 'test.append', targetType: 'Department', targetId: deptA } }),
    );
    const seen = await inScope(db.prisma, scopedToA(), (tx) => tx.auditLogEntry.findMany({ where: { id: entry.id } }));
    expect(seen).toHaveLength(1);

    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.auditLogEntry.updateMany({ where: { id: entry.id }, data: { action: 'tampered' } })),
      '42501',
      /permission denied/,
    );
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.auditLogEntry.deleteMany({ where: { id: entry.id } })),
      '42501',
      /permission denied/,
    );
    await expectSqlError(
      inScope(db.prisma, scopedToA(), (tx) => tx.$executeRaw`TRUNCATE audit_log`),
      '42501',
      /permission denied/,
    );

    const { rows } = await su.query(`SELECT action FROM audit_log WHERE id = $1`, [entry.id]);
    expect(rows).toEqual([{ action: 'test.append' }]);
  });
});
