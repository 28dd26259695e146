// Answering without an account: the respondent's token finds its invitation by hash inside the
// tenant's RLS scope (the operation's tenant comes from the token's text, see survey-token.ts and the
// gateway's tenant transaction); the answers are checked against the invitation's survey version and
// stored once; a negative answer opens a follow-up task for the survey owner's role. Unknown, forged,
// expired and used tokens, and tokens of a closed survey, all get the same INVALID_TOKEN.
import type { SurveyInvitation, SurveyVersion } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { hasRole } from '../../../shared/access.ts';
import { parseInput } from '../../../shared/errors.ts';
import { z } from 'zod';
import { appendEvent } from '../../core/events/event.service.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { changeTaskStatus, createTask, type TaskStatus } from '../tasks/task.service.ts';
import { FeedbackError, invalidToken, SurveyAnswersError } from './feedback.errors.ts';
import { parseSurveyToken } from './survey-token.ts';
import { complaintSubmitted } from './survey-response.hooks.ts';
import { checkAnswers, negativeReasons, readQuestions, type AnswerInput, type SurveyQuestion } from './survey.questions.ts';

interface UsableInvitation {
  invitation: SurveyInvitation;
  version: SurveyVersion;
  ownerRole: string;
}

/**
 * The invitation of a token that may still be answered, or INVALID_TOKEN. With `lock`, the row is
 * locked until the transaction ends: a concurrent submission with the same token waits, then finds
 * it used.
 */
async function usableInvitation(deps: ServiceDeps, token: string, options: { lock: boolean }): Promise<UsableInvitation> {
  const parsed = parseSurveyToken(token);
  // The token's tenant must be the one acting: a respondent's operation runs in it; a signed-in
  // member's runs in their own, where another tenant's token finds nothing anyway.
  if (!parsed || parsed.tenantId !== deps.access.tenantId) throw invalidToken();
  const rows = options.lock
    ? await deps.db.$queryRaw<{ id: string }[]>`SELECT id FROM survey_invitations WHERE token_hash = ${parsed.tokenHash} FOR UPDATE`
    : await deps.db.$queryRaw<{ id: string }[]>`SELECT id FROM survey_invitations WHERE token_hash = ${parsed.tokenHash}`;
  if (rows.length === 0) throw invalidToken();
  const invitation = await deps.db.surveyInvitation.findUniqueOrThrow({
    where: { id: rows[0]!.id },
    include: { version: true, survey: { select: { status: true, ownerRole: true } } },
  });
  const now = Date.now();
  if (invitation.respondedAt || invitation.expiresAt.getTime() <= now || invitation.survey.status !== 'PUBLISHED' || !invitation.version.publishedAt) {
    throw invalidToken();
  }
  const { version, survey, ...rest } = invitation;
  return { invitation: rest, version, ownerRole: survey.ownerRole };
}

export interface RespondentForm {
  organizationName: string;
  title: string;
  description: string | null;
  language: string;
  questions: SurveyQuestion[];
  expiresAt: Date;
}

/** What the respondent sees: the survey version of the invitation, and who asks. Nothing personal. */
export async function respondentForm(deps: ServiceDeps, token: string): Promise<RespondentForm> {
  const { invitation, version } = await usableInvitation(deps, token, { lock: false });
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: invitation.tenantId }, select: { name: true } });
  return {
    organizationName: tenant.name,
    title: version.title,
    description: version.description,
    language: version.language,
    questions: readQuestions(version.questions),
    expiresAt: invitation.expiresAt,
  };
}

export interface SubmitInput {
  token: string;
  answers: readonly AnswerInput[];
  complaint?: boolean | null;
}

/**
 * Stores the answers once. Bad answers are refused with one typed issue per answer (the caller's
 * savepoint rolls everything back, and the token stays usable); nothing about the respondent is read
 * or written here beyond the invitation's id.
 */
