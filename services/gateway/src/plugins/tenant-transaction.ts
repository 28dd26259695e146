// One transaction per GraphQL operation: set the tenant and user, verify the credential against the
// database (membership or API key), run the whole operation on that transaction, then commit and
// only then publish the events it queued. An operation that ends with errors (or whose sole mutation
// failed with a typed error) is rolled back whole. The operation's domain events are appended as the
// last statement before COMMIT (they hold the tenant's event counter until the transaction ends).
// Queries run at REPEATABLE READ, so all their root fields read one snapshot; mutations at READ
// COMMITTED, where a concurrent writer waits and then meets the version check (CONFLICT), instead
// of failing with a serialization error.
import type { Plugin } from 'graphql-yoga';
import { getOperationAST, GraphQLError, Kind, type ExecutionResult } from 'graphql';
import { isDatabaseUnavailable, isPoolExhausted, type Database, type Db, type IsolationLevel, type TenantScope } from '@jiedai/db';
import {
  AccessDenied,
  accessFrom,
  accessQuery,
  appendEvents,
  tenantEventsTopic,
  touchApiKey,
  type Access,
  type Context,
  type Credential,
  type OperationState,
} from '@jiedai/schema';
import { AuthError } from '../auth.ts';
import { surveyRespondentCredential } from '../survey-respondent.ts';
import type { Limiter } from '../subscription-db.ts';

const ROLLBACK = Symbol('rollback');

/** Every pooled connection stayed busy for DB_POOL_WAIT_MS: 503 with Retry-After, so clients back off. */
export const busy = () =>
  new GraphQLError('The service is busy: retry in a moment.', {
    extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '1' } } },
  });

export function scopeOf(credential: Credential): TenantScope {
  if (credential.type === 'user') return { tenantId: credential.tenantId, userId: credential.userId };
  if (credential.type === 'apiKey') return { tenantId: credential.tenantId };
  if (credential.type === 'surveyRespondent' || credential.type === 'publicLink') return { tenantId: credential.tenantId };
  return {};
}

function denied(error: unknown): never {
  if (error instanceof AccessDenied) throw new AuthError(error.code, error.message);
  throw error;
}

/**
 * A transaction in the credential's scope whose first message also verifies the credential (its
 * membership or API key, in the database: revocation counts at once). On PostgreSQL BEGIN, the scope
 * and the check are one round trip (transaction-prelude.ts in packages/db). AccessDenied when refused.
 */
export function verifiedTransaction<T>(
  db: Database,
  credential: Credential,
  tenantKind: Context['tenantKind'],
  isolationLevel: IsolationLevel,
  fn: (tx: Db, access: Access) => Promise<T>,
): Promise<T> {
  return db.transaction({ scope: scopeOf(credential), isolationLevel, prelude: accessQuery(credential) }, (tx, rows) =>
    fn(tx, accessFrom(credential, tenantKind, rows)),
  );
}

/**
 * A subscription's start-up transaction: the transaction that verified the subscriber, kept open for the
 * subscription's first `ctx.withScope` (a board's lookup of its visit), so that verifying and starting cost one
 * transaction (issue 19: a reconnect herd of subscriptions opened two or three each). It ends at the first of:
 * that withScope's work done (commit, or rollback when it throws); the first `next()` of the subscription's
 * stream without such a call in it (a subscribe function's body runs synchronously up to its first await, so a
 * withScope called first is called within that `next()`); a result that is no stream (a refusal, an error);
 * RELEASE_AFTER_MS at the latest, should none of these come. Its place in the subscriptions' limiter is held
 * until it ends.
 */
interface StartUp {
  /** Ends the transaction unless the first withScope took it (idempotent). */
  release(): void;
}

const RELEASE_AFTER_MS = 2_000;
const startUps = new WeakMap<Context, StartUp>();

async function startUpTransaction(db: Database, ctx: Context, limiter: Limiter): Promise<void> {
  type Work = (tx: Db, access: Access) => Promise<unknown>;
  let handOff!: (work: Work | null) => void;
  const work = new Promise<Work | null>((resolve) => {
    handOff = resolve;
  });
  let verified!: (access: Access) => void;
  let refused!: (error: unknown) => void;
  const access = new Promise<Access>((resolve, reject) => {
    verified = resolve;
    refused = reject;
  });
  const transaction = limiter.run(() =>
    verifiedTransaction(db, ctx.credential, ctx.tenantKind, 'ReadCommitted', async (tx, checked) => {
      verified(checked);
      const fn = await work;
      return fn ? fn(tx, checked) : undefined;
    }),
  );
  // A failure before the access is known is the caller's (a refusal); after it, the withScope that took the
  // transaction has it (or nobody: an unused start-up transaction that fails to commit changed nothing).
  transaction.catch(refused);
  try {
    ctx.access = await access;
  } catch (error) {
    handOff(null);
    throw error;
  }
  const withScope = ctx.withScope;
  let open = true;
  const timer = setTimeout(() => startUp.release(), RELEASE_AFTER_MS);
  timer.unref?.();
  const startUp: StartUp = {
    release() {
      if (!open) return;
      open = false;
      clearTimeout(timer);
      ctx.withScope = withScope;
      handOff(null);
    },
  };
  ctx.withScope = <T>(fn: (tx: Db, access: Access) => Promise<T>): Promise<T> => {
    if (!open) return withScope(fn);
    open = false;
    clearTimeout(timer);
    ctx.withScope = withScope;
    handOff(fn);
    return transaction as Promise<T>;
  };
  startUps.set(ctx, startUp);
}

