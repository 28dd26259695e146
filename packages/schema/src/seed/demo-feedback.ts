// Demo feedback, so that the no-configuration start shows results: each tenant's seeded survey gets a
// small campaign and a few answers (one negative, with its follow-up task on the board). A kind may
// invite its own way (the hospital: its records office imports last month's discharged patients,
// see modules/hospital/hospital.demo.ts).
import { setScope } from '@jiedai/db';
import type { ServiceDeps } from '../context.ts';
import { anonymousAccess } from '../shared/access.ts';
import type { PasswordHasher } from '../modules/core/identity/password.ts';
import type { KindModule } from '../shared/kind-module.ts';
import { createSurveyCampaign, type IssuedInvitation } from '../modules/shared/feedback/survey-invitation.service.ts';
import { submitSurveyResponse } from '../modules/shared/feedback/survey-response.service.ts';
import { readQuestions, type AnswerInput, type SurveyQuestion } from '../modules/shared/feedback/survey.questions.ts';
import { currentPublishedVersion } from '../modules/shared/feedback/survey.service.ts';

function answersOf(questions: SurveyQuestion[], mood: 'pleased' | 'unhappy'): AnswerInput[] {
  return questions.flatMap((q): AnswerInput[] => {
    if (q.kind === 'RATING') return [{ questionKey: q.key, number: mood === 'pleased' ? 5 : 2 }];
    if (q.kind === 'NPS') return [{ questionKey: q.key, number: mood === 'pleased' ? 9 : 4 }];
    if (q.kind === 'SINGLE_CHOICE') return [{ questionKey: q.key, optionKeys: [q.options[mood === 'pleased' ? 0 : 1]!.key] }];
    if (q.kind === 'MULTIPLE_CHOICE') return mood === 'pleased' ? [] : [{ questionKey: q.key, optionKeys: [q.options[0]!.key, q.options[2]!.key] }];
    return [{ questionKey: q.key, text: mood === 'pleased' ? '安排周到，服务热情，非常满意。' : '等候时间较长，希望改进。' }];
  });
}

export async function seedDemoFeedback(
  deps: ServiceDeps & { passwords: PasswordHasher },
  kind: KindModule,
  options: { departmentId: string; password: string },
) {
  const tenantId = deps.access.tenantId!;
  const survey = await deps.db.survey.findFirstOrThrow({ orderBy: { createdAt: 'asc' } });
  const version = (await currentPublishedVersion(deps, survey.id))!;
  let issued: IssuedInvitation[];
  if (kind.demo.inviteRespondents) {
    issued = await kind.demo.inviteRespondents(deps, { surveyId: survey.id, ...options });
  } else {
    const campaign = kind.demo.campaign ?? { name: '上月来访宾客回访', respondentKind: 'OTHER' as const };
    ({ issued } = await createSurveyCampaign(deps, {
      surveyId: survey.id,
      name: campaign.name,
      respondents: [
        { kind: campaign.respondentKind, name: '陈志远', contact: '13900000011' },
        { kind: campaign.respondentKind, name: '刘雅琴', contact: '13900000012' },
        { kind: campaign.respondentKind, name: '赵国华', contact: '13900000013' },
      ],
    }));
  }
  // Two of three answer, as respondents do: without an account, with their token.
  await setScope(deps.db, { tenantId });
  const respondent = { ...deps, access: { ...anonymousAccess, tenantId } };
  const questions = readQuestions(version.questions);
  await submitSurveyResponse(respondent, { token: issued[0]!.token, answers: answersOf(questions, 'pleased') });
  await submitSurveyResponse(respondent, { token: issued[1]!.token, answers: answersOf(questions, 'unhappy') });
  await setScope(deps.db, { tenantId, userId: deps.access.userId });
}
