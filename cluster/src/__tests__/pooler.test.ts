// The gateway's database through PgBouncer 1.18 in transaction pooling (DATABASE_POOLER=transaction):
// statements go unnamed, the one-message transaction prelude and set_config(…, true) hold per
// transaction and never leak into the next client's transaction on a shared server connection, the
// access check and row-level security keep tenant A from ever seeing B under heavy interleaving, and
// migrations (with their session advisory lock) go through the direct URL only. A private PgBouncer
// with 2 server connections per (database, user) in front of the machine's PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, readMigrations, withPgClient, type Database } from '@jiedai/db';
import { loadConfig } from '@jiedai/gateway';
import { ConfigError } from '../../../services/gateway/src/config.ts';
import { createPlatformAdmin, createScratchDatabase, createTenant, type TestTenant } from '@jiedai/testing';
import { startPgBouncer, type PgBouncer } from '../pgbouncer.ts';
import { inProcessGateway, type InProcessGateway } from '../gateways.ts';

let bouncer: PgBouncer;
let appUrl: string;
const dbs: Database[] = [];

const open = async (extra: Partial<Parameters<typeof openDatabase>[0]> = {}) => {
  const db = await openDatabase({ url: appUrl, pooler: 'transaction', migrate: false, poolSize: 10, ...extra });
  dbs.push(db);
  return db;
};

beforeAll(async () => {
  bouncer = await startPgBouncer({ poolSize: 2 });
  appUrl = bouncer.through(inject('databaseUrl'), 'jiedai_app');
});

afterAll(async () => {
  for (const db of dbs) await db.close();
  await bouncer?.stop();
});

