// The checklists of the source text, as templates every new tenant of a kind starts with (zh-Hans).
// Government office: the 14 + 16 + 4 numbered steps of part 1, section 二. Hotel: preparing for a
// conference delegation (part 5, 两会接待). Hospital: the service-standards routine of part 2, as
// applied when receiving an inspection. Offsets are minutes from the anchor (negative: before it).
import type { TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { createChecklistTemplate, type ChecklistTemplateInput } from './task.service.ts';

type Item = ChecklistTemplateInput['items'][number];
const H = 60;
const D = 24 * H;
const prep = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole'], extra: Partial<Item> = {}): Item => ({
  phase: 'PREPARATION', title, anchor, offsetMinutes, defaultRole, ...extra,
});
const recv = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole'], extra: Partial<Item> = {}): Item => ({
  phase: 'RECEPTION', title, anchor, offsetMinutes, defaultRole, ...extra,
});
const after = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole']): Item => ({
  phase: 'FOLLOW_UP', title, anchor, offsetMinutes, defaultRole,
});

export const GOVERNMENT_RECEPTION_CHECKLIST: ChecklistTemplateInput = {
  name: '接待工作清单（政府部门）',
  description: '接待的前期工作 14 项、接待 16 项、善后工作 4 项。',
  items: [
    prep('详细询问来访的主要目的，明确来访意图', 'VISIT_REQUESTED', 1 * H, 'COORDINATOR'),
    prep('询问人数、姓名、性别、民族、职务、部门，来访天数、行程、交通工具及出发、抵达和离开时间；如开车，问清车型、车牌、是否有专职司机及司机人数', 'VISIT_REQUESTED', 2 * H, 'COORDINATOR'),
    prep('取得对方至少两名工作人员的联系电话', 'VISIT_REQUESTED', 2 * H, 'COORDINATOR'),
    prep('向领导汇报，制定接待计划和接待标准；按来访人员级别确定我方接待领导并指定陪同人员；多个单位一起来访的，为各单位指派领导', 'VISIT_REQUESTED', 1 * D, 'COORDINATOR'),
    prep('来访中有重要领导的，及时向市领导汇报', 'VISIT_REQUESTED', 4 * H, 'COORDINATOR'),
    prep('根据来访目的与相关单位协调，准备汇报或工作材料', 'ARRIVAL', -2 * D, 'STAFF'),
    prep('制定行程安排（接待标准、食宿、安全保卫、交通、费用、参观地点和行车路线、日程），报请领导批准后立即通知有关单位和人员，并与对方工作人员沟通', 'ARRIVAL', -3 * D, 'COORDINATOR'),
    prep('预订酒店和饭店：房间集中在同一楼层并多订一间，派人检查所订房间，不妥的立即更换；了解主要人员饮食习惯，确定饭店并预订菜谱', 'ARRIVAL', -2 * D, 'STAFF'),
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

export const HOSPITAL_SERVICE_CHECKLIST: ChecklistTemplateInput = {
  name: '服务环节检查清单（医院）',
  description: '迎接检查或贵宾来访前，按细化服务环节自查：导医、分诊、绿色通道、收费窗口、候诊环境、宣传栏。',
  items: [
    prep('各科室按本科室服务标准自查', 'VISIT_START', -3 * D, 'COORDINATOR'),
    prep('导医台主动迎接患者，引导分诊、取报告', 'VISIT_START', -1 * D, 'STAFF'),
    prep('检查急诊绿色通道畅通，坚持"先抢救，后补办手续"', 'VISIT_START', -1 * D, 'COORDINATOR'),
    prep('检查一卡通收费，高峰时段增开收费窗口', 'VISIT_START', -1 * D, 'STAFF'),
    prep('检查候诊区座椅和饮水供应', 'VISIT_START', -1 * D, 'STAFF'),
    prep('检查环境卫生，控制噪音', 'VISIT_START', -4 * H, 'STAFF'),
    prep('更新健康教育宣传栏', 'VISIT_START', -2 * D, 'STAFF'),
    recv('导医在到达处迎接并陪同引导', 'ARRIVAL', -15, 'STAFF'),
    recv('参观路线提前检查', 'EACH_ITINERARY_ITEM', -30, 'STAFF', { itineraryKind: 'SITE_VISIT' }),
    after('落实检查意见，限期整改', 'VISIT_END', 3 * D, 'COORDINATOR'),
    after('服务标准定期考核', 'VISIT_END', 7 * D, 'COORDINATOR'),
  ],
};

export const CHECKLISTS_OF_KIND: Record<TenantKind, ChecklistTemplateInput[]> = {
  GOVERNMENT_OFFICE: [GOVERNMENT_RECEPTION_CHECKLIST],
  HOTEL: [HOTEL_EVENT_CHECKLIST],
  HOSPITAL: [HOSPITAL_SERVICE_CHECKLIST],
};

export async function seedChecklistTemplates(deps: ServiceDeps, kind: TenantKind) {
  const templates = [];
  for (const template of CHECKLISTS_OF_KIND[kind]) templates.push(await createChecklistTemplate(deps, template));
  return templates;
}
