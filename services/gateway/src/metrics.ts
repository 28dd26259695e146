// Prometheus metrics (prom-client), one registry per gateway: operations by name, type and outcome, their
// latency, open subscriptions and sockets, events published, operations refused for cost, the database
// pool, webhooks (attempts by outcome, failures by reason, attempt latency, queue depth), and Node's own
// (memory, event loop, GC). Served at GET /metrics with METRICS_TOKEN as a bearer
// token, and/or on METRICS_PORT (an internal port: no token there). Neither set: no /metrics at all.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '@jiedai/db';
import type { EventBus, WebhookAttemptReport } from '@jiedai/schema';

/** Distinct operation names kept as label values; later names count as "(other)" (clients choose names). */
const MAX_OPERATION_NAMES = 500;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Event types are the code's own (visit.created …): bounded, but checked anyway. */
const EVENT_TYPE = /^[A-Za-z0-9_.:-]{1,64}$/;

export interface GatewayMetrics {
  registry: Registry;
  operations: Counter<'operation' | 'type' | 'outcome'>;
  duration: Histogram<'operation' | 'type'>;
  subscriptions: Gauge;
  eventsPublished: Counter<'type'>;
  /**
   * What GET /metrics on the main port serves: this registry, or, in a worker of several processes (app.ts), the
   * sum over all of them that the primary makes (a scrape landing on either worker must see the same counters).
   */
  exposition: () => Promise<{ text: string; contentType: string }>;
  /** Requests served by this process, one of several (GATEWAY_PROCESSES > 1): labelled with its slot. */
  processRequests: Counter.Internal | undefined;
  /** Counts a webhook attempt (the job runner's `webhookAttempted`). */
  webhookAttempted(attempt: WebhookAttemptReport): void;
  /** A label value for a client's operation name (bounded). */
  operationLabel(name: string | null | undefined): string;
}

export interface MetricsSources {
  poolStats?: (() => { total: number; idle: number; waiting: number }) | undefined;
  /** Open WebSockets (set once they are attached). */
  sockets?: () => number;
  /** Open webhook deliveries of every tenant (webhook_queue_depth(), 0025), read at each scrape. */
  webhookQueue?: (() => Promise<{ status: string; deliveries: number; oldestSeconds: number }[]>) | undefined;
  /** This process's slot when it is one of several (cluster.ts). */
  process?: number | undefined;
}

/** Why an attempt failed, as a bounded label: the receiver's status class, a time-out, or no connection. */
export function failureReason(attempt: Pick<WebhookAttemptReport, 'status' | 'error'>): string {
  if (attempt.status !== null) return `http_${Math.floor(attempt.status / 100)}xx`;
  if (attempt.error && /time(d)?[ -]?out|aborted/i.test(attempt.error)) return 'timeout';
  if (attempt.error && /refused|not allowed|private|SSRF/i.test(attempt.error)) return 'target_refused';
  return 'connection';
}

