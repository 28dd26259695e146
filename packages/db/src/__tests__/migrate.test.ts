// The migration runner against real PostgreSQL, each case on its own scratch database: applies
// everything once, is idempotent, serializes concurrent runs with its advisory lock, refuses edited
// or missing applied files, and rolls a failing migration back completely.
import { cp, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../testing/src/database.ts';
import { defaultMigrationsDir, migrate, MigrationError, readMigrations, type MigrateResult } from '../migrate.ts';
import { pgSession, withPgClient as withClient, withPgSession } from '../sessions.ts';

const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => errors.push(e));
  if (errors.length) throw errors[0];
});

async function scratchDatabase(): Promise<string> {
  const db = await createScratchDatabase('jiedai_test_migrate');
  cleanups.push(db.drop);
  return db.url;
}

/** A temporary copy of prisma/migrations that a test may edit. */
async function migrationsCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'jiedai-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

interface LedgerRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

function ledger(url: string): Promise<LedgerRow[]> {
  return withClient(url, async (c) => {
    const exists = await c.query(`SELECT to_regclass('public.jiedai_migrations') IS NOT NULL AS exists`);
    if (!exists.rows[0].exists) return [];
    return (await c.query<LedgerRow>('SELECT version, name, checksum, applied_at FROM jiedai_migrations ORDER BY version')).rows;
  });
}

function tableExists(url: string, table: string): Promise<boolean> {
  return withClient(url, async (c) => (await c.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`public.${table}`])).rows[0].exists);
}

/** Snapshot of everything user-visible in schema public: relations, types, functions. */
function schemaSnapshot(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ item: string }>(
      `SELECT 'rel:' || relname AS item FROM pg_class WHERE relnamespace = 'public'::regnamespace
       UNION ALL SELECT 'type:' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
       UNION ALL SELECT 'proc:' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
       ORDER BY 1`,
    );
    return rows.map((r) => r.item);
  });
}

