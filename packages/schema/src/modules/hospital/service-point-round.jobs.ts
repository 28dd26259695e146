// The schedule of the daily rounds: every hour on the hour (UTC) each hospital gets the rounds of its own
// local day, so a day's rounds exist from the first hour of that day wherever the tenant is; the run is
// idempotent (a round exists once per point, template and day). After downtime the missed hours are run at
// start (24 h back): a day the gateway slept through gets its rounds, shown as MISSED once due.
import type { CronDefinition, JobDefinition } from '../../shared/jobs.ts';
import { ensureRoundsForDay, noticeMissedRounds } from './service-point-round.service.ts';
import { localDate } from './service-point-round.time.ts';

export const DAILY_ROUNDS_JOB = 'hospital.dailyRounds';

export const dailyRoundsJob: JobDefinition = {
  name: DAILY_ROUNDS_JOB,
  run: async (payload, ctx) => {
    // `at` (an ISO instant) stands in for the scheduled time: an admin's re-run, and tests.
    const at = typeof payload.at === 'string' ? new Date(payload.at) : ctx.now;
    const failed: string[] = [];
    for (const tenant of await ctx.tenants(['HOSPITAL'])) {
      try {
        const result = await ctx.inTenant(tenant, (deps) => ensureRoundsForDay(deps, { date: localDate(at, tenant.timeZone), timeZone: tenant.timeZone }));
        if (result.created > 0) ctx.log.info({ tenantId: tenant.id, ...result }, 'daily rounds created');
      } catch (error) {
        // One tenant's failure does not keep the others from their rounds; the job fails (and is retried) after.
        ctx.log.error({ err: error, tenantId: tenant.id }, 'daily rounds failed');
        failed.push(tenant.id);
      }
    }
    if (failed.length) throw new Error(`Daily rounds failed for ${failed.length} tenant(s): ${failed.join(', ')}`);
  },
};

export const dailyRoundsCron: CronDefinition = { job: DAILY_ROUNDS_JOB, match: '0 * * * *', identifier: DAILY_ROUNDS_JOB, backfillHours: 24 };

export const MISSED_ROUNDS_JOB = 'hospital.missedRounds';

/** Every five minutes: rounds that became MISSED are announced on the tenant's event log (live boards). */
export const missedRoundsJob: JobDefinition = {
  name: MISSED_ROUNDS_JOB,
  run: async (payload, ctx) => {
    const at = typeof payload.at === 'string' ? new Date(payload.at) : ctx.now;
    for (const tenant of await ctx.tenants(['HOSPITAL'])) {
      const { noticed } = await ctx.inTenant(tenant, (deps) => noticeMissedRounds(deps, at));
      if (noticed > 0) ctx.log.info({ tenantId: tenant.id, noticed }, 'missed rounds announced');
    }
  },
};

export const missedRoundsCron: CronDefinition = { job: MISSED_ROUNDS_JOB, match: '*/5 * * * *', identifier: MISSED_ROUNDS_JOB, backfillHours: 1 };
