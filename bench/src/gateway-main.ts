// The gateway as services/gateway/src/main.ts starts it (same config from the environment, same
// buildApp), with one addition for the benchmark: the database is opened with `onStatement`, which
// counts every SQL statement the process sends, so that run.ts can report statements per request
// and per fan-out event from the live run, and the event loop's delay (asked over IPC:
// {type:'statements'} → {count, eventLogReads, loopDelay}).
//
// With GATEWAY_PROCESSES > 1 this process is the cluster's primary, as main.ts's (cluster.ts: startPrimary):
// it forks the workers (this file again), and answers the statement question with the sum over them.
import cluster from 'node:cluster';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDatabase } from '@jiedai/db';
import { buildApp, createLogger, loadConfig, startPrimary } from '@jiedai/gateway';

const config = loadConfig();
if (config.processes.count > 1 && cluster.isPrimary) await runPrimary();

async function runPrimary(): Promise<never> {
  const log = createLogger(config).child({ process: 'primary' });
  const primary = startPrimary({ processes: config.processes.count, log, shutdownGraceMs: config.shutdownGraceMs });
  primary.ready.then(() => {
    log.info({ port: config.port, processes: config.processes.count }, 'bench gateway ready');
    process.send?.({ type: 'ready' });
  });
  process.on('message', (msg: { type?: string }) => {
    if (msg?.type !== 'statements') return;
    const workers = [...primary.workers().values()];
    Promise.all(
      workers.map(
        (worker) =>
          new Promise<{ count: number; eventLogReads: number; loopDelay: { p50_ms: number; p99_ms: number; max_ms: number } }>((resolve) => {
            const on = (reply: { type?: string }) => {
              if (reply?.type !== 'statements') return;
              worker.off('message', on);
              resolve(reply as never);
            };
            worker.on('message', on);
            worker.send({ type: 'statements' });
          }),
      ),
    ).then((replies) =>
      process.send?.({
        type: 'statements',
        count: replies.reduce((s, r) => s + r.count, 0),
        eventLogReads: replies.reduce((s, r) => s + r.eventLogReads, 0),
        // The worst of the workers.
        loopDelay: {
          p50_ms: Math.max(...replies.map((r) => r.loopDelay.p50_ms)),
          p99_ms: Math.max(...replies.map((r) => r.loopDelay.p99_ms)),
          max_ms: Math.max(...replies.map((r) => r.loopDelay.max_ms)),
        },
      }),
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void primary.stop(signal));
  process.exit(await primary.done);
}
let statements = 0;
/** Reads of the event log by subscriptions (eventsAfter: the replay, gap filling and the quiet poll). */
let eventLogReads = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const db = await openDatabase({
  url: config.database.url,
  ownerUrl: config.database.ownerUrl,
  poolSize: config.database.poolSize,
  poolWaitMs: config.database.poolWaitMs,
  migrate: config.database.migrate,
  onStatement: (sql) => {
    statements++;
    if (sql.includes('FROM event_log WHERE tenant_id = app_tenant_id() AND seq >')) eventLogReads++;
  },
});
const app = await buildApp(config, { db });
app.server.listen(config.port, config.host, () => app.log.info({ port: config.port }, 'bench gateway ready'));

process.on('message', (msg: { type?: string }) => {
  if (msg?.type !== 'statements') return;
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  process.send?.({
    type: 'statements',
    count: statements,
    eventLogReads,
    // Since the previous question: how late the event loop ran its callbacks (p50, p99, max).
    loopDelay: { p50_ms: ms(loop.percentile(50)), p99_ms: ms(loop.percentile(99)), max_ms: ms(loop.max) },
  });
  loop.reset();
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
