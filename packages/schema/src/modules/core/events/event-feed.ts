// One feed of a tenant's events per process, shared by every subscription of that tenant in the
// process (event-stream.ts attaches to it):
//   - one subscription to the tenant's topic on the event bus (not one per subscriber);
//   - events handed on strictly in `seq` order, without gaps: events published out of order by several
//     gateway processes wait (reorderMs) for the missing ones, and a gap that persists is read from the
//     event log once for the whole process, not once per subscriber;
//   - a quiet feed looks at the log itself every pollMs (events published while Redis was away): one read
//     per tenant and process, whatever the number of subscribers;
//   - the last `window` events are kept in memory, so a subscriber that resumes from a recent cursor (a
//     reconnect herd) catches up without reading the log;
//   - every subscriber receives the same event object, so work done per event (materialising a task,
//     executing a selection: the gateway's shared execution) is done once per process.
// It knows no GraphQL and no credentials: it reads the log in the tenant's scope only (RLS), as the
// subscriptions' own reads did; each subscriber was verified when it started and re-checks its access.
import type { EventBus } from '../../../context.ts';
import { tenantEventsTopic, type DomainEvent } from './event.service.ts';

/** Where a feed reads what the bus did not bring: the tenant's event log (the gateway bounds these reads). */
export interface EventLogSource {
  /** The tenant's latest seq (0 if it has no events). */
  latest(tenantId: string): Promise<bigint>;
  /** The tenant's events after `after` (exclusive), oldest first, at most `limit`. */
  after(tenantId: string, after: bigint, limit: number): Promise<DomainEvent[]>;
}

export interface EventFeedOptions {
  /** How long a quiet feed waits before it looks at the log itself. */
  pollMs?: number;
  /** How long an event after a gap waits for the missing ones before they are read from the log. */
  reorderMs?: number;
  /** Recent events kept in memory for subscribers that resume from a cursor. */
  window?: number;
  /** How long a feed without subscribers stays (a reconnecting herd finds its memory). */
  lingerMs?: number;
  onError?: (error: unknown, what: string) => void;
}

/** What a subscriber holds while it is attached to its tenant's feed. */
export interface FeedAttachment {
  /** The seq of the last event the feed had handed on when this subscriber attached; every later one reaches its listener. */
  readonly from: bigint;
  /**
   * The events after `cursor` up to (at least) `from`: from the feed's memory, which reads what it lacks
   * from the log once for all subscribers resuming near there (a reconnect herd: one read, and every
   * subscriber gets the same event objects). null when the cursor is further back than the feed keeps
   * (`window` events) or the read failed: the subscriber reads the log itself.
   */
  catchUp(cursor: bigint): Promise<DomainEvent[] | null>;
  detach(): void;
}

export interface EventFeeds {
  /** Attaches a listener to the tenant's feed (made on first use: one read of the tenant's latest seq). */
  attach(tenantId: string, listener: (event: DomainEvent) => void): Promise<FeedAttachment>;
  /** Feeds open now, and reads of the log they made (for tests and metrics). */
  stats(): { feeds: number; logReads: number };
  close(): Promise<void>;
}

const BATCH = 500;

