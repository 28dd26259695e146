// Emergency plans (应急预案) per hazard, with roles and steps; drills (演练) scheduled, run (timed) and
// reviewed with the drill-review assessment (有演练、考核, 查措施是否到位): failed criteria become
// findings with corrective tasks, as for inspections. A plan is "drilled" when a drill passed its review
// within the tenant's period (hotel settings); the gate of every event asks that of the plans it needs.
import { z } from 'zod';
import type { HotelHazard } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { parseInput } from '../../shared/errors.ts';
import { isMember } from '../../shared/members.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { addFinding, criteriaOf, recordScores, reviewAssessment, startAssessment, submitAssessment } from '../shared/assessments/assessment.service.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { failedCriteria, HAZARD_ORDER } from './hotel-event.gate.ts';
import { DEFAULT_DRILL_VALIDITY_DAYS, localToday, readinessChanged } from './hotel-event.service.ts';

export interface PlanRole {
  role: string;
  responsibility: string;
  membershipId: string | null;
}

const hazard = z.enum(HAZARD_ORDER as [HotelHazard, ...HotelHazard[]]);
const planInput = z.object({
  hazard,
  expectedVersion: z.number().int().nullish(),
  title: z.string().trim().min(1).max(300),
  roles: z
    .array(z.object({ role: z.string().trim().min(1).max(100), responsibility: z.string().trim().min(1).max(1000), membershipId: z.string().uuid().nullish() }))
    .min(1)
    .max(30),
  steps: z.array(z.string().trim().min(1).max(1000)).min(1).max(50),
});

/** Creates or replaces the plan of a hazard (one per hazard); a stale expectedVersion is refused. */
export async function saveEmergencyPlan(deps: ServiceDeps, input: z.input<typeof planInput>) {
  const data = parseInput(planInput, input);
  for (const [i, role] of data.roles.entries()) {
    if (role.membershipId && !(await isMember(deps.db, role.membershipId))) {
      throw new HotelEventError('INVALID_REFERENCE', 'No such member in this tenant', ['roles', String(i), 'membershipId']);
    }
  }
  const roles: PlanRole[] = data.roles.map((r) => ({ role: r.role, responsibility: r.responsibility, membershipId: r.membershipId ?? null }));
  const existing = await deps.db.hotelEmergencyPlan.findUnique({ where: { tenantId_hazard: { tenantId: deps.access.tenantId!, hazard: data.hazard } } });
  if (existing && data.expectedVersion != null && existing.version !== data.expectedVersion) {
    throw new HotelEventError('CONFLICT', `The plan changed meanwhile: it is at version ${existing.version}, not ${data.expectedVersion}`, ['expectedVersion']);
  }
  const plan = existing
    ? await deps.db.hotelEmergencyPlan.update({
        where: { id: existing.id },
        data: { title: data.title, roles: roles as never, steps: data.steps, version: { increment: 1 } },
      })
    : await deps.db.hotelEmergencyPlan.create({
        data: { tenantId: deps.access.tenantId!, hazard: data.hazard, title: data.title, roles: roles as never, steps: data.steps },
      });
  await recordAudit(deps, { action: 'hotel_emergency_plan.saved', targetType: 'HotelEmergencyPlan', targetId: plan.id, data: { hazard: data.hazard } });
  await readinessChanged(deps, null, 'PLAN_SAVED', { planId: plan.id });
  return plan;
}

const scheduleInput = z.object({ planId: z.string().uuid(), scheduledAt: z.date(), note: z.string().trim().max(2000).nullish() });

export async function scheduleDrill(deps: ServiceDeps, input: z.input<typeof scheduleInput>) {
  const data = parseInput(scheduleInput, input);
  const plan = await deps.db.hotelEmergencyPlan.findUnique({ where: { id: data.planId } });
  if (!plan) throw new HotelEventError('NOT_FOUND', 'No such emergency plan', ['planId']);
  const drill = await deps.db.hotelDrill.create({ data: { tenantId: plan.tenantId, planId: plan.id, scheduledAt: data.scheduledAt, note: data.note ?? null } });
  await recordAudit(deps, { action: 'hotel_drill.scheduled', targetType: 'HotelDrill', targetId: drill.id });
  return drill;
}

const runInput = z
  .object({ drillId: z.string().uuid(), startedAt: z.date(), endedAt: z.date() })
  .refine((r) => r.endedAt >= r.startedAt, { path: ['endedAt'], message: 'must not be before startedAt' })
  .refine((r) => r.endedAt.getTime() <= Date.now() + 5 * 60_000, { path: ['endedAt'], message: 'a drill is recorded once it has ended' });

/** Records when the drill started and ended (timed). */
export async function recordDrillRun(deps: ServiceDeps, input: z.input<typeof runInput>) {
  const data = parseInput(runInput, input);
  const drill = await deps.db.hotelDrill.findUnique({ where: { id: data.drillId } });
  if (!drill) throw new HotelEventError('NOT_FOUND', 'No such drill', ['drillId']);
  if (drill.assessmentId) throw new HotelEventError('ILLEGAL_TRANSITION', 'The drill has been reviewed: schedule another one', ['drillId']);
  const updated = await deps.db.hotelDrill.update({ where: { id: drill.id }, data: { startedAt: data.startedAt, endedAt: data.endedAt } });
  await recordAudit(deps, { action: 'hotel_drill.run', targetType: 'HotelDrill', targetId: drill.id });
  return updated;
}

