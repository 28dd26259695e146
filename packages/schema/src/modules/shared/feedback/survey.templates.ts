// The feedback surveys every new tenant of a kind starts with (zh-Hans), published and ready to send:
// a government office asks its guests after a visit (来宾反馈信息的收集和处理); a hospital writes every
// month to its discharged patients (以信函形式进行回访出院病人); a hotel asks its guests after a stay or
// an event. Admins edit them like any survey (editing starts version 2).
import type { TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import type { QuestionsInput } from './survey.questions.ts';
import { createSurvey, publishSurvey, type SurveyContentInput } from './survey.service.ts';

const rating = (text: string, required = true) => ({ kind: 'RATING' as const, text, required });
const nps = (text: string) => ({ kind: 'NPS' as const, text, required: true });
const single = (text: string, options: string[], required = false) => ({ kind: 'SINGLE_CHOICE' as const, text, required, options: options.map((label) => ({ label })) });
const multiple = (text: string, options: string[]) => ({ kind: 'MULTIPLE_CHOICE' as const, text, required: false, options: options.map((label) => ({ label })) });
const text = (t: string) => ({ kind: 'TEXT' as const, text: t, required: false });

export const GOVERNMENT_POST_VISIT_SURVEY: SurveyContentInput = {
  title: '来访接待满意度调查',
  description: '感谢您莅临指导！为不断改进接待工作（找出不足，加以改进），请您花两分钟对本次接待作出评价。',
  language: 'zh-Hans',
  ownerRole: 'COORDINATOR',
  questions: [
    rating('您对本次接待工作的总体满意度'),
    rating('行程与日程安排是否合理、衔接顺畅'),
    rating('住宿安排（房间、楼层、服务）'),
    rating('餐饮安排（口味、饮食禁忌的照顾）'),
    rating('用车与交通安排'),
    rating('接待人员的礼仪与服务态度'),
    nps('您向其他单位推荐我们接待工作的可能性有多大？'),
    multiple('您认为哪些方面还需改进？', ['行程安排', '住宿', '餐饮', '用车', '会议/座谈', '参观考察', '资料准备', '其他']),
    text('其他意见和建议'),
  ] satisfies QuestionsInput,
};

export const HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY: SurveyContentInput = {
  title: '出院患者回访问卷',
  description: '您好！感谢您对我院的信任。为了解您出院后的恢复情况并改进我们的服务，特向您回访，请您填写以下问卷。',
  language: 'zh-Hans',
  ownerRole: 'COORDINATOR',
  questions: [
    rating('您对本次住院期间的总体满意度'),
    rating('医生的诊疗与病情解释'),
    rating('护士的护理与服务态度'),
    rating('入院、出院手续办理是否便捷'),
    rating('病区环境与卫生'),
    single('出院时医护人员交代的用药和注意事项是否清楚？', ['清楚', '基本清楚', '不清楚'], true),
    single('您目前的恢复情况', ['良好', '一般', '较差']),
    nps('您向亲友推荐我院的可能性有多大？'),
    text('您对医院服务的意见、建议，或需要表扬、投诉的医务人员'),
  ] satisfies QuestionsInput,
};

export const HOTEL_GUEST_SURVEY: SurveyContentInput = {
  title: '宾客满意度调查（住店/会议）',
  description: '感谢您选择入住本酒店/在本酒店举办活动。您的意见将帮助我们提升服务品质。',
  language: 'zh-Hans',
  ownerRole: 'COORDINATOR',
  questions: [
    single('您本次入住的主要目的', ['参加会议/活动', '商务出行', '旅游休闲', '其他'], true),
    rating('前台接待与入住、离店手续'),
    rating('客房的整洁与舒适度'),
    rating('餐厅的菜品与服务'),
    rating('会场布置与会议服务（如参加会议）', false),
    rating('员工的服务态度'),
    nps('您向亲友或同事推荐本酒店的可能性有多大？'),
    text('其他意见和建议'),
  ] satisfies QuestionsInput,
};

export const SURVEY_TEMPLATES: Record<TenantKind, SurveyContentInput> = {
  GOVERNMENT_OFFICE: GOVERNMENT_POST_VISIT_SURVEY,
  HOSPITAL: HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY,
  HOTEL: HOTEL_GUEST_SURVEY,
};

/** Creates and publishes the kind's survey in the acting tenant (at tenant creation). */
export async function seedSurveyTemplates(deps: ServiceDeps, kind: TenantKind) {
  const survey = await createSurvey(deps, SURVEY_TEMPLATES[kind]);
  return publishSurvey(deps, { surveyId: survey.id, expectedVersion: survey.revision });
}
