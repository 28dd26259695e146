// The schedule of department standards: every hour (UTC, at :30) each hospital gets the assessments of the
// period holding its local today, once (see ensureStandardAssessments); missed hours are run at start.
import type { CronDefinition, JobDefinition } from '../../shared/jobs.ts';
import { ensureStandardAssessments } from './department-standard.service.ts';
import { localDate } from './service-point-round.time.ts';

export const DEPARTMENT_STANDARDS_JOB = 'hospital.departmentStandards';

export const departmentStandardsJob: JobDefinition = {
  name: DEPARTMENT_STANDARDS_JOB,
  run: async (payload, ctx) => {
    const at = typeof payload.at === 'string' ? new Date(payload.at) : ctx.now;
    const failed: string[] = [];
    for (const tenant of await ctx.tenants(['HOSPITAL'])) {
      try {
        const result = await ctx.inTenant(tenant, (deps) =>
          ensureStandardAssessments(deps, { date: localDate(at, tenant.timeZone), timeZone: tenant.timeZone }),
        );
        if (result.created > 0 || result.skipped.length > 0) ctx.log.info({ tenantId: tenant.id, ...result }, 'department standard assessments');
      } catch (error) {
        ctx.log.error({ err: error, tenantId: tenant.id }, 'department standard assessments failed');
        failed.push(tenant.id);
      }
    }
    if (failed.length) throw new Error(`Department standard assessments failed for ${failed.length} tenant(s): ${failed.join(', ')}`);
  },
};

export const departmentStandardsCron: CronDefinition = {
  job: DEPARTMENT_STANDARDS_JOB,
  match: '30 * * * *',
  identifier: DEPARTMENT_STANDARDS_JOB,
  backfillHours: 24,
};
