// The tenant transaction. On PostgreSQL it is held on a pool connection by this file, in plain `pg`, and
// the operation's Prisma queries run inside it:
//
//   BEGIN ISOLATION LEVEL …; SELECT set_config('app.tenant_id', …), set_config('app.user_id', …); <prelude query>
//   … the operation's statements, sent by Prisma on this connection …
//   COMMIT (or ROLLBACK)
//
// The first line is one simple-protocol message: one round trip opens the transaction, sets the scope that
// row-level security reads and answers the caller's prelude (the access check). The values are SQL literals
// escaped by `pg` (simple protocol has no parameters); the prelude is a constant text built by the caller
// with `sqlLiteral`.
//
// Why not Prisma's interactive transaction (`$transaction(async (tx) => …)`), which this replaced: measured
// in one process on the benchmark database, an empty one cost ~330 µs of CPU and a `findUnique` inside one
// ~370 µs more, against ~120 µs for BEGIN, the same select and COMMIT in `pg` and ~170 µs for the
// `findUnique` outside a transaction. So the operation's queries are made by a second PrismaClient (the
// "operation client") that never opens an interactive transaction: its adapter's pool (`routedPool`) sends
// every query on the connection of the transaction the caller is in (an AsyncLocalStorage store set by
// `pgTransaction`), and a transaction Prisma opens by itself for a query that needs one (a nested write)
// becomes a savepoint there. Used outside a transaction, or after its end, it throws: as a query on a
// closed interactive transaction did. Its batches of queries are kept per transaction (`batchPerTransaction`).
//
// No library does this: Prisma's transaction API has no way to run its queries on a transaction it did
// not open. The embedded database (PGlite, one connection) keeps Prisma's interactive transaction with the
// scope set by ordinary statements (`prismaTransaction`).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';
import { inScope, type TenantScope } from './tenant-transaction.ts';

export type IsolationLevel = 'ReadCommitted' | 'RepeatableRead';
const SQL_LEVEL: Record<IsolationLevel, string> = { ReadCommitted: 'READ COMMITTED', RepeatableRead: 'REPEATABLE READ' };

export type PreludeRow = Record<string, unknown>;

/** A string as an SQL literal (for the simple-protocol prelude, which takes no parameters). */
export function sqlLiteral(value: string): string {
  return pg.Client.prototype.escapeLiteral(value);
}

function scopeSql(scope: TenantScope): string {
  return `SELECT set_config('app.tenant_id', ${sqlLiteral(scope.tenantId ?? '')}, true), set_config('app.user_id', ${sqlLiteral(scope.userId ?? '')}, true)`;
}

export interface ScopedTransactionOptions {
  scope: TenantScope;
  isolationLevel: IsolationLevel;
  /** One query (literals only, see `sqlLiteral`) run right after the scope is set; its rows are passed to `fn`. */
  prelude?: string | undefined;
  /** How long to wait for a connection (ms). */
  maxWait: number;
  /** How long the transaction may stay open (ms): after that its queries fail and it is rolled back. */
  timeout: number;
}

/** The transaction outlived its timeout: what ran in it is rolled back. */
export class TransactionExpiredError extends Error {
  readonly code = 'P2028';
  constructor(timeout: number) {
    super(`Transaction already closed: the timeout for this transaction was ${timeout} ms; it was rolled back.`);
    this.name = 'TransactionExpiredError';
  }
}

interface OpenTransaction {
  /** Distinct per transaction of this process (batches of queries are kept per transaction). */
  readonly id: number;
  readonly connection: pg.PoolClient;
  readonly timeout: number;
  state: 'open' | 'expired' | 'closed';
  /** How many savepoints were made for transactions Prisma opened inside this one (each is named by its number). */
  savepoints: number;
}

const current = new AsyncLocalStorage<OpenTransaction>();
let transactions = 0;

function openTransaction(): OpenTransaction {
  const open = current.getStore();
  if (!open || open.state === 'closed')
    throw new Error(
      `The operation client was used ${open ? 'after its transaction ended' : 'outside a transaction'}: its queries run only inside one (db.transaction).`,
    );
  if (open.state === 'expired') throw new TransactionExpiredError(open.timeout);
  return open;
}

