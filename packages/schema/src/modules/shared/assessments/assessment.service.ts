// Assessments (评估 / 考核): templates of weighted criteria, published as frozen versions; assessments
// that score a subject with a version; findings whose corrective action becomes a task (closed with
// it, by a trigger in 0004_assessments.sql); the post-visit review a completed visit gets; trends.
import { z } from 'zod';
import type { Assessment, AssessmentScore, Db, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { isoDate } from '../../../shared/dates.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { isMember, ownMembershipId } from '../../../shared/members.ts';
import { createTask } from '../tasks/task.service.ts';
import { registerVisitHooks } from '../visits/visit.hooks.ts';
import { AssessmentError } from './assessment.errors.ts';
import { scaleViolation, totalScore, type Criterion } from './assessment.scoring.ts';

export const ASSESSMENT_KINDS = ['POST_VISIT_REVIEW', 'INSPECTION', 'DRILL', 'STAFF', 'SERVICE_STANDARD'] as const;
export const SUBJECT_TYPES = ['VISIT', 'DEPARTMENT', 'STAFF_MEMBER', 'SERVICE_POINT', 'HOTEL_AREA', 'ORGANIZATION'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];
export const SCALE_KINDS = ['POINTS', 'PASS_FAIL', 'PERCENTAGE'] as const;
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** Which column of `assessments` holds each subject type's id. */
export const SUBJECT_COLUMN = {
  VISIT: 'visitId',
  DEPARTMENT: 'departmentId',
  STAFF_MEMBER: 'staffMembershipId',
  SERVICE_POINT: 'servicePointId',
  HOTEL_AREA: 'hotelAreaId',
  ORGANIZATION: null,
} as const satisfies Record<SubjectType, keyof Assessment | null>;

const SUBJECT_EXISTS: Record<Exclude<SubjectType, 'ORGANIZATION'>, (db: Db, id: string) => Promise<unknown>> = {
  VISIT: (db, id) => db.visit.findUnique({ where: { id }, select: { id: true } }),
  DEPARTMENT: (db, id) => db.department.findUnique({ where: { id }, select: { id: true } }),
  STAFF_MEMBER: (db, id) => db.membership.findUnique({ where: { id }, select: { id: true } }),
  SERVICE_POINT: (db, id) => db.servicePoint.findUnique({ where: { id }, select: { id: true } }),
  HOTEL_AREA: (db, id) => db.hotelArea.findUnique({ where: { id }, select: { id: true } }),
};

export function subjectIdOf(a: Assessment): string | null {
  const column = SUBJECT_COLUMN[a.subjectType];
  return column ? (a[column] as string | null) : null;
}

// ── templates ───────────────────────────────────────────────────────────────────────────────────

const criterionInput = z
  .object({
    key: z.string().uuid().nullish(),
    title: z.string().trim().min(1).max(300),
    guidance: z.string().trim().max(2000).nullish(),
    weight: z
      .number()
      .positive()
      .max(1000)
      .refine((w) => Math.round(w * 100) === w * 100, 'at most two decimals'),
    scaleKind: z.enum(SCALE_KINDS),
    scaleMin: z.number().int().min(-1000).max(1000).nullish(),
    scaleMax: z.number().int().min(-1000).max(1000).nullish(),
  })
  .transform((c) => ({
    ...c,
    scaleMin: c.scaleKind === 'POINTS' ? (c.scaleMin ?? 0) : 0,
    scaleMax: c.scaleKind === 'PASS_FAIL' ? 1 : c.scaleKind === 'PERCENTAGE' ? 100 : (c.scaleMax ?? 5),
  }))
  .refine((c) => c.scaleMax > c.scaleMin, { path: ['scaleMax'], message: 'must be above scaleMin' });

const templateInput = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ASSESSMENT_KINDS),
  subjectType: z.enum(SUBJECT_TYPES),
  description: z.string().trim().max(5000).nullish(),
  criteria: z.array(criterionInput).min(1).max(100),
});
export type AssessmentTemplateInput = z.input<typeof templateInput>;

async function writeCriteria(deps: ServiceDeps, templateId: string, criteria: z.output<typeof criterionInput>[]) {
  const existing = await deps.db.assessmentCriterion.findMany({ where: { templateId } });
  const kept = new Set(criteria.map((c) => c.key).filter(Boolean));
  if (criteria.some((c) => c.key && !existing.some((e) => e.id === c.key))) {
    throw new AssessmentError('UNKNOWN_CRITERION', 'A criterion key does not belong to this template');
  }
  await deps.db.assessmentCriterion.deleteMany({ where: { templateId, id: { notIn: [...kept] as string[] } } });
  // Positions are unique: park the kept ones out of the way, then write the new order.
  await deps.db.assessmentCriterion.updateMany({ where: { templateId }, data: { position: { increment: 10_000 } } });
  for (const [i, c] of criteria.entries()) {
    const data = {
      position: i + 1,
      title: c.title,
      guidance: c.guidance ?? null,
      weight: c.weight,
      scaleKind: c.scaleKind,
      scaleMin: c.scaleMin,
      scaleMax: c.scaleMax,
    };
    if (c.key) await deps.db.assessmentCriterion.update({ where: { id: c.key }, data });
    else await deps.db.assessmentCriterion.create({ data: { ...data, tenantId: deps.access.tenantId!, templateId } });
  }
}

