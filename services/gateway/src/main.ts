// `pnpm start`: reads the environment, opens the database (embedded when DATABASE_URL is unset),
// migrates, seeds the demo once, listens, and shuts down gracefully on SIGTERM/SIGINT.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const app = await buildApp(config);
app.server.listen(config.port, config.host, () => {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.log.info({ port, database: app.db.kind, migrations: app.db.migrations?.applied.length ?? 0 }, `Jiedai gateway ready at http://localhost:${port}/graphql`);
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
