// Open subscriptions end when their session does. signOut, changePassword and resetPassword publish on the
// person's sessions topic after commit (every gateway process hears it through the event bus, Redis or in
// memory); each open subscription of that person (graphql-ws or SSE alike: this wraps the subscription's
// result stream) re-checks its own token in a short scoped transaction, and if the token no longer counts
// sends one last result, an UNAUTHENTICATED error, and ends. A token that still counts (another session of
// the person signed out) goes on.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AccessDenied, negotiateLanguage, SHARED_ERROR_MESSAGES, sessionsTopic, type Context } from '@jiedai/schema';

export function useSessionWatch(): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const ctx = args.contextValue as Context;
      if (ctx.credential.type !== 'user') return;
      const userId = ctx.credential.userId;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          setResult(watched(ctx, userId, result as AsyncIterable<ExecutionResult>));
        },
      };
    },
  };
}

async function* watched(ctx: Context, userId: string, source: AsyncIterable<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  const ended = ctx.services.events.subscribe(sessionsTopic(userId))[Symbol.asyncIterator]();
  const events = source[Symbol.asyncIterator]();
  // Resolves with the end of the session (an error result) once a notice arrives and the token no longer counts.
  const sessionEnd = (async (): Promise<ExecutionResult | null> => {
    for (;;) {
      const notice = await ended.next();
      if (notice.done) return null;
      try {
        await ctx.withScope(async () => undefined);
      } catch (error) {
        if (error instanceof AccessDenied || (error as GraphQLError)?.extensions?.code === 'UNAUTHENTICATED') {
          const language = negotiateLanguage(ctx.acceptLanguage);
          const message = language === 'zh-Hans' ? SHARED_ERROR_MESSAGES['zh-Hans'].SESSION_ENDED : SHARED_ERROR_MESSAGES.en.SESSION_ENDED;
          return { errors: [new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } })] };
        }
        ctx.log.warn({ err: error }, 'session re-check failed; the subscription goes on');
      }
    }
  })();
  const endMarker = sessionEnd.then((result) => ({ sessionEnd: result }));
  try {
    for (;;) {
      const next = await Promise.race([events.next().then((item) => ({ item })), endMarker]);
      if ('sessionEnd' in next) {
        if (next.sessionEnd) {
          yield next.sessionEnd;
          return;
        }
        // The bus closed: keep delivering without the watch.
        for (;;) {
          const item = await events.next();
          if (item.done) return;
          yield item.value;
        }
      }
      if (next.item.done) return;
      yield next.item.value;
    }
  } finally {
    // Not awaited: a source waiting for its next event finishes its return when it wakes (its poll).
    void ended.return?.();
    void events.return?.();
  }
}