const answered = (command: string) => ({ command, rowCount: 0, rows: [], fields: [], oid: 0 });

/**
 * A transaction Prisma opens inside the caller's (for a query that needs one) as a savepoint on the same
 * connection: the adapter's BEGIN / SET TRANSACTION / COMMIT / ROLLBACK become SAVEPOINT, nothing, RELEASE and
 * ROLLBACK TO; its release gives nothing back (the connection is the caller's).
 */
function savepointClient(open: OpenTransaction) {
  const name = `jd_nested_${++open.savepoints}`;
  return {
    query(config: string | { text: string }) {
      const text = typeof config === 'string' ? config : config.text;
      const { connection } = openTransaction();
      if (text === 'BEGIN') return connection.query(`SAVEPOINT ${name}`);
      if (text.startsWith('SET TRANSACTION ISOLATION LEVEL')) return Promise.resolve(answered('SET'));
      if (text === 'COMMIT') return connection.query(`RELEASE SAVEPOINT ${name}`);
      if (text === 'ROLLBACK') return connection.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
      return connection.query(config as pg.QueryConfig);
    },
    on() {},
    removeListener() {},
    release() {},
  };
}

/**
 * The pool the operation client's adapter is given: every query goes to the connection of the transaction
 * the caller is in, and `connect` (a transaction Prisma opens) to a savepoint there. Everything else (the
 * adapter's error listener) is the pool's own: it inherits from it, which also keeps the adapter's
 * `instanceof pg.Pool` check true.
 */
export function routedPool(pool: pg.Pool): pg.Pool {
  return Object.create(pool, {
    query: { value: (config: pg.QueryConfig) => openTransaction().connection.query(config) },
    connect: { value: async () => savepointClient(openTransaction()) },
  }) as pg.Pool;
}