export function createEventFeeds(bus: EventBus, log: EventLogSource, options: EventFeedOptions = {}): EventFeeds {
  const pollMs = options.pollMs ?? 5_000;
  const reorderMs = options.reorderMs ?? 200;
  const window = options.window ?? 5_000;
  const lingerMs = options.lingerMs ?? 30_000;
  const onError = options.onError ?? (() => undefined);
  const feeds = new Map<string, TenantFeed>();
  let logReads = 0;

  class TenantFeed {
    /** The seq of the last event handed on; null until the feed has read where the log is. */
    last: bigint | null = null;
    /** The last events handed on, contiguous, ending at `last`. */
    recent: DomainEvent[] = [];
    readonly pending = new Map<bigint, DomainEvent>();
    readonly listeners = new Set<(event: DomainEvent) => void>();
    readonly ready: Promise<void>;
    private readonly live: AsyncIterator<unknown>;
    private readonly pump: Promise<void>;
    private lastActivity = Date.now();
    private gapTimer: NodeJS.Timeout | null = null;
    private readonly pollTimer: NodeJS.Timeout;
    private lingerTimer: NodeJS.Timeout | null = null;
    private filling: Promise<void> | null = null;
    closed = false;

    constructor(readonly tenantId: string) {
      // Listen first, then read where the log is: nothing committed in between is missed.
      const live = bus.subscribe(tenantEventsTopic(tenantId))[Symbol.asyncIterator]();
      this.live = live;
      this.pump = (async () => {
        for (;;) {
          const next = await live.next();
          if (next.done) return;
          this.onLive(next.value as DomainEvent);
        }
      })().catch((error) => onError(error, 'event feed (bus)'));
      this.ready = log.latest(tenantId).then((seq) => {
        this.last = seq;
        this.drain();
      });
      this.pollTimer = setInterval(() => {
        if (Date.now() - this.lastActivity >= pollMs) void this.fill();
      }, pollMs);
      this.pollTimer.unref();
    }

    onLive(event: DomainEvent) {
      const seq = BigInt(event.seq);
      if (this.last !== null && seq <= this.last) return;
      this.pending.set(seq, event);
      if (this.last !== null) this.drain();
    }

    /** Hands on what is contiguous; a gap left waits reorderMs, then is read from the log (once). */
    drain() {
      const last = this.last!;
      let next = last + 1n;
      while (this.pending.has(next)) {
        const event = this.pending.get(next)!;
        this.pending.delete(next);
        this.deliver(event);
        next++;
      }
      for (const seq of this.pending.keys()) if (seq <= this.last!) this.pending.delete(seq);
      if (this.pending.size === 0) {
        if (this.gapTimer) clearTimeout(this.gapTimer);
        this.gapTimer = null;
      } else if (!this.gapTimer) {
        this.gapTimer = setTimeout(() => {
          this.gapTimer = null;
          void this.fill();
        }, reorderMs);
        this.gapTimer.unref();
      }
    }

    deliver(event: DomainEvent) {
      this.last = BigInt(event.seq);
      this.lastActivity = Date.now();
      this.recent.push(event);
      if (this.recent.length >= 2 * window) this.recent = this.recent.slice(-window);
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          onError(error, 'event feed listener');
        }
      }
    }

    /** Reads the log after `last` (one read at a time per feed); a failure is retried by the next poll or gap. */
    fill(): Promise<void> {
      if (this.closed || this.last === null) return Promise.resolve();
      this.filling ??= (async () => {
        try {
          for (;;) {
            logReads++;
            const batch = await log.after(this.tenantId, this.last!, BATCH);
            for (const event of batch) {
              const seq = BigInt(event.seq);
              if (seq === this.last! + 1n) this.deliver(this.pending.get(seq) ?? event);
            }
            if (batch.length < BATCH) break;
          }
          this.lastActivity = Date.now();
        } catch (error) {
          onError(error, 'event feed (log read)');
        } finally {
          this.filling = null;
        }
        if (this.last !== null) this.drain();
      })();
      return this.filling;
    }

    private backfilling: Promise<void> | null = null;

    async catchUp(cursor: bigint): Promise<DomainEvent[] | null> {
      for (let round = 0; round < 3; round++) {
        const known = this.recentAfter(cursor);
        if (known) return known;
        if (this.last! - cursor > BigInt(window)) return null;
        if (this.backfilling) await this.backfilling;
        else {
          this.backfilling = this.backfill(cursor).finally(() => (this.backfilling = null));
          if (
            !(await this.backfilling.then(
              () => true,
              () => false,
            ))
          )
            return null;
        }
      }
      return this.recentAfter(cursor);
    }

    /** Reads (cursor, first event in memory) from the log and puts it in front of the memory. */
    private async backfill(cursor: bigint): Promise<void> {
      const upTo = this.recent[0] ? BigInt(this.recent[0].seq) - 1n : this.last!;
      const older: DomainEvent[] = [];
      let after = cursor;
      while (after < upTo) {
        logReads++;
        const batch = await log.after(this.tenantId, after, BATCH);
        for (const event of batch) if (BigInt(event.seq) <= upTo) older.push(event);
        if (batch.length < BATCH) break;
        after = BigInt(batch[batch.length - 1]!.seq);
      }
      // Contiguous with what is in memory now (events delivered meanwhile follow upTo).
      const first = this.recent[0] ? BigInt(this.recent[0].seq) : this.last! + 1n;
      const fitting = older.filter((event) => BigInt(event.seq) < first);
      if (fitting.length > 0 && BigInt(fitting[fitting.length - 1]!.seq) === first - 1n) this.recent = [...fitting, ...this.recent];
    }

    recentAfter(cursor: bigint): DomainEvent[] | null {
      const first = this.recent[0];
      if (cursor >= this.last!) return [];
      if (!first || BigInt(first.seq) > cursor + 1n) return null;
      return this.recent.slice(Number(cursor + 1n - BigInt(first.seq)));
    }

    add(listener: (event: DomainEvent) => void) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
      this.listeners.add(listener);
    }

    remove(listener: (event: DomainEvent) => void) {
      this.listeners.delete(listener);
      if (this.listeners.size > 0 || this.closed || this.lingerTimer) return;
      this.lingerTimer = setTimeout(() => {
        if (this.listeners.size === 0) void this.close();
      }, lingerMs);
      this.lingerTimer.unref();
    }

    async close() {
      if (this.closed) return;
      this.closed = true;
      if (feeds.get(this.tenantId) === this) feeds.delete(this.tenantId);
      clearInterval(this.pollTimer);
      if (this.gapTimer) clearTimeout(this.gapTimer);
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      await this.live.return?.();
      await this.pump;
    }
  }

  return {
    async attach(tenantId, listener) {
      let feed = feeds.get(tenantId);
      if (!feed || feed.closed) {
        feed = new TenantFeed(tenantId);
        feeds.set(tenantId, feed);
      }
      try {
        await feed.ready;
      } catch (error) {
        // Where the log is could not be read (the database away): the next subscriber tries again.
        void feed.close();
        throw error;
      }
      const attached = feed;
      attached.add(listener);
      return {
        from: attached.last!,
        catchUp: (cursor) => attached.catchUp(cursor),
        detach: () => attached.remove(listener),
      };
    },
    stats: () => ({ feeds: feeds.size, logReads }),
    close: async () => {
      await Promise.all([...feeds.values()].map((feed) => feed.close()));
    },
  };
}
