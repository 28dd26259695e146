// Department service standards (各科室制定本科室服务标准): a department's own standard is an assessment template
// of subject DEPARTMENT; it is assessed on a schedule (monthly by default, or quarterly). The scheduled job
// (hospital.departmentStandards) makes each period's assessment and a task for its assessor, once per
// standard and period; their scores feed the existing assessment trends per department.
import { z } from 'zod';
import type { StandardCadence } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { isForeignKeyViolation, parseInput } from '../../shared/errors.ts';
import { isoDate } from '../../shared/dates.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { startAssessment } from '../shared/assessments/assessment.service.ts';
import { createTask } from '../shared/tasks/task.service.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { tenantTimeZone } from './service-point-round.service.ts';
import { zonedInstant } from './service-point-round.time.ts';
import { bilingual, labelled } from '../../shared/template-texts.ts';

const DEPARTMENT_REVIEW_TITLE = bilingual('按本科室服务标准考核', 'Review against the department’s service standard');
const DEPARTMENT_REVIEW_DESCRIPTION = bilingual(
  '按本科室服务标准为本科室打分（本期的评估），然后提交。',
  'Score the department against its own service standard (the assessment of this period), then submit it.',
);

export const CADENCES = ['MONTHLY', 'QUARTERLY'] as const satisfies readonly StandardCadence[];
export const STANDARD_TOPIC = 'department_standard';

/** The first day (YYYY-MM-01) of the period holding `date`, and of the next one (pure). */
export function periodOf(date: string, cadence: StandardCadence): { start: string; next: string } {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const first = cadence === 'QUARTERLY' ? month - ((month - 1) % 3) : month;
  const length = cadence === 'QUARTERLY' ? 3 : 1;
  const iso = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}-01`;
  return { start: iso(year, first), next: iso(year, first + length) };
}

const standardInput = z.object({
  departmentId: z.string().uuid(),
  templateId: z.string().uuid(),
  cadence: z.enum(CADENCES).default('MONTHLY'),
  assessorMembershipId: z.string().uuid().nullish(),
  active: z.boolean().default(true),
});

/** Sets a department's standard (one per department): its assessment template, cadence and assessor. */
export async function setDepartmentStandard(deps: ServiceDeps, input: z.input<typeof standardInput>) {
  const data = parseInput(standardInput, input);
  const template = await deps.db.assessmentTemplate.findUnique({ where: { id: data.templateId }, select: { subjectType: true } });
  if (!template) throw new HospitalRoutineError('INVALID_REFERENCE', 'No such assessment template');
  if (template.subjectType !== 'DEPARTMENT') throw new HospitalRoutineError('WRONG_TEMPLATE', "A department's standard is a template assessing a department");
  const tenantId = deps.access.tenantId!;
  const values = { templateId: data.templateId, cadence: data.cadence, assessorMembershipId: data.assessorMembershipId ?? null, active: data.active };
  const standard = await deps.db.departmentStandard
    .upsert({
      where: { tenantId_departmentId: { tenantId, departmentId: data.departmentId } },
      create: { tenantId, departmentId: data.departmentId, ...values },
      update: values,
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HospitalRoutineError('INVALID_REFERENCE', 'No such department or member');
      throw error;
    });
  await recordAudit(deps, { action: 'department_standard.set', targetType: 'Department', targetId: data.departmentId, data: values });
  return standard;
}

/**
 * Makes the assessment (and its assessor's task, due when the period ends) of the period holding `date` for
 * every active standard that has none yet. Idempotent, and safe with several runners: one transaction-level
 * advisory lock per standard and period. A standard whose template has no published version is skipped.
 */
export async function ensureStandardAssessments(deps: ServiceDeps, input: { date: string; timeZone?: string }) {
  parseInput(z.object({ date: isoDate }), { date: input.date });
  const timeZone = input.timeZone ?? (await tenantTimeZone(deps));
  const standards = await deps.db.departmentStandard.findMany({ where: { active: true }, include: { department: { select: { name: true } } } });
  let created = 0;
  const skipped: string[] = [];
  for (const standard of standards) {
    const period = periodOf(input.date, standard.cadence);
    const periodStart = new Date(`${period.start}T00:00:00Z`);
    await deps.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`department_standard:${standard.id}:${period.start}`}, 0))`;
    const existing = await deps.db.departmentStandardAssessment.findUnique({
      where: { tenantId_standardId_periodStart: { tenantId: standard.tenantId, standardId: standard.id, periodStart } },
    });
    if (existing) continue;
    const published = await deps.db.assessmentTemplateVersion.count({ where: { templateId: standard.templateId } });
    if (!published) {
      skipped.push(standard.id);
      continue;
    }
    const assessment = await startAssessment(deps, {
      templateId: standard.templateId,
      subjectId: standard.departmentId,
      assessorMembershipId: standard.assessorMembershipId,
      assessedOn: period.start,
    });
    const label =
      standard.cadence === 'QUARTERLY' ? `${period.start.slice(0, 4)} Q${Math.floor(Number(period.start.slice(5, 7)) / 3) + 1}` : period.start.slice(0, 7);
    const task = await createTask(deps, {
      phase: 'FOLLOW_UP',
      title: labelled(DEPARTMENT_REVIEW_TITLE, `${standard.department.name} ${label}`),
      description: DEPARTMENT_REVIEW_DESCRIPTION,
      assigneeMembershipId: standard.assessorMembershipId,
      assigneeRole: standard.assessorMembershipId ? null : 'COORDINATOR',
      dueAt: zonedInstant(period.next, 0, timeZone),
    });
    await deps.db.departmentStandardAssessment.create({
      data: { tenantId: standard.tenantId, standardId: standard.id, periodStart, assessmentId: assessment.id, taskId: task.id },
    });
    await appendEvent(deps, {
      topic: STANDARD_TOPIC,
      type: 'ASSESSMENT_SCHEDULED',
      subjectId: standard.departmentId,
      payload: { period: period.start, assessmentId: assessment.id, taskId: task.id },
    });
    created++;
  }
  return { date: input.date, created, skipped };
}
