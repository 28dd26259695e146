// What a new government office starts with (zh-Hans): the reception checklist of the source text (the
// 14 + 16 + 4 numbered steps of part 1, section 二) and the survey of its guests after a visit
// (来宾反馈信息的收集和处理). The post-visit review is every kind's (shared assessments).
import type { ChecklistTemplateInput } from '../shared/tasks/task.service.ts';
import { after, D, H, prep, recv } from '../shared/tasks/checklist.templates.ts';
import type { SurveyContentInput } from '../shared/feedback/survey.service.ts';
import type { QuestionsInput } from '../shared/feedback/survey.questions.ts';
import { multiple, nps, rating, text } from '../shared/feedback/survey.templates.ts';
import { bilingual } from '../../shared/template-texts.ts';

export const GOVERNMENT_RECEPTION_CHECKLIST: ChecklistTemplateInput = {
  name: bilingual('接待工作清单（政府部门）', 'Reception checklist (government office)'),
  description: bilingual('接待的前期工作 14 项、接待 16 项、善后工作 4 项。', '14 preparation steps, 16 reception steps and 4 follow-up steps.'),
  items: [
    prep(
      bilingual('详细询问来访的主要目的，明确来访意图', 'Ask in detail about the main purpose of the visit and make its intent clear'),
      'VISIT_REQUESTED',
      1 * H,
      'COORDINATOR',
    ),
    prep(
      bilingual(
        '询问人数、姓名、性别、民族、职务、部门，来访天数、行程、交通工具及出发、抵达和离开时间；如开车，问清车型、车牌、是否有专职司机及司机人数',
        'Ask for the number of visitors, their names, gender, ethnicity, titles and departments; the length of stay, the itinerary, the means of travel and the departure, arrival and leaving times; if they drive, the car model, plate, whether they have their own driver and how many drivers',
      ),
      'VISIT_REQUESTED',
      2 * H,
      'COORDINATOR',
    ),
    prep(
      bilingual('取得对方至少两名工作人员的联系电话', 'Get the phone numbers of at least two staff members of the visiting side'),
      'VISIT_REQUESTED',
      2 * H,
      'COORDINATOR',
    ),
    prep(
      bilingual(
        '向领导汇报，制定接待计划和接待标准；按来访人员级别确定我方接待领导并指定陪同人员；多个单位一起来访的，为各单位指派领导',
        "Report to the leadership and draw up the reception plan and standard; choose our host leader by the visitors' rank and name the accompanying staff; when several units visit together, assign a leader to each unit",
      ),
      'VISIT_REQUESTED',
      1 * D,
      'COORDINATOR',
    ),
    prep(
      bilingual('来访中有重要领导的，及时向市领导汇报', 'If an important leader is among the visitors, report to the city leadership in time'),
      'VISIT_REQUESTED',
      4 * H,
      'COORDINATOR',
    ),
    prep(
      bilingual(
        '根据来访目的与相关单位协调，准备汇报或工作材料',
        'Coordinate with the units concerned according to the purpose of the visit and prepare the briefing or working materials',
      ),
      'ARRIVAL',
      -2 * D,
      'STAFF',
    ),
    prep(
      bilingual(
        '制定行程安排（接待标准、食宿、安全保卫、交通、费用、参观地点和行车路线、日程），报请领导批准后立即通知有关单位和人员，并与对方工作人员沟通',
        'Draw up the itinerary (reception standard, board and lodging, security, transport, costs, places to visit and driving routes, schedule); once the leadership approves it, inform the units and people concerned at once and go over it with the visiting staff',
      ),
      'ARRIVAL',
      -3 * D,
      'COORDINATOR',
    ),
    prep(
      bilingual(
        '预订酒店和饭店：房间集中在同一楼层并多订一间，派人检查所订房间，不妥的立即更换；了解主要人员饮食习惯，确定饭店并预订菜谱',
        "Book the hotel and restaurants: rooms together on one floor and one spare room; send someone to inspect the booked rooms and replace any unfit one at once; learn the principal visitors' eating habits, choose the restaurant and order the menus",
      ),
      'ARRIVAL',
      -2 * D,
      'STAFF',
    ),
    prep(
      bilingual(
        '对初次来访或不熟悉路况的，提供最佳行车路线，必要时派人前去接洽',
        'For first-time visitors or drivers who do not know the roads, provide the best route, and send someone to meet them if needed',
      ),
      'ARRIVAL',
      -1 * D,
      'STAFF',
    ),
    prep(
      bilingual(
        '来访途中与对方工作人员保持联系，了解实际出发时间；快到达时询问行程是否顺利、到达何处',
        'Stay in touch with the visiting staff on the way and learn when they actually left; as they near, ask whether the journey goes well and where they are',
      ),
      'ARRIVAL',
      -2 * H,
      'STAFF',
    ),
    prep(
      bilingual(
        '根据人数安排来宾用车（一般配轿车，人多配旅行车），严格检查车辆，对未执行过接待任务的司机进行教育',
        'Arrange vehicles by head count (usually sedans, a minibus for larger groups), check the vehicles strictly, and brief drivers new to reception duty',
      ),
      'ARRIVAL',
      -1 * D,
      'STAFF',
    ),
    prep(
      bilingual(
        '安排参观学习地点并联系有关单位，考虑安排文化娱乐活动',
        'Arrange the places to visit and contact the units concerned; consider cultural and leisure activities',
      ),
      'ARRIVAL',
      -1 * D,
      'STAFF',
    ),
    prep(
      bilingual('来访事项重要的，联系媒体做好新闻报道和宣传', 'If the visit is important, contact the media for news coverage and publicity'),
      'ARRIVAL',
      -1 * D,
      'COORDINATOR',
    ),
    prep(bilingual('做好接待预算', 'Prepare the reception budget'), 'ARRIVAL', -2 * D, 'COORDINATOR'),
    recv(
      bilingual(
        '接待领导和相关人员提前15分钟在来访者到达处等候迎接',
        'The receiving leader and staff wait at the arrival point 15 minutes early to greet the visitors',
      ),
      'ARRIVAL',
      -15,
      'COORDINATOR',
    ),
    recv(
      bilingual(
        '安排与客人身份、职务相当的人员迎接；相应领导不能前往时向客人礼貌解释；主动介绍我方领导和随同人员',
        'Have someone of matching standing and position greet the guests; if that leader cannot come, explain politely to the guests; introduce our leaders and accompanying staff',
      ),
      'ARRIVAL',
      0,
      'COORDINATOR',
    ),
    recv(
      bilingual(
        '将客人引送到房间，沏茶，告知就餐时间地点；介绍住处服务设施，送上日程安排和介绍材料；重要来宾引见宾馆经理',
        'Show the guests to their rooms, make tea, tell them when and where meals are; introduce the hotel services, hand over the schedule and materials; introduce important guests to the hotel manager',
      ),
      'ARRIVAL',
      30,
      'STAFF',
    ),
    recv(
      bilingual(
        '与来宾商议活动日程，如有变动立即通知有关部门',
        'Agree the programme with the guests and inform the departments concerned at once of any change',
      ),
      'ARRIVAL',
      2 * H,
      'COORDINATOR',
    ),
    recv(
      bilingual(
        '通知单位领导拜会客人，安排会见场所，负责引见和相互介绍',
        'Inform our leaders to call on the guests, arrange the meeting place, and make the introductions',
      ),
      'ARRIVAL',
      3 * H,
      'COORDINATOR',
    ),
    recv(
      bilingual(
        '组织活动：安排会议室，通知参加人员提前到达，将与会人员名单发给来宾',
        'Organise the activity: book the meeting room, tell participants to arrive early, give the guests the list of participants',
      ),
      'EACH_ITINERARY_ITEM',
      -1 * H,
      'STAFF',
      { itineraryKind: 'MEETING' },
    ),
    recv(
      bilingual(
        '会议补助和误餐费在正式工作或会议开始之前发给来宾',
        'Pay meeting subsidies and meal allowances to the guests before the work or meeting begins',
      ),
      'EACH_ITINERARY_ITEM',
      -30,
      'STAFF',
      { itineraryKind: 'MEETING' },
    ),
    recv(
      bilingual(
        '安排菜单兼顾宗教、地方、职业、个人饮食禁忌，尤其重视主宾的禁忌',
        "Plan the menus around religious, regional, occupational and personal dietary restrictions, above all the principal guest's",
      ),
      'EACH_MEAL',
      -1 * D,
      'STAFF',
    ),
    recv(
      bilingual(
        '就餐准备：早餐提前15分钟准备好并等候；下午有工作的午餐不喝酒；按"尚左尊东""朝门为主"安排座次；上酒前征求来宾意见',
        'Meal preparation: breakfast ready and waiting 15 minutes early; no alcohol at lunch when work follows in the afternoon; seat by "left honoured, east honoured" and "the host faces the door"; ask the guests before serving alcohol',
      ),
      'EACH_MEAL',
      -15,
      'STAFF',
    ),
    recv(bilingual('晚餐后适当安排文化娱乐节目', 'Arrange suitable cultural entertainment after dinner'), 'EACH_MEAL', 90, 'STAFF', { mealKind: 'DINNER' }),
    recv(
      bilingual('景点参观：准备相机，指定专人为来宾拍照', 'Sightseeing: bring a camera and name someone to take photos of the guests'),
      'EACH_ITINERARY_ITEM',
      -1 * H,
      'STAFF',
      { itineraryKind: 'SIGHTSEEING' },
    ),
    recv(
      bilingual(
        '准备礼物：本地特产或时鲜水果，轻重适当，包装妥当，事先了解来宾的忌讳',
        "Prepare gifts: local specialities or fresh fruit, of fitting value, well wrapped; learn the guests' taboos beforehand",
      ),
      'DEPARTURE',
      -1 * D,
      'STAFF',
    ),
    recv(
      bilingual(
        '订好返程车票、火车票或机票，或派专车专人送返；自驾来的，为其车辆检修并加满油',
        'Book the return bus, train or plane tickets, or send a car and an escort; for visitors who drove, have their car serviced and filled up',
      ),
      'DEPARTURE',
      -1 * D,
      'STAFF',
    ),
    recv(
      bilingual('仔细检查来宾住过的宾馆及开会场所，查看有无遗漏物品', 'Check the rooms and meeting places the guests used for anything left behind'),
      'DEPARTURE',
      30,
      'STAFF',
    ),
    recv(
      bilingual('送别：相关领导和工作人员尽量到场话别', 'Farewell: the leaders and staff concerned come to see the guests off where possible'),
      'DEPARTURE',
      -15,
      'COORDINATOR',
    ),
    recv(
      bilingual('预计来宾已到家时，主动致电询问平安', 'When the guests should be home, call to ask that they arrived safely'),
      'RETURN_HOME',
      1 * H,
      'COORDINATOR',
    ),
    after(
      bilingual('根据领导指示做好会议总结和工作汇报', 'Write the meeting summary and work report as the leadership directs'),
      'VISIT_END',
      1 * D,
      'COORDINATOR',
    ),
    after(
      bilingual(
        '与酒店、饭店结账，所用款项（礼品、会议补贴、误餐费等）及时报销核对',
        'Settle the hotel and restaurant bills; claim and reconcile the expenses (gifts, meeting subsidies, meal allowances …) promptly',
      ),
      'VISIT_END',
      3 * D,
      'STAFF',
    ),
    after(
      bilingual('做好接待工作总结，找出不足并加以改进', 'Write the reception summary: find the shortcomings and improve'),
      'VISIT_END',
      7 * D,
      'COORDINATOR',
    ),
    after(
      bilingual(
        '将来宾停留期间拍摄的照片及时冲印并寄给相关人员',
        "Print the photos taken during the guests' stay and send them to the people concerned promptly",
      ),
      'VISIT_END',
      3 * D,
      'STAFF',
    ),
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
