// Webhooks, the gateway's part: after a commit that appended events (topic `events:<tenant>`) or changed an
// endpoint (`webhooks:<tenant>`), the tenant's dispatch job is queued (one pending per tenant: a job key), so
// deliveries follow events within moments. The job runner does the rest (packages/schema
// modules/core/webhooks/webhook.jobs.ts); its sweep every minute catches anything a crash lost here.
import type { Logger } from 'pino';
import type { EventBus } from '@jiedai/schema';

const TOPIC = /^(?:events|webhooks):([0-9a-f-]{36})$/;

/** The bus, publishing as before and queueing a tenant's dispatch when its events or endpoints changed. */
export function withWebhookDispatch(bus: EventBus, queue: (tenantId: string) => Promise<void> | undefined, log: Logger): EventBus {
  // Per tenant at most one queueing in flight and one more after it (a burst of commits costs two inserts).
  const inFlight = new Map<string, { again: boolean }>();
  const request = (tenantId: string) => {
    const running = inFlight.get(tenantId);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    inFlight.set(tenantId, state);
    void (async () => {
      try {
        do {
          state.again = false;
          await queue(tenantId);
        } while (state.again);
      } catch (error) {
        // The sweep (every minute) queues it anyway.
        log.warn({ err: error, tenantId }, 'queueing the webhook dispatch failed');
      } finally {
        inFlight.delete(tenantId);
      }
    })();
  };
  return {
    publish(topic, payload) {
      bus.publish(topic, payload);
      const match = TOPIC.exec(topic);
      if (match) request(match[1]!);
    },
    subscribe: (topic) => bus.subscribe(topic),
  };
}
