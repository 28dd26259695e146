// `pnpm start`: reads the environment, opens the database (embedded when DATABASE_URL is unset),
// migrates, seeds the demo once, listens, and shuts down gracefully on SIGTERM/SIGINT. With more than one
// gateway process (GATEWAY_PROCESSES, config.ts) this is also the cluster's primary (cluster.ts), which
// migrates and seeds, then forks the workers; each worker runs this file again and serves.
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type GatewayConfig } from './config.ts';

let config: GatewayConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

if (config.processes.count > 1 && cluster.isPrimary) await runPrimary(config);
else await serve(config);

/** One gateway: the only process, or a worker of several. */
async function serve(given: GatewayConfig): Promise<void> {
  const { buildApp } = await import('./app.ts');
  // A worker: the primary migrated and seeded, and serves the metrics of all on METRICS_PORT.
  const worker = cluster.isWorker;
  const config: GatewayConfig = worker
    ? { ...given, database: { ...given.database, migrate: false }, seedDemo: false, metrics: { ...given.metrics, port: undefined } }
    : given;
  const app = await buildApp(config);
  if (!worker && config.env === 'production') app.log.info({ processes: 1 }, config.processes.reason);
  app.server.listen(config.port, config.host, () => {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    if (worker) app.log.info({ port }, 'gateway process ready');
    else
      app.log.info(
        { port, database: app.db.kind, migrations: app.db.migrations?.applied.length ?? 0 },
        `Jiedai gateway ready at http://localhost:${port}/graphql`,
      );
  });

  // Metrics on their own port (METRICS_PORT): keep it internal (not published by a load balancer).
  app.metricsServer?.listen(config.metrics.port, config.host, () => app.log.info({ port: config.metrics.port }, 'metrics at /metrics'));

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      app
        .close()
        .then(() => {
          app.log.info('stopped');
          process.exit(0);
        })
        .catch((error) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    });
  }
}

/** The primary of several gateway processes: migrations and the demo seed once, then the workers. */
async function runPrimary(config: GatewayConfig): Promise<void> {
  const { createLogger } = await import('./logger.ts');
  const { startPrimary } = await import('./cluster.ts');
  const log = createLogger(config).child({ process: 'primary', pid: process.pid });
  log.info({ processes: config.processes.count }, config.processes.reason);
  if (config.database.migrate || config.seedDemo) {
    const { openGatewayDatabase } = await import('./database-setup.ts');
    const { createPasswordHasher } = await import('@jiedai/schema');
    const db = await openGatewayDatabase(config, log, createPasswordHasher());
    log.info({ migrations: db.migrations?.applied.length ?? 0 }, 'database ready');
    await db.close();
  }
  const primary = startPrimary({
    processes: config.processes.count,
    log,
    shutdownGraceMs: config.shutdownGraceMs,
    metrics: config.metrics.port === undefined ? undefined : { port: config.metrics.port, host: config.host },
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log.info({ signal }, 'shutting down: stopping every gateway process');
      void primary.stop(signal);
    });
  }
  primary.ready.then(
    () => {
      const port = primary.port() ?? config.port;
      log.info({ port, processes: config.processes.count }, `Jiedai gateway ready at http://localhost:${port}/graphql`);
    },
    () => undefined,
  );
  const code = await primary.done;
  log.info({ code }, 'stopped');
  process.exit(code);
}
