// Opens the database the gateway works on: a PostgreSQL server (DATABASE_URL) or, with no
// configuration, an embedded PGlite cluster in a local directory. Either way migrations run first as
// the owner, and every query of the application then runs as the app role (jiedai_app), which is
// not superuser, has no BYPASSRLS and owns no table: PostgreSQL's row-level security applies.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client.ts';
import { migrate, type MigrateResult, type SqlSession } from './migrate.ts';
import { pgSession, pgliteSession } from './sessions.ts';
import { wrapPooledQuery } from './pooled-query.ts';
import { scopedTransaction, type PreludeRow, type ScopedTransactionOptions } from './transaction-prelude.ts';
import type { Db } from './tenant-transaction.ts';

export const APP_ROLE = 'jiedai_app';

export interface DatabaseConfig {
  /** PostgreSQL URL the gateway connects with; unset → embedded PGlite in `dataDir`. */
  url?: string | undefined;
  /** Owner URL for migrations and bootstrap; defaults to `url`. */
  ownerUrl?: string | undefined;
  dataDir?: string | undefined;
  poolSize?: number | undefined;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean | undefined;
  /** Runs as the owner after migrations, before the app role takes over (bootstrap, demo seed). */
  asOwner?: ((session: SqlSession) => Promise<void>) | undefined;
  transactionTimeoutMs?: number | undefined;
  /**
   * How long an operation waits for a pooled connection before it is refused (PostgreSQL only; default
   * 5,000 ms): when the pool is exhausted, callers hear "busy, retry" quickly instead of queueing for long.
   */
  poolWaitMs?: number | undefined;
  /** Called with the text (and parameters) of every SQL statement sent (PostgreSQL only): for tests and benchmarks. */
  onStatement?: ((sql: string, values?: readonly unknown[]) => void) | undefined;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: 'postgres' | 'embedded';
  readonly migrations: MigrateResult | null;
  readonly transactionOptions: { maxWait: number; timeout: number };
  /**
   * One tenant transaction: the scope set and the prelude query answered before `fn` runs (on
   * PostgreSQL in the same round trip as BEGIN; see transaction-prelude.ts).
   */
  transaction<T>(options: Omit<ScopedTransactionOptions, 'maxWait' | 'timeout'>, fn: (tx: Db, preludeRows: PreludeRow[]) => Promise<T>): Promise<T>;
  /** Cheap liveness check of the database (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.url ? openPostgres(config) : openEmbedded(config);
}

async function openPostgres(config: DatabaseConfig): Promise<Database> {
  const url = config.url!;
  let migrations: MigrateResult | null = null;
  if (config.migrate !== false || config.asOwner) {
    const owner = new pg.Client({ connectionString: config.ownerUrl ?? url });
    await owner.connect();
    try {
      const session = pgSession(owner);
      if (config.migrate !== false) migrations = await migrate(session);
      if (config.asOwner) await config.asOwner(session);
    } finally {
      await owner.end();
    }
  }
  const poolSize = config.poolSize ?? 10;
  // `-c role=…` makes every pooled connection act as the app role, whoever the URL names
  // (the app role itself in production; a superuser on a developer's machine).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: `-c role=${APP_ROLE}`,
    idleTimeoutMillis: 30_000,
    // Nothing waits for a connection without end: a transaction gives up after poolWaitMs (Prisma's
    // maxWait, below), any other query (the tenant-kind lookup, /readyz) a second later.
    connectionTimeoutMillis: (config.poolWaitMs ?? 5_000) + 1_000,
  });
  // Every connection's `query` is wrapped once, in pooled-query.ts (what is patched and why is said there).
  pool.on('connect', (client) => wrapPooledQuery(client, { onStatement: config.onStatement }));
  // Named statements are prepared once per connection and reused: PostgreSQL parses and plans each
  // distinct statement text once instead of on every request. (Statement texts are bounded: parameters
  // are never interpolated; savepoint names are constant, see shared/mutation.ts in packages/schema.)
  // The names are remembered (the texts are few), so a statement costs no hashing after its first use.
  const names = new Map<string, string>();
  const statementName = (sql: string) => {
    let name = names.get(sql);
    if (name === undefined) {
      name = `jd_${createHash('sha1').update(sql).digest('base64url').slice(0, 24)}`;
      if (names.size >= 10_000) names.clear();
      names.set(sql, name);
    }
    return name;
  };
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: (query) => statementName(query.sql) }) });
  const transactionOptions = { maxWait: config.poolWaitMs ?? 5_000, timeout: config.transactionTimeoutMs ?? 15_000 };
  return {
    prisma,
    kind: 'postgres',
    migrations,
    transactionOptions,
    transaction: (options, fn) => scopedTransaction(prisma, { ...transactionOptions, ...options }, fn, true),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

async function openEmbedded(config: DatabaseConfig): Promise<Database> {
  const dataDir = config.dataDir ?? '.jiedai-data/pglite';
  await mkdir(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const session = pgliteSession(pglite);
  const migrations = config.migrate === false ? null : await migrate(session);
  if (config.asOwner) await config.asOwner(session);
  // PGlite always connects as a superuser: drop to the app role for everything that follows.
  await pglite.exec(`SET ROLE ${APP_ROLE}`);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // One query at a time: a waiting transaction may queue behind others for a while.
  const transactionOptions = { maxWait: 30_000, timeout: config.transactionTimeoutMs ?? 30_000 };
  return {
    prisma,
    kind: 'embedded',
    migrations,
    transactionOptions,
    transaction: (options, fn) => scopedTransaction(prisma, { ...transactionOptions, ...options }, fn, false),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/**
 * Every pooled connection stayed busy: Prisma's refusal to start a transaction within `maxWait` (P2028),
 * or pg's own connection timeout for a query outside a transaction.
 */
export function isPoolExhausted(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  return (code === 'P2028' && /Unable to start a transaction in the given time/i.test(message)) || /timeout exceeded when trying to connect/i.test(message);
}