const reviewInput = z.object({
  drillId: z.string().uuid(),
  templateId: z.string().uuid().nullish(),
  scores: z
    .array(z.object({ criterionKey: z.string().uuid(), value: z.number(), comment: z.string().trim().max(2000).nullish() }))
    .min(1)
    .max(100),
  comment: z.string().trim().max(5000).nullish(),
  correctedByMembershipId: z.string().uuid().nullish(),
});

/**
 * Reviews a drill that has been run with the drill-review template (every criterion scored): the
 * assessment is submitted and reviewed at once; each failed criterion becomes a finding with its
 * corrective task. The drill passed when the review's total reaches the pass mark with every pass/fail
 * criterion passed.
 */
export async function reviewDrill(deps: ServiceDeps, input: z.input<typeof reviewInput>) {
  const data = parseInput(reviewInput, input);
  const drill = await deps.db.hotelDrill.findUnique({ where: { id: data.drillId }, include: { plan: true } });
  if (!drill) throw new HotelEventError('NOT_FOUND', 'No such drill', ['drillId']);
  if (!drill.endedAt) throw new HotelEventError('ILLEGAL_TRANSITION', 'Record the drill’s run (start and end) before reviewing it', ['drillId']);
  if (drill.assessmentId) throw new HotelEventError('ILLEGAL_TRANSITION', 'The drill has been reviewed already', ['drillId']);
  const template = data.templateId
    ? await deps.db.assessmentTemplate.findFirst({ where: { id: data.templateId, kind: 'DRILL' } })
    : await deps.db.assessmentTemplate.findFirst({ where: { kind: 'DRILL', versions: { some: {} } }, orderBy: { createdAt: 'asc' } });
  if (!template) throw new HotelEventError('NO_TEMPLATE', 'No published drill-review template', ['templateId']);
  let assessment = await startAssessment(deps, { templateId: template.id, subjectId: null, assessedOn: await localToday(deps.db, drill.endedAt) });
  assessment = await recordScores(deps, { assessmentId: assessment.id, scores: data.scores });
  assessment = await submitAssessment(deps, { assessmentId: assessment.id });
  assessment = await reviewAssessment(deps, { assessmentId: assessment.id, comment: data.comment ?? null });
  const version = await deps.db.assessmentTemplateVersion.findUniqueOrThrow({ where: { id: assessment.templateVersionId } });
  const byKey = new Map(data.scores.map((s) => [s.criterionKey, s]));
  for (const criterion of failedCriteria(criteriaOf(version), new Map(data.scores.map((s) => [s.criterionKey, s.value])))) {
    const comment = byKey.get(criterion.key)?.comment;
    await addFinding(deps, {
      assessmentId: assessment.id,
      criterionKey: criterion.key,
      severity: criterion.scale.kind === 'PASS_FAIL' ? 'HIGH' : 'MEDIUM',
      description: `${drill.plan.title}演练：${criterion.title}${comment ? `（${comment}）` : ''}`,
      correctiveAction: `${drill.plan.title}：${criterion.title}${comment ? `——${comment}` : ''}`,
      ownerMembershipId: data.correctedByMembershipId ?? null,
    });
  }
  const updated = await deps.db.hotelDrill.update({ where: { id: drill.id }, data: { assessmentId: assessment.id } });
  await recordAudit(deps, { action: 'hotel_drill.reviewed', targetType: 'HotelDrill', targetId: drill.id });
  await readinessChanged(deps, null, 'DRILL_REVIEWED', { planId: drill.planId, drillId: drill.id });
  return updated;
}

const settingsInput = z.object({ drillValidityDays: z.number().int().min(1).max(3650) });

/** The tenant's period within which a passed drill keeps a plan drilled. */
export async function updateHotelSettings(deps: ServiceDeps, input: z.input<typeof settingsInput>) {
  const data = parseInput(settingsInput, input);
  const tenantId = deps.access.tenantId!;
  const settings = await deps.db.hotelSettings.upsert({
    where: { tenantId },
    create: { tenantId, drillValidityDays: data.drillValidityDays },
    update: { drillValidityDays: data.drillValidityDays, updatedAt: new Date() },
  });
  await recordAudit(deps, { action: 'hotel_settings.updated', targetType: 'Tenant', targetId: tenantId, data });
  await readinessChanged(deps, null, 'SETTINGS_UPDATED');
  return settings;
}

export async function hotelSettings(deps: Pick<ServiceDeps, 'db'>) {
  const settings = await deps.db.hotelSettings.findFirst();
  return { drillValidityDays: settings?.drillValidityDays ?? DEFAULT_DRILL_VALIDITY_DAYS };
}
