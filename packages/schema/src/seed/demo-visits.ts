// One demo visit per tenant, next week, planned through the same services as the API, so that the
// no-configuration start has something to look at: plan issues, settlement, submission for approval.
import type { ServiceDeps } from '../context.ts';
import type { KindModule } from '../shared/kind-module.ts';
import { createVisit, changeVisitStatus } from '../modules/shared/visits/visit.service.ts';
import {
  saveBudgetLine,
  saveContact,
  saveGift,
  saveGuest,
  saveHost,
  saveItineraryItem,
  saveLodging,
  saveMeal,
  saveTravelLeg,
  saveVehicle,
  type VisitRef,
} from '../modules/shared/visits/visit-parts.service.ts';
import { instantiateChecklist } from '../modules/shared/tasks/task.service.ts';

/** `day` days from next Monday at hh:mm in Asia/Shanghai (UTC+8, no daylight saving), as a Date. */
function shanghai(day: number, hhmm: string): Date {
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((8 - now.getUTCDay()) % 7 || 7)));
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(monday.getTime() + day * 86_400_000 + ((h! - 8) * 60 + m!) * 60_000);
}
const date = (day: number) => shanghai(day, '12:00').toISOString().slice(0, 10);

export async function seedDemoVisit(deps: ServiceDeps, kind: KindModule, host: { membershipId: string }) {
  const spec = kind.demo.visit;
  const visit = await createVisit(deps, {
    title: spec.title,
    purpose: spec.purpose,
    receptionLevel: spec.level,
    visitingOrganization: spec.organization,
    startsAt: shanghai(0, '09:00'),
    endsAt: shanghai(1, '17:00'),
    coordinatorId: host.membershipId,
  });
  let version = visit.version;
  const ref = (): VisitRef => ({ visitId: visit.id, expectedVersion: version++ });
  const wang = await saveGuest(deps, ref(), {
    name: '王建国',
    gender: 'MALE',
    ethnicity: '回族',
    title: '主任',
    rankLevel: 5,
    organization: spec.organization,
    principalOrder: 1,
    dietaryRestrictions: [{ category: 'RELIGIOUS', restricted: 'pork', note: '清真' }],
  });
  const li = await saveGuest(deps, ref(), {
    name: '李芳',
    gender: 'FEMALE',
    ethnicity: '汉族',
    title: '处长',
    rankLevel: 7,
    organization: spec.organization,
    principalOrder: 2,
    dietaryRestrictions: [{ category: 'PERSONAL', restricted: 'seafood', note: '过敏' }],
  });
  const zhang = await saveGuest(deps, ref(), {
    name: '张师傅',
    gender: 'MALE',
    title: '驾驶员',
    organization: spec.organization,
    dietaryRestrictions: [{ category: 'OCCUPATIONAL', restricted: 'alcohol', note: '当班驾驶员不饮酒' }],
  });
  const guests = [wang, li, zhang];
  await saveContact(deps, ref(), { name: '赵秘书', phone: '+86 138 0000 0001', role: '联络员' });
  await saveContact(deps, ref(), { name: '钱科长', phone: '+86 139 0000 0002', role: '随行' });
  await saveTravelLeg(deps, ref(), {
    direction: 'INBOUND',
    mode: 'CAR',
    origin: '省城',
    destination: '示范宾馆',
    departureAt: shanghai(0, '07:00'),
    arrivalAt: shanghai(0, '09:00'),
    vehicleType: '商务车',
    plate: '苏A·12345',
    driverCount: 1,
  });
  await kind.demo.prepareHost?.(deps, host);
  await saveHost(deps, ref(), { membershipId: host.membershipId, role: 'HOST_LEADER' });
  await saveItineraryItem(deps, ref(), {
    kind: 'MEETING',
    title: '工作汇报会',
    startsAt: shanghai(0, '09:30'),
    endsAt: shanghai(0, '11:30'),
    place: '第一会议室',
  });
  await saveItineraryItem(deps, ref(), {
    kind: 'SITE_VISIT',
    title: '实地调研',
    startsAt: shanghai(0, '14:00'),
    endsAt: shanghai(0, '16:30'),
    place: '社区卫生服务中心',
  });
  await saveItineraryItem(deps, ref(), {
    kind: 'SITE_VISIT',
    title: '座谈交流',
    startsAt: shanghai(1, '09:00'),
    endsAt: shanghai(1, '11:00'),
    place: '第二会议室',
  });
  await saveItineraryItem(deps, ref(), { kind: 'FAREWELL', title: '送别', startsAt: shanghai(1, '14:00'), endsAt: shanghai(1, '14:30'), place: '宾馆大堂' });
  await saveLodging(deps, ref(), {
    hotelName: '示范宾馆',
    checkIn: date(0),
    checkOut: date(1),
    rooms: [
      { floor: 8, number: '801', roomType: '套间', guestIds: [wang], inspected: true },
      { floor: 8, number: '802', roomType: '标准间', guestIds: [li], inspected: true },
      { floor: 8, number: '803', roomType: '标准间', guestIds: [zhang], inspected: true },
      { floor: 8, number: '805', roomType: '标准间', isSpare: true, inspected: true },
    ],
  });
  await saveMeal(deps, ref(), {
    kind: 'LUNCH',
    startsAt: shanghai(0, '12:00'),
    place: '宾馆中餐厅',
    dishes: [
      { name: '清蒸鲈鱼', tags: ['fish'] },
      { name: '素炒时蔬', tags: [] },
    ],
  });
  await saveMeal(deps, ref(), {
    kind: 'BANQUET',
    startsAt: shanghai(0, '18:30'),
    place: '宾馆宴会厅',
    dishes: [
      { name: '红烧牛肉', tags: ['beef'] },
      { name: '菌菇汤', tags: ['mushroom'] },
    ],
  });
  await saveMeal(deps, ref(), {
    kind: 'BREAKFAST',
    startsAt: shanghai(1, '08:00'),
    place: '示范宾馆自助餐厅',
    dishes: [{ name: '豆浆油条', tags: ['soy', 'wheat'] }],
  });
  await saveVehicle(deps, ref(), { kind: 'MINIBUS', seats: 7, plate: '苏B·66666', driverName: '孙师傅', driverBriefed: true, checked: true, guestIds: guests });
  await saveGift(deps, ref(), { item: '地方特产茶叶', value: '200.00', tags: ['tea'], recipientGuestIds: [wang, li] });
  await saveBudgetLine(deps, ref(), { category: 'LODGING', planned: '1500.00' });
  await saveBudgetLine(deps, ref(), { category: 'MEALS', planned: '2400.00' });
  await saveBudgetLine(deps, ref(), { category: 'MEETING_SUBSIDY', planned: '300.00', payableAt: shanghai(0, '09:00') });
  await changeVisitStatus(deps, { visitId: visit.id, expectedVersion: version, to: 'PLANNING' });
  // The kind's checklist, instantiated: the demo board has its tasks with due times from the plan.
  const template = await deps.db.checklistTemplate.findFirst({ orderBy: { createdAt: 'asc' } });
  if (template) await instantiateChecklist(deps, { visitId: visit.id, templateId: template.id });
  return visit.id;
}
