// The worker: a process that runs the background jobs and scheduled work (jobs.ts) and serves nothing,
// so that gateways can run with JOBS_ENABLED=false as the app role alone (compose's `worker` service).
// It needs PostgreSQL and the owner connection (MIGRATION_DATABASE_URL, else DATABASE_URL must be the
// owner): graphile-worker keeps its queue in its own schema and the tenants are listed as the owner; the
// tenant work itself runs in tenant transactions as the app role under row-level security, as in a
// gateway. Events the jobs append are published on the event bus: with REDIS_URL the gateways' live
// subscribers receive them at once (without it they are in event_log, replayed from a client's cursor).
// Several workers (and gateways with jobs on) may run side by side: each scheduled run happens once.
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '@jiedai/db';
import type { GatewayConfig } from './config.ts';
import { createEventBus } from './events.ts';
import { startJobRunner, type JobRunner } from './jobs.ts';
import { configuredEvidenceStore } from './evidence/configured-store.ts';
import { createMetrics, createMetricsServer, webhookQueueOf, type GatewayMetrics } from './metrics.ts';

export interface Worker {
  db: Database;
  jobs: JobRunner;
  log: Logger;
  metrics: GatewayMetrics;
  /** METRICS_PORT's server, listening once started. */
  metricsServer: Server | undefined;
  close(): Promise<void>;
}

export class WorkerConfigError extends Error {}

export async function startWorker(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<Worker> {
  if (!config.database.url) {
    throw new WorkerConfigError('The worker needs PostgreSQL (DATABASE_URL; the embedded database runs its jobs inside `pnpm start`).');
  }
  const log = options.logger ?? pino({ level: config.logLevel, base: { service: 'jiedai-worker' } });
  // Migrations as configured (MIGRATE_ON_START), as a gateway would; never the demo seed.
  const db = await openDatabase({ ...config.database, poolSize: Math.min(config.database.poolSize, config.jobs.concurrency + 2) });
  const bus = createEventBus(config.redisUrl, config.redisPrefix, (error, what) => log.warn({ err: error }, `${what} failed`));
  const ownerUrl = config.database.ownerUrl ?? config.database.url;
  // METRICS_PORT: the worker's own /metrics (webhook attempts happen here when gateways run without jobs).
  const metrics = createMetrics({ poolStats: db.poolStats, webhookQueue: webhookQueueOf(db) });
  const metricsServer = config.metrics.port === undefined ? undefined : createMetricsServer(metrics);
  // The evidence cleanup removes files from the gateways' store: the same EVIDENCE_DIR volume or bucket.
  const fileStore = await configuredEvidenceStore(config);
  let jobs: JobRunner;
  try {
    jobs = await startJobRunner({
      db,
      ownerUrl,
      events: bus.bus,
      log,
      concurrency: config.jobs.concurrency,
      schema: config.jobs.schema,
      // The same webhook rules as a gateway's job runner (WEBHOOKS_*), and its metrics on METRICS_PORT.
      webhooks: config.webhooks,
      evidence: { store: fileStore, unattachedHours: config.evidence.unattachedHours },
      webhookAttempted: (attempt) => metrics.webhookAttempted(attempt),
    });
  } catch (error) {
    fileStore.close?.();
    await bus.close().catch(() => undefined);
    await db.close();
    throw error;
  }
  if (metricsServer) {
    try {
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject);
        metricsServer.listen(config.metrics.port, config.host, () => resolve());
      });
    } catch (error) {
      await jobs.stop();
      fileStore.close?.();
      await bus.close().catch(() => undefined);
      await db.close();
      throw error;
    }
    log.info({ port: config.metrics.port }, 'metrics at /metrics');
  }
  let closing: Promise<void> | undefined;
  return {
    db,
    jobs,
    log,
    metrics,
    metricsServer,
    close: () =>
      (closing ??= (async () => {
        await jobs.stop();
        fileStore.close?.();
        if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        await bus.close().catch(() => undefined);
        await db.close();
      })()),
  };
}
