// A subscription's stream of the tenant's events that loses nothing:
//   1. it attaches to the tenant's feed in this process (event-feed.ts: one bus subscription, one log
//      poll and one gap fill per tenant and process, events in seq order without gaps), then replays
//      everything after the subscriber's cursor, from the feed's memory or else the event log;
//   2. live events continue from the feed; an event at or below the cursor is a duplicate and dropped;
//   3. a membership or API-key change of the viewer re-checks access before anything that follows;
//   4. a consumer that stops reading is cut off once its queue is full (SLOW_CONSUMER), and resumes
//      from its cursor.
import { GraphQLError } from 'graphql';
import { isPoolExhausted, type Role } from '@jiedai/db';
import type { Context } from '../../../context.ts';
import { hasRole } from '../../../shared/access.ts';
import { ACCESS_TOPIC, eventsAfter, type DomainEvent } from './event.service.ts';

/** The last item of a stream cut off for falling behind: the subscriber resumes after `cursor`. */
export interface StreamEnd {
  /** SLOW_CONSUMER: the subscriber fell behind; INTERRUPTED: the event log could not be read. */
  end: 'SLOW_CONSUMER' | 'INTERRUPTED';
  cursor: string;
}
export const isStreamEnd = (item: unknown): item is StreamEnd => typeof item === 'object' && item !== null && 'end' in item;

export interface StreamOptions {
  /** Resume after this cursor; null: from now on. */
  after: string | null;
  matches: (event: DomainEvent) => boolean;
  /** Live events held for a consumer that is not reading, before it is cut off. */
  maxQueue?: number;
  /** How long a quiet stream waits before it wakes (to notice that it was closed). Polling the log and
   * reordering are the tenant's feed's (event-feed.ts). */
  pollMs?: number;
  /** Bytes a WebSocket client may leave unread (ctx.backlogBytes) before it is cut off. */
  maxBacklogBytes?: number;
  /** May the viewer still see this stream? Checked again after any change of their access. */
  stillAllowed: () => Promise<boolean>;
}

const BATCH = 500;

/** How a stream that was cut off ends: an error carrying the cursor to resubscribe with. */
export class StreamEndedError extends GraphQLError {
  constructor(end: StreamEnd) {
    super(
      end.end === 'SLOW_CONSUMER'
        ? `The subscriber fell too far behind; resubscribe with after: "${end.cursor}"`
        : `The event stream was interrupted; resubscribe with after: "${end.cursor}"`,
      { extensions: { code: end.end === 'SLOW_CONSUMER' ? 'SLOW_CONSUMER' : 'STREAM_INTERRUPTED', cursor: end.cursor } },
    );
  }
}

/** A stream's `stillAllowed`: the viewer still holds `role` in the tenant (checked again after an access change). */
export const whileHolding =
  (ctx: Context, role: Role = 'VIEWER') =>
  (): Promise<boolean> =>
    ctx.withScope(async (_db, access) => hasRole(access, role)).catch(() => false);

/** A stream field's `resolve`: the event, or the error that ends a stream cut off (it carries the cursor to resume after). */
export function streamedEvent(item: unknown): DomainEvent {
  if (isStreamEnd(item)) throw new StreamEndedError(item);
  return item as DomainEvent;
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
  const cursor = parseCursor(options.after);

  // 1. Attach to the tenant's feed (one per process, event-feed.ts): from now on every event it hands
  //    on, in seq order and without gaps, is queued here.
  const queue: DomainEvent[] = [];
  let overflowed = false;
  let wake: (() => void) | null = null;
  const attachment = await ctx.services.eventFeeds.attach(tenantId, (event) => {
    if (queue.length >= maxQueue) overflowed = true;
    else queue.push(event);
    (wake as (() => void) | null)?.();
  });
  let last = cursor ?? attachment.from;

  try {
    const deliver = async function* (event: DomainEvent): AsyncGenerator<DomainEvent | StreamEnd, boolean> {
      if ((ctx.backlogBytes?.() ?? 0) > maxBacklogBytes) {
        yield { end: 'SLOW_CONSUMER', cursor: last.toString() };
        return false;
      }
      last = BigInt(event.seq);
      if (event.topic === ACCESS_TOPIC) {
        const concernsViewer = (userId && event.payload.userId === userId) || (apiKeyId && event.payload.apiKeyId === apiKeyId);
        if (concernsViewer && !(await options.stillAllowed())) return false;
        return true;
      }
      if (options.matches(event)) yield event;
      return true;
    };
    // 2. What happened after the cursor and before the attachment: from the feed's memory when it reaches
    //    back that far, else from the log (in this subscriber's own scope, bounded by the gateway); a
    //    database failure ends the stream with the cursor to resume from.
    if (last < attachment.from) {
      const recent = await attachment.catchUp(last);
      if (recent) {
        for (const event of recent) if (!(yield* deliver(event))) return;
      } else {
        try {
          for (;;) {
            const batch = await readLog(ctx, last, BATCH);
            for (const event of batch) if (!(yield* deliver(event))) return;
            if (batch.length < BATCH || last >= attachment.from) break;
          }
        } catch {
          yield { end: 'INTERRUPTED', cursor: last.toString() };
          return;
        }
      }
    }
    // 3. Live, from the feed: already in order and without gaps (duplicates of the catch-up dropped).
    for (;;) {
      if (overflowed) {
        yield { end: 'SLOW_CONSUMER', cursor: last.toString() };
        return;
      }
      if (queue.length === 0) {
        // Woken by the feed, or after pollMs anyway: a generator waiting here cannot take its return()
        // (a closed subscription) until it wakes.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
        continue;
      }
      for (const event of queue.splice(0)) {
        if (BigInt(event.seq) <= last) continue;
        if (!(yield* deliver(event))) return;
      }
    }
  } finally {
    attachment.detach();
  }
}

/** A subscriber's own read of the log (catching up from an old cursor); a busy pool is waited out, not fatal. */
async function readLog(ctx: Context, after: bigint, limit: number): Promise<DomainEvent[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.withScope((db) => eventsAfter(db, after, limit));
    } catch (error) {
      if (attempt >= 5 || !isPoolExhausted(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