/** Server-side prepared statements on the server connection this transaction got. */
const preparedHere = (db: Database) =>
  db.prisma.$transaction((tx) => tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM pg_prepared_statements')).then((r) => r[0]!.n);

describe('through PgBouncer in transaction pooling', () => {
  it('connects as the app role, sends no startup options and names no statement', async () => {
    const db = await open();
    const [role] = await db.prisma.$queryRawUnsafe<{ name: string; superuser: boolean; bypass: boolean }[]>(
      'SELECT current_user AS name, rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
    );
    expect(role).toEqual({ name: 'jiedai_app', superuser: false, bypass: false });
    // Many Prisma statements, several texts, on the 2 shared server connections: none prepared by name.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction({ scope: { tenantId: randomUUID() }, isolationLevel: 'ReadCommitted' }, (tx) => tx.tenant.findMany({ where: { slug: `x${i % 3}` } })),
      ),
    );
    for (let i = 0; i < 4; i++) expect(await preparedHere(db)).toBe(0);
  });

  it('refuses a superuser URL through the pooler (RLS would not apply) and migrating through it', async () => {
    await expect(openDatabase({ url: bouncer.through(inject('databaseUrl'), 'postgres'), pooler: 'transaction', migrate: false })).rejects.toThrow(
      /bypasses row-level security; connect as the app role/,
    );
    await expect(openDatabase({ url: appUrl, pooler: 'transaction' })).rejects.toThrow(/DATABASE_DIRECT_URL/);
    expect(() => loadConfig({ DATABASE_URL: appUrl, DATABASE_POOLER: 'transaction' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: appUrl, DATABASE_POOLER: 'transaction', MIGRATE_ON_START: 'false', JOBS_ENABLED: 'true' })).toThrow(
      /DATABASE_DIRECT_URL: required with DATABASE_POOLER=transaction for the job queue/,
    );
    const ok = loadConfig({ DATABASE_URL: appUrl, DATABASE_POOLER: 'transaction', DATABASE_DIRECT_URL: inject('databaseUrl') });
    expect(ok.database).toMatchObject({ pooler: 'transaction', directUrl: inject('databaseUrl'), ownerUrl: inject('databaseUrl') });
    expect(ok.jobs.enabled).toBe(true);
  });

  it('migrations run on the direct URL (advisory lock held there), the app works through the pooler', async () => {
    const scratch = await createScratchDatabase('jiedai_pooler_migrate');
    try {
      const url = bouncer.through(scratch.url, 'jiedai_app');
      // Two gateways starting at once: the runner's session advisory lock on the direct URL serialises them.
      const [one, two] = await Promise.all([open({ url, migrate: true, directUrl: scratch.url }), open({ url, migrate: true, directUrl: scratch.url })]);
      const files = (await readMigrations()).length;
      expect([one.migrations!.applied.length, two.migrations!.applied.length].sort((a, b) => a - b)).toEqual([0, files]);
      const rows = await withPgClient(scratch.url, (c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants'));
      expect(rows.rows[0]!.n).toBe(0);
      expect(await one.prisma.tenant.count()).toBe(0);
      await one.close();
      await two.close();
    } finally {
      await scratch.drop();
    }
  });

  it('the prelude and set_config(…, true) hold for one transaction only, under heavy interleaving on 2 server connections', async () => {
    const [p, q] = [await open(), await open()];
    const settings = `SELECT app_tenant_id()::text AS tenant, nullif(current_setting('app.user_id', true), '') AS "user", pg_backend_pid() AS pid`;
    const leaked: unknown[] = [];
    const wrong: unknown[] = [];
    const pids = new Set<number>();
    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const db = i % 2 ? p : q;
        if (i % 3 === 0) {
          // A transaction without a scope: whatever the previous client on this server connection set is gone.
          const [row] = await db.prisma.$transaction((tx) => tx.$queryRawUnsafe<{ tenant: string | null; user: string | null }[]>(settings));
          if (row!.tenant !== null || row!.user !== null) leaked.push(row);
          return;
        }
        const tenantId = randomUUID();
        const userId = randomUUID();
        await db.transaction(
          { scope: { tenantId, userId }, isolationLevel: i % 4 ? 'ReadCommitted' : 'RepeatableRead', prelude: settings },
          async (tx, rows) => {
            const [again] = await tx.$queryRawUnsafe<{ tenant: string; user: string; pid: number }[]>(settings);
            pids.add(again!.pid);
            if (rows[0]?.tenant !== tenantId || again!.tenant !== tenantId || again!.user !== userId || rows[0]?.pid !== again!.pid)
              wrong.push({ rows, again });
          },
        );
      }),
    );
    console.log(`[pooler] 300 interleaved transactions on ${pids.size} server connections: scope leaked ${leaked.length}, wrong scope ${wrong.length}`);
    expect(pids.size).toBeLessThanOrEqual(2);
    expect(leaked).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it('transaction-scoped advisory locks work through the pooler', async () => {
    const db = await open();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtextextended('jiedai-pooler-test', 0))`);
          most = Math.max(most, ++inside);
          await tx.$executeRawUnsafe('SELECT pg_sleep(0.01)');
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});

describe('the gateway through PgBouncer: access check and RLS under interleaving', () => {
  let gateway: InProcessGateway;
  let tenants: TestTenant[];

  beforeAll(async () => {
    gateway = await inProcessGateway('pooled', {
      DATABASE_URL: appUrl,
      DATABASE_POOLER: 'transaction',
      DATABASE_DIRECT_URL: inject('databaseUrl'),
    });
    const platform = await createPlatformAdmin(gateway.asTestApp());
    tenants = [];
    for (const kind of ['GOVERNMENT_OFFICE', 'HOTEL'] as const) tenants.push(await createTenant(gateway.asTestApp(), platform.token, kind));
    for (const [i, tenant] of tenants.entries()) {
      for (const name of ['一组', '二组', '三组']) {
        const res = await gateway.gql(
          `mutation($n: String!) { createDepartment(input: { name: $n }) { __typename } }`,
          { n: `${name}-${i}` },
          { token: tenant.adminToken },
        );
        expect(res.data.createDepartment.__typename).toBe('DepartmentPayload');
      }
    }
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('400 interleaved operations of two tenants: each sees only its own rows; the other tenant ids answer nothing', async () => {
    const own = await Promise.all(
      tenants.map(async (tenant) => {
        const res = await gateway.gql(`{ tenant { id } departments { id } }`, {}, { token: tenant.adminToken });
        return { tenant: res.data.tenant.id as string, departments: (res.data.departments as { id: string }[]).map((d) => d.id).sort() };
      }),
    );
    let wrongTenantRows = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const me = i % 2;
        const other = 1 - me;
        const res = await gateway.gql(
          `query($ids: [ID!]!) { tenant { id } departments { id } nodes(ids: $ids) { id } }`,
          { ids: own[other]!.departments },
          { token: tenants[me]!.adminToken },
        );
        if (res.errors || !res.data) {
          errors++;
          return;
        }
        if (res.data.tenant.id !== own[me]!.tenant) wrongTenantRows++;
        const seen = (res.data.departments as { id: string }[]).map((d) => d.id).sort();
        wrongTenantRows += seen.filter((id) => !own[me]!.departments.includes(id)).length;
        if (seen.length !== own[me]!.departments.length) errors++;
        wrongTenantRows += (res.data.nodes as unknown[]).filter((n) => n !== null).length;
      }),
    );
    console.log(`[pooler] gateway, 400 interleaved operations of 2 tenants through PgBouncer: wrong-tenant rows ${wrongTenantRows}, errors ${errors}`);
    expect(wrongTenantRows).toBe(0);
    expect(errors).toBe(0);
  });
});