export async function submitSurveyResponse(deps: ServiceDeps, input: SubmitInput) {
  const { invitation, version, ownerRole } = await usableInvitation(deps, input.token, { lock: true });
  const questions = readQuestions(version.questions);
  const checked = checkAnswers(questions, input.answers);
  if (!checked.ok) throw new SurveyAnswersError(checked.issues);
  const complaint = input.complaint ?? false;
  const reasons = negativeReasons(questions, checked.values, complaint);
  const now = new Date();

  const used = await deps.db.surveyInvitation.updateMany({ where: { id: invitation.id, respondedAt: null }, data: { respondedAt: now } });
  if (used.count !== 1) throw invalidToken();
  const response = await deps.db.surveyResponse.create({
    data: {
      tenantId: invitation.tenantId,
      surveyId: invitation.surveyId,
      versionId: version.id,
      invitationId: invitation.id,
      complaint,
      negative: reasons.length > 0,
      submittedAt: now,
    },
  });
  await deps.db.surveyAnswer.createMany({
    data: checked.values.map((v) => ({ tenantId: invitation.tenantId, responseId: response.id, ...v })),
  });

  let followUpTaskId: string | null = null;
  if (reasons.length > 0) {
    // Tenant-wide (or on the visit surveyed), for the survey owner's role. The title and description
    // name the survey, the questions and the scores, never the respondent nor their free text: the
    // board is visible to every member, and a patient's identity only to PATIENT_DATA holders.
    const task = await createTask(deps, {
      visitId: invitation.visitId,
      phase: 'FOLLOW_UP',
      title: `${complaint ? '投诉' : '负面反馈'}跟进：${version.title}（第${version.number}版）`,
      description: [...reasons, `回复编号 ${response.id}`, '请联系受访者了解情况，处理后在反馈中记录处理结果（resolveSurveyFollowUp）。'].join('\n'),
      assigneeRole: ownerRole as never,
    });
    followUpTaskId = task.id;
    await deps.db.surveyResponse.update({ where: { id: response.id }, data: { followUpTaskId } });
  }
  await recordAudit(deps, {
    action: 'survey_response.submitted',
    targetType: 'SurveyResponse',
    targetId: response.id,
    data: { surveyId: invitation.surveyId, version: version.number, negative: reasons.length > 0, followUpTaskId },
  });
  // For partners (webhook SURVEY_RESPONSE_RECEIVED): ids and flags only, never an answer or the respondent.
  await appendEvent(deps, {
    topic: 'survey',
    type: 'survey.response_submitted',
    subjectId: invitation.surveyId,
    payload: {
      responseId: response.id,
      surveyId: invitation.surveyId,
      version: version.number,
      campaignId: invitation.campaignId,
      visitId: invitation.visitId,
      negative: reasons.length > 0,
      complaint,
      followUpTaskId,
    },
  });
  if (complaint) {
    await complaintSubmitted(deps, { responseId: response.id, respondentKind: invitation.respondentKind, surveyTitle: version.title, reasons });
  }
  return { ...response, followUpTaskId };
}

const resolutionInput = z.string().trim().min(1).max(5000);

/**
 * Records how a negative answer was followed up, and closes its task (done) if it is still open.
 * The task's completion sets the response's resolvedAt (a trigger, which also follows the task when
 * it is completed or reopened on the board).
 */
export async function resolveSurveyFollowUp(deps: ServiceDeps, input: { responseId: string; resolution: string }) {
  const resolution = parseInput(resolutionInput, input.resolution);
  const response = await deps.db.surveyResponse.findUnique({ where: { id: input.responseId }, include: { followUpTask: true } });
  if (!response) throw new FeedbackError('NOT_FOUND', 'No such response');
  if (!response.negative) throw new FeedbackError('NO_FOLLOW_UP', 'This response was not negative: there is nothing to follow up');
  await deps.db.surveyResponse.update({ where: { id: response.id }, data: { resolution } });
  const task = response.followUpTask;
  if (task && task.status !== 'DONE') {
    // BLOCKED and SKIPPED tasks cannot go straight to DONE: take the allowed way there.
    const path: TaskStatus[] = task.status === 'BLOCKED' ? ['IN_PROGRESS', 'DONE'] : task.status === 'SKIPPED' ? ['TODO', 'DONE'] : ['DONE'];
    for (const status of path) await changeTaskStatus(deps, { taskId: task.id, status });
  } else if (!task) {
    // The task was deleted: the resolution is recorded all the same.
    await deps.db.surveyResponse.update({ where: { id: response.id }, data: { resolvedAt: new Date(), resolvedById: deps.access.userId } });
  }
  await recordAudit(deps, { action: 'survey_response.resolved', targetType: 'SurveyResponse', targetId: response.id });
  return deps.db.surveyResponse.findUniqueOrThrow({ where: { id: response.id } });
}

/**
 * A patient's free text is health data: shown only to PATIENT_DATA holders. Aggregates (scores,
 * counts) are not personal and stay visible to everyone allowed to see results.
 */
export function mayReadTextOf(access: ServiceDeps['access'], respondentKind: string): boolean {
  return respondentKind !== 'DISCHARGED_PATIENT' || hasRole(access, 'PATIENT_DATA');
}
