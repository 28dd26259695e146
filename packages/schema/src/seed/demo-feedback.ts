// Demo feedback, so that the no-configuration start shows results: each tenant's seeded survey gets a
// small campaign and a few answers (one negative, with its follow-up task on the board). The hospital
// also gets its records office (病案室) member holding PATIENT_DATA, who imports last month's
// discharged patients for the monthly follow-up letters (以信函形式进行回访出院病人).
import { setScope, type TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../context.ts';
import { anonymousAccess } from '../shared/access.ts';
import type { PasswordHasher } from '../modules/core/identity/password.ts';
import { provisionMember } from '../modules/core/identity/user.service.ts';
import { createSurveyCampaign, type IssuedInvitation } from '../modules/shared/feedback/survey-invitation.service.ts';
import { createDischargeFollowUpCampaign } from '../modules/hospital/discharge-follow-up.service.ts';
import { submitSurveyResponse } from '../modules/shared/feedback/survey-response.service.ts';
import { readQuestions, type AnswerInput, type SurveyQuestion } from '../modules/shared/feedback/survey.questions.ts';
import { currentPublishedVersion } from '../modules/shared/feedback/survey.service.ts';

export const RECORDS_OFFICE_EMAIL = 'records@hospital.demo.jiedai';

/** Last month, as YYYY-MM, and a day of it as YYYY-MM-DD. */
function lastMonth(): { month: string; day: (d: number) => string } {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = first.toISOString().slice(0, 7);
  return { month, day: (d) => `${month}-${String(d).padStart(2, '0')}` };
}

function answersOf(questions: SurveyQuestion[], mood: 'pleased' | 'unhappy'): AnswerInput[] {
  return questions.flatMap((q): AnswerInput[] => {
    if (q.kind === 'RATING') return [{ questionKey: q.key, number: mood === 'pleased' ? 5 : 2 }];
    if (q.kind === 'NPS') return [{ questionKey: q.key, number: mood === 'pleased' ? 9 : 4 }];
    if (q.kind === 'SINGLE_CHOICE') return [{ questionKey: q.key, optionKeys: [q.options[mood === 'pleased' ? 0 : 1]!.key] }];
    if (q.kind === 'MULTIPLE_CHOICE') return mood === 'pleased' ? [] : [{ questionKey: q.key, optionKeys: [q.options[0]!.key, q.options[2]!.key] }];
    return [{ questionKey: q.key, text: mood === 'pleased' ? '安排周到，服务热情，非常满意。' : '等候时间较长，希望改进。' }];
  });
}

export async function seedDemoFeedback(deps: ServiceDeps & { passwords: PasswordHasher }, kind: TenantKind, options: { departmentId: string; password: string }) {
  const tenantId = deps.access.tenantId!;
  const survey = await deps.db.survey.findFirstOrThrow({ orderBy: { createdAt: 'asc' } });
  const version = (await currentPublishedVersion(deps, survey.id))!;
  let issued: IssuedInvitation[];
  if (kind === 'HOSPITAL') {
    const clerk = await provisionMember(deps, {
      email: RECORDS_OFFICE_EMAIL,
      displayName: 'hospital records 病案室',
      password: options.password,
      roles: ['STAFF', 'PATIENT_DATA'],
      departmentId: options.departmentId,
    });
    // Discharged patients exist only for PATIENT_DATA holders (RLS): act as the records office.
    await setScope(deps.db, { tenantId, userId: clerk.userId });
    const { month, day } = lastMonth();
    ({ issued } = await createDischargeFollowUpCampaign(
      { ...deps, access: { ...deps.access, userId: clerk.userId, roles: ['STAFF', 'PATIENT_DATA'], isPlatformAdmin: false } },
      {
        surveyId: survey.id,
        month,
        patients: [
          { medicalRecordNo: `ZY${month.replace('-', '')}0001`, name: '张晓明', contact: '示范市健康路1号3单元201室', department: '心内科', dischargedOn: day(3) },
          { medicalRecordNo: `ZY${month.replace('-', '')}0002`, name: '李春华', contact: '13800000001', department: '骨科', dischargedOn: day(11) },
          { medicalRecordNo: `ZY${month.replace('-', '')}0003`, name: '王建军', contact: '示范市长江路88号', department: '消化内科', dischargedOn: day(24) },
        ],
      },
    ));
  } else {
    ({ issued } = await createSurveyCampaign(deps, {
      surveyId: survey.id,
      name: kind === 'HOTEL' ? '上月住店宾客回访' : '上月来访宾客回访',
      respondents: [
        { kind: kind === 'HOTEL' ? 'HOTEL_GUEST' : 'OTHER', name: '陈志远', contact: '13900000011' },
        { kind: kind === 'HOTEL' ? 'HOTEL_GUEST' : 'OTHER', name: '刘雅琴', contact: '13900000012' },
        { kind: kind === 'HOTEL' ? 'HOTEL_GUEST' : 'OTHER', name: '赵国华', contact: '13900000013' },
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
