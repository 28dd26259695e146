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
  /** How long a quiet stream waits before it looks at the log itself. */
  pollMs?: number;
  /** How long an event after a gap waits for the missing ones before they are read from the log. */
  reorderMs?: number;
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

export function parseCursor(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined) return null;
  if (!/^\d{1,19}$/.test(after)) throw new GraphQLError('Invalid cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  return BigInt(after);
}

export async function* eventStream(ctx: Context, options: StreamOptions): AsyncGenerator<DomainEvent | StreamEnd> {
  const maxQueue = options.maxQueue ?? 1000;
  const pollMs = options.pollMs ?? 5000;
  const reorderMs = options.reorderMs ?? 200;
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
        const concernsViewer = (userId && event.payload.userId === userId) || (apiKeyId && event.payload.apiKeyId === apiKeyId);
        if (concernsViewer && !(await options.stillAllowed())) return false;
        return true;
      }
      if (options.matches(event)) yield event;
      return true;
    };
    // Reads the log after the cursor; a database failure ends the stream with the cursor to resume from.
    const catchUp = async function* (): AsyncGenerator<DomainEvent | StreamEnd, boolean> {
      try {
        for await (const event of fromLog()) if (!(yield* deliver(event))) return false;
        return true;
      } catch {
        yield { end: 'INTERRUPTED', cursor: last!.toString() };
        return false;
      }
    };
    // 2. Everything after the cursor, from the log.
    if (!(yield* catchUp())) return;
    // 3. Live. Events published by several gateway processes may arrive out of order: an event
    // after a gap waits (reorderMs) for the missing ones to arrive live; only a gap that persists is
    // read from the log — once per gap, not once per event.
    const pending = new Map<bigint, DomainEvent>();
    let gapSince: number | null = null;
    for (;;) {
      if (overflowed) {
        yield { end: 'SLOW_CONSUMER', cursor: last.toString() };
        return;
      }
      for (const event of queue.splice(0)) {
        const seq = BigInt(event.seq);
        if (seq > last) pending.set(seq, event);
      }
      while (pending.has(last + 1n)) {
        const event = pending.get(last + 1n)!;
        pending.delete(last + 1n);
        if (!(yield* deliver(event))) return;
      }
      for (const seq of pending.keys()) if (seq <= last) pending.delete(seq);
      if (pending.size === 0) gapSince = null;
      else {
        gapSince ??= Date.now();
        if (Date.now() - gapSince >= reorderMs) {
          if (!(yield* catchUp())) return;
          gapSince = null;
          continue;
        }
      }
      if (queue.length > 0) continue;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), gapSince === null ? pollMs : Math.max(1, reorderMs - (Date.now() - gapSince)));
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      wake = null;
      // A quiet stream looks at the log itself now and then (e.g. events lost while Redis was down).
      if (!woken && gapSince === null && queue.length === 0 && !(yield* catchUp())) return;
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
