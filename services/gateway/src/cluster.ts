// Several gateway processes on one port (GATEWAY_PROCESSES > 1), with node:cluster: the primary process
// migrates and seeds once (database-setup.ts), then forks the workers, each a whole gateway (buildApp) with
// migrations and the seed off, sharing the port (the primary hands connections out round-robin). Every
// worker also runs the job queue (graphile-worker is safe with many runners, so a crashed worker stops
// no schedule and every worker can queue webhook dispatches; each runner holds JOBS_CONCURRENCY + 3
// connections: set JOBS_ENABLED=false and run `pnpm worker` to keep them out of the gateways). Whatever
// must be shared goes through Redis (config.ts says what, and refuses more than one process without it).
//
// The primary: replaces a worker that dies (logged, with a growing delay); stops with exit code 1 when one
// keeps dying before it listens, instead of looping; on SIGTERM/SIGINT forwards the signal, waits for the
// workers to drain (app.close()) and exits 0 when all exited cleanly. With METRICS_PORT it serves the sum
// of the workers' metrics (prom-client's AggregatorRegistry), the workers serve none on that port; a
// worker's /metrics on the main port (METRICS_TOKEN) asks the primary for the same sum.
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** The worker's slot (1 … N), kept by its replacement: in the workers' logs, metrics and answers. */
const SLOT_ENV = 'JIEDAI_GATEWAY_PROCESS';
const METRICS_REQUEST = 'jiedai:metrics-request';
const METRICS_RESPONSE = 'jiedai:metrics-response';
/** A worker asks the primary for the sum (its /metrics on the main port, METRICS_TOKEN). */
const AGGREGATE_REQUEST = 'jiedai:metrics-aggregate-request';
const AGGREGATE_RESPONSE = 'jiedai:metrics-aggregate-response';

/** In a cluster worker: its slot and pid; undefined in a single process (and in the primary). */
export function clusterWorker(): { slot: number; pid: number } | undefined {
  if (!cluster.isWorker) return undefined;
  const slot = Number(process.env[SLOT_ENV]);
  return Number.isInteger(slot) && slot > 0 ? { slot, pid: process.pid } : undefined;
}

/**
 * In a worker: answers the primary's metrics requests with this registry's metrics as JSON (what
 * AggregatorRegistry.aggregate sums). prom-client's own worker listener is not used: it is added only
 * once the registry exists, and the primary would wait for a worker still starting; the primary asks
 * only the workers that listen.
 */
export function answerMetricsRequests(registry: Registry): () => void {
  const on = (message: { type?: string; id?: number } | null) => {
    if (message?.type !== METRICS_REQUEST) return;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: METRICS_RESPONSE, id: message.id, metrics }),
      (error: unknown) => process.send?.({ type: METRICS_RESPONSE, id: message.id, error: String(error) }),
    );
  };
  process.on('message', on);
  return () => process.off('message', on);
}

let nextAggregate = 0;

/** In a worker: the metrics of every process of the cluster, summed by the primary (what METRICS_PORT serves). */
export function clusterMetrics(timeoutMs = 10_000): Promise<{ text: string; contentType: string }> {
  const id = nextAggregate++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the primary sent no metrics')), timeoutMs);
    const finish = (error: Error | null, value?: { text: string; contentType: string }) => {
      clearTimeout(timer);
      process.off('message', on);
      if (error) reject(error);
      else resolve(value!);
    };
    const on = (message: { type?: string; id?: number; text?: string; contentType?: string; error?: string } | null) => {
      if (message?.type !== AGGREGATE_RESPONSE || message.id !== id) return;
      finish(message.error ? new Error(message.error) : null, { text: message.text ?? '', contentType: message.contentType ?? '' });
    };
    process.on('message', on);
    process.send?.({ type: AGGREGATE_REQUEST, id });
  });
}

export interface RestartPolicy {
  /** Delay before replacing a worker that died; doubled for each further death of the same slot … */
  firstDelayMs: number;
  /** … up to this. */
  maxDelayMs: number;
  /** A worker up this long has its slot's count of deaths reset. */
  stableAfterMs: number;
  /** Deaths in a row before listening after which the primary gives up (exit code 1). */
  maxStartFailures: number;
}

export const DEFAULT_RESTART: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 30_000, maxStartFailures: 3 };

export interface PrimaryOptions {
  processes: number;
  log: Logger;
  /** The workers' SHUTDOWN_GRACE_MS: after a signal, workers still running this long (plus 15 s) are killed. */
  shutdownGraceMs: number;
  /** The aggregated metrics on this port (METRICS_PORT). */
  metrics?: { port: number; host: string } | undefined;
  restart?: Partial<RestartPolicy>;
  /** What each worker runs (cluster.setupPrimary): by default this process's own script and node flags. */
  exec?: { file: string; execArgv?: string[] };
  /** Added to the workers' environment. */
  env?: Record<string, string>;
}

export interface Primary {
  /** Every worker listens (first start); rejected if the primary gives up before. */
  ready: Promise<void>;
  /** The exit code once stopped: 0 when every worker exited cleanly, else 1 (or a worker kept failing at start). */
  done: Promise<number>;
  /** The live workers by slot. */
  workers(): ReadonlyMap<number, Worker>;
  /** The port the workers listen on (PORT=0: the one chosen), once one listens. */
  port(): number | undefined;
  /** The metrics of every listening worker, summed (AggregatorRegistry.aggregate). */
  metrics(): Promise<Registry>;
  /** Forwards the signal to every worker and waits for them; resolves with the exit code (as `done`). */
  stop(signal?: NodeJS.Signals): Promise<number>;
  metricsServer: Server | undefined;
}

