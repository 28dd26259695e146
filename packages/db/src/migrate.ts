// A small SQL migration runner. Why not a library: node-pg-migrate locks but keeps no checksums,
// postgrator keeps checksums but neither locks nor runs a migration and its bookkeeping row in one
// transaction, graphile-migrate's lock fails instead of waiting (../shared/TOOLCHAIN.md). This runner
// does all three, over `pg` and over embedded PGlite alike:
//   * a session advisory lock (concurrent starts wait for each other),
//   * each migration and its jiedai_migrations row in one transaction,
//   * refuses to run when an applied migration's file changed (sha256) or is missing.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a multi-statement script without parameters. */
  exec(script: string): Promise<void>;
}

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    readonly code: 'CHECKSUM_MISMATCH' | 'MISSING_FILE' | 'BAD_FILE_NAME' | 'FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export const defaultMigrationsDir = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));
const LOCK_KEY = 727_004_001; // arbitrary, constant: "jiedai migrations"
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function readMigrations(dir = defaultMigrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError('BAD_FILE_NAME', `migration file name must be NNNN_name.sql: ${file}`);
    const sql = await readFile(path.join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      file,
      sql,
      checksum: createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex'),
    });
  }
  return migrations;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function migrate(session: SqlSession, options: { dir?: string } = {}): Promise<MigrateResult> {
  const migrations = await readMigrations(options.dir);
  await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS jiedai_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await session.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM jiedai_migrations ORDER BY version',
    );
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const file = byVersion.get(row.version);
      if (!file) {
        throw new MigrationError('MISSING_FILE', `applied migration ${row.version} (${row.name}) has no file`);
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError('CHECKSUM_MISMATCH', `migration ${file.file} changed after it was applied; add a new migration instead of editing it`);
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await session.exec('BEGIN');
      try {
        await session.exec(m.sql);
        await session.query('INSERT INTO jiedai_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK');
        throw new MigrationError('FAILED', `migration ${m.file} failed: ${(error as Error).message}`);
      }
      applied.push(m.file);
    }
    return { applied, alreadyApplied: rows.length };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
  }
}
