// The event bus behind subscriptions. One process: in memory. With REDIS_URL: Redis pub/sub
// (@graphql-yoga/redis-event-target), so an event published by one gateway process reaches the
// subscribers of every other. Events are published only after their transaction commits.
import { createPubSub } from 'graphql-yoga';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { EventBus } from '@jiedai/schema';

export interface EventBusHandle {
  bus: EventBus;
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

export function createEventBus(redisUrl?: string, prefix = 'jiedai'): EventBusHandle {
  if (!redisUrl) {
    const pubsub = createPubSub();
    return {
      kind: 'memory',
      bus: { publish: (topic, payload) => pubsub.publish(topic, payload), subscribe: (topic) => pubsub.subscribe(topic) },
      close: async () => undefined,
    };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false });
  const pubsub = createPubSub({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return {
    kind: 'redis',
    bus: {
      publish: (topic, payload) => pubsub.publish(`${prefix}:${topic}`, payload),
      subscribe: (topic) => pubsub.subscribe(`${prefix}:${topic}`),
    },
    close: async () => {
      await Promise.all([publishClient.quit().catch(() => undefined), subscribeClient.quit().catch(() => undefined)]);
    },
  };
}