/** The subscription's stream, ending its start-up transaction at its first `next()` (and at return or throw). */
function releasingAtFirstNext<T>(iterable: AsyncIterable<T>, startUp: StartUp): AsyncGenerator<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  const released = <R>(step: () => R): R => {
    try {
      return step();
    } finally {
      startUp.release();
    }
  };
  const stream: AsyncGenerator<T> = {
    next: (...args: [] | [unknown]) => released(() => iterator.next(...args)),
    return: (value: unknown) => released(() => (iterator.return ? iterator.return(value) : Promise.resolve({ value, done: true }))),
    throw: (error: unknown) => released(() => (iterator.throw ? iterator.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: async () => void (await stream.return(undefined)),
  } as AsyncGenerator<T>;
  return stream;
}

/**
 * Verifies a subscriber before its subscription starts, for graphql-ws: a refusal is then this one
 * subscription's `error` message (the socket and its other operations go on), not an exception that
 * would close the whole socket. Returns the refusal, or null when the caller may go on; the verifying
 * transaction then stays open for the subscription's start (startUpTransaction above).
 */
export async function verifySubscriber(db: Database, ctx: Context, limiter: Limiter): Promise<GraphQLError | null> {
  try {
    await startUpTransaction(db, ctx, limiter);
  } catch (error) {
    // No HTTP status on a socket: the code only.
    if (error instanceof AccessDenied) return new GraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
  return null;
}

/** Ends a subscriber's start-up transaction if the subscription did not get as far as its stream (graphql-ws). */
export function releaseStartUp(ctx: Context): void {
  startUps.get(ctx)?.release();
}

/** The state of one operation's transaction (see OperationState in packages/schema's context.ts). */
export function operationState(soleMutation: boolean): OperationState {
  let sole = soleMutation;
  let rollbackOnly = false;
  return {
    takeSole() {
      const taken = sole;
      sole = false;
      return taken;
    },
    markRollbackOnly() {
      rollbackOnly = true;
    },
    get rollbackOnly() {
      return rollbackOnly;
    },
  };
}

/** `limiter`: subscriptions' database work, bounded below the pool (subscription-db.ts). */
export function useTenantTransaction(db: Database, limiter: Limiter): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context;
      // An anonymous survey respondent's token names the tenant of this operation (see survey-respondent.ts).
      const respondent = surveyRespondentCredential(args.document, args.operationName, args.variableValues, ctx.credential);
      if (respondent) ctx.credential = respondent;
      const operation = getOperationAST(args.document, args.operationName);
      const isQuery = operation?.operation === 'query';
      // One mutation field: no savepoint around it (shared/mutation.ts); its failure rolls back all.
      const selections = operation?.selectionSet.selections ?? [];
      const state = operationState(operation?.operation === 'mutation' && selections.length === 1 && selections[0]!.kind === Kind.FIELD);
      ctx.operation = state;
      setExecuteFn(async (execArgs) => {
        let result: ExecutionResult | undefined;
        try {
          await verifiedTransaction(db, ctx.credential, ctx.tenantKind, isQuery ? 'RepeatableRead' : 'ReadCommitted', async (tx, access) => {
            ctx.access = access;
            ctx.db = tx;
            result = (await executeFn(execArgs)) as ExecutionResult;
            if (result.errors?.length || state.rollbackOnly) throw ROLLBACK;
            // The operation's events go last: the tenant's event counter is then held only for COMMIT.
            for (const event of await appendEvents(tx, ctx.access.userId, ctx.eventQueue.splice(0))) {
              ctx.pendingEvents.push({ topic: tenantEventsTopic(event.tenantId), payload: event });
            }
          });
        } catch (error) {
          // A refused credential is an error result (401/403), not an exception yoga would mask. (An
          // AccessDenied can only come from the check: resolvers' errors end up in the result.)
          if (error instanceof AccessDenied) return { errors: [new AuthError(error.code, error.message)] };
          // Every connection busy, or the database away (restarting): 503, retry in a moment.
          if (isPoolExhausted(error) || isDatabaseUnavailable(error)) return { errors: [busy()] };
          if (error !== ROLLBACK) throw error;
          // A resolver's statement failed because the database went away mid-operation: nothing was
          // committed, so the caller may retry (503), rather than see a masked internal error.
          if (result?.errors?.some((e) => isDatabaseUnavailable(e.originalError))) return { errors: [busy()] };
          ctx.pendingEvents.length = 0;
          ctx.eventQueue.length = 0;
        }
        for (const { topic, payload } of ctx.pendingEvents.splice(0)) ctx.services.events.publish(topic, payload);
        if (ctx.access.apiKeyId && ctx.access.apiKeyUseUnrecorded) {
          const apiKeyId = ctx.access.apiKeyId;
          await db
            .transaction({ scope: scopeOf(ctx.credential), isolationLevel: 'ReadCommitted' }, (tx) => touchApiKey(tx, apiKeyId))
            .catch((error) => ctx.log.warn({ err: error }, "could not record the API key's use"));
        }
        return result!;
      });
    },
    // Subscriptions run outside one transaction: the caller is verified once here (or before, for graphql-ws)
    // in a transaction that their start-up's first withScope goes on with; each later event that needs the
    // database opens its own scoped transaction (ctx.withScope), re-checking access there.
    async onSubscribe({ args }) {
      const ctx = args.contextValue as Context;
      if (!startUps.has(ctx)) await startUpTransaction(db, ctx, limiter).catch(denied);
      const startUp = startUps.get(ctx)!;
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result) setResult(releasingAtFirstNext(result as AsyncIterable<ExecutionResult>, startUp));
          else startUp.release();
        },
      };
    },
  };
}
