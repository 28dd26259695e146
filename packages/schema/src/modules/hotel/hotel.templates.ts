// What a new hotel starts with (zh-Hans): preparing for a conference delegation (part 5, 两会接待),
// the survey of its guests after a stay or an event, and the readiness inspection of an area and the
// emergency drill review (有演练、考核, 查措施是否到位).
import type { ChecklistTemplateInput } from '../shared/tasks/task.service.ts';
import { after, D, H, prep, recv } from '../shared/tasks/checklist.templates.ts';
import type { SurveyContentInput } from '../shared/feedback/survey.service.ts';
import type { QuestionsInput } from '../shared/feedback/survey.questions.ts';
import { nps, rating, single, text } from '../shared/feedback/survey.templates.ts';
import type { AssessmentTemplateInput } from '../shared/assessments/assessment.service.ts';
import { passFail, percent, points } from '../shared/assessments/assessment.templates.ts';

export const HOTEL_EVENT_CHECKLIST: ChecklistTemplateInput = {
  name: '重要会议接待筹备清单（酒店）',
  description: '两会等重要会议接待：协调会、各部门准备情况汇报、方案修改、专职小组、设备检修、区域检查、应急预案与演练。',
  purpose: 'CONFERENCE',
  items: [
    prep('召开接待协调会，总经理听取各部门准备工作落实情况汇报', 'VISIT_REQUESTED', 1 * D, 'TENANT_ADMIN'),
    prep('思想动员：传达会风要求，服务保障高起点、高质量、高标准', 'VISIT_START', -7 * D, 'TENANT_ADMIN'),
    prep('制定并修改接待方案', 'VISIT_START', -5 * D, 'COORDINATOR'),
    prep('成立专职接待小组', 'VISIT_START', -5 * D, 'COORDINATOR'),
    prep('工程设备检修', 'VISIT_START', -3 * D, 'STAFF'),
    prep('制定应急预案，落实保障措施', 'VISIT_START', -3 * D, 'COORDINATOR'),
    prep('组织应急演练并考核，检查措施是否到位', 'VISIT_START', -2 * D, 'COORDINATOR'),
    prep('检查会场准备情况', 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep('检查客房准备情况', 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep('检查餐厅准备情况', 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep('检查监控室准备情况', 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep('前台了解到店客人信息，准备房卡和入住资料', 'ARRIVAL', -4 * H, 'STAFF'),
    recv('微笑迎宾，快速办理入住', 'ARRIVAL', -15, 'STAFF'),
    recv('餐前检查餐厅和菜单（饮食禁忌）', 'EACH_MEAL', -30, 'STAFF'),
    recv('会议开始前检查会场设备', 'EACH_ITINERARY_ITEM', -1 * H, 'STAFF', { itineraryKind: 'MEETING' }),
    after('接待总结：找出不足，加以改进', 'VISIT_END', 2 * D, 'COORDINATOR'),
  ],
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

export const HOTEL_AREA_READINESS: AssessmentTemplateInput = {
  name: '区域接待准备检查',
  kind: 'INSPECTION',
  subjectType: 'HOTEL_AREA',
  description: '会场、客房、餐厅、监控室等区域的准备情况检查。',
  criteria: [points('设施设备完好', 3), points('清洁卫生', 2), passFail('安全措施到位', 3), points('服务人员到岗与准备', 2)],
};

export const HOTEL_DRILL_REVIEW: AssessmentTemplateInput = {
  name: '应急演练评估',
  kind: 'DRILL',
  subjectType: 'ORGANIZATION',
  description: '应急预案演练与考核：检查措施是否到位。',
  criteria: [passFail('预案覆盖主要风险', 2), points('响应速度', 3), points('各部门协同', 2), percent('人员到位率', 2), points('演练总结与整改', 1)],
};
