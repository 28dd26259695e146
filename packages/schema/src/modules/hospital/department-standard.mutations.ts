import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { DepartmentRef } from '../core/tenancy/department.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { AssessmentError } from '../shared/assessments/assessment.errors.ts';
import { TaskError } from '../shared/tasks/task.errors.ts';
import { HOSPITAL } from './service-point.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { tenantToday } from './service-point-round.service.ts';
import { CadenceEnum, DepartmentStandardRef } from './department-standard.ts';
import { ensureStandardAssessments, setDepartmentStandard } from './department-standard.service.ts';

const StandardPayload = builder.objectRef<{ standard: { id: string } }>('DepartmentStandardPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ standard: t.field({ type: DepartmentStandardRef, resolve: (p) => p.standard as never }) }),
});
const StandardAssessmentsPayload = builder
  .objectRef<{ date: string; created: number; skipped: string[] }>('CreateDepartmentStandardAssessmentsPayload')
  .implement({
    subGraphs: HOSPITAL,
    fields: (t) => ({
      date: t.exposeString('date'),
      created: t.exposeInt('created', { description: 'Assessments made by this call.' }),
      skippedStandardIds: t.globalIDList({
        description: 'Standards whose template has no published version.',
        resolve: (p) => p.skipped.map((id) => ({ type: 'DepartmentStandard', id })),
      }),
    }),
  });

mutationField({
  name: 'setDepartmentStandard',
  payload: StandardPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HospitalRoutineError],
  description: "Sets a department's own service standard: an assessment template of subject DEPARTMENT, assessed monthly (default) or quarterly.",
  input: (t) => ({
    departmentId: t.globalID({ required: true, for: [DepartmentRef] }),
    templateId: t.globalID({ required: true }),
    cadence: t.field({ type: CadenceEnum, required: false }),
    assessorMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    active: t.boolean({ required: false }),
  }),
  run: async (deps, input) => ({
    standard: await setDepartmentStandard(deps, {
      departmentId: input.departmentId.id,
      templateId: input.templateId.id,
      cadence: input.cadence ?? 'MONTHLY',
      assessorMembershipId: input.assessorMembershipId?.id ?? null,
      active: input.active ?? true,
    }),
  }),
});

mutationField({
  name: 'createDepartmentStandardAssessments',
  payload: StandardAssessmentsPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HospitalRoutineError, AssessmentError, TaskError],
  description: "Makes the current period's standard assessments now (the schedule does so by itself). Idempotent.",
  input: (t) => ({ date: t.string({ required: false, description: "A day of the period, YYYY-MM-DD (default: today in the tenant's time zone)." }) }),
  run: async (deps, input) => ensureStandardAssessments(deps, { date: input.date ?? (await tenantToday(deps, new Date())) }),
});
