// The event bus behind subscriptions. One process: in memory. With REDIS_URL: Redis pub/sub
// (@graphql-yoga/redis-event-target), so an event published by one gateway process reaches the
// subscribers of every other. Events are published only after their transaction commits.
import { setMaxListeners } from 'node:events';
import { Repeater, SlidingBuffer } from 'graphql-yoga';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { EventBus } from '@jiedai/schema';

export interface EventBusHandle {
  bus: EventBus;
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

/** Events a subscription may hold unread; beyond that the oldest are dropped (see `subscribeTo`). */
export const SUBSCRIPTION_BUFFER = 10_000;

interface Target {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * One subscription to a topic, with a buffer of its own. (yoga's createPubSub gives each subscription
 * a Repeater without a buffer, and such a Repeater throws RepeaterOverflowError — out of the
 * publisher, as an uncaught exception — once 1024 events wait unread: one operation committing more
 * events than that, or a subscriber that stops reading, brought the whole process down.) A full
 * buffer drops its oldest events instead: event-log streams notice the gap in `seq` and fill it from
 * the log (event-stream.ts).
 */
function subscribeTo(target: Target, topic: string): AsyncIterable<unknown> {
  return new Repeater<unknown>((push, stop) => {
    const listener = (event: Event) => void push((event as CustomEvent).detail ?? null);
    target.addEventListener(topic, listener);
    void stop.then(() => target.removeEventListener(topic, listener));
  }, new SlidingBuffer(SUBSCRIPTION_BUFFER));
}

/**
 * `onError` hears what a Redis outage causes (connection errors, publishes that could not be sent):
 * never thrown, so an outage cannot crash the process. A lost publish loses nothing for good: every
 * event is in the event log, and subscriptions fill the gap from there (event-stream.ts).
 */
export function createEventBus(redisUrl?: string, prefix = 'jiedai', onError: (error: unknown, what: string) => void = () => undefined): EventBusHandle {
  if (!redisUrl) {
    const target = new EventTarget();
    // Thousands of subscriptions listen here (a session watch per subscription): no leak warning.
    setMaxListeners(0, target);
    return {
      kind: 'memory',
      bus: {
        publish: (topic, payload) => void target.dispatchEvent(new CustomEvent(topic, { detail: payload ?? null })),
        subscribe: (topic) => subscribeTo(target, topic),
      },
      close: async () => undefined,
    };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // The subscriber's commands wait for the reconnect instead of failing (it resubscribes by itself).
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  publishClient.on('error', (error) => onError(error, 'redis (publish connection)'));
  subscribeClient.on('error', (error) => onError(error, 'redis (subscribe connection)'));
  // The event target ignores the promises of SUBSCRIBE and UNSUBSCRIBE too: handle them here.
  const subscriber = {
    on: (event: string, listener: (...args: unknown[]) => void) => {
      subscribeClient.on(event, listener);
      return subscriber;
    },
    subscribe: (channel: string) => subscribeClient.subscribe(channel).catch((error) => onError(error, 'redis subscribe')),
    unsubscribe: (channel: string) => subscribeClient.unsubscribe(channel).catch((error) => onError(error, 'redis unsubscribe')),
  };
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient: subscriber as unknown as Redis });
  return {
    kind: 'redis',
    bus: {
      // What the event target's dispatchEvent does (PUBLISH of the JSON), but with the promise handled:
      // the event target drops it, and a publish refused during an outage was an unhandled rejection.
      publish: (topic, payload) => {
        publishClient.publish(`${prefix}:${topic}`, JSON.stringify(payload ?? null)).catch((error) => onError(error, 'redis publish'));
      },
      subscribe: (topic) => subscribeTo(eventTarget, `${prefix}:${topic}`),
    },
    close: async () => {
      // A subscriber connection has nothing to flush: disconnect (QUIT could wait for Redis forever).
      subscribeClient.disconnect();
      await publishClient.quit().catch(() => undefined);
    },
  };
}
