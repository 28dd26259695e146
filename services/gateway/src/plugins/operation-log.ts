// One log line per GraphQL operation: request id, tenant, operation, duration, error codes. Never the
// variables (they may hold passwords or personal data) and never the query text.
import type { Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { Context } from '@jiedai/schema';

export function useOperationLog(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const ctx = args.contextValue as Context;
      return {
        onExecuteDone({ result }) {
          const errors = (result as ExecutionResult).errors ?? [];
          ctx.log.info(
            {
              operation: args.operationName ?? null,
              kind: ctx.tenantKind,
              actor: ctx.access.userId
                ? 'user'
                : ctx.access.apiKeyId
                  ? 'apiKey'
                  : ctx.credential.type === 'surveyRespondent' || ctx.credential.type === 'publicLink'
                    ? ctx.credential.type
                    : 'anonymous',
              durationMs: Math.round((performance.now() - started) * 10) / 10,
              errors: errors.map((e) => e.extensions?.code ?? 'ERROR'),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
