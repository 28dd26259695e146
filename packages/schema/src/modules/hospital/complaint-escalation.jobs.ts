// The schedule of complaint escalation: every five minutes (UTC) each hospital's complaints whose
// acknowledgement or response deadline passed are escalated — recorded once, a task for the department's
// coordinator, an ESCALATED event naming the task (complaint.service.ts, escalateOverdueBatch). A tenant is
// worked through in batches, each its own tenant transaction, until a batch comes back short; every tenant
// is visited even when one fails (the job then fails and is retried: the work done stays done, once).
import type { CronDefinition, JobDefinition } from '../../shared/jobs.ts';
import { ESCALATION_BATCH, escalateOverdueBatch } from './complaint.service.ts';

export const COMPLAINT_ESCALATION_JOB = 'hospital.complaintEscalation';

/** A tenant with more overdue complaints than this many batches at once is finished on the next run. */
export const MAX_ESCALATION_BATCHES_PER_RUN = 200;

export const complaintEscalationJob: JobDefinition = {
  name: COMPLAINT_ESCALATION_JOB,
  run: async (payload, ctx) => {
    // `at` (an ISO instant) stands in for the scheduled time, `batchSize` for the batch and `tenants` (ids)
    // narrows the run to some hospitals (tests, an operator's re-run); the schedule passes none of them.
    const at = typeof payload.at === 'string' ? new Date(payload.at) : ctx.now;
    const batchSize = typeof payload.batchSize === 'number' ? payload.batchSize : ESCALATION_BATCH;
    const only = Array.isArray(payload.tenants) ? new Set(payload.tenants.map(String)) : null;
    const failed: string[] = [];
    for (const tenant of await ctx.tenants(['HOSPITAL'])) {
      if (only && !only.has(tenant.id)) continue;
      try {
        let escalated = 0;
        for (let batch = 0; batch < MAX_ESCALATION_BATCHES_PER_RUN; batch++) {
          const { recorded, full } = await ctx.inTenant(tenant, (deps) => escalateOverdueBatch(deps, { limit: batchSize }, at), {
            roles: ['TENANT_ADMIN', 'COORDINATOR'],
          });
          escalated += recorded.length;
          if (!full) break;
        }
        if (escalated > 0) ctx.log.info({ tenantId: tenant.id, escalated }, 'complaints escalated');
      } catch (error) {
        ctx.log.error({ err: error, tenantId: tenant.id }, 'complaint escalation failed');
        failed.push(tenant.id);
      }
    }
    if (failed.length) throw new Error(`Complaint escalation failed for ${failed.length} tenant(s): ${failed.join(', ')}`);
  },
};

export const complaintEscalationCron: CronDefinition = {
  job: COMPLAINT_ESCALATION_JOB,
  match: '*/5 * * * *',
  identifier: COMPLAINT_ESCALATION_JOB,
  backfillHours: 1,
};
