// buildApp: the whole gateway (yoga over HTTP and SSE, graphql-ws on the same /graphql path, pino
// logs) without listening. main.ts listens; tests use `yoga.fetch` and the server on port 0.
// It composes three parts: the services (services.ts), the yoga instance with its context (yoga.ts)
// and the WebSocket attachment (websocket.ts); the HTTP server and the graceful shutdown are here.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Database } from '@jiedai/db';
import { buildSchemas, createPasswordHasher, WEBHOOK_DISPATCH_JOB, webhookDispatchJobKey, type AppServices } from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import { createAuthenticator } from './auth.ts';
import { createServices } from './services.ts';
import { openGatewayDatabase } from './database-setup.ts';
import { answerMetricsRequests, clusterMetrics, clusterWorker } from './cluster.ts';
import { createGatewayYoga, type GatewayYoga } from './yoga.ts';
import { attachWebSocket } from './websocket.ts';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from './jobs.ts';
import { withWebhookDispatch } from './webhooks.ts';
import { createLimiter, subscriptionFeeds } from './subscription-db.ts';
import { memoryCostBudget, redisCostBudget } from './cost-budget.ts';
import { createOriginPolicy } from './plugins/cors.ts';
import { createPersistedOperationStore } from './plugins/persisted-operations.ts';
import { createLogger } from './logger.ts';
import { countingEventBus, createMetrics, createMetricsServer, webhookQueueOf, type GatewayMetrics } from './metrics.ts';
import { handlePage, isPagePath } from './pages/index.ts';
import { startTracing, type Tracing } from './tracing.ts';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { EvidenceStore } from './evidence/store.ts';
import { configuredEvidenceStore } from './evidence/configured-store.ts';
import { noScanner, type EvidenceScanner } from './evidence/scan.ts';

