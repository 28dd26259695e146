// The plan issues' texts in zh-Hans and en, one per code (typed: a code without a text in either language fails
// typecheck), with the parameters the checks pass (`PlanIssue.params`). English readers get the check's own
// sentence (more specific); zh-Hans readers this text with its parameters. Codes a kind adds through its visit
// hooks have their texts in the kind's folder, registered with the hooks (`planIssueTexts`, e.g.
// modules/government/protocol.messages.ts), and read the same way.
import { format, joinList, type Language, type Texts } from '../../../shared/i18n.ts';
import type { PlanIssue, PlanIssueCode } from './visit.checks.ts';
import { modulePlanIssueText, type PlanIssueParams } from './visit.hooks.ts';

export const PLAN_ISSUE_TEXTS = {
  'zh-Hans': {
    TOO_FEW_CONTACTS: '来访方至少需要 {min} 名工作人员的联系电话（号码互不相同）。',
    DIETARY_CONFLICT: '菜品与来宾的饮食禁忌冲突：{guest} 不吃 {restricted}，但 {meal} 的“{dish}”含有。',
    ALCOHOL_AT_WORKING_LUNCH: '下午还有工作，{meal} 午餐不应安排饮酒。',
    ALCOHOL_FOR_ON_DUTY_GUEST: '{guest} 执勤期间不饮酒，而 {meal} 安排了酒水：上酒前先询问。',
    ROOMS_ON_SEVERAL_FLOORS: '{hotel} 的客房（{rooms}）分散在不同楼层：请尽量安排在同一楼层。',
    NO_SPARE_ROOM: '{hotel} 没有预订备用房：请多订一间。',
    ROOM_UNFIT: '{hotel} 的 {room} 房间检查不合格（{reason}），但仍安排了来宾：请立即更换。',
    ROOM_NOT_INSPECTED: '{hotel} 的房间 {rooms} 已安排来宾但尚未检查：请在 {by} 前派人检查所订房间，有不妥的立即更换。',
    VEHICLE_OVER_CAPACITY: '车辆 {vehicle} 安排的来宾超过座位数。',
    TOO_FEW_SEATS: '车辆座位共 {seats} 个，来宾 {guests} 人：请增派车辆。',
    VEHICLE_NOT_CHECKED: '车辆 {vehicle} 尚未检查：请在 {by} 前严格检查所配车辆。',
    DRIVER_NOT_BRIEFED: '车辆 {vehicle} 的司机尚未接受接待任务教育。',
    HOST_RANK_BELOW_GUEST: '{host} 的级别低于所接待的 {guest}：请安排身份、职务相当的人员，或记录礼貌的说明。',
    NO_HOST_LEADER: '没有主陪领导接待主宾 {guest}：请安排与客人身份、职务相当的领导。',
    HOST_RANK_UNKNOWN: '{host} 接待 {guest}，但没有级别：请填写级别或记录说明。',
    NO_HOST_FOR_UNIT: '来访单位“{unit}”没有对口接待人员：每个单位安排一名。',
    BREAKFAST_TOO_LATE: '{date} 的早餐需在第一项活动开始前 {lead} 分钟备好。',
    BREAKFAST_AWAY_FROM_HOTEL: '{date} 的早餐不在来宾下榻的宾馆：尽量安排在下榻宾馆。',
    ALLOWANCE_AFTER_MEETING: '会议补贴或误餐补助应在会议开始前发放。',
    ALLOWANCE_UNSCHEDULED: '会议补贴或误餐补助没有安排发放时间：请在会议前发放。',
    ITINERARY_INVALID_TIME: '日程“{title}”的时间无效：结束时间必须晚于开始时间。',
    ITINERARY_OVERLAP: '日程“{first}”与“{second}”时间重叠。',
    ITINERARY_TIGHT: '“{first}”与“{second}”之间只有 {gap} 分钟：至少留出 {min} 分钟转场。',
    GUEST_WITHOUT_LODGING: '{guest} 在 {nights} 没有住宿：请为来访期间的每一晚安排住宿。',
    GIFT_TABOO: '礼品“{gift}”触犯 {guest} 的禁忌：请更换礼品。',
    GIFTS_OVER_BUDGET: '礼品合计 {total}，超过礼品预算 {budget}：礼物太重也不适当，请减轻或报批预算。',
    NO_PRINCIPAL_GUEST: '没有指定主宾：接待规格和主陪领导都按主宾确定。',
    IMPORTANT_LEADER_NOT_ESCALATED: '来宾中有重要领导，尚未向市领导汇报。',
  },
  en: {
    TOO_FEW_CONTACTS: 'At least {min} staff contacts with distinct phone numbers are needed on the visiting side.',
    DIETARY_CONFLICT: '{guest} avoids {restricted}, but "{dish}" at {meal} contains it.',
    ALCOHOL_AT_WORKING_LUNCH: 'Work follows in the afternoon: serve no alcohol at {meal}.',
    ALCOHOL_FOR_ON_DUTY_GUEST: '{guest} takes no alcohol on duty and alcohol is served at {meal}: ask before serving.',
    ROOMS_ON_SEVERAL_FLOORS: 'The rooms at {hotel} ({rooms}) are on several floors: put them together on one floor.',
    NO_SPARE_ROOM: 'No spare room is booked at {hotel}: book one more room than needed.',
    ROOM_UNFIT: 'Room {room} at {hotel} was found unfit ({reason}) but has guests: replace it.',
    ROOM_NOT_INSPECTED: 'Rooms {rooms} at {hotel} have guests but have not been inspected: inspect them by {by}.',
    VEHICLE_OVER_CAPACITY: 'Vehicle {vehicle} has more guests assigned than seats.',
    TOO_FEW_SEATS: 'The vehicles have {seats} passenger seats for {guests} guests: add a vehicle.',
    VEHICLE_NOT_CHECKED: 'Vehicle {vehicle} has not been checked: check it by {by}.',
    DRIVER_NOT_BRIEFED: 'The driver of vehicle {vehicle} has not been briefed.',
    HOST_RANK_BELOW_GUEST: '{host} ranks below {guest}: choose a host of equal rank or record a polite explanation.',
    NO_HOST_LEADER: 'No host leader receives the principal guest {guest}: name one of matching rank.',
    HOST_RANK_UNKNOWN: '{host} receives {guest} but has no rank: assign a rank or record an explanation.',
    NO_HOST_FOR_UNIT: 'No host receives the visiting unit "{unit}": assign one host per unit.',
    BREAKFAST_TOO_LATE: 'Breakfast on {date} must be ready {lead} minutes before the first item.',
    BREAKFAST_AWAY_FROM_HOTEL: "Breakfast on {date} is not at the guests' hotel: serve it there where possible.",
    ALLOWANCE_AFTER_MEETING: 'Meeting subsidies and meal allowances are paid before the meeting.',
    ALLOWANCE_UNSCHEDULED: 'A meeting subsidy or meal allowance has no payment time: schedule it before the meeting.',
    ITINERARY_INVALID_TIME: '"{title}" has an invalid time: it must end after it starts.',
    ITINERARY_OVERLAP: '"{first}" overlaps "{second}".',
    ITINERARY_TIGHT: 'Only {gap} minutes between "{first}" and "{second}": leave at least {min} minutes to move.',
    GUEST_WITHOUT_LODGING: '{guest} has no room for the night(s) of {nights}: book lodging for every night.',
    GIFT_TABOO: 'The gift "{gift}" is a taboo of {guest}: choose another gift.',
    GIFTS_OVER_BUDGET: 'The gifts come to {total}, more than the gift budget of {budget}: choose lighter gifts or have the budget approved.',
    NO_PRINCIPAL_GUEST: 'No guest is marked as the first principal guest: the reception level and the host leader are matched to that guest.',
    IMPORTANT_LEADER_NOT_ESCALATED: 'An important leader is among the guests and has not been reported up.',
  },
} as const satisfies Texts<PlanIssueCode>;

/** A plan issue's message in a language: in English the check's sentence, in zh-Hans the code's text with its parameters. */
export function planIssueMessage(issue: Pick<PlanIssue, 'message'> & { code: string; params?: PlanIssueParams }, language: Language): string {
  if (language === 'en') return issue.message;
  const text = (PLAN_ISSUE_TEXTS[language] as Record<string, string>)[issue.code] ?? modulePlanIssueText(issue.code, language);
  if (!text) return issue.message;
  const params = Object.fromEntries(Object.entries(issue.params ?? {}).map(([k, v]) => [k, Array.isArray(v) ? joinList(language, v) : v]));
  return format(text, params);
}

export type { PlanIssueParams };
