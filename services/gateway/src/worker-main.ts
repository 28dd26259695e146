// `pnpm worker`: runs the job queue and the schedule (worker.ts) until SIGTERM/SIGINT, then lets the
// running jobs finish and exits. Configuration as the gateway's (config.ts); JOBS_ENABLED is not read.
import { ConfigError, loadConfig } from './config.ts';
import { startWorker, WorkerConfigError } from './worker.ts';

let worker: Awaited<ReturnType<typeof startWorker>>;
try {
  worker = await startWorker(loadConfig());
} catch (error) {
  if (error instanceof ConfigError || error instanceof WorkerConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
worker.log.info({ runner: worker.jobs.kind, migrations: worker.db.migrations?.applied.length ?? 0 }, 'Jiedai worker ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    worker.log.info({ signal }, 'worker shutting down: finishing running jobs');
    worker
      .close()
      .then(() => {
        worker.log.info('worker stopped');
        process.exit(0);
      })
      .catch((error) => {
        worker.log.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      });
  });
}
