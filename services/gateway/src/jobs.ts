// Runs the application's background jobs and scheduled work (packages/schema shared/jobs.ts: modules and
// kinds register them; this file only runs them).
//
// On PostgreSQL: graphile-worker (a job queue in the database, schema `graphile_worker`). Its crontab runs
// each (cron identifier, scheduled minute) exactly once whichever of several gateway processes gets there
// first — the claim is a row in graphile-worker's known_crontabs table — and at start it backfills the runs
// missed while no process was up (per cron item, `backfillHours`). Queued jobs live in the database, so they
// survive restarts and are retried with backoff when they fail. The worker connects with the owner URL
// (MIGRATION_DATABASE_URL, else DATABASE_URL): it creates and migrates its own schema, and reads the
// tenant list (the app role cannot). Tenant work is done through the app's own tenant transaction as the
// app role, under row-level security (JobContext.inTenant).
//
// On the embedded database (PGlite) graphile-worker cannot run: it needs several connections and
// LISTEN/NOTIFY, and PGlite serves one connection in this process. There the same cron items run in-process:
// a timer checks each minute which items match (graphile-worker's own crontab matcher), items with a
// backfill run once at start, queued jobs run in this process and are NOT kept across restarts. Only one
// process can open an embedded database, so "once" holds there too; the jobs themselves are idempotent.
import { Logger as WorkerLogger, parseCronItems, run, type Runner, type TaskList, type JobHelpers } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Database, Role, TenantKind } from '@jiedai/db';
import {
  allJobs,
  appendEvents,
  systemAccess,
  tenantEventsTopic,
  type EventBus,
  type JobContext,
  type JobDefinition,
  type JobTenant,
  type CronDefinition,
  type NewEvent,
  type WebhookSettings,
  type EvidenceCleanupSettings,
} from '@jiedai/schema';

export interface JobRunnerOptions {
  db: Database;
  /** Owner connection (PostgreSQL); none on the embedded database. */
  ownerUrl?: string | undefined;
  events: EventBus;
  log: Logger;
  concurrency?: number;
  /** How often an idle worker looks for jobs due later (ms; new jobs arrive by LISTEN/NOTIFY at once). */
  pollIntervalMs?: number;
  /** Tests: other jobs and cron items than the registered ones. */
  definitions?: { jobs: Map<string, JobDefinition>; cron: CronDefinition[] };
  /** Tests: graphile-worker's schema (default graphile_worker). */
  schema?: string;
  /** Webhook targets and delivery limits (config.ts), handed to the webhook jobs. */
  webhooks?: WebhookSettings;
  /** The evidence file store and EVIDENCE_UNATTACHED_HOURS, handed to the evidence cleanup job. */
  evidence?: EvidenceCleanupSettings;
  /** Tests: sees each graphile-worker runner started (the first, and any started after one stopped by itself). */
  onRunnerStarted?: (runner: Runner) => void;
  /** Told of every webhook attempt (metrics.ts). */
  webhookAttempted?: JobContext['webhookAttempted'];
}

export interface JobRunner {
  readonly kind: 'graphile-worker' | 'in-process';
  addJob(name: string, payload: Record<string, unknown>, options?: { runAt?: Date; jobKey?: string }): Promise<void>;
  stop(): Promise<void>;
}

const TENANTS_SQL = 'SELECT id, kind::text AS kind, time_zone FROM tenants WHERE $1::text[] IS NULL OR kind::text = ANY ($1::text[]) ORDER BY created_at, id';

type TenantQuery = (kinds: readonly TenantKind[] | undefined) => Promise<JobTenant[]>;

/** The tenants, read as the owner (the app role cannot list them). */
const tenantQuery =
  (db: Database): TenantQuery =>
  async (kinds) =>
    (await db.ownerQuery<{ id: string; kind: TenantKind; time_zone: string }>(TENANTS_SQL, [kinds ? [...kinds] : null])).map((r) => ({
      id: r.id,
      kind: r.kind,
      timeZone: r.time_zone,
    }));

