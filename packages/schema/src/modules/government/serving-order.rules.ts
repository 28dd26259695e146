// Serving order (斟酒上菜顺序) at one table, pure: 斟酒上菜由宾客右侧进行，先主宾，后主人，先女宾，后男宾.
// The principal guest of the table first, then its host, then the other guests (women before men, each by
// precedence), then our other people (women before men). Each is served from their right: the waiter stands
// half a seat counter-clockwise of them (a seated person faces the centre, so his right is counter-clockwise).
import type { PlannedSeat, PlannedTable, ProtocolPerson } from './banquet-seating.rules.ts';

export const SERVING_RULES = {
  PRINCIPAL_GUEST_FIRST: '先主宾',
  HOST_AFTER_PRINCIPAL_GUEST: '后主人',
  WOMEN_BEFORE_MEN: '先女宾，后男宾',
  OUR_SIDE_LAST: '我方陪同人员最后',
} as const;
export type ServingRule = keyof typeof SERVING_RULES;

export interface ServingStep {
  position: number;
  seat: number;
  person: ProtocolPerson;
  /** Where the waiter stands: the angle half a seat to the person's right. */
  fromAngle: number;
  rule: ServingRule;
}

const byOrder = (a: ProtocolPerson, b: ProtocolPerson) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const women = (s: PlannedSeat) => (s.person!.gender === 'FEMALE' ? 0 : 1);

export function servingOrder(table: PlannedTable): ServingStep[] {
  const n = table.seats.length;
  const occupied = table.seats.filter((s) => s.person);
  const guests = occupied.filter((s) => s.person!.side === 'GUEST').sort((a, b) => byOrder(a.person!, b.person!));
  const ours = occupied.filter((s) => s.person!.side === 'HOST').sort((a, b) => byOrder(a.person!, b.person!));
  const host = ours.find((s) => s.rule === 'HOST_FACES_DOOR' || s.rule === 'TABLE_HOST_FACES_DOOR') ?? null;
  const steps: Array<{ seat: PlannedSeat; rule: ServingRule }> = [];
  const [principal, ...otherGuests] = guests;
  if (principal) steps.push({ seat: principal, rule: 'PRINCIPAL_GUEST_FIRST' });
  if (host) steps.push({ seat: host, rule: 'HOST_AFTER_PRINCIPAL_GUEST' });
  for (const s of [...otherGuests].sort((a, b) => women(a) - women(b))) steps.push({ seat: s, rule: 'WOMEN_BEFORE_MEN' });
  for (const s of ours.filter((s) => s !== host).sort((a, b) => women(a) - women(b))) steps.push({ seat: s, rule: 'OUR_SIDE_LAST' });
  const half = 180 / n;
  return steps.map(({ seat, rule }, i) => ({
    position: i + 1,
    seat: seat.seat,
    person: seat.person!,
    fromAngle: Math.round(((((seat.angle - half) % 360) + 360) % 360) * 10_000) / 10_000,
    rule,
  }));
}