async function expectMigrationError(promise: Promise<unknown>, code: MigrationError['code']): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected migrate() to fail with ${code}`).toBeInstanceOf(MigrationError);
  expect((error as MigrationError).code).toBe(code);
  return error as MigrationError;
}

/** No advisory lock is held any more in the given database (the runner always unlocks). */
function advisoryLocksHeld(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]!.n;
  });
}

describe('migrate()', () => {
  it('applies every migration file to a fresh database and records each one in jiedai_migrations', async () => {
    const url = await scratchDatabase();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(await tableExists(url, 'tenants')).toBe(false);

    const result = await withPgSession(url, (s) => migrate(s));

    expect(result).toEqual({ applied: files.map((f) => f.file), alreadyApplied: 0 });
    const rows = await ledger(url);
    expect(rows.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      files.map(({ version, name, checksum }) => ({ version, name, checksum })),
    );
    expect(await tableExists(url, 'tenants')).toBe(true);
    expect(await tableExists(url, 'audit_log')).toBe(true);
    expect(await advisoryLocksHeld(url)).toBe(0);
  });

  it('applies nothing when run again, and leaves the ledger untouched', async () => {
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const before = await ledger(url);
    const schemaBefore = await schemaSnapshot(url);

    const again = await withPgSession(url, (s) => migrate(s));

    expect(again).toEqual({ applied: [], alreadyApplied: before.length });
    expect(await ledger(url)).toEqual(before); // same rows, same applied_at
    expect(await schemaSnapshot(url)).toEqual(schemaBefore);
  });

  it('two concurrent runs on two connections both succeed; the advisory lock makes the second wait, each migration runs once', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    // A slow, non-idempotent migration: were both runs to apply it, CREATE TABLE would fail the second.
    await writeFile(path.join(dir, '9000_slow_probe.sql'), 'CREATE TABLE concurrency_probe (id integer);\nSELECT pg_sleep(1.5);\n');
    const files = await readMigrations(dir);

    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    const monitor = new pg.Client({ connectionString: url });
    await Promise.all([a.connect(), b.connect(), monitor.connect()]);
    const backendPid = async (c: pg.Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const pids = [await backendPid(a), await backendPid(b)];
    try {
      let sawWaiter = false;
      let done = false;
      const watching = (async () => {
        while (!done && !sawWaiter) {
          const { rows } = await monitor.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted AND pid = ANY($1::int[])`,
            [pids],
          );
          sawWaiter = rows[0]!.n > 0;
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      const results: MigrateResult[] = await Promise.all([migrate(pgSession(a), { dir }), migrate(pgSession(b), { dir })]).finally(() => {
        done = true;
      });
      await watching;

      expect(sawWaiter, 'one run waited on the advisory lock while the other migrated').toBe(true);
      const appliedByBoth = results.flatMap((r) => r.applied).sort();
      expect(appliedByBoth).toEqual(files.map((f) => f.file).sort()); // every file exactly once
      // One run applied everything; the other found it all applied.
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, files.length]);
      expect(results.map((r) => r.alreadyApplied).sort()).toEqual([0, files.length]);
      expect((await ledger(url)).map((r) => r.version)).toEqual(files.map((f) => f.version));
      expect(await tableExists(url, 'concurrency_probe')).toBe(true);
    } finally {
      await Promise.all([a.end(), b.end(), monitor.end()]);
    }
    expect(await advisoryLocksHeld(url)).toBe(0);
  });

  it('refuses with CHECKSUM_MISMATCH when an applied file was edited, and changes nothing (not even pending files)', async () => {
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const before = await ledger(url);
    const schemaBefore = await schemaSnapshot(url);

    const dir = await migrationsCopy();
    const [first] = await readMigrations(dir);
    await appendFile(path.join(dir, first!.file), '\n-- edited after it was applied\n');
    await writeFile(path.join(dir, '9001_pending.sql'), 'CREATE TABLE should_not_exist (id integer);\n');

    const error = await expectMigrationError(
      withPgSession(url, (s) => migrate(s, { dir })),
      'CHECKSUM_MISMATCH',
    );
    expect(error.message).toContain(first!.file);

    expect(await ledger(url)).toEqual(before);
    expect(await schemaSnapshot(url)).toEqual(schemaBefore);
    expect(await tableExists(url, 'should_not_exist')).toBe(false);
    expect(await advisoryLocksHeld(url)).toBe(0);
  });

  it('a line-ending-only change (CRLF) is not an edit', async () => {
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const dir = await migrationsCopy();
    const files = await readMigrations(dir);
    const file = path.join(dir, files[0]!.file);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\r?\n/g, '\r\n'));

    expect(await withPgSession(url, (s) => migrate(s, { dir }))).toEqual({ applied: [], alreadyApplied: files.length });
  });

  it('rolls a failing migration back completely (no partial table, no ledger row) and throws FAILED', async () => {
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const before = await ledger(url);

    const dir = await migrationsCopy();
    await writeFile(
      path.join(dir, '9999_broken.sql'),
      [
        'CREATE TABLE half_done (id integer PRIMARY KEY);',
        'INSERT INTO half_done VALUES (1);',
        'ALTER TABLE tenants ADD COLUMN half_done_flag boolean;',
        'INSERT INTO no_such_table VALUES (1);',
        '',
      ].join('\n'),
    );

    await withClient(url, async (client) => {
      const session = pgSession(client);
      const error = await expectMigrationError(migrate(session, { dir }), 'FAILED');
      expect(error.message).toContain('9999_broken.sql');
      expect(error.message).toContain('no_such_table');
      // The connection is usable again and not left inside the failed transaction.
      const { rows } = await client.query<{ in_tx: boolean }>(`SELECT now() <> statement_timestamp() AS in_tx`);
      expect(rows[0]!.in_tx).toBe(false);
    });

    expect(await tableExists(url, 'half_done')).toBe(false);
    const column = await withClient(url, (c) =>
      c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'tenants' AND column_name = 'half_done_flag'`),
    );
    expect(column.rowCount).toBe(0);
    expect(await ledger(url)).toEqual(before);
    expect((await ledger(url)).some((r) => r.version === 9999)).toBe(false);
    expect(await advisoryLocksHeld(url)).toBe(0);
  });

  it('a migration and its ledger row are one transaction: when the row cannot be written, the migration is undone too', async () => {
    // The SQL itself succeeds, but it makes the runner's INSERT INTO jiedai_migrations fail.
    // (A failure inside the file alone would also be undone by the simple-query protocol's implicit
    // transaction; this case needs the runner's explicit BEGIN … COMMIT around both.)
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const before = await ledger(url);
    const dir = await migrationsCopy();
    await writeFile(
      path.join(dir, '9998_poison_ledger.sql'),
      [
        'CREATE TABLE half_done (id integer);',
        'CREATE FUNCTION refuse_ledger() RETURNS trigger LANGUAGE plpgsql AS $$',
        "BEGIN RAISE EXCEPTION 'ledger refused'; END $$;",
        'CREATE TRIGGER refuse_ledger BEFORE INSERT ON jiedai_migrations FOR EACH ROW EXECUTE FUNCTION refuse_ledger();',
        '',
      ].join('\n'),
    );

    const error = await expectMigrationError(
      withPgSession(url, (s) => migrate(s, { dir })),
      'FAILED',
    );
    expect(error.message).toContain('ledger refused');

    expect(await tableExists(url, 'half_done')).toBe(false);
    const trigger = await withClient(url, (c) => c.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'refuse_ledger'`));
    expect(trigger.rowCount).toBe(0);
    expect(await ledger(url)).toEqual(before);
  });

  it('on a fresh database, a failing later migration keeps the earlier ones it applied (each in its own transaction)', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    await writeFile(path.join(dir, '9999_broken.sql'), 'CREATE TABLE half_done (id integer);\nSELECT 1/0;\n');
    const good = (await readMigrations(defaultMigrationsDir)).map((m) => m.version);

    await expectMigrationError(
      withPgSession(url, (s) => migrate(s, { dir })),
      'FAILED',
    );

    expect((await ledger(url)).map((r) => r.version)).toEqual(good);
    expect(await tableExists(url, 'tenants')).toBe(true);
    expect(await tableExists(url, 'half_done')).toBe(false);
  });

  it('refuses with MISSING_FILE when an applied migration has no file, and applies nothing', async () => {
    const url = await scratchDatabase();
    await withPgSession(url, (s) => migrate(s));
    const before = await ledger(url);

    const dir = await migrationsCopy();
    const [first] = await readMigrations(dir);
    await rm(path.join(dir, first!.file));
    await writeFile(path.join(dir, '9002_after_gap.sql'), 'CREATE TABLE should_not_exist (id integer);\n');

    const error = await expectMigrationError(
      withPgSession(url, (s) => migrate(s, { dir })),
      'MISSING_FILE',
    );
    expect(error.message).toContain(String(first!.version));

    expect(await ledger(url)).toEqual(before);
    expect(await tableExists(url, 'should_not_exist')).toBe(false);
    expect(await advisoryLocksHeld(url)).toBe(0);
  });

  it('refuses a badly named file with BAD_FILE_NAME before touching the database', async () => {
    const url = await scratchDatabase();
    const dir = await migrationsCopy();
    await writeFile(path.join(dir, '2_no_padding.sql'), 'CREATE TABLE should_not_exist (id integer);\n');

    await expectMigrationError(
      withPgSession(url, (s) => migrate(s, { dir })),
      'BAD_FILE_NAME',
    );

    expect(await tableExists(url, 'jiedai_migrations')).toBe(false);
    expect(await tableExists(url, 'tenants')).toBe(false);
  });
});
