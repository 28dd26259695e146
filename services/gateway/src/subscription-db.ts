// The database work of subscriptions, bounded below the pool size: verifying a subscriber, its start-up
// reads and catch-up from a cursor, the access re-checks of live events, and the tenants' event feeds'
// reads all take a place here first (SUBSCRIPTION_DB_CONCURRENCY, default half the pool). A reconnect
// herd of thousands of subscriptions then queues here, in order, instead of waiting in the pool for
// DB_POOL_WAIT_MS and failing (P2028 → STREAM_INTERRUPTED), and leaves connections to operations.
import type { Database, Db } from '@jiedai/db';
import { createEventFeeds, eventsAfter, type EventBus, type EventFeeds, type EventLogSource } from '@jiedai/schema';

export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Running and waiting now. */
  stats(): { running: number; waiting: number };
}

/** At most `size` at once; the others wait in order. */
export function createLimiter(size: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    async run(fn) {
      if (running < size) running++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
    stats: () => ({ running, waiting: waiting.length }),
  };
}

/** The event log as the feeds read it: in the tenant's scope (RLS), through the limiter. */
export function eventLogSource(db: Database, limiter: Limiter): EventLogSource {
  const inTenant = <T>(tenantId: string, fn: (tx: Db) => Promise<T>): Promise<T> =>
    limiter.run(() => db.transaction({ scope: { tenantId }, isolationLevel: 'ReadCommitted' }, (tx) => fn(tx)));
  return {
    latest: (tenantId) =>
      inTenant(tenantId, async (tx) => {
        const rows = await tx.$queryRaw<{ seq: bigint | null }[]>`SELECT seq FROM tenant_event_counters WHERE tenant_id = app_tenant_id()`;
        return rows[0]?.seq ?? 0n;
      }),
    after: (tenantId, after, limit) => inTenant(tenantId, (tx) => eventsAfter(tx, after, limit)),
  };
}

export function subscriptionFeeds(bus: EventBus, db: Database, limiter: Limiter, onError: (error: unknown, what: string) => void): EventFeeds {
  return createEventFeeds(bus, eventLogSource(db, limiter), { onError });
}
