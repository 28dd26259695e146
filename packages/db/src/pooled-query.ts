// The one place where `pg`'s `client.query` is replaced, on every connection of the PostgreSQL pool
// (database.ts installs it on the pool's 'connect'). Nothing else in the code base patches `pg`.
//
// A call of `client.query` meets, in this order:
//   1. One query at a time. Resolvers that load in parallel make Prisma send several queries on one
//      transaction's connection at once, which pg 8 queues itself with a deprecation warning and pg 9
//      will refuse: the calls queue here instead. (Promise-style calls only, the only kind Prisma's
//      adapter and this package make; a call with a callback or a submittable passes straight through.)
//   2. `onStatement` (tests and benchmarks only): told the text, and the parameters, of every statement
//      actually sent; and the statement tracer, when one is set
//      (`setStatementTracer`: the gateway's OpenTelemetry tracing), told when each statement starts and ends.
// Then pg's own `query`. If a pg upgrade changes `query`'s calling conventions, this file is what to
// check (transaction-prelude.test.ts counts the statements a transaction sends).
import type pg from 'pg';

export type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** Told of a statement as it is sent (its text, never its values); answers what to call when it ends. */
export type StatementTracer = (sql: string) => ((error?: unknown) => void) | undefined;

let statementTracer: StatementTracer | undefined;

/** Sets (or with undefined, removes) the process's statement tracer (tracing.ts in the gateway). */
export function setStatementTracer(tracer: StatementTracer | undefined): void {
  statementTracer = tracer;
}

function traced(query: QueryFn): QueryFn {
  return (...args) => {
    const tracer = statementTracer;
    const first = args[0] as string | { text?: string; submit?: unknown };
    // Callback-style calls and submittables (pg's own conventions; Prisma's adapter makes neither) pass as they are.
    if (!tracer || typeof args[args.length - 1] === 'function' || typeof (first as { submit?: unknown })?.submit === 'function') return query(...args);
    const end = tracer(typeof first === 'string' ? first : (first?.text ?? ''));
    if (!end) return query(...args);
    return query(...args).then(
      (result) => {
        end();
        return result;
      },
      (error: unknown) => {
        end(error);
        throw error;
      },
    );
  };
}

export interface PooledQueryOptions {
  onStatement?: ((sql: string, values?: readonly unknown[]) => void) | undefined;
}

export function wrapPooledQuery(client: pg.PoolClient, options: PooledQueryOptions = {}): void {
  const query = traced(client.query.bind(client) as QueryFn);
  const { onStatement } = options;
  // 2. the statement as sent
  const send: QueryFn = onStatement
    ? (...args) => {
        const first = args[0] as string | { text?: string; values?: unknown[] };
        if (typeof first === 'string') onStatement(first, Array.isArray(args[1]) ? (args[1] as unknown[]) : undefined);
        else onStatement(first?.text ?? '', first?.values);
        return query(...args);
      }
    : query;
  // 1. one at a time
  let tail: Promise<unknown> = Promise.resolve();
  client.query = ((...args: unknown[]) => {
    const last = args[args.length - 1];
    if (typeof last === 'function' || typeof (args[0] as { submit?: unknown })?.submit === 'function') return send(...args);
    const run = () => send(...args);
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  }) as typeof client.query;
}