export async function createAssessmentTemplate(deps: ServiceDeps, input: AssessmentTemplateInput) {
  const data = parseInput(templateInput, input);
  const template = await deps.db.assessmentTemplate
    .create({
      data: { tenantId: deps.access.tenantId!, name: data.name, kind: data.kind, subjectType: data.subjectType, description: data.description ?? null },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new AssessmentError('NAME_TAKEN', `A template named "${data.name}" exists`);
      throw error;
    });
  await writeCriteria(deps, template.id, data.criteria);
  await recordAudit(deps, { action: 'assessment_template.created', targetType: 'AssessmentTemplate', targetId: template.id });
  return template;
}

/** Edits the draft criteria (published versions never change; publish again for a new version). */
export async function updateAssessmentTemplate(
  deps: ServiceDeps,
  templateId: string,
  input: { name?: string; description?: string | null; criteria?: z.input<typeof criterionInput>[] },
) {
  const data = parseInput(templateInput.pick({ name: true, description: true, criteria: true }).partial(), input);
  const template = await deps.db.assessmentTemplate.findUnique({ where: { id: templateId } });
  if (!template) throw new AssessmentError('NOT_FOUND', 'No such assessment template');
  // Renamed first: a taken name is refused (NAME_TAKEN, as on create) before any criterion is written.
  const updated = await deps.db.assessmentTemplate
    .update({
      where: { id: template.id },
      data: { name: data.name, description: data.description, updatedAt: new Date() },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new AssessmentError('NAME_TAKEN', `A template named "${data.name}" exists`);
      throw error;
    });
  if (data.criteria) await writeCriteria(deps, template.id, data.criteria);
  await recordAudit(deps, { action: 'assessment_template.updated', targetType: 'AssessmentTemplate', targetId: template.id });
  return updated;
}

/** Freezes the template's criteria as its next version; new assessments use the latest one. */
export async function publishAssessmentTemplate(deps: ServiceDeps, templateId: string) {
  const template = await deps.db.assessmentTemplate.findUnique({
    where: { id: templateId },
    include: { criteria: { orderBy: { position: 'asc' } }, versions: { orderBy: { number: 'desc' }, take: 1 } },
  });
  if (!template) throw new AssessmentError('NOT_FOUND', 'No such assessment template');
  const criteria: Criterion[] = template.criteria.map((c) => ({
    key: c.id,
    title: c.title,
    guidance: c.guidance,
    weight: Number(c.weight),
    scale: { kind: c.scaleKind, min: c.scaleMin, max: c.scaleMax },
  }));
  const version = await deps.db.assessmentTemplateVersion
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        templateId: template.id,
        number: (template.versions[0]?.number ?? 0) + 1,
        criteria: criteria as unknown as Prisma.InputJsonValue,
        publishedById: deps.access.userId,
      },
    })
    .catch((error) => {
      // Two publications at once both chose the next number: the later one is refused, nothing changed.
      if (isUniqueViolation(error)) throw new AssessmentError('CONFLICT', 'The template was published meanwhile; try again');
      throw error;
    });
  await recordAudit(deps, {
    action: 'assessment_template.published',
    targetType: 'AssessmentTemplate',
    targetId: template.id,
    data: { version: version.number },
  });
  return version;
}

export const criteriaOf = (version: { criteria: Prisma.JsonValue }) => version.criteria as unknown as Criterion[];

// ── assessments ─────────────────────────────────────────────────────────────────────────────────

const startInput = z.object({
  templateId: z.string().uuid(),
  subjectId: z.string().uuid().nullish(),
  assessorMembershipId: z.string().uuid().nullish(),
  assessedOn: isoDate,
});