export interface App {
  yoga: GatewayYoga;
  server: Server;
  db: Database;
  services: AppServices;
  log: Logger;
  metrics: GatewayMetrics;
  /** The internal metrics server (METRICS_PORT), not yet listening; none without METRICS_PORT. */
  metricsServer: Server | undefined;
  /** OpenTelemetry tracing (TRACING_ENABLED), none when off. */
  tracing: Tracing | undefined;
  /** The background job runner (none with JOBS_ENABLED=false). */
  jobs: JobRunner | undefined;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** An already open database (tests); otherwise opened from config. */
  db?: Database;
  logger?: Logger;
  services?: Partial<AppServices>;
  /** Tests: the job runner's graphile-worker schema and poll interval. */
  jobs?: Partial<Pick<JobRunnerOptions, 'schema' | 'pollIntervalMs'>>;
  /** Tests: where spans go (tracing on, whatever TRACING_ENABLED says). */
  spanProcessor?: SpanProcessor;
  /** Evidence files: another store (default: the filesystem under EVIDENCE_DIR) or a virus scanner (default: none). */
  evidence?: { store?: EvidenceStore; scanner?: EvidenceScanner };
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config);
  // First, so that the database's statements are traced from the start.
  const tracing = startTracing(config.tracing, options.spanProcessor ? { spanProcessor: options.spanProcessor } : {});
  const passwords = options.services?.passwords ?? createPasswordHasher();
  const db = options.db ?? (await openGatewayDatabase(config, log, passwords));

  const { services, guardRedis, close: closeServices } = await createServices(config, log, { ...options.services, passwords });
  // Webhooks: a commit with events queues its tenant's dispatch on the job runner (started below).
  let jobs: JobRunner | undefined;
  if (config.jobs.enabled) {
    services.events = withWebhookDispatch(
      services.events,
      (tenantId) => jobs?.addJob(WEBHOOK_DISPATCH_JOB, { tenantId }, { jobKey: webhookDispatchJobKey(tenantId) }),
      log,
    );
  }
  const schemas = buildSchemas();
  const authenticator = createAuthenticator(db.prisma, services.tokens);

  // Draining (from close()): /readyz answers 503, every response carries `Connection: close` (node
  // then closes its connection once the response is out), connections that fall idle are closed, and
  // whatever is still open when SHUTDOWN_GRACE_MS ends is cut. Responses in flight when draining
  // begins get the header too if theirs are not sent yet, so a client learns of it from any answer.
  let draining = false;
  let sockets = () => 0;
  // A worker of several gateway processes (cluster.ts): it says which in a response header and a metric,
  // and answers the primary's requests for its metrics (the primary serves their sum on METRICS_PORT).
  const worker = clusterWorker();
  const metrics = createMetrics({ poolStats: db.poolStats, sockets: () => sockets(), webhookQueue: webhookQueueOf(db), process: worker?.slot });
  const stopAnsweringMetrics = worker && answerMetricsRequests(metrics.registry);
  if (worker) metrics.exposition = () => clusterMetrics();
  const processHeader = worker && String(worker.slot);
  services.events = countingEventBus(services.events, metrics);
  // One feed per tenant and process for every subscription (event-feed.ts), its reads and every other
  // database work of subscriptions bounded below the pool (subscription-db.ts).
  const subscriptionDb = createLimiter(config.subscriptionDbConcurrency);
  services.eventFeeds = subscriptionFeeds(services.events, db, subscriptionDb, (error, what) => log.warn({ err: error }, `${what} failed`));
  const metricsServer = config.metrics.port === undefined ? undefined : createMetricsServer(metrics);
  const origins = createOriginPolicy(db.prisma, services.events, log);
  const persisted = createPersistedOperationStore(db.prisma, services.events, log);
  const fileStore = options.evidence?.store ?? (await configuredEvidenceStore(config));
  const yoga = createGatewayYoga({
    config,
    log,
    db,
    services,
    schemas,
    authenticator,
    redisPing: guardRedis && (async () => void (await guardRedis.ping())),
    draining: () => draining,
    origins,
    metrics,
    subscriptionDb,
    persisted,
    tracer: tracing?.tracer,
    evidence: { store: fileStore, scanner: options.evidence?.scanner ?? noScanner },
    costBudget: !config.rateLimit.enabled
      ? undefined
      : guardRedis
        ? redisCostBudget(guardRedis, config.redisPrefix, (error) => log.warn({ err: error }, 'cost budget in Redis failed: counting in this process'))
        : memoryCostBudget(),
  });
  const pages = { yoga, maxBodyBytes: config.maxBodyBytes };
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    if (processHeader) {
      res.setHeader('x-jiedai-process', processHeader);
      metrics.processRequests?.inc();
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response whose headers were out before draining began left its connection open: close it
      // now that it is idle (node closes those marked `Connection: close` itself).
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    // Hosted pages for people with no account (pages/index.ts); all else is GraphQL.
    if (isPagePath(req.url)) {
      handlePage(req, res, pages).then(
        (handled) => {
          if (!handled && !res.headersSent) res.writeHead(404).end();
        },
        (error) => {
          log.error({ err: error }, 'page failed');
          if (!res.headersSent) res.writeHead(500).end();
        },
      );
      return;
    }
    void yoga(req, res);
  });
  if (!config.jobs.enabled)
    log.warn(
      'background jobs are off (JOBS_ENABLED, or no MIGRATION_DATABASE_URL for the worker): no scheduled rounds or assessments, no webhook deliveries from this process',
    );
  jobs = config.jobs.enabled
    ? await startJobRunner({
        db,
        ownerUrl: config.database.ownerUrl ?? config.database.url,
        events: services.events,
        log,
        concurrency: config.jobs.concurrency,
        schema: config.jobs.schema,
        webhooks: config.webhooks,
        evidence: { store: fileStore, unattachedHours: config.evidence.unattachedHours },
        webhookAttempted: (attempt) => metrics.webhookAttempted(attempt),
        ...options.jobs,
      })
    : undefined;
  const webSocket = attachWebSocket({ server, yoga, db, config, log, authenticator, subscriptionDb, persisted });
  sockets = () => webSocket.wsServer.clients.size;

  let closing: Promise<void> | null = null;
  return {
    yoga,
    server,
    db,
    services,
    log,
    jobs,
    metrics,
    metricsServer,
    tracing,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        await jobs?.stop();
        await webSocket.close();
        if (server.listening) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          await closed;
          clearTimeout(timer);
        }
        await yoga.dispose();
        origins.close();
        persisted.close();
        fileStore.close?.();
        if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        await services.eventFeeds.close();
        await closeServices();
        if (!options.db) await db.close();
        stopAnsweringMetrics?.();
        await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'tracing shutdown failed'));
      })()),
  };
}