interface BatchedRequest {
  request: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The parts of Prisma's request batching (its DataLoader, @prisma/client 7) that `batchPerTransaction` replaces. */
interface PrismaDataLoader {
  options: {
    batchBy(request: unknown): string | undefined;
    batchOrder(a: unknown, b: unknown): number;
    singleLoader(request: unknown): Promise<unknown>;
    batchLoader(requests: unknown[]): Promise<unknown>;
  };
  request(request: unknown): Promise<unknown>;
}

/**
 * Keeps the operation client's batches of queries per transaction. Prisma merges the `findUnique`s of one
 * tick into one query, across the whole process when they are in no interactive transaction, and sends
 * every batch of the tick from the async context of the request that began it: the batch of another
 * operation would then run on that operation's connection, in its tenant's scope. Here each transaction
 * has its batches of its own, each sent from the context of its own transaction, exactly as Prisma does
 * inside an interactive transaction (a batch per transaction and query shape). Prisma has no option for
 * this, so its DataLoader's `request` is replaced on this one client; if a Prisma upgrade moves it,
 * opening the database fails here rather than batching across tenants (and transaction-prelude.test.ts
 * checks the isolation of concurrent operations' batched queries).
 */
export function batchPerTransaction(client: PrismaClient): void {
  const loader = (client as unknown as { _requestHandler?: { dataloader?: PrismaDataLoader } })._requestHandler?.dataloader;
  const options = loader?.options;
  if (!loader || typeof loader.request !== 'function' || typeof options?.batchBy !== 'function' || typeof options.batchLoader !== 'function')
    throw new Error("Prisma's request batching is not where transaction-prelude.ts expects it (a Prisma upgrade?): see batchPerTransaction");
  const pending = new Map<string, BatchedRequest[]>();
  loader.request = (request) => {
    const shape = options.batchBy(request);
    if (!shape) return options.singleLoader(request);
    const key = `${current.getStore()?.id ?? 0}:${shape}`;
    let batch = pending.get(key);
    if (!batch) {
      const items: BatchedRequest[] = (batch = []);
      pending.set(key, items);
      // Scheduled from this transaction's own context, which the queries it sends then run in.
      process.nextTick(() => {
        pending.delete(key);
        dispatch(options, items);
      });
    }
    const items = batch;
    return new Promise((resolve, reject) => items.push({ request, resolve, reject }));
  };
}

/** One batch, as Prisma's DataLoader sends it: alone as a single request, else in order as one batch. */
function dispatch(options: PrismaDataLoader['options'], items: BatchedRequest[]): void {
  const settle = (item: BatchedRequest, result: unknown) => (result instanceof Error ? item.reject(result) : item.resolve(result));
  if (items.length === 1) {
    const [item] = items as [BatchedRequest];
    options.singleLoader(item.request).then((result) => settle(item, result), item.reject);
    return;
  }
  items.sort((a, b) => options.batchOrder(a.request, b.request));
  options.batchLoader(items.map((item) => item.request)).then(
    (results) => {
      if (results instanceof Error) for (const item of items) item.reject(results);
      else
        items.forEach((item, i) => {
          settle(item, (results as unknown[])[i]);
        });
    },
    (error: unknown) => {
      for (const item of items) item.reject(error);
    },
  );
}

/**
 * Runs `fn` in a tenant transaction held here on a connection of `pool` (PostgreSQL): BEGIN, the scope and
 * the prelude in one round trip, then `fn` with the operation client (whose queries run on this
 * connection), then COMMIT; ROLLBACK when `fn` throws or the timeout passed.
 */
export async function pgTransaction<T>(
  pool: pg.Pool,
  client: Prisma.TransactionClient,
  options: ScopedTransactionOptions,
  fn: (tx: Prisma.TransactionClient, preludeRows: PreludeRow[]) => Promise<T>,
): Promise<T> {
  // The pool gives up after its connectionTimeoutMillis (database.ts sets it to maxWait).
  const connection = await pool.connect();
  const open: OpenTransaction = { id: ++transactions, connection, timeout: options.timeout, state: 'open', savepoints: 0 };
  const timer = setTimeout(() => {
    if (open.state === 'open') open.state = 'expired';
  }, options.timeout);
  let broken: Error | undefined;
  // A checked-out connection has no error listener of the pool's: a connection lost meanwhile would be an
  // unhandled 'error' event. Its queries fail anyway; it is discarded at release.
  const lost = (error: Error) => {
    broken = error;
  };
  connection.on('error', lost);
  try {
    const opening = `BEGIN ISOLATION LEVEL ${SQL_LEVEL[options.isolationLevel]}; ${scopeSql(options.scope)}${options.prelude ? `; ${options.prelude}` : ''}`;
    const results = (await connection.query(opening)) as unknown as pg.QueryResult[];
    const rows = options.prelude ? (results[results.length - 1]!.rows as PreludeRow[]) : [];
    // `then` is called inside the transaction's context: a Prisma query returned as it is (a PrismaPromise)
    // only starts when awaited, and it must start here, not in the caller's context after `run` returned.
    const value = await current.run(open, () => {
      const result = fn(client, rows);
      return new Promise<T>((resolve, reject) => {
        result.then(resolve, reject);
      });
    });
    if (open.state === 'expired') throw new TransactionExpiredError(options.timeout);
    await connection.query('COMMIT');
    return value;
  } catch (error) {
    if (!broken) {
      await connection.query('ROLLBACK').catch((failure: unknown) => {
        // The connection itself failed: it is discarded, not given back to the pool.
        broken = failure instanceof Error ? failure : new Error(String(failure));
      });
    }
    throw error;
  } finally {
    open.state = 'closed';
    clearTimeout(timer);
    connection.removeListener('error', lost);
    connection.release(broken);
  }
}

/**
 * The same through Prisma's interactive transaction, with the scope and the prelude as ordinary statements:
 * for the embedded database (PGlite runs one transaction at a time, each a snapshot: no level to ask for).
 */
export function prismaTransaction<T>(
  prisma: PrismaClient,
  options: ScopedTransactionOptions,
  fn: (tx: Prisma.TransactionClient, preludeRows: PreludeRow[]) => Promise<T>,
): Promise<T> {
  return inScope(prisma, options.scope, async (tx) => fn(tx, options.prelude ? await tx.$queryRawUnsafe<PreludeRow[]>(options.prelude) : []), {
    maxWait: options.maxWait,
    timeout: options.timeout,
  });
}