/** Applies the template's latest published version to a subject of the template's subject type. */
export async function startAssessment(deps: ServiceDeps, input: z.input<typeof startInput>) {
  const data = parseInput(startInput, input);
  const template = await deps.db.assessmentTemplate.findUnique({
    where: { id: data.templateId },
    include: { versions: { orderBy: { number: 'desc' }, take: 1 } },
  });
  if (!template) throw new AssessmentError('NOT_FOUND', 'No such assessment template');
  const version = template.versions[0];
  if (!version) throw new AssessmentError('NOT_PUBLISHED', 'Publish the template before assessing with it');
  const subjectType = template.subjectType;
  const column = SUBJECT_COLUMN[subjectType];
  if (column) {
    if (!data.subjectId || !(await SUBJECT_EXISTS[subjectType as Exclude<SubjectType, 'ORGANIZATION'>](deps.db, data.subjectId))) {
      throw new AssessmentError('WRONG_SUBJECT', `This template assesses a ${subjectType.toLowerCase().replace('_', ' ')}: give one of this tenant`);
    }
  } else if (data.subjectId) {
    throw new AssessmentError('WRONG_SUBJECT', 'This template assesses the whole organization: give no subject');
  }
  if (data.assessorMembershipId && !(await isMember(deps.db, data.assessorMembershipId))) {
    throw new AssessmentError('INVALID_REFERENCE', 'No such member in this tenant');
  }
  const assessorId = data.assessorMembershipId ?? (await ownMembershipId(deps));
  const assessment = await deps.db.assessment.create({
    data: {
      tenantId: deps.access.tenantId!,
      templateVersionId: version.id,
      subjectType,
      ...(column ? { [column]: data.subjectId } : {}),
      assessorMembershipId: assessorId,
      assessedOn: new Date(data.assessedOn),
    },
  });
  await recordAudit(deps, { action: 'assessment.started', targetType: 'Assessment', targetId: assessment.id, data: { version: version.number } });
  return assessment;
}

async function findAssessment(db: Db, id: string, expectedVersion?: number | null) {
  const assessment = await db.assessment.findUnique({ where: { id }, include: { templateVersion: true } });
  if (!assessment) throw new AssessmentError('NOT_FOUND', 'No such assessment');
  if (expectedVersion != null && assessment.version !== expectedVersion) {
    throw new AssessmentError('CONFLICT', `The assessment changed meanwhile: it is at version ${assessment.version}, not ${expectedVersion}`);
  }
  return assessment;
}

const scoresInput = z
  .array(z.object({ criterionKey: z.string().uuid(), value: z.number(), comment: z.string().trim().max(2000).nullish() }))
  .min(1)
  .max(100);

/** Records scores (a criterion scored again replaces its score). Off-scale scores store nothing. */
export async function recordScores(deps: ServiceDeps, input: { assessmentId: string; expectedVersion?: number | null; scores: z.input<typeof scoresInput> }) {
  const scores = parseInput(scoresInput, input.scores);
  const assessment = await findAssessment(deps.db, input.assessmentId, input.expectedVersion);
  if (assessment.status !== 'DRAFT') throw new AssessmentError('ILLEGAL_TRANSITION', 'Only a draft assessment takes scores');
  const criteria = new Map(criteriaOf(assessment.templateVersion).map((c) => [c.key, c]));
  for (const [i, score] of scores.entries()) {
    const criterion = criteria.get(score.criterionKey);
    if (!criterion) throw new AssessmentError('UNKNOWN_CRITERION', 'The template version has no such criterion', ['scores', String(i)]);
    const problem = scaleViolation(criterion, score.value);
    if (problem) {
      throw new AssessmentError('SCORE_OUT_OF_SCALE', `${criterion.title}: ${score.value} ${problem}`, ['scores', String(i), 'value']);
    }
  }
  for (const score of scores) {
    await deps.db.assessmentScore.upsert({
      where: { assessmentId_criterionKey: { assessmentId: assessment.id, criterionKey: score.criterionKey } },
      create: {
        tenantId: assessment.tenantId,
        assessmentId: assessment.id,
        criterionKey: score.criterionKey,
        value: score.value,
        comment: score.comment ?? null,
      },
      update: { value: score.value, comment: score.comment ?? null },
    });
  }
  return deps.db.assessment.update({ where: { id: assessment.id }, data: { version: { increment: 1 } } });
}

export async function submitAssessment(deps: ServiceDeps, input: { assessmentId: string; expectedVersion?: number | null }) {
  const assessment = await findAssessment(deps.db, input.assessmentId, input.expectedVersion);
  if (assessment.status !== 'DRAFT') throw new AssessmentError('ILLEGAL_TRANSITION', `A ${assessment.status} assessment cannot be submitted`);
  const scored = new Set((await deps.db.assessmentScore.findMany({ where: { assessmentId: assessment.id } })).map((s) => s.criterionKey));
  const missing = criteriaOf(assessment.templateVersion).filter((c) => !scored.has(c.key));
  if (missing.length > 0) {
    throw new AssessmentError('INCOMPLETE', `Score every criterion first: ${missing.map((c) => c.title).join(', ')}`);
  }
  const updated = await deps.db.assessment.update({
    where: { id: assessment.id },
    data: { status: 'SUBMITTED', submittedAt: new Date(), version: { increment: 1 } },
  });
  await recordAudit(deps, { action: 'assessment.submitted', targetType: 'Assessment', targetId: assessment.id });
  return updated;
}

