// What a new hospital starts with (zh-Hans): the service-standards routine of part 2 as a checklist
// (as applied when receiving an inspection), the monthly letter to discharged patients
// (以信函形式进行回访出院病人) and the service-standard check of a service point.
import type { ChecklistTemplateInput } from '../shared/tasks/task.service.ts';
import { after, D, H, prep, recv } from '../shared/tasks/checklist.templates.ts';
import type { SurveyContentInput } from '../shared/feedback/survey.service.ts';
import type { QuestionsInput } from '../shared/feedback/survey.questions.ts';
import { nps, rating, single, text } from '../shared/feedback/survey.templates.ts';
import type { AssessmentTemplateInput } from '../shared/assessments/assessment.service.ts';
import { passFail, points } from '../shared/assessments/assessment.templates.ts';
import { bilingual } from '../../shared/template-texts.ts';

export const HOSPITAL_SERVICE_CHECKLIST: ChecklistTemplateInput = {
  name: bilingual('服务环节检查清单（医院）', 'Service point checklist (hospital)'),
  description: bilingual(
    '迎接检查或贵宾来访前，按细化服务环节自查：导医、分诊、绿色通道、收费窗口、候诊环境、宣传栏。',
    'Before an inspection or a VIP visit, check every service point yourselves: guides, triage, the green channel, payment windows, waiting areas, notice boards.',
  ),
  items: [
    prep(bilingual('各科室按本科室服务标准自查', 'Each department checks itself against its service standards'), 'VISIT_START', -3 * D, 'COORDINATOR'),
    prep(
      bilingual('导医台主动迎接患者，引导分诊、取报告', 'The guide desk greets patients and guides them to triage and to collect reports'),
      'VISIT_START',
      -1 * D,
      'STAFF',
    ),
    prep(
      bilingual('检查急诊绿色通道畅通，坚持"先抢救，后补办手续"', 'Check the emergency green channel is clear: "treat first, paperwork later"'),
      'VISIT_START',
      -1 * D,
      'COORDINATOR',
    ),
    prep(bilingual('检查一卡通收费，高峰时段增开收费窗口', 'Check card payment, and open more payment windows at peak times'), 'VISIT_START', -1 * D, 'STAFF'),
    prep(bilingual('检查候诊区座椅和饮水供应', 'Check the seats and drinking water in the waiting areas'), 'VISIT_START', -1 * D, 'STAFF'),
    prep(bilingual('检查环境卫生，控制噪音', 'Check cleanliness and keep noise down'), 'VISIT_START', -4 * H, 'STAFF'),
    prep(bilingual('更新健康教育宣传栏', 'Update the health education notice boards'), 'VISIT_START', -2 * D, 'STAFF'),
    recv(bilingual('导医在到达处迎接并陪同引导', 'A guide meets the visitors on arrival and accompanies them'), 'ARRIVAL', -15, 'STAFF'),
    recv(bilingual('参观路线提前检查', 'Check the visiting route beforehand'), 'EACH_ITINERARY_ITEM', -30, 'STAFF', { itineraryKind: 'SITE_VISIT' }),
    after(bilingual('落实检查意见，限期整改', "Act on the inspection's findings and fix them by a deadline"), 'VISIT_END', 3 * D, 'COORDINATOR'),
    after(bilingual('服务标准定期考核', 'Assess the service standards regularly'), 'VISIT_END', 7 * D, 'COORDINATOR'),
  ],
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

export const HOSPITAL_SERVICE_STANDARD: AssessmentTemplateInput = {
  name: bilingual('服务环节标准检查', 'Service point standards check'),
  kind: 'SERVICE_STANDARD',
  subjectType: 'SERVICE_POINT',
  description: bilingual('按细化的服务环节逐项检查服务点。', 'Check a service point item by item against the detailed service steps.'),
  criteria: [
    points(bilingual('导医主动迎接、引导患者', 'Guides greet and guide patients'), 3),
    passFail(bilingual('急诊绿色通道畅通（先抢救，后补办手续）', 'Emergency green channel clear (treat first, paperwork later)'), 3),
    points(bilingual('候诊座椅与饮水供应', 'Waiting-area seats and drinking water'), 1),
    points(bilingual('噪音控制', 'Noise control'), 1),
    points(bilingual('环境清洁', 'Cleanliness'), 1),
    passFail(bilingual('健康教育宣传栏内容更新', 'Health education notice boards up to date'), 1),
  ],
};