export function startPrimary(options: PrimaryOptions): Primary {
  const policy = { ...DEFAULT_RESTART, ...options.restart };
  const { log } = options;
  const bySlot = new Map<number, Worker>();
  const listening = new Set<Worker>();
  const deaths = new Map<number, number>();
  const startFailures = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();
  const waitingFirst = new Set<number>();
  let stopping: Promise<number> | undefined;
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));

  const fork = (slot: number) => {
    const worker = cluster.fork({ ...options.env, [SLOT_ENV]: String(slot) });
    const pid = worker.process.pid;
    worker.on('message', (message: { type?: string; id?: number } | null) => {
      if (message?.type !== AGGREGATE_REQUEST) return;
      metrics()
        .then(async (registry) => ({ text: await registry.metrics(), contentType: registry.contentType }))
        .then(
          (result) => worker.isConnected() && worker.send({ type: AGGREGATE_RESPONSE, id: message.id, ...result }),
          (error: unknown) => worker.isConnected() && worker.send({ type: AGGREGATE_RESPONSE, id: message.id, error: String(error) }),
        );
    });
    bySlot.set(slot, worker);
    log.info({ slot, workerPid: pid }, 'gateway process started');
    let stable: NodeJS.Timeout | undefined;
    worker.once('listening', (address) => {
      listening.add(worker);
      port ??= address.port;
      startFailures.set(slot, 0);
      log.info({ slot, workerPid: pid }, 'gateway process listening');
      stable = setTimeout(() => deaths.set(slot, 0), policy.stableAfterMs);
      stable.unref();
      waitingFirst.delete(slot);
      if (waitingFirst.size === 0) resolveReady();
    });
    worker.once('exit', (code, signal) => {
      clearTimeout(stable);
      const wasListening = listening.delete(worker);
      if (bySlot.get(slot) === worker) bySlot.delete(slot);
      if (stopping) {
        log.info({ slot, workerPid: pid, code, signal }, 'gateway process stopped');
        return;
      }
      const failures = wasListening ? 0 : (startFailures.get(slot) ?? 0) + 1;
      startFailures.set(slot, failures);
      if (failures >= policy.maxStartFailures) {
        log.fatal({ slot, workerPid: pid, code, signal, failures }, 'a gateway process keeps failing before it listens: stopping');
        rejectReady(new Error(`gateway process ${slot} failed ${failures} times before listening`));
        void stop('SIGTERM', true);
        return;
      }
      const n = (deaths.get(slot) ?? 0) + 1;
      deaths.set(slot, n);
      const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (n - 1));
      log.error({ slot, workerPid: pid, code, signal, restartInMs: delay }, 'gateway process exited unexpectedly: replacing it');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) fork(slot);
      }, delay);
      timers.add(timer);
    });
  };

  let port: number | undefined;
  let nextRequest = 0;
  const metrics = async (): Promise<Registry> => {
    const workers = [...listening].filter((w) => w.isConnected());
    const id = nextRequest++;
    const answers = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<unknown[]>((resolve, reject) => {
            const timer = setTimeout(() => finish(new Error(`gateway process ${worker.process.pid} sent no metrics within 5 s`)), 5_000);
            const finish = (error: Error | null, metrics?: unknown[]) => {
              clearTimeout(timer);
              worker.off('message', on);
              worker.off('exit', gone);
              if (error) reject(error);
              else resolve(metrics!);
            };
            const on = (message: { type?: string; id?: number; metrics?: unknown[]; error?: string }) => {
              if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
              finish(message.error ? new Error(message.error) : null, message.metrics ?? []);
            };
            const gone = () => finish(new Error(`gateway process ${worker.process.pid} exited`));
            worker.on('message', on);
            worker.once('exit', gone);
            worker.send({ type: METRICS_REQUEST, id });
          }),
      ),
    );
    return AggregatorRegistry.aggregate(answers as Parameters<typeof AggregatorRegistry.aggregate>[0]);
  };

  const metricsServer = options.metrics
    ? createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404).end();
          return;
        }
        metrics()
          .then(async (registry) => res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics()))
          .catch((error: unknown) => {
            log.warn({ err: error }, 'aggregated metrics failed');
            res.writeHead(503).end();
          });
      })
    : undefined;
  if (metricsServer && options.metrics) {
    const { port, host } = options.metrics;
    metricsServer.listen(port, host, () => log.info({ port }, 'metrics of every gateway process at /metrics'));
  }

  const stop = (signal: NodeJS.Signals = 'SIGTERM', failed = false): Promise<number> =>
    (stopping ??= (async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      // Clean: exited with 0 after draining; or, not listening yet (nothing to drain), ended by this very signal.
      const exits = live.map((worker) => {
        const started = listening.has(worker);
        return new Promise<boolean>((resolve) => worker.once('exit', (code, by) => resolve(code === 0 || (!started && by === signal))));
      });
      for (const worker of live) worker.process.kill(signal);
      const kill = setTimeout(() => {
        for (const worker of live) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, options.shutdownGraceMs + 15_000);
      const clean = await Promise.all(exits);
      clearTimeout(kill);
      if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      const code = failed || clean.includes(false) ? 1 : 0;
      resolveDone(code);
      return code;
    })());

  if (options.exec) cluster.setupPrimary({ exec: options.exec.file, ...(options.exec.execArgv ? { execArgv: options.exec.execArgv } : {}) });
  for (let slot = 1; slot <= options.processes; slot++) {
    waitingFirst.add(slot);
    fork(slot);
  }
  return { ready, done, workers: () => bySlot, port: () => port, metrics, stop, metricsServer };
}
