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
import { batchPerTransaction, pgTransaction, prismaTransaction, routedPool, type PreludeRow, type ScopedTransactionOptions } from './transaction-prelude.ts';
import type { Db } from './tenant-transaction.ts';

export const APP_ROLE = 'jiedai_app';

export interface DatabaseConfig {
  /** PostgreSQL URL the gateway connects with; unset → embedded PGlite in `dataDir`. */
  url?: string | undefined;
  /** Owner URL for migrations and bootstrap; defaults to `directUrl`, then `url`. */
  ownerUrl?: string | undefined;
  /**
   * `url` goes through a pooler in transaction mode (PgBouncer `pool_mode = transaction`): a server
   * connection is the client's only from BEGIN to COMMIT, and another client's next. Then statements are
   * sent unnamed (PgBouncer before 1.21 cannot keep named ones across clients), no startup `options` are
   * sent (PgBouncer refuses them, so `url` must name a role under row-level security itself: checked on
   * open), and nothing session-level goes through `url`: migrations with their advisory lock and the
   * owner's reads use `ownerUrl` / `directUrl`, which must then be set if migrations are to run.
   * Default `none`: `url` is PostgreSQL itself (or a session pooler).
   */
  pooler?: 'none' | 'transaction' | undefined;
  /** A URL of the same database without the pooler (session-level work: migrations, the job queue). */
  directUrl?: string | undefined;
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
   * PostgreSQL in the same round trip as BEGIN, in plain `pg`, with `fn`'s Prisma queries sent inside it;
   * see transaction-prelude.ts).
   */
  transaction<T>(options: Omit<ScopedTransactionOptions, 'maxWait' | 'timeout'>, fn: (tx: Db, preludeRows: PreludeRow[]) => Promise<T>): Promise<T>;
  /** Cheap liveness check of the database (for /readyz). */
  ping(): Promise<void>;
  /** The pool's connections now (PostgreSQL only): open, idle, and callers waiting for one (for metrics). */
  poolStats?(): { total: number; idle: number; waiting: number };
  /**
   * One read as the database owner, outside row-level security (the job runner's list of tenants: the app
   * role cannot list them). PostgreSQL: a short connection with the owner URL; embedded: inside a PGlite
   * transaction (nothing else runs meanwhile) with `SET LOCAL ROLE NONE`.
   */
  ownerQuery<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.url ? openPostgres(config) : openEmbedded(config);
}

/** Where session-level owner work goes: never through a transaction pooler. */
function ownerUrlOf(config: DatabaseConfig): string {
  const owner = config.ownerUrl ?? config.directUrl;
  if (owner) return owner;
  if (config.pooler === 'transaction')
    throw new Error(
      'DATABASE_POOLER=transaction: migrations, their advisory lock and the owner reads cannot go through the pooler; set DATABASE_DIRECT_URL (or MIGRATION_DATABASE_URL), or MIGRATE_ON_START=false and JOBS_ENABLED=false',
    );
  return config.url!;
}

async function openPostgres(config: DatabaseConfig): Promise<Database> {
  const url = config.url!;
  const pooled = config.pooler === 'transaction';
  let migrations: MigrateResult | null = null;
  if (config.migrate !== false || config.asOwner) {
    const owner = new pg.Client({ connectionString: ownerUrlOf(config) });
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
  // Through a transaction pooler no startup options: PgBouncer refuses them (and would not keep a role
  // set per connection anyway); the URL's own role must be under RLS (checked below).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(pooled ? {} : { options: `-c role=${APP_ROLE}` }),
    idleTimeoutMillis: 30_000,
    // Nothing waits for a connection without end: a transaction, or any other query (the tenant-kind
    // lookup, /readyz), gives up after poolWaitMs.
    connectionTimeoutMillis: config.poolWaitMs ?? 5_000,
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
  // Behind a transaction pooler every statement is unnamed (Parse/Bind/Execute in one message, planned
  // each time): a named statement prepared on one server connection is unknown on the next.
  const adapterOptions = pooled ? {} : { statementNameGenerator: (query: { sql: string }) => statementName(query.sql) };
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, adapterOptions) });
  // The operation client: the same models, its queries sent on the connection of the tenant transaction
  // it is used in (transaction-prelude.ts says why and how).
  const operationClient = new PrismaClient({ adapter: new PrismaPg(routedPool(pool), adapterOptions) });
  batchPerTransaction(operationClient);
  if (pooled)
    await assertUnderRls(pool).catch(async (error: unknown) => {
      await pool.end().catch(() => undefined);
      throw error;
    });
  const transactionOptions = { maxWait: config.poolWaitMs ?? 5_000, timeout: config.transactionTimeoutMs ?? 15_000 };
  return {
    prisma,
    kind: 'postgres',
    migrations,
    transactionOptions,
    transaction: (options, fn) => pgTransaction(pool, operationClient, { ...transactionOptions, ...options }, fn),
    // Bounded: behind PgBouncer a query waits for a server connection (up to its query_wait_timeout) while
    // PostgreSQL is away; /readyz must say so at once instead.
    ping: async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          pool.query('SELECT 1'),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('the database did not answer within 2000 ms')), 2_000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ownerQuery: async <R>(sql: string, params: unknown[] = []) => {
      const owner = new pg.Client({ connectionString: ownerUrlOf(config) });
      await owner.connect();
      try {
        return (await owner.query(sql, params)).rows as R[];
      } finally {
        await owner.end();
      }
    },
    close: async () => {
      await prisma.$disconnect();
      await operationClient.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * Through a transaction pooler the app role cannot be set per connection: the URL's role must itself be
 * under row-level security (not superuser, no BYPASSRLS), or every tenant would see every row.
 */
async function assertUnderRls(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string; bypasses: boolean }>(
    'SELECT current_user AS name, (rolsuper OR rolbypassrls) AS bypasses FROM pg_roles WHERE rolname = current_user',
  );
  const role = rows[0];
  if (!role || role.bypasses)
    throw new Error(
      `DATABASE_POOLER=transaction: DATABASE_URL connects as ${role?.name ?? '?'}, which bypasses row-level security; connect as the app role (${APP_ROLE}) through the pooler`,
    );
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
    transaction: (options, fn) => prismaTransaction(prisma, { ...transactionOptions, ...options }, fn),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    ownerQuery: <R>(sql: string, params: unknown[] = []) =>
      pglite.transaction(async (tx) => {
        await tx.exec('SET LOCAL ROLE NONE');
        return (await tx.query<R>(sql, params)).rows;
      }),
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

// SQLSTATEs and socket errors of a database that is away (restarting, crashed, unreachable, or a pooler
// that cannot reach it): the operation may succeed if retried in a moment.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08P01', // protocol_violation: what PgBouncer answers when its server is gone
  'P1001', // Prisma: can't reach database server
  'P1017', // Prisma: server has closed the connection
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection (is )?closed|encountered a connection error and is not queryable|server conn crashed|server login (has been failing|failed)|Can't reach database server|Server has closed the connection|terminating connection due to (administrator command|crash)|the database system is (starting up|shutting down|in recovery mode)|no more connections allowed|query_wait_timeout/i;

/**
 * The database is away (PostgreSQL restarting or crashed, or PgBouncer unable to reach it): as for an
 * exhausted pool, the caller hears "unavailable, retry" (503), not an internal error. Looks through the
 * error's causes (Prisma wraps the driver's error).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const { code, message, cause, originalCode } = e as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}
