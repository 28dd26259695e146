// A tenant transaction in one round trip. Through Prisma, starting an operation's transaction costs
// three round trips before any work: `BEGIN`, `SET TRANSACTION ISOLATION LEVEL …` (both sent by
// @prisma/adapter-pg) and `SELECT set_config(…)`; the access check is a fourth. Here the connection
// the adapter checks out for the transaction sends
//
//   BEGIN ISOLATION LEVEL …; SELECT set_config('app.tenant_id', …), set_config('app.user_id', …); <prelude query>
//
// as one simple-protocol message when it is asked for `BEGIN` (pooled-query.ts routes every query of a
// pooled connection through `sendWithPrelude`), and answers the adapter's own `SET
// TRANSACTION` for the same level without a round trip. The scope is passed along with
// AsyncLocalStorage from `scopedTransaction` to the pool's connection (Prisma's `$transaction` has no
// way to hand anything to the adapter). The values are SQL literals escaped by `pg` (simple protocol
// has no parameters); the prelude query is a constant text built by the caller with `sqlLiteral`.
//
// No library does this: pg has no pipelining, and Prisma's transaction API has no hook between BEGIN
// and the first query. If the adapter ever stops sending a bare `BEGIN`, nothing breaks: the scope is
// then set by ordinary statements inside the transaction (the fallback below), and the statement-count
// test fails and says so.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';
import { setScope, type TenantScope } from './tenant-transaction.ts';
import type { QueryFn } from './pooled-query.ts';

export type IsolationLevel = 'ReadCommitted' | 'RepeatableRead';
const SQL_LEVEL: Record<IsolationLevel, string> = { ReadCommitted: 'READ COMMITTED', RepeatableRead: 'REPEATABLE READ' };

export type PreludeRow = Record<string, unknown>;

interface PendingPrelude {
  readonly sql: string;
  readonly level: string;
  /** The transaction's connection, once the combined statement has been sent on it. */
  client?: pg.PoolClient;
  levelAnswered?: boolean;
  rows?: PreludeRow[];
}

const pending = new AsyncLocalStorage<PendingPrelude>();

/** A string as an SQL literal (for the simple-protocol prelude, which takes no parameters). */
export function sqlLiteral(value: string): string {
  return pg.Client.prototype.escapeLiteral(value);
}

function scopeSql(scope: TenantScope): string {
  return `SELECT set_config('app.tenant_id', ${sqlLiteral(scope.tenantId ?? '')}, true), set_config('app.user_id', ${sqlLiteral(scope.userId ?? '')}, true)`;
}

const emptyResult = (command: string) => ({ command, rowCount: 0, rows: [], fields: [], oid: 0 });

/**
 * One `client.query` call of a pooled connection (see pooled-query.ts, the only caller): a pending
 * prelude goes out with the adapter's `BEGIN`, and the adapter's `SET TRANSACTION` for the same level is
 * answered without a round trip; anything else is sent as is with `send`.
 */
export function sendWithPrelude(client: pg.PoolClient, args: unknown[], send: QueryFn): Promise<unknown> {
  const prelude = pending.getStore();
  if (prelude) {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof first === 'string' ? first : first?.text;
    if (!prelude.client && text === 'BEGIN' && args.length === 1) {
      prelude.client = client;
      return (send(`BEGIN ISOLATION LEVEL ${prelude.level}; ${prelude.sql}`) as Promise<pg.QueryResult[]>).then((results) => {
        prelude.rows = results[results.length - 1]!.rows as PreludeRow[];
        return emptyResult('BEGIN');
      });
    }
    // The adapter's own SET TRANSACTION right after BEGIN, for the level already chosen.
    if (prelude.client === client && !prelude.levelAnswered && text === `SET TRANSACTION ISOLATION LEVEL ${prelude.level}`) {
      prelude.levelAnswered = true;
      return Promise.resolve(emptyResult('SET'));
    }
  }
  return send(...args);
}

export interface ScopedTransactionOptions {
  scope: TenantScope;
  isolationLevel: IsolationLevel;
  /** One query (literals only, see `sqlLiteral`) run right after the scope is set; its rows are passed to `fn`. */
  prelude?: string | undefined;
  maxWait: number;
  timeout: number;
}

/**
 * Runs `fn` in a transaction with the tenant scope set and the prelude answered; on PostgreSQL all of
 * that costs one round trip (see above), on the embedded database (or as a fallback) ordinary statements.
 */
export async function scopedTransaction<T>(
  prisma: PrismaClient,
  options: ScopedTransactionOptions,
  fn: (tx: Prisma.TransactionClient, preludeRows: PreludeRow[]) => Promise<T>,
  combine: boolean,
): Promise<T> {
  const sql = options.prelude ? `${scopeSql(options.scope)}; ${options.prelude}` : scopeSql(options.scope);
  const prelude: PendingPrelude = { sql, level: SQL_LEVEL[options.isolationLevel] };
  const run = () =>
    prisma.$transaction(
      async (tx) => {
        let rows = prelude.rows;
        if (!rows) {
          await setScope(tx, options.scope);
          rows = options.prelude ? await tx.$queryRawUnsafe<PreludeRow[]>(options.prelude) : [];
        }
        // The operation itself runs without the pending prelude: a transaction it opens is an ordinary one.
        const found = options.prelude ? rows : [];
        return pending.exit(() => fn(tx, found));
      },
      // The embedded database runs one transaction at a time (each is a snapshot): no level to ask for.
      combine
        ? { isolationLevel: options.isolationLevel, maxWait: options.maxWait, timeout: options.timeout }
        : { maxWait: options.maxWait, timeout: options.timeout },
    );
  return combine ? pending.run(prelude, run) : run();
}