function jobContext(options: JobRunnerOptions, base: { now: Date; jobId: string; tenants: TenantQuery; addJob: JobRunner['addJob']; log: Logger }): JobContext {
  const { db, events } = options;
  return {
    now: base.now,
    jobId: base.jobId,
    log: base.log,
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.evidence ? { evidence: options.evidence } : {}),
    ...(options.webhookAttempted ? { webhookAttempted: options.webhookAttempted } : {}),
    tenants: (kinds) => base.tenants(kinds),
    addJob: base.addJob,
    inTenant: async (tenant, fn, opts) => {
      const published: { topic: string; payload: unknown }[] = [];
      const result = await db.transaction({ scope: { tenantId: tenant.id }, isolationLevel: 'ReadCommitted' }, async (tx) => {
        const queue: NewEvent[] = [];
        const value = await fn({
          db: tx,
          access: systemAccess(tenant, opts?.roles as Role[] | undefined),
          requestId: `job:${base.jobId}`,
          queueEvent: (event) => queue.push(event),
          publishAfterCommit: (topic, payload) => published.push({ topic, payload }),
        });
        for (const event of await appendEvents(tx, null, queue)) published.push({ topic: tenantEventsTopic(event.tenantId), payload: event });
        return value;
      });
      for (const { topic, payload } of published) events.publish(topic, payload);
      return result;
    },
  };
}

/** The scheduled instant of a cron job (graphile-worker puts it in the payload, also when backfilling). */
function scheduledAt(payload: unknown): Date | null {
  const ts = (payload as { _cron?: { ts?: string } } | null)?._cron?.ts;
  return ts ? new Date(ts) : null;
}

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  return options.db.kind === 'postgres' && options.ownerUrl ? startGraphileWorker(options) : startInProcess(options);
}

async function startGraphileWorker(options: JobRunnerOptions): Promise<JobRunner> {
  const { jobs, cron } = options.definitions ?? allJobs();
  const log = options.log.child({ component: 'jobs' });
  const tenants = tenantQuery(options.db);
  // The running graphile-worker runner; replaced when one stops by itself (see `supervise` below).
  let current: Promise<Runner> | undefined;
  let stopping: Promise<void> | undefined;
  const addJob: JobRunner['addJob'] = async (name, payload, opts) => {
    if (!current || stopping) throw new Error('The job runner is not started');
    const runner = await current;
    await runner.addJob(name, payload, { ...(opts?.runAt ? { runAt: opts.runAt } : {}), ...(opts?.jobKey ? { jobKey: opts.jobKey } : {}) });
  };
  const taskList: TaskList = {};
  for (const job of jobs.values()) {
    taskList[job.name] = async (payload: unknown, helpers: JobHelpers) => {
      const now = scheduledAt(payload) ?? new Date();
      const jobLog = log.child({ job: job.name, jobId: helpers.job.id });
      // One line per run, with the scheduled instant: which process ran which (identifier, minute).
      jobLog.info({ scheduledAt: scheduledAt(payload)?.toISOString() ?? null, attempt: helpers.job.attempts }, 'job started');
      await job.run((payload ?? {}) as Record<string, unknown>, jobContext(options, { now, jobId: helpers.job.id, tenants, addJob, log: jobLog }));
    };
  }
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'info' : 'debug';
    log[method]({ ...scope, ...meta }, message);
  });
  const start = () =>
    run({
      connectionString: options.ownerUrl,
      maxPoolSize: (options.concurrency ?? 2) + 3,
      taskList,
      parsedCronItems: parseCronItems(
        cron.map((c) => ({
          task: c.job,
          match: c.match,
          identifier: c.identifier,
          options: { backfillPeriod: (c.backfillHours ?? 0) * 3_600_000, maxAttempts: 10 },
          ...(c.payload ? { payload: c.payload } : {}),
        })),
      ),
      concurrency: options.concurrency ?? 2,
      pollInterval: options.pollIntervalMs ?? 2_000,
      noHandleSignals: true,
      logger,
      ...(options.schema ? { schema: options.schema } : {}),
    });
  // A runner stops by itself when its worker pool or its cron loop ends with an error (its pool is then
  // closed: jobs could no longer be added). Scheduled work must not stop silently: start a new one, with
  // a growing pause while starting fails (the database away), until stop() is called.
  const supervise = (runner: Runner) => {
    const restart = (reason: unknown) => {
      if (stopping) return;
      log.error({ err: reason }, 'job runner stopped by itself: starting a new one');
      // addJob waits for the new runner meanwhile.
      current = (async () => {
        for (let attempt = 0; ; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
          if (stopping) throw new Error('The job runner is stopped');
          try {
            const next = await start();
            options.onRunnerStarted?.(next);
            supervise(next);
            return next;
          } catch (error) {
            log.error({ err: error, attempt }, 'job runner could not start again');
          }
        }
      })();
      current.catch(() => undefined);
    };
    runner.promise.then(
      () => restart(new Error('the runner ended')),
      (error: unknown) => restart(error),
    );
  };
  current = start();
  const first = await current;
  options.onRunnerStarted?.(first);
  supervise(first);
  return {
    kind: 'graphile-worker',
    addJob,
    stop: () =>
      (stopping ??= (async () => {
        const runner = await current!.catch(() => undefined);
        await runner?.stop().catch((error: unknown) => log.warn({ err: error }, 'job runner stop failed'));
      })()),
  };
}