export async function reviewAssessment(deps: ServiceDeps, input: { assessmentId: string; expectedVersion?: number | null; comment?: string | null }) {
  const comment = parseInput(z.string().trim().max(5000).nullish(), input.comment);
  const assessment = await findAssessment(deps.db, input.assessmentId, input.expectedVersion);
  if (assessment.status !== 'SUBMITTED') throw new AssessmentError('ILLEGAL_TRANSITION', 'Only a submitted assessment can be reviewed');
  const updated = await deps.db.assessment.update({
    where: { id: assessment.id },
    data: { status: 'REVIEWED', reviewedAt: new Date(), reviewedById: deps.access.userId, reviewComment: comment ?? null, version: { increment: 1 } },
  });
  await recordAudit(deps, { action: 'assessment.reviewed', targetType: 'Assessment', targetId: assessment.id });
  return updated;
}

export function assessmentTotal(assessment: { templateVersion: { criteria: Prisma.JsonValue } }, scores: AssessmentScore[]) {
  return totalScore(criteriaOf(assessment.templateVersion), new Map(scores.map((s) => [s.criterionKey, Number(s.value)])));
}

// ── findings → corrective tasks ─────────────────────────────────────────────────────────────────

const findingInput = z.object({
  assessmentId: z.string().uuid(),
  criterionKey: z.string().uuid().nullish(),
  severity: z.enum(SEVERITIES),
  description: z.string().trim().min(1).max(5000),
  correctiveAction: z.string().trim().min(1).max(5000),
  ownerMembershipId: z.string().uuid().nullish(),
  dueAt: z.date().nullish(),
});

/**
 * Records a shortcoming (找出不足) and turns its corrective action into a task (加以改进) on the
 * tasks board, owned by the given member; the finding closes when that task is done.
 */
export async function addFinding(deps: ServiceDeps, input: z.input<typeof findingInput>) {
  const data = parseInput(findingInput, input);
  const assessment = await findAssessment(deps.db, data.assessmentId);
  if (data.criterionKey && !criteriaOf(assessment.templateVersion).some((c) => c.key === data.criterionKey)) {
    throw new AssessmentError('UNKNOWN_CRITERION', 'The template version has no such criterion', ['criterionKey']);
  }
  const task = await createTask(deps, {
    visitId: assessment.visitId,
    phase: 'FOLLOW_UP',
    title: `整改：${data.correctiveAction}`.slice(0, 500),
    description: `${data.severity} · ${data.description}`.slice(0, 5000),
    assigneeMembershipId: data.ownerMembershipId ?? null,
    assigneeRole: data.ownerMembershipId ? null : 'COORDINATOR',
    dueAt: data.dueAt ?? null,
  }).catch((error) => {
    throw error instanceof Error && error.name === 'TaskError' ? new AssessmentError('INVALID_REFERENCE', error.message) : error;
  });
  const finding = await deps.db.finding.create({
    data: {
      tenantId: assessment.tenantId,
      assessmentId: assessment.id,
      criterionKey: data.criterionKey ?? null,
      severity: data.severity,
      description: data.description,
      correctiveAction: data.correctiveAction,
      taskId: task.id,
    },
  });
  await recordAudit(deps, { action: 'finding.added', targetType: 'Finding', targetId: finding.id, data: { severity: data.severity, taskId: task.id } });
  return finding;
}

// ── the post-visit review (总结) ────────────────────────────────────────────────────────────────

/**
 * When a visit is completed, its review is started in DRAFT with the tenant's post-visit review
 * template, assigned to the visit's coordinator. No published template: nothing to start.
 */
export async function startPostVisitReview(deps: ServiceDeps, visitId: string) {
  const visit = await deps.db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { coordinatorId: true, endsAt: true } });
  const template = await deps.db.assessmentTemplate.findFirst({
    where: { kind: 'POST_VISIT_REVIEW', subjectType: 'VISIT', versions: { some: {} } },
    orderBy: { createdAt: 'asc' },
  });
  if (!template) return null;
  if (await deps.db.assessment.findFirst({ where: { visitId, templateVersion: { templateId: template.id } }, select: { id: true } })) return null;
  return startAssessment(deps, {
    templateId: template.id,
    subjectId: visitId,
    assessorMembershipId: visit.coordinatorId,
    assessedOn: visit.endsAt.toISOString().slice(0, 10),
  });
}

// 总结: a completed visit gets its review, in the same transaction as the completion.
registerVisitHooks({ onVisitCompleted: startPostVisitReview });
