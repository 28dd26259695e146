// Surveys: designed by admins as a draft, frozen by publishing into a numbered version (editing a
// published survey starts the next version's draft), closed when done. Every change takes the
// survey's `expectedVersion` (a stale one gets CONFLICT and changes nothing) and is audited.
import { z } from 'zod';
import type { Prisma, Survey } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput, ValidationError } from '../../../shared/errors.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { FeedbackError } from './feedback.errors.ts';
import { normalizeQuestions, questionsInput, readQuestions } from './survey.questions.ts';

/** Roles a follow-up task may be assigned to (PATIENT_DATA is a grant, not a team). */
export const OWNER_ROLES = ['TENANT_ADMIN', 'COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER'] as const;
export const SURVEY_STATUSES = ['DRAFT', 'PUBLISHED', 'CLOSED'] as const;

const contentInput = z.object({
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(5000).nullish(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-Hans')
    .nullish(),
  ownerRole: z.enum(OWNER_ROLES).nullish(),
  questions: questionsInput,
});
export type SurveyContentInput = z.input<typeof contentInput>;

async function tenantLocale(deps: ServiceDeps) {
  const tenant = await deps.db.tenant.findUnique({ where: { id: deps.access.tenantId! }, select: { locale: true } });
  return tenant?.locale ?? 'zh-Hans';
}

export async function createSurvey(deps: ServiceDeps, input: SurveyContentInput) {
  const data = parseInput(contentInput, input);
  const tenantId = deps.access.tenantId!;
  const survey = await deps.db.survey.create({
    data: { tenantId, ownerRole: data.ownerRole ?? 'COORDINATOR', createdById: deps.access.userId },
  });
  const questions = normalizeQuestions(data.questions);
  await deps.db.surveyVersion.create({
    data: {
      tenantId,
      surveyId: survey.id,
      number: 1,
      title: data.title,
      description: data.description ?? null,
      language: data.language ?? (await tenantLocale(deps)),
      questions: questions as unknown as Prisma.InputJsonValue,
    },
  });
  await recordAudit(deps, { action: 'survey.created', targetType: 'Survey', targetId: survey.id, data: { questions: questions.length } });
  return survey;
}

/** Checks the version (column `revision`) and the status, then bumps it (a concurrent change gets CONFLICT). */
async function changeSurvey(deps: ServiceDeps, surveyId: string, expectedVersion: number): Promise<Survey> {
  const survey = await deps.db.survey.findUnique({ where: { id: surveyId } });
  if (!survey) throw new FeedbackError('NOT_FOUND', 'No such survey');
  if (survey.revision !== expectedVersion) {
    throw new FeedbackError('CONFLICT', `The survey changed meanwhile: it is at version ${survey.revision}, not ${expectedVersion}`);
  }
  if (survey.status === 'CLOSED') throw new FeedbackError('SURVEY_CLOSED', 'A closed survey no longer changes');
  const bumped = await deps.db.survey.updateMany({ where: { id: survey.id, revision: expectedVersion }, data: { revision: { increment: 1 } } });
  if (bumped.count !== 1) throw new FeedbackError('CONFLICT', 'The survey changed meanwhile');
  return survey;
}

/**
 * Saves the whole content as the draft: the existing draft is replaced; a published survey gets a
 * new draft numbered after its latest version (the published one stays what invitations answer
 * until this draft is published). Questions keep their keys when given them.
 */
export async function saveSurveyDraft(deps: ServiceDeps, input: { surveyId: string; expectedVersion: number; content: SurveyContentInput }) {
  const data = parseInput(contentInput, input.content);
  const survey = await changeSurvey(deps, input.surveyId, input.expectedVersion);
  const questions = normalizeQuestions(data.questions) as unknown as Prisma.InputJsonValue;
  const draft = await deps.db.surveyVersion.findFirst({ where: { surveyId: survey.id, publishedAt: null } });
  let number: number;
  if (draft) {
    await deps.db.surveyVersion.update({
      where: { id: draft.id },
      data: { title: data.title, description: data.description ?? null, language: data.language ?? draft.language, questions },
    });
    number = draft.number;
  } else {
    const latest = await deps.db.surveyVersion.findFirstOrThrow({ where: { surveyId: survey.id }, orderBy: { number: 'desc' } });
    number = latest.number + 1;
    await deps.db.surveyVersion.create({
      data: {
        tenantId: survey.tenantId,
        surveyId: survey.id,
        number,
        title: data.title,
        description: data.description ?? null,
        language: data.language ?? latest.language,
        questions,
      },
    });
  }
  if (data.ownerRole && data.ownerRole !== survey.ownerRole) {
    await deps.db.survey.update({ where: { id: survey.id }, data: { ownerRole: data.ownerRole } });
  }
  await recordAudit(deps, { action: 'survey.draft_saved', targetType: 'Survey', targetId: survey.id, data: { version: number } });
  return deps.db.survey.findUniqueOrThrow({ where: { id: survey.id } });
}

/** Freezes the draft as the survey's current version: new invitations answer it from now on. */
export async function publishSurvey(deps: ServiceDeps, input: { surveyId: string; expectedVersion: number }) {
  const survey = await changeSurvey(deps, input.surveyId, input.expectedVersion);
  const draft = await deps.db.surveyVersion.findFirst({ where: { surveyId: survey.id, publishedAt: null } });
  if (!draft) throw new FeedbackError('NO_DRAFT', 'There is no draft to publish: edit the survey first');
  if (readQuestions(draft.questions).length === 0) {
    throw new ValidationError([{ path: ['questions'], message: 'a survey needs at least one question to be published' }]);
  }
  await deps.db.surveyVersion.update({ where: { id: draft.id }, data: { publishedAt: new Date(), publishedById: deps.access.userId } });
  const published = await deps.db.survey.update({ where: { id: survey.id }, data: { status: 'PUBLISHED' } });
  await recordAudit(deps, { action: 'survey.published', targetType: 'Survey', targetId: survey.id, data: { version: draft.number } });
  return published;
}

/** No more invitations or answers; results stay. */
export async function closeSurvey(deps: ServiceDeps, input: { surveyId: string; expectedVersion: number }) {
  const survey = await changeSurvey(deps, input.surveyId, input.expectedVersion);
  const closed = await deps.db.survey.update({ where: { id: survey.id }, data: { status: 'CLOSED', closedAt: new Date() } });
  await recordAudit(deps, { action: 'survey.closed', targetType: 'Survey', targetId: survey.id });
  return closed;
}

/** The version new invitations answer: the latest published one. */
export async function currentPublishedVersion(deps: Pick<ServiceDeps, 'db'>, surveyId: string) {
  return deps.db.surveyVersion.findFirst({ where: { surveyId, publishedAt: { not: null } }, orderBy: { number: 'desc' } });
}