/** The embedded database's scheduler (see the top of this file for what it does not promise). */
async function startInProcess(options: JobRunnerOptions): Promise<JobRunner> {
  const { jobs, cron } = options.definitions ?? allJobs();
  const log = options.log.child({ component: 'jobs', runner: 'in-process' });
  const tenants = tenantQuery(options.db);
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let running = Promise.resolve();
  let counter = 0;
  const execute = (name: string, payload: Record<string, unknown>, now: Date) => {
    const job = jobs.get(name);
    if (!job) throw new Error(`No job named ${name}`);
    const jobId = `local-${++counter}`;
    // One at a time (PGlite runs one query at a time anyway).
    running = running.then(async () => {
      if (stopped) return;
      try {
        await job.run(payload, jobContext(options, { now, jobId, tenants, addJob, log: log.child({ job: name, jobId }) }));
        log.debug({ job: name, jobId }, 'job done');
      } catch (error) {
        log.error({ err: error, job: name }, 'job failed');
      }
    });
    return running;
  };
  // A job key replaces the job of that key still waiting (as graphile-worker's does): a burst of webhook
  // dispatch requests for one tenant runs once, not once per request.
  const keyed = new Map<string, NodeJS.Timeout>();
  const addJob: JobRunner['addJob'] = async (name, payload, opts) => {
    if (!jobs.has(name)) throw new Error(`No job named ${name}`);
    const delay = Math.max(0, (opts?.runAt?.getTime() ?? 0) - Date.now());
    const key = opts?.jobKey;
    if (key && keyed.has(key)) {
      clearTimeout(keyed.get(key));
      timers.delete(keyed.get(key)!);
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (key && keyed.get(key) === timer) keyed.delete(key);
      void execute(name, payload, new Date());
    }, delay);
    timer.unref();
    timers.add(timer);
    if (key) keyed.set(key, timer);
  };
  const parsed = parseCronItems(cron.map((c) => ({ task: c.job, match: c.match, identifier: c.identifier })));
  const byIdentifier = new Map(cron.map((c) => [c.identifier, c]));
  const fire = (minute: Date) => {
    const digest = {
      min: minute.getUTCMinutes(),
      hour: minute.getUTCHours(),
      date: minute.getUTCDate(),
      month: minute.getUTCMonth() + 1,
      dow: minute.getUTCDay(),
    };
    for (const item of parsed) {
      if (item.match(digest)) void execute(item.task, { ...byIdentifier.get(item.identifier)?.payload, _cron: { ts: minute.toISOString() } }, minute);
    }
  };
  // At start: items with a backfill run once for now (their jobs make today's work if it is missing).
  const startMinute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  for (const item of parsed) {
    const def = byIdentifier.get(item.identifier);
    if ((def?.backfillHours ?? 0) > 0) void execute(item.task, { ...def?.payload, _cron: { ts: startMinute.toISOString() } }, startMinute);
  }
  let lastMinute = startMinute.getTime();
  const tick = setInterval(() => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    for (let m = lastMinute + 60_000; m <= minute; m += 60_000) fire(new Date(m));
    lastMinute = Math.max(lastMinute, minute);
  }, 15_000);
  tick.unref();
  return {
    kind: 'in-process',
    addJob,
    stop: async () => {
      stopped = true;
      clearInterval(tick);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await running;
    },
  };
}
