// One transaction per GraphQL operation: set the tenant and user, verify the credential against the
// database (membership or API key), run the whole operation on that transaction, then commit and
// only then publish the events it queued. An operation that ends with errors is rolled back whole.
// Queries run at REPEATABLE READ, so all their root fields read one snapshot; mutations at READ
// COMMITTED, where a concurrent writer waits and then meets the version check (CONFLICT), instead
// of failing with a serialization error.
import type { Plugin } from 'graphql-yoga';
import { getOperationAST, type ExecutionResult } from 'graphql';
import { inScope, setScope, type Database, type TenantScope } from '@jiedai/db';
import { AccessDenied, resolveAccess, touchApiKey, type Context, type Credential } from '@jiedai/schema';
import { AuthError } from '../auth.ts';
import { surveyRespondentCredential } from '../survey-respondent.ts';

const ROLLBACK = Symbol('rollback');

export function scopeOf(credential: Credential): TenantScope {
  if (credential.type === 'user') return { tenantId: credential.tenantId, userId: credential.userId };
  if (credential.type === 'apiKey') return { tenantId: credential.tenantId };
  if (credential.type === 'surveyRespondent') return { tenantId: credential.tenantId };
  return {};
}

function denied(error: unknown): never {
  if (error instanceof AccessDenied) throw new AuthError(error.code, error.message);
  throw error;
}

class Refused {
  constructor(readonly error: AuthError) {}
}

export function useTenantTransaction(db: Database): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as Context;
      // An anonymous survey respondent's token names the tenant of this operation (see survey-respondent.ts).
      const respondent = surveyRespondentCredential(args.document, args.operationName, args.variableValues, ctx.credential);
      if (respondent) ctx.credential = respondent;
      const isQuery = getOperationAST(args.document, args.operationName)?.operation === 'query';
      // The embedded database runs one transaction at a time: every transaction is a snapshot there.
      const options =
        isQuery && db.kind === 'postgres' ? { ...db.transactionOptions, isolationLevel: 'RepeatableRead' as const } : db.transactionOptions;
      setExecuteFn(async (execArgs) => {
        let result: ExecutionResult | undefined;
        try {
          await db.prisma.$transaction(async (tx) => {
            await setScope(tx, scopeOf(ctx.credential));
            ctx.access = await resolveAccess(tx, ctx.credential, ctx.tenantKind).catch((error) => {
              if (error instanceof AccessDenied) throw new Refused(new AuthError(error.code, error.message));
              throw error;
            });
            ctx.db = tx;
            result = (await executeFn(execArgs)) as ExecutionResult;
            if (result.errors?.length) throw ROLLBACK;
          }, options);
        } catch (error) {
          // A refused credential is an error result (401/403), not an exception yoga would mask.
          if (error instanceof Refused) return { errors: [error.error] };
          if (error !== ROLLBACK) throw error;
          ctx.pendingEvents.length = 0;
        }
        for (const { topic, payload } of ctx.pendingEvents.splice(0)) ctx.services.events.publish(topic, payload);
        if (ctx.access.apiKeyId && ctx.access.apiKeyUseUnrecorded) {
          const apiKeyId = ctx.access.apiKeyId;
          await inScope(db.prisma, scopeOf(ctx.credential), (tx) => touchApiKey(tx, apiKeyId), db.transactionOptions).catch((error) =>
            ctx.log.warn({ err: error }, 'could not record the API key\'s use'),
          );
        }
        return result!;
      });
    },
    // Subscriptions run outside one transaction: verify the caller once here; each event that needs
    // the database opens its own scoped transaction (ctx.withScope), re-checking access there.
    async onSubscribe({ args }) {
      const ctx = args.contextValue as Context;
      ctx.access = await inScope(db.prisma, scopeOf(ctx.credential), (tx) =>
        resolveAccess(tx, ctx.credential, ctx.tenantKind).catch(denied),
      );
    },
  };
}
