// Background jobs and scheduled (cron) work, for the whole product and independent of any runner: modules and
// kinds contribute named jobs and cron items here (a kind through `KindModule.jobs`), the gateway runs them
// (services/gateway/src/jobs.ts: graphile-worker on PostgreSQL, so each scheduled run happens once across all
// gateway processes, with backfill after downtime; an in-process scheduler on the embedded database).
//
// A job does tenant work only through `ctx.inTenant(tenantId, …)`: a tenant transaction under row-level
// security as the app role, like an operation, acting as the system (no user, the roles given). Which
// tenants exist is read by the runner as the database owner (`ctx.tenants`): the app role cannot list them.
import type { TenantKind, Role } from '@jiedai/db';
import type { Logger, ServiceDeps } from '../context.ts';
import { kindModules } from './kind-module.ts';
import type { WebhookSettings } from '../modules/core/webhooks/webhook.guard.ts';
import type { EvidenceCleanupSettings } from '../modules/shared/evidence/evidence.jobs.ts';

export interface JobTenant {
  id: string;
  kind: TenantKind;
  /** IANA time zone of the tenant (Tenant.timeZone): "today" of scheduled work is the tenant's day. */
  timeZone: string;
}

export interface JobContext {
  /** The instant the job stands for: a cron run's scheduled time (also when backfilled), else when it runs. */
  now: Date;
  /** The runner's job id (for logs and audit request ids). */
  jobId: string;
  log: Logger;
  /** Tenants, optionally of some kinds only. */
  tenants(kinds?: readonly TenantKind[]): Promise<JobTenant[]>;
  /** Runs `fn` in one tenant transaction (RLS) as the system actor with `roles` (default TENANT_ADMIN);
   * events it appends are published after commit. */
  inTenant<T>(tenant: JobTenant, fn: (deps: ServiceDeps) => Promise<T>, options?: { roles?: Role[] }): Promise<T>;
  /** The webhook settings of this process (config.ts), for the webhook jobs; strict defaults when absent. */
  webhooks?: WebhookSettings;
  /** The file store of this process and EVIDENCE_UNATTACHED_HOURS, for the evidence cleanup; without it that job does nothing. */
  evidence?: EvidenceCleanupSettings;
  /** Queues another job (e.g. one per tenant), optionally later or once per key. */
  addJob(name: string, payload: Record<string, unknown>, options?: { runAt?: Date; jobKey?: string }): Promise<void>;
  /** Told of every webhook attempt and what became of its delivery (the process's metrics). */
  webhookAttempted?: (attempt: WebhookAttemptReport) => void;
}

/** One webhook attempt, for metrics: what the receiver answered and what became of the delivery. */
export interface WebhookAttemptReport {
  /** delivered (2xx), retry (failed, tried again later), disabled (failed, the endpoint disabled), gone (endpoint or delivery removed meanwhile). */
  outcome: 'delivered' | 'retry' | 'disabled' | 'gone';
  /** The receiver's HTTP status; null when none came (time-out, connection refused, target refused). */
  status: number | null;
  latencyMs: number;
  error: string | null;
}

export interface JobDefinition {
  /** Unique, namespaced: `hospital.dailyRounds`. */
  name: string;
  run(payload: Record<string, unknown>, ctx: JobContext): Promise<void>;
}

export interface CronDefinition {
  /** Name of the job it queues. */
  job: string;
  /** Five-field crontab pattern in UTC (`0 * * * *`: every hour on the hour). */
  match: string;
  /** Stable identifier: each (identifier, scheduled minute) runs once; renaming it loses the backfill history. */
  identifier: string;
  /** After downtime, missed runs up to this many hours back are run at start (default 0: none). */
  backfillHours?: number;
  payload?: Record<string, unknown>;
}

export interface JobsContribution {
  jobs: readonly JobDefinition[];
  cron?: readonly CronDefinition[];
}

const shared: JobsContribution[] = [];

/** For kind-agnostic modules (kinds use `KindModule.jobs`). */
export function registerJobs(contribution: JobsContribution): void {
  shared.push(contribution);
}

/** Every job and cron item of the application; a name used twice or a cron item of no job is a wiring mistake. */
export function allJobs(): { jobs: Map<string, JobDefinition>; cron: CronDefinition[] } {
  const contributions = [...shared, ...kindModules().flatMap((k) => (k.jobs ? [k.jobs] : []))];
  const jobs = new Map<string, JobDefinition>();
  const cron: CronDefinition[] = [];
  for (const c of contributions) {
    for (const job of c.jobs) {
      if (jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
      jobs.set(job.name, job);
    }
    cron.push(...(c.cron ?? []));
  }
  const identifiers = new Set<string>();
  for (const item of cron) {
    if (!jobs.has(item.job)) throw new Error(`Cron item ${item.identifier} names no registered job (${item.job})`);
    if (identifiers.has(item.identifier)) throw new Error(`Cron identifier ${item.identifier} is used twice`);
    identifiers.add(item.identifier);
  }
  return { jobs, cron };
}

/** The actor of scheduled work inside a tenant: no user, no API key. */
export function systemAccess(tenant: JobTenant, roles: Role[] = ['TENANT_ADMIN']) {
  return { userId: null, apiKeyId: null, tenantId: tenant.id, tenantKind: tenant.kind, roles, isPlatformAdmin: false };
}
