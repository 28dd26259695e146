// The texts of the plan issues a government office's protocol adds (reception standards, seating), in zh-Hans
// and en, registered with the module's visit hooks: zh-Hans readers read these with the issue's parameters,
// English readers the check's own sentence (as for the plan's own checks, modules/shared/visits/visit.messages.ts).
import type { Texts } from '../../shared/i18n.ts';
import type { STANDARD_ISSUE_CODES } from './reception-standard.service.ts';
import type { SEATING_ISSUE_CODES } from './seating.service.ts';

export type ProtocolIssueCode = (typeof STANDARD_ISSUE_CODES)[number] | (typeof SEATING_ISSUE_CODES)[number];

export const PROTOCOL_ISSUE_TEXTS = {
  'zh-Hans': {
    NO_RECEPTION_STANDARD: '尚未确定接待标准：请按主宾的职级确定。',
    MEALS_OVER_STANDARD: '餐费预算 {budget} 超过接待标准：每人每餐 {allowance} × {guests} 人 × {meals} 餐 = {limit}。',
    GIFTS_OVER_STANDARD: '{guests} 收到的礼品超过接待标准每人 {limit} 的限额。',
    LODGING_NOT_STANDARD: '房间 {rooms} 不是接待标准规定的房型（{lodgingClass}）。',
    VEHICLE_NOT_STANDARD: '车辆 {vehicles} 不是接待标准规定的车型（{vehicleClass}）。',
    GREETER_BELOW_STANDARD: '{host}（职级 {level}）负责迎接，但接待标准要求 {required} 级或以上的领导迎接：请安排相应领导，或记录礼貌的说明。',
    SEATING_RULE_BROKEN: '宴会座次不符合“{rule}”（{table}）：请调整座位或重新排座。',
    SEATING_OUTDATED: '排座后用餐的来宾有变动：请重新排座。',
    PEOPLE_WITHOUT_SEAT: '宴会有 {count} 人没有座位：请加桌。',
    CAR_SEATS_DO_NOT_FIT: '车辆座位不够，{count} 人没有座位：请增派车辆。',
    CAR_SEATING_RULE_BROKEN: '车辆 {vehicle} 的乘车座次不符合“{rule}”：请调整座位。',
  },
  en: {
    NO_RECEPTION_STANDARD: "Set the reception standard from the principal guest's rank.",
    MEALS_OVER_STANDARD: 'The meal budget ({budget}) is over the standard: {allowance} per head and meal × {guests} guest(s) × {meals} meal(s) = {limit}.',
    GIFTS_OVER_STANDARD: "{guests} receive gifts worth more than the standard's {limit} per head.",
    LODGING_NOT_STANDARD: "Rooms {rooms} are not of the standard's class ({lodgingClass}).",
    VEHICLE_NOT_STANDARD: "Vehicles {vehicles} are not of the standard's class ({vehicleClass}).",
    GREETER_BELOW_STANDARD:
      '{host} (rank level {level}) greets, but the reception standard asks for rank level {required} or higher: choose such a greeter or record a polite explanation.',
    SEATING_RULE_BROKEN: 'The banquet seating breaks "{rule}" ({table}): move the seats or propose the seating again.',
    SEATING_OUTDATED: 'The guests of the meal changed since its seating was proposed: propose it again.',
    PEOPLE_WITHOUT_SEAT: '{count} person(s) have no seat at the meal: add a table.',
    CAR_SEATS_DO_NOT_FIT: '{count} person(s) have no seat in the vehicles: add a vehicle.',
    CAR_SEATING_RULE_BROKEN: 'The car seating of vehicle {vehicle} breaks "{rule}": move the seats.',
  },
} as const satisfies Texts<ProtocolIssueCode>;
