// The tenant transaction in one round trip (transaction-prelude.ts): BEGIN with its isolation level,
// the scope and the caller's prelude query go to PostgreSQL as one message; the scope holds for the
// whole transaction and no further; a transaction opened meanwhile is an ordinary one; literals
// survive any text.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '../database.ts';
import { sqlLiteral } from '../transaction-prelude.ts';
import { withPgClient } from '../sessions.ts';

let db: Database;
const statements: string[] = [];
const tenantId = randomUUID();
const userId = randomUUID();

beforeAll(async () => {
  db = await openDatabase({ url: inject('databaseUrl'), migrate: false, poolSize: 3, onStatement: (sql) => statements.push(sql) });
});

afterAll(async () => {
  await db?.close();
});

const settings = `SELECT current_setting('transaction_isolation') AS level, app_tenant_id()::text AS tenant,
  nullif(current_setting('app.user_id', true), '') AS "user", txid_current_if_assigned() IS NULL AS fresh`;

describe('scoped transaction', () => {
  it.each([
    ['RepeatableRead', 'repeatable read'],
    ['ReadCommitted', 'read committed'],
  ] as const)('%s: BEGIN, scope and prelude in one statement; the rest of the transaction sees them', async (isolationLevel, level) => {
    statements.length = 0;
    const inside = await db.transaction({ scope: { tenantId, userId }, isolationLevel, prelude: settings }, async (tx, rows) => {
      expect(rows).toEqual([{ level, tenant: tenantId, user: userId, fresh: true }]);
      return tx.$queryRawUnsafe<{ level: string; tenant: string }[]>(settings);
    });
    expect(inside).toEqual([{ level, tenant: tenantId, user: userId, fresh: true }]);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatch(new RegExp(`^BEGIN ISOLATION LEVEL ${level.toUpperCase()}; SELECT set_config\\('app.tenant_id', '${tenantId}', true\\)`));
    expect(statements[0]).toContain(settings);
    expect(statements[2]).toBe('COMMIT');
  });

  it('the scope ends with the transaction: the next one on the same connection has none', async () => {
    await db.transaction({ scope: { tenantId, userId }, isolationLevel: 'ReadCommitted' }, async () => undefined);
    const [after] = await db.prisma.$transaction((tx) => tx.$queryRawUnsafe<{ tenant: string | null }[]>(settings));
    expect(after).toMatchObject({ level: 'read committed', tenant: null, user: null });
  });

  it('a transaction opened inside one is ordinary: its own BEGIN and level, no scope', async () => {
    statements.length = 0;
    const nested = await db.transaction({ scope: { tenantId, userId }, isolationLevel: 'ReadCommitted' }, () =>
      db.prisma.$transaction((tx) => tx.$queryRawUnsafe<Record<string, unknown>[]>(settings), { isolationLevel: 'RepeatableRead' }),
    );
    expect(nested).toEqual([{ level: 'repeatable read', tenant: null, user: null, fresh: true }]);
    expect(statements).toContain('BEGIN');
    expect(statements).toContain('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  });

  it('a failing prelude fails the transaction and leaves the pool usable', async () => {
    await expect(db.transaction({ scope: { tenantId }, isolationLevel: 'ReadCommitted', prelude: 'SELECT 1/0' }, async () => 'ran')).rejects.toThrow(
      /division by zero/,
    );
    const ok = await db.transaction({ scope: { tenantId }, isolationLevel: 'ReadCommitted', prelude: 'SELECT 2 AS two' }, async (_tx, rows) => rows);
    expect(ok).toEqual([{ two: 2 }]);
  });

  it('parallel transactions each get their own scope', async () => {
    const tenants = Array.from({ length: 12 }, () => randomUUID());
    const seen = await Promise.all(
      tenants.map((id) =>
        db.transaction({ scope: { tenantId: id }, isolationLevel: 'RepeatableRead', prelude: settings }, async (tx, rows) => {
          const [again] = await tx.$queryRawUnsafe<{ tenant: string }[]>(settings);
          return [(rows[0] as { tenant: string }).tenant, again!.tenant];
        }),
      ),
    );
    expect(seen).toEqual(tenants.map((id) => [id, id]));
  });
});

/** A tenant of the test's own, made by the owner (the app role cannot create tenants). */
async function newTenant(): Promise<string> {
  const { rows } = await withPgClient(inject('databaseUrl'), (owner) =>
    owner.query<{ id: string }>(`INSERT INTO tenants (kind, slug, name) VALUES ('HOTEL', $1, 'Transaction test') RETURNING id`, [
      `tx-${randomUUID().slice(0, 8)}`,
    ]),
  );
  return rows[0]!.id;
}

describe("the operation's queries inside the transaction", () => {
  it('a transaction Prisma opens itself for a query (a nested write) is a savepoint of the operation, rolled back with it', async () => {
    const tenant = await newTenant();
    statements.length = 0;
    const name = `Parent ${randomUUID().slice(0, 8)}`;
    await expect(
      db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, async (tx) => {
        await tx.department.create({ data: { tenantId: tenant, name, children: { create: [{ name: 'Child' }, { name: 'Child 2' }] } } });
        const made = await tx.department.count({ where: { tenantId: tenant } });
        expect(made).toBe(3);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(statements.filter((sql) => /^(BEGIN|COMMIT)\b/.test(sql))).toHaveLength(1); // the operation's own BEGIN, no other
    expect(statements).toContain('SAVEPOINT jd_nested_1');
    expect(statements).toContain('RELEASE SAVEPOINT jd_nested_1');
    expect(statements[statements.length - 1]).toBe('ROLLBACK');
    const left = await db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, (tx) =>
      tx.department.count({ where: { tenantId: tenant } }),
    );
    expect(left).toBe(0);
  });

  it("concurrent transactions' findUniques of one tick are batched per transaction: each runs in its own tenant's scope", async () => {
    const tenants = [await newTenant(), await newTenant()];
    const departments = await Promise.all(
      tenants.map((tenant) =>
        db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, (tx) =>
          tx.department.create({ data: { tenantId: tenant, name: `Own ${tenant.slice(0, 8)}` }, select: { id: true } }),
        ),
      ),
    );
    // Prisma merges the findUniques of one tick into one query; across operations that would send one
    // tenant's lookups on the other's connection, in its scope (transaction-prelude.ts, batchPerTransaction).
    // Every transaction waits at a gate until all are open, so that all their lookups are asked in one tick.
    const parallel = 3; // the pool's size
    let arrived = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const seen = await Promise.all(
      Array.from({ length: parallel }, (_, i) => {
        const mine = i % 2;
        return db.transaction({ scope: { tenantId: tenants[mine] }, isolationLevel: 'RepeatableRead' }, async (tx) => {
          if (++arrived === parallel) open();
          await gate;
          return Promise.all([
            tx.department.findUnique({ where: { id: departments[mine]!.id }, select: { id: true, tenantId: true } }),
            tx.department.findUnique({ where: { id: departments[1 - mine]!.id }, select: { id: true, tenantId: true } }),
          ]);
        });
      }),
    );
    seen.forEach(([own, other], i) => {
      expect(own).toEqual({ id: departments[i % 2]!.id, tenantId: tenants[i % 2] });
      expect(other).toBeNull();
    });
    // Within one transaction the batching holds: three lookups of one shape, one statement.
    statements.length = 0;
    await db.transaction({ scope: { tenantId: tenants[0] }, isolationLevel: 'RepeatableRead' }, (tx) =>
      Promise.all([departments[0]!.id, departments[1]!.id, randomUUID()].map((id) => tx.department.findUnique({ where: { id }, select: { name: true } }))),
    );
    expect(statements.filter((sql) => sql.includes('"departments"'))).toHaveLength(1);
  });

  it('a query after the transaction ended, or after its timeout, is refused; an expired transaction is rolled back', async () => {
    const tenant = await newTenant();
    let kept: Parameters<Parameters<Database['transaction']>[1]>[0] | undefined;
    await db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, async (tx) => {
      kept = tx;
    });
    await expect(kept!.department.count()).rejects.toThrow(/used (outside a transaction|after its transaction ended)/);

    const short = await openDatabase({ url: inject('databaseUrl'), migrate: false, poolSize: 1, transactionTimeoutMs: 100 });
    try {
      const expired = short.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, async (tx) => {
        await tx.department.create({ data: { tenantId: tenant, name: 'Before the timeout' } });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.department.create({ data: { tenantId: tenant, name: 'After the timeout' } });
      });
      await expect(expired).rejects.toThrow(/Transaction already closed/);
      // Nothing of it stayed, and the pool's only connection serves the next transaction.
      const names = await short.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, (tx) =>
        tx.department.findMany({ where: { tenantId: tenant }, select: { name: true } }),
      );
      expect(names).toEqual([]);
    } finally {
      await short.close();
    }
  });

  it('a connection lost in the middle fails that transaction only: it is discarded, and the pool serves on', async () => {
    const tenant = await newTenant();
    const lost = db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted' }, async (tx) => {
      const [{ pid }] = (await tx.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await withPgClient(inject('databaseUrl'), (owner) => owner.query('SELECT pg_terminate_backend($1)', [pid]));
      return tx.$queryRawUnsafe('SELECT 1');
    });
    await expect(lost).rejects.toThrow();
    const again = await Promise.all(
      Array.from({ length: 4 }, () =>
        db.transaction({ scope: { tenantId: tenant }, isolationLevel: 'ReadCommitted', prelude: 'SELECT 3 AS three' }, async (_tx, rows) => rows),
      ),
    );
    expect(again).toEqual(Array.from({ length: 4 }, () => [{ three: 3 }]));
  });
});

