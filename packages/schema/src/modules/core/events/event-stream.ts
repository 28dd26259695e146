// A subscription's stream of the tenant's events that loses nothing:
//   1. it listens to the live bus first, then replays from the event log everything after the
//      subscriber's cursor, in order;
//   2. live events continue from there; an event at or below the cursor is a duplicate and dropped,
//      a jump in `seq` (an event missed, e.g. while Redis restarted) is filled from the event log,
//      and a quiet stream polls the log now and then for the same reason;
//   3. a membership or API-key change of the viewer re-checks access before anything that follows;
//   4. a consumer that stops reading is cut off once its queue is full (SLOW_CONSUMER), and resumes
//      from its cursor.
import { GraphQLError } from 'graphql';
import type { Context } from '../../../context.ts';
import { ACCESS_TOPIC, eventsAfter, tenantEventsTopic, type DomainEvent } from './event.service.ts';

/** The last item of a stream cut off for falling behind: the subscriber resumes after `cursor`. */
export interface StreamEnd {
  end: 'SLOW_CONSUMER';
  cursor: string;
}
export const isStreamEnd = (item: unknown): item is StreamEnd => typeof item === 'object' && item !== null && 'end' in item;

export interface StreamOptions {
  /** Resume after this cursor; null: from now on. */
  after: string | null;
  matches: (event: DomainEvent) => boolean;
  /** Live events held for a consumer that is not reading, before it is cut off. */
  maxQueue?: number;
  /** How long a quiet stream waits before it looks at the log itself. */
  pollMs?: number;
  /** Bytes a WebSocket client may leave unread (ctx.backlogBytes) before it is cut off. */
  maxBacklogBytes?: number;
  /** May the viewer still see this stream? Checked again after any change of their access. */
  stillAllowed: () => Promise<boolean>;
}

const BATCH = 500;

export class SlowConsumerError extends GraphQLError {
  constructor(cursor: string) {
    super(`The subscriber fell too far behind; resubscribe with after: "${cursor}"`, {
      extensions: { code: 'SLOW_CONSUMER', cursor },
    });
  }
}

export function parseCursor(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,19}$/.test(after)) throw new GraphQLError('Invalid cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  return BigInt(after);
}

export async function* eventStream(ctx: Context, options: StreamOptions): AsyncGenerator<DomainEvent | StreamEnd> {
  const maxQueue = options.maxQueue ?? 1000;
  const pollMs = options.pollMs ?? 5000;
  const maxBacklogBytes = options.maxBacklogBytes ?? 1024 * 1024;
  const tenantId = ctx.access.tenantId!;
  const userId = ctx.access.userId;
  const apiKeyId = ctx.access.apiKeyId;

  // 1. Listen first, so that nothing committed between the replay and the live stream is missed.
  const live = ctx.services.events.subscribe(tenantEventsTopic(tenantId))[Symbol.asyncIterator]();
  const queue: DomainEvent[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const pump = (async () => {
    for (;;) {
      const next = await live.next();
      if (next.done) return;
      if (queue.length >= maxQueue) overflowed = true;
      else queue.push(next.value as DomainEvent);
      (wake as (() => void) | null)?.();
    }
  })().catch(() => undefined);

  let last = parseCursor(options.after) ?? (await ctx.withScope((db) => latestSeq(db)));
  const fromLog = async function* () {
    for (;;) {
      const batch = await ctx.withScope((db) => eventsAfter(db, last!, BATCH));
      for (const event of batch) yield event;
      if (batch.length < BATCH) return;
    }
  };

  try {
    const deliver = async function* (event: DomainEvent): AsyncGenerator<DomainEvent | StreamEnd, boolean> {
      if ((ctx.backlogBytes?.() ?? 0) > maxBacklogBytes) {
        yield { end: 'SLOW_CONSUMER', cursor: last!.toString() };
        return false;
      }
      last = BigInt(event.seq);
      if (event.topic === ACCESS_TOPIC) {
        const concernsViewer =
          (userId && event.payload.userId === userId) || (apiKeyId && event.payload.apiKeyId === apiKeyId);
        if (concernsViewer && !(await options.stillAllowed())) return false;
        return true;
      }
      if (options.matches(event)) yield event;
      return true;
    };
    // 2. Everything after the cursor, from the log.
    for await (const event of fromLog()) if (!(yield* deliver(event))) return;
    for (;;) {
      if (overflowed) {
        yield { end: 'SLOW_CONSUMER', cursor: last.toString() };
        return;
      }
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, pollMs).unref?.();
        });
        wake = null;
        if (queue.length === 0) {
          for await (const event of fromLog()) if (!(yield* deliver(event))) return;
          continue;
        }
      }
      const event = queue.shift()!;
      const seq = BigInt(event.seq);
      if (seq <= last) continue;
      if (seq === last + 1n) {
        if (!(yield* deliver(event))) return;
      } else {
        for await (const missed of fromLog()) if (!(yield* deliver(missed))) return;
      }
    }
  } finally {
    await live.return?.();
    await pump;
  }
}

async function latestSeq(db: Parameters<Parameters<Context['withScope']>[0]>[0]): Promise<bigint> {
  const rows = await db.$queryRaw<{ seq: bigint | null }[]>`
    SELECT seq FROM tenant_event_counters WHERE tenant_id = app_tenant_id()`;
  return rows[0]?.seq ?? 0n;
}
