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
import { bilingual } from '../../shared/template-texts.ts';

export const HOTEL_EVENT_CHECKLIST: ChecklistTemplateInput = {
  name: bilingual('重要会议接待筹备清单（酒店）', 'Preparation checklist for a major conference (hotel)'),
  description: bilingual(
    '两会等重要会议接待：协调会、各部门准备情况汇报、方案修改、专职小组、设备检修、区域检查、应急预案与演练。',
    "Receiving a major conference such as the Two Sessions: coordination meeting, departments' readiness reports, plan revisions, a dedicated team, equipment servicing, area inspections, emergency plans and drills.",
  ),
  purpose: 'CONFERENCE',
  items: [
    prep(
      bilingual(
        '召开接待协调会，总经理听取各部门准备工作落实情况汇报',
        "Hold the reception coordination meeting: the general manager hears each department's readiness report",
      ),
      'VISIT_REQUESTED',
      1 * D,
      'TENANT_ADMIN',
    ),
    prep(
      bilingual(
        '思想动员：传达会风要求，服务保障高起点、高质量、高标准',
        "Briefing: pass on the conference's conduct requirements; service of a high start, high quality and high standard",
      ),
      'VISIT_START',
      -7 * D,
      'TENANT_ADMIN',
    ),
    prep(bilingual('制定并修改接待方案', 'Draw up and revise the reception plan'), 'VISIT_START', -5 * D, 'COORDINATOR'),
    prep(bilingual('成立专职接待小组', 'Set up a dedicated reception team'), 'VISIT_START', -5 * D, 'COORDINATOR'),
    prep(bilingual('工程设备检修', 'Service the building equipment'), 'VISIT_START', -3 * D, 'STAFF'),
    prep(bilingual('制定应急预案，落实保障措施', 'Draw up the emergency plans and put the safeguards in place'), 'VISIT_START', -3 * D, 'COORDINATOR'),
    prep(
      bilingual('组织应急演练并考核，检查措施是否到位', 'Run and assess emergency drills; check the measures are in place'),
      'VISIT_START',
      -2 * D,
      'COORDINATOR',
    ),
    prep(bilingual('检查会场准备情况', 'Inspect the readiness of the meeting venue'), 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep(bilingual('检查客房准备情况', 'Inspect the readiness of the guest rooms'), 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep(bilingual('检查餐厅准备情况', 'Inspect the readiness of the restaurant'), 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep(bilingual('检查监控室准备情况', 'Inspect the readiness of the monitoring room'), 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep(
      bilingual('前台了解到店客人信息，准备房卡和入住资料', "The front desk learns the arriving guests' details and prepares key cards and check-in packs"),
      'ARRIVAL',
      -4 * H,
      'STAFF',
    ),
    recv(bilingual('微笑迎宾，快速办理入住', 'Greet guests with a smile and check them in quickly'), 'ARRIVAL', -15, 'STAFF'),
    recv(bilingual('餐前检查餐厅和菜单（饮食禁忌）', 'Before each meal, check the restaurant and the menu (dietary restrictions)'), 'EACH_MEAL', -30, 'STAFF'),
    recv(bilingual('会议开始前检查会场设备', 'Check the venue equipment before the meeting starts'), 'EACH_ITINERARY_ITEM', -1 * H, 'STAFF', {
      itineraryKind: 'MEETING',
    }),
    after(bilingual('接待总结：找出不足，加以改进', 'Reception summary: find the shortcomings and improve'), 'VISIT_END', 2 * D, 'COORDINATOR'),
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
  name: bilingual('区域接待准备检查', 'Area readiness inspection'),
  kind: 'INSPECTION',
  subjectType: 'HOTEL_AREA',
  description: bilingual(
    '会场、客房、餐厅、监控室等区域的准备情况检查。',
    'Inspection of the readiness of an area: meeting venue, guest rooms, restaurant, monitoring room …',
  ),
  criteria: [
    points(bilingual('设施设备完好', 'Facilities and equipment in good order'), 3),
    points(bilingual('清洁卫生', 'Clean and hygienic'), 2),
    passFail(bilingual('安全措施到位', 'Safety measures in place'), 3),
    points(bilingual('服务人员到岗与准备', 'Service staff at their posts and prepared'), 2),
  ],
};

export const HOTEL_DRILL_REVIEW: AssessmentTemplateInput = {
  name: bilingual('应急演练评估', 'Emergency drill review'),
  kind: 'DRILL',
  subjectType: 'ORGANIZATION',
  description: bilingual('应急预案演练与考核：检查措施是否到位。', 'Drill and assessment of the emergency plans: check the measures are in place.'),
  criteria: [
    passFail(bilingual('预案覆盖主要风险', 'The plans cover the main risks'), 2),
    points(bilingual('响应速度', 'Speed of response'), 3),
    points(bilingual('各部门协同', 'Coordination between departments'), 2),
    percent(bilingual('人员到位率', 'Share of staff in position'), 2),
    points(bilingual('演练总结与整改', 'Drill review and corrections'), 1),
  ],
};
