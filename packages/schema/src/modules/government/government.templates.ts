// What a new government office starts with (zh-Hans): the reception checklist of the source text (the
// 14 + 16 + 4 numbered steps of part 1, section 二) and the survey of its guests after a visit
// (来宾反馈信息的收集和处理). The post-visit review is every kind's (shared assessments).
import type { ChecklistTemplateInput } from '../shared/tasks/task.service.ts';
import { after, D, H, prep, recv } from '../shared/tasks/checklist.templates.ts';
import type { SurveyContentInput } from '../shared/feedback/survey.service.ts';
import type { QuestionsInput } from '../shared/feedback/survey.questions.ts';
import { multiple, nps, rating, text } from '../shared/feedback/survey.templates.ts';

export const GOVERNMENT_RECEPTION_CHECKLIST: ChecklistTemplateInput = {
  name: '接待工作清单（政府部门）',
  description: '接待的前期工作 14 项、接待 16 项、善后工作 4 项。',
  items: [
    prep('详细询问来访的主要目的，明确来访意图', 'VISIT_REQUESTED', 1 * H, 'COORDINATOR'),
    prep(
      '询问人数、姓名、性别、民族、职务、部门，来访天数、行程、交通工具及出发、抵达和离开时间；如开车，问清车型、车牌、是否有专职司机及司机人数',
      'VISIT_REQUESTED',
      2 * H,
      'COORDINATOR',
    ),
    prep('取得对方至少两名工作人员的联系电话', 'VISIT_REQUESTED', 2 * H, 'COORDINATOR'),
    prep(
      '向领导汇报，制定接待计划和接待标准；按来访人员级别确定我方接待领导并指定陪同人员；多个单位一起来访的，为各单位指派领导',
      'VISIT_REQUESTED',
      1 * D,
      'COORDINATOR',
    ),
    prep('来访中有重要领导的，及时向市领导汇报', 'VISIT_REQUESTED', 4 * H, 'COORDINATOR'),
    prep('根据来访目的与相关单位协调，准备汇报或工作材料', 'ARRIVAL', -2 * D, 'STAFF'),
    prep(
      '制定行程安排（接待标准、食宿、安全保卫、交通、费用、参观地点和行车路线、日程），报请领导批准后立即通知有关单位和人员，并与对方工作人员沟通',
      'ARRIVAL',
      -3 * D,
      'COORDINATOR',
    ),
    prep(
      '预订酒店和饭店：房间集中在同一楼层并多订一间，派人检查所订房间，不妥的立即更换；了解主要人员饮食习惯，确定饭店并预订菜谱',
      'ARRIVAL',
      -2 * D,
      'STAFF',
    ),
    prep('对初次来访或不熟悉路况的，提供最佳行车路线，必要时派人前去接洽', 'ARRIVAL', -1 * D, 'STAFF'),
    prep('来访途中与对方工作人员保持联系，了解实际出发时间；快到达时询问行程是否顺利、到达何处', 'ARRIVAL', -2 * H, 'STAFF'),
    prep('根据人数安排来宾用车（一般配轿车，人多配旅行车），严格检查车辆，对未执行过接待任务的司机进行教育', 'ARRIVAL', -1 * D, 'STAFF'),
    prep('安排参观学习地点并联系有关单位，考虑安排文化娱乐活动', 'ARRIVAL', -1 * D, 'STAFF'),
    prep('来访事项重要的，联系媒体做好新闻报道和宣传', 'ARRIVAL', -1 * D, 'COORDINATOR'),
    prep('做好接待预算', 'ARRIVAL', -2 * D, 'COORDINATOR'),
    recv('接待领导和相关人员提前15分钟在来访者到达处等候迎接', 'ARRIVAL', -15, 'COORDINATOR'),
    recv('安排与客人身份、职务相当的人员迎接；相应领导不能前往时向客人礼貌解释；主动介绍我方领导和随同人员', 'ARRIVAL', 0, 'COORDINATOR'),
    recv('将客人引送到房间，沏茶，告知就餐时间地点；介绍住处服务设施，送上日程安排和介绍材料；重要来宾引见宾馆经理', 'ARRIVAL', 30, 'STAFF'),
    recv('与来宾商议活动日程，如有变动立即通知有关部门', 'ARRIVAL', 2 * H, 'COORDINATOR'),
    recv('通知单位领导拜会客人，安排会见场所，负责引见和相互介绍', 'ARRIVAL', 3 * H, 'COORDINATOR'),
    recv('组织活动：安排会议室，通知参加人员提前到达，将与会人员名单发给来宾', 'EACH_ITINERARY_ITEM', -1 * H, 'STAFF', { itineraryKind: 'MEETING' }),
    recv('会议补助和误餐费在正式工作或会议开始之前发给来宾', 'EACH_ITINERARY_ITEM', -30, 'STAFF', { itineraryKind: 'MEETING' }),
    recv('安排菜单兼顾宗教、地方、职业、个人饮食禁忌，尤其重视主宾的禁忌', 'EACH_MEAL', -1 * D, 'STAFF'),
    recv('就餐准备：早餐提前15分钟准备好并等候；下午有工作的午餐不喝酒；按"尚左尊东""朝门为主"安排座次；上酒前征求来宾意见', 'EACH_MEAL', -15, 'STAFF'),
    recv('晚餐后适当安排文化娱乐节目', 'EACH_MEAL', 90, 'STAFF', { mealKind: 'DINNER' }),
    recv('景点参观：准备相机，指定专人为来宾拍照', 'EACH_ITINERARY_ITEM', -1 * H, 'STAFF', { itineraryKind: 'SIGHTSEEING' }),
    recv('准备礼物：本地特产或时鲜水果，轻重适当，包装妥当，事先了解来宾的忌讳', 'DEPARTURE', -1 * D, 'STAFF'),
    recv('订好返程车票、火车票或机票，或派专车专人送返；自驾来的，为其车辆检修并加满油', 'DEPARTURE', -1 * D, 'STAFF'),
    recv('仔细检查来宾住过的宾馆及开会场所，查看有无遗漏物品', 'DEPARTURE', 30, 'STAFF'),
    recv('送别：相关领导和工作人员尽量到场话别', 'DEPARTURE', -15, 'COORDINATOR'),
    recv('预计来宾已到家时，主动致电询问平安', 'RETURN_HOME', 1 * H, 'COORDINATOR'),
    after('根据领导指示做好会议总结和工作汇报', 'VISIT_END', 1 * D, 'COORDINATOR'),
    after('与酒店、饭店结账，所用款项（礼品、会议补贴、误餐费等）及时报销核对', 'VISIT_END', 3 * D, 'STAFF'),
    after('做好接待工作总结，找出不足并加以改进', 'VISIT_END', 7 * D, 'COORDINATOR'),
    after('将来宾停留期间拍摄的照片及时冲印并寄给相关人员', 'VISIT_END', 3 * D, 'STAFF'),
  ],
};

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