export function createMetrics(sources: MetricsSources): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>();
  const operations = new Counter({
    name: 'jiedai_graphql_operations_total',
    help: 'GraphQL operations executed, by operation name, type and outcome (ok, or the first error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'jiedai_graphql_operation_duration_seconds',
    help: 'Time from execution start to result (transaction included), by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const subscriptions = new Gauge({ name: 'jiedai_graphql_subscriptions_open', help: 'Subscriptions open now', registers: [registry] });
  const eventsPublished = new Counter({
    name: 'jiedai_events_published_total',
    help: 'Events published to subscribers after commit, by event type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'jiedai_websocket_connections',
    help: 'WebSocket connections open now',
    registers: [registry],
    collect() {
      this.set(sources.sockets?.() ?? 0);
    },
  });
  const webhookDeliveries = new Counter({
    name: 'jiedai_webhook_deliveries_total',
    help: 'Webhook attempts by what became of the delivery: delivered, retry (failed, tried again later), disabled (failed, endpoint disabled), gone',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const webhookFailures = new Counter({
    name: 'jiedai_webhook_delivery_failures_total',
    help: 'Failed webhook attempts by reason: http_4xx, http_5xx (any non-2xx status class), timeout, connection, target_refused',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const webhookLatency = new Histogram({
    name: 'jiedai_webhook_attempt_duration_seconds',
    help: 'Time of a webhook attempt, from connecting to the answer (or failure)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // HTTP requests by gateway process (WebSocket messages not included): only with several processes, where
  // the primary sums every other metric over them (AggregatorRegistry) and this one keeps them apart.
  const processRequests =
    sources.process === undefined
      ? undefined
      : new Counter({
          name: 'jiedai_gateway_process_requests_total',
          help: 'HTTP requests served, by gateway process (its slot, 1 to GATEWAY_PROCESSES)',
          labelNames: ['process'] as const,
          registers: [registry],
        }).labels({ process: String(sources.process) });
  for (const outcome of ['delivered', 'retry', 'disabled', 'gone']) webhookDeliveries.inc({ outcome }, 0);
  if (sources.webhookQueue) {
    const read = sources.webhookQueue;
    // One read per scrape for both gauges: prom-client collects them in the order registered, the depth
    // first (it reads), then the age (it takes that read, or reads itself when collected alone).
    let lastRead: Promise<{ status: string; deliveries: number; oldestSeconds: number }[]> | undefined;
    new Gauge({
      name: 'jiedai_webhook_queue_depth',
      help: 'Webhook deliveries waiting to be sent, by status (PENDING, RETRYING), over every tenant',
      labelNames: ['status'] as const,
      registers: [registry],
      // Every process reads the same database-wide figure: several processes' metrics take it once, not summed.
      aggregator: 'max',
      async collect() {
        lastRead = read().catch(() => []);
        for (const row of await lastRead) this.set({ status: row.status.toLowerCase() }, row.deliveries);
      },
    });
    new Gauge({
      name: 'jiedai_webhook_queue_oldest_seconds',
      help: 'Age of the oldest webhook delivery waiting to be sent (0: none waiting)',
      registers: [registry],
      aggregator: 'max',
      async collect() {
        const all = await (lastRead ?? read().catch(() => []));
        lastRead = undefined;
        this.set(all.some((r) => r.deliveries > 0) ? Math.max(...all.map((r) => r.oldestSeconds)) : 0);
      },
    });
  }
  if (sources.poolStats) {
    const stats = sources.poolStats;
    new Gauge({
      name: 'jiedai_db_pool_connections',
      help: 'Database pool connections: total open, idle, and operations waiting for one',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const s = stats();
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    });
  }
  return {
    registry,
    exposition: async () => ({ text: await registry.metrics(), contentType: registry.contentType }),
    operations,
    duration,
    subscriptions,
    eventsPublished,
    processRequests,
    webhookAttempted(attempt) {
      webhookDeliveries.inc({ outcome: attempt.outcome });
      webhookLatency.observe(attempt.latencyMs / 1000);
      if (attempt.outcome === 'retry' || attempt.outcome === 'disabled') webhookFailures.inc({ reason: failureReason(attempt) });
    },
    operationLabel(name) {
      if (!name) return '(anonymous)';
      if (names.has(name)) return name;
      if (!NAME.test(name) || names.size >= MAX_OPERATION_NAMES) return '(other)';
      names.add(name);
      return name;
    },
  };
}

/** The event bus, counting what is published. */
export function countingEventBus(bus: EventBus, metrics: GatewayMetrics): EventBus {
  return {
    publish(topic, payload) {
      const type = (payload as { type?: unknown } | null)?.type;
      metrics.eventsPublished.inc({ type: typeof type === 'string' && EVENT_TYPE.test(type) ? type : 'other' });
      bus.publish(topic, payload);
    },
    subscribe: (topic) => bus.subscribe(topic),
  };
}

/** Operations and subscriptions; first in the chain after the guards, so refusals before execution count too. */
export function useMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const operation = metrics.operationLabel(args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value);
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      return {
        onExecuteDone({ result }) {
          const errors = (result as ExecutionResult).errors;
          const code = errors?.length ? errors[0]!.extensions?.code : undefined;
          const outcome = !errors?.length ? 'ok' : typeof code === 'string' ? code : 'ERROR';
          metrics.operations.inc({ operation, type, outcome });
          metrics.duration.observe({ operation, type }, (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const operation = metrics.operationLabel(args.operationName ?? getOperationAST(args.document, args.operationName)?.name?.value);
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in (result as object))) {
            const errors = (result as ExecutionResult).errors;
            const code = errors?.[0]?.extensions?.code;
            metrics.operations.inc({ operation, type: 'subscription', outcome: typeof code === 'string' ? code : 'ERROR' });
            return undefined;
          }
          metrics.operations.inc({ operation, type: 'subscription', outcome: 'ok' });
          metrics.subscriptions.inc();
          return { onEnd: () => metrics.subscriptions.dec() };
        },
      };
    },
  };
}

/** The open deliveries of every tenant, through the SECURITY DEFINER webhook_queue_depth() (the app role sees no other tenant). */
export const webhookQueueOf = (db: Database) => async () =>
  (
    await db.prisma.$queryRaw<
      { status: string; deliveries: bigint; oldest_seconds: number }[]
    >`SELECT status, deliveries, oldest_seconds FROM webhook_queue_depth()`
  ).map((r) => ({ status: r.status, deliveries: Number(r.deliveries), oldestSeconds: Number(r.oldest_seconds) }));

const sha256 = (text: string) => createHash('sha256').update(text).digest();

async function exposition(metrics: GatewayMetrics): Promise<Response> {
  try {
    const { text, contentType } = await metrics.exposition();
    return new Response(text, { status: 200, headers: { 'content-type': contentType } });
  } catch {
    return new Response('Metrics unavailable\n', { status: 503, headers: { 'content-type': 'text/plain' } });
  }
}

/**
 * GET /metrics on the main port, only with `Authorization: Bearer <METRICS_TOKEN>` (compared in constant
 * time); before authentication, so the metrics token is never taken for an API credential. Without a token
 * configured the path is not served here (404, as any unknown path).
 */
export function useMetricsEndpoint(metrics: GatewayMetrics, token: string | undefined): Plugin {
  const expected = token ? sha256(token) : undefined;
  return {
    async onRequest({ url, request, endResponse }) {
      if (url.pathname !== '/metrics' || !expected) return;
      const given = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      if (!given || !timingSafeEqual(sha256(given), expected)) {
        return endResponse(
          new Response('Unauthorized\n', { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' } }),
        );
      }
      endResponse(await exposition(metrics));
    },
  };
}

/** The internal metrics server (METRICS_PORT): GET /metrics, nothing else; not listening until main.ts says so. */
export function createMetricsServer(metrics: GatewayMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
}
