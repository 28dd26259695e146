// The webhook jobs (shared/jobs.ts; graphile-worker on PostgreSQL):
// * `webhooks.dispatch` {tenantId}: deliveries from the tenant's event log (dispatchWebhooks), then one
//   `webhooks.deliver` per endpoint with something to send. Queued by the gateway after every commit that
//   appended events (services/gateway/src/webhooks.ts), one pending job per tenant (job key).
// * `webhooks.deliver` {tenantId, endpointId}: sends the endpoint's deliveries one after the other in seq
//   order while they succeed; after a failure it queues itself for the retry time (exponential backoff).
// * `webhooks.sweep`, every minute: finds tenants with work nobody is doing (a gateway that died between
//   commit and queueing, a sender that died mid-attempt, a retry whose job was lost) and queues their dispatch.
import type { CronDefinition, JobContext, JobDefinition, JobTenant } from '../../../shared/jobs.ts';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './webhook.guard.ts';
import { sendWebhook } from './webhook.sender.ts';
import { dispatchWebhooks, recordAttempt, takeNextDelivery, validSecrets, webhookWorkWaiting } from './webhook.service.ts';

export const DISPATCH_JOB = 'webhooks.dispatch';
export const DELIVER_JOB = 'webhooks.deliver';
export const SWEEP_JOB = 'webhooks.sweep';

export const dispatchJobKey = (tenantId: string) => `${DISPATCH_JOB}:${tenantId}`;
const deliverJobKey = (endpointId: string) => `${DELIVER_JOB}:${endpointId}`;

const settingsOf = (ctx: JobContext): WebhookSettings => ctx.webhooks ?? DEFAULT_WEBHOOK_SETTINGS;

async function tenantOf(ctx: JobContext, tenantId: unknown): Promise<JobTenant | undefined> {
  if (typeof tenantId !== 'string') return undefined;
  return (await ctx.tenants()).find((t) => t.id === tenantId);
}

export const dispatchJob: JobDefinition = {
  name: DISPATCH_JOB,
  run: async (payload, ctx) => {
    const tenant = await tenantOf(ctx, payload.tenantId);
    if (!tenant) return;
    const { created, endpointsToSend } = await ctx.inTenant(tenant, (deps) => dispatchWebhooks(deps));
    if (created > 0) ctx.log.debug({ tenantId: tenant.id, created }, 'webhook deliveries created');
    for (const endpointId of endpointsToSend) {
      await ctx.addJob(DELIVER_JOB, { tenantId: tenant.id, endpointId }, { jobKey: deliverJobKey(endpointId) });
    }
  },
};

/** Deliveries sent by one run before it hands over to a new job (so one busy endpoint does not hold a worker forever). */
const MAX_PER_RUN = 200;

export const deliverJob: JobDefinition = {
  name: DELIVER_JOB,
  run: async (payload, ctx) => {
    const tenant = await tenantOf(ctx, payload.tenantId);
    const endpointId = payload.endpointId;
    if (!tenant || typeof endpointId !== 'string') return;
    const settings = settingsOf(ctx);
    const again = (runAt?: Date) =>
      ctx.addJob(DELIVER_JOB, { tenantId: tenant.id, endpointId }, { jobKey: deliverJobKey(endpointId), ...(runAt ? { runAt } : {}) });
    for (let sent = 0; sent < MAX_PER_RUN; sent++) {
      const next = await ctx.inTenant(tenant, (deps) => takeNextDelivery(deps, endpointId, settings));
      if (next.kind === 'idle') return;
      if (next.kind === 'later') return again(next.at);
      const attempt = await sendWebhook({
        url: next.endpoint.url,
        tenantId: tenant.id,
        msgId: next.msgId,
        body: next.body,
        secrets: validSecrets(next.endpoint),
        settings,
      });
      const outcome = await ctx.inTenant(tenant, (deps) => recordAttempt(deps, next.delivery, attempt, settings));
      ctx.webhookAttempted?.({ outcome: outcome.kind, status: attempt.status, latencyMs: attempt.latencyMs, error: attempt.error });
      if (outcome.kind === 'retry') {
        ctx.log.info({ tenantId: tenant.id, endpointId, seq: String(next.delivery.eventSeq), error: attempt.error }, 'webhook attempt failed; retry later');
        return again(outcome.at);
      }
      if (outcome.kind === 'disabled') {
        ctx.log.warn({ tenantId: tenant.id, endpointId }, 'webhook endpoint disabled after consecutive failures');
        return;
      }
      if (outcome.kind === 'gone') return;
    }
    return again();
  },
};

export const sweepJob: JobDefinition = {
  name: SWEEP_JOB,
  run: async (_payload, ctx) => {
    for (const tenant of await ctx.tenants()) {
      if (await ctx.inTenant(tenant, (deps) => webhookWorkWaiting(deps))) {
        await ctx.addJob(DISPATCH_JOB, { tenantId: tenant.id }, { jobKey: dispatchJobKey(tenant.id) });
      }
    }
  },
};

export const sweepCron: CronDefinition = { job: SWEEP_JOB, match: '* * * * *', identifier: SWEEP_JOB, backfillHours: 0 };

export const webhookJobs = { jobs: [dispatchJob, deliverJob, sweepJob], cron: [sweepCron] };