describe('one query at a time per connection', () => {
  it('parallel queries in one transaction all answer, in order, without pg queueing them itself', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      // One query whose plan loads several relations side by side: Prisma sends them on the one connection at once.
      const { rows } = await withPgClient(inject('databaseUrl'), (owner) =>
        owner.query<{ id: string }>(`INSERT INTO tenants (kind, slug, name) VALUES ('HOTEL', $1, 'Queue test') RETURNING id`, [
          `queue-${randomUUID().slice(0, 8)}`,
        ]),
      );
      const results = await db.transaction({ scope: { tenantId: rows[0]!.id }, isolationLevel: 'RepeatableRead' }, (tx) =>
        Promise.all(
          Array.from({ length: 5 }, () =>
            tx.tenant.findMany({
              relationLoadStrategy: 'query',
              include: { memberships: true, departments: true, apiKeys: true, servicePoints: true, hotelAreas: true },
            }),
          ),
        ),
      );
      expect(results.map((tenants) => tenants.map((t) => t.id))).toEqual(Array.from({ length: 5 }, () => [rows[0]!.id]));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((m) => m.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('sqlLiteral', () => {
  it('round-trips any text through PostgreSQL unchanged', async () => {
    await withPgClient(inject('databaseUrl'), async (client) => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')),
          async (text) => {
            const { rows } = await client.query(`SELECT ${sqlLiteral(text)} AS v`);
            expect(rows[0].v).toBe(text);
          },
        ),
        { numRuns: 200 },
      );
      expect(sqlLiteral(`'); DROP TABLE users; --`)).toBe(`'''); DROP TABLE users; --'`);
    });
  });
});
