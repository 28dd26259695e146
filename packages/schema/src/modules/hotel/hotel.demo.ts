// The demo hotel's own data (两会接待): an upcoming event serving the demo visit, with its dedicated team,
// department reports in mixed states, three areas (one passed, one with a finding to correct, one not
// inspected), emergency plans (fire drilled and passed, power failure not drilled, food safety missing),
// a room block with the delegation's rooming list and a spare room. Its gate is NO_GO, and every reason
// says what a newcomer has to do to clear it.
import type { ServiceDeps } from '../../context.ts';
import type { KindDemo } from '../../shared/kind-module.ts';
import { criteriaOf } from '../shared/assessments/assessment.service.ts';
import { recordDrillRun, reviewDrill, saveEmergencyPlan, scheduleDrill } from './emergency-plan.service.ts';
import { addEventArea, addReadinessItem, createHotelEvent, inspectEventArea, localToday, reportReadiness, setTeamMember } from './hotel-event.service.ts';
import { addRoomingEntry, createRoomBlock } from './room-block.service.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Every criterion at its best, except those whose title is given, which fail with the comment. */
async function scoresOf(deps: ServiceDeps, kind: 'INSPECTION' | 'DRILL', failing: Record<string, string> = {}) {
  const template = await deps.db.assessmentTemplate.findFirstOrThrow({
    where: { kind, ...(kind === 'INSPECTION' ? { subjectType: 'HOTEL_AREA' } : {}), versions: { some: {} } },
    include: { versions: { orderBy: { number: 'desc' }, take: 1 } },
    orderBy: { createdAt: 'asc' },
  });
  return criteriaOf(template.versions[0]!).map((c) => ({
    criterionKey: c.key,
    value: c.title in failing ? c.scale.min : c.scale.kind === 'PASS_FAIL' ? 1 : c.scale.max,
    comment: failing[c.title] ?? null,
  }));
}

export const seedHotelDemo: NonNullable<KindDemo['seedExtras']> = async (seedDeps, { visitId }) => {
  // The seed acts as the platform admin inside the tenant: give it a coordinator's role for the services' checks.
  const deps: ServiceDeps = { ...seedDeps, access: { ...seedDeps.access, roles: ['TENANT_ADMIN'] } };
  const visit = await deps.db.visit.findUniqueOrThrow({ where: { id: visitId }, include: { guests: { orderBy: { principalOrder: 'asc' } } } });
  // (Filtered here: an enum-array `has` filter fails on the embedded PGlite adapter.)
  const staff = (await deps.db.membership.findMany({ orderBy: { createdAt: 'asc' } })).find(
    (m) => m.roles.includes('STAFF') && !m.roles.includes('TENANT_ADMIN'),
  );

  const event = await createHotelEvent(deps, {
    title: '两会代表团驻地接待保障 Conference delegation',
    kind: 'CONFERENCE',
    startsAt: visit.startsAt,
    endsAt: visit.endsAt,
    visitId,
    hazards: ['FIRE', 'POWER_FAILURE', 'FOOD_SAFETY'],
    notes: '高起点、高质量、高标准；会风要求传达到每位员工。',
  });

  // The dedicated team (专班).
  if (visit.coordinatorId) await setTeamMember(deps, { eventId: event.id, membershipId: visit.coordinatorId, role: 'LEADER', duty: '总协调，听取各部门汇报' });
  if (staff) await setTeamMember(deps, { eventId: event.id, membershipId: staff.id, role: 'LIAISON', duty: '前台与代表团联络' });

  // Department reports in mixed states.
  const items: [Parameters<typeof addReadinessItem>[1]['department'], string, 'READY' | 'IN_PROGRESS' | 'NOT_STARTED' | 'BLOCKED', string?][] = [
    ['FRONT_OFFICE', '房卡与入住资料准备', 'READY', '房卡已制作，入住资料袋已装好（照片：https://files.example/demo/keys.jpg）'],
    ['FRONT_OFFICE', '大堂欢迎指示牌', 'IN_PROGRESS'],
    ['HOUSEKEEPING', '代表房间布置与复查', 'READY', '八层客房已逐间复查'],
    ['FOOD_AND_BEVERAGE', '清真餐单确认', 'NOT_STARTED'],
    ['ENGINEERING', '会场音响与投影检修', 'BLOCKED', '备用无线话筒缺配件，已催供应商'],
    ['SECURITY', '监控室24小时值守排班', 'READY', '排班表已签字'],
  ];
  for (const [department, title, status, text] of items) {
    const item = await addReadinessItem(deps, { eventId: event.id, department, title, ownerMembershipId: staff?.id ?? null });
    if (status === 'NOT_STARTED') continue;
    await reportReadiness(deps, {
      itemId: item.id,
      status,
      evidence: status === 'READY' ? text : null,
      note: status === 'BLOCKED' ? text : null,
    });
  }

  // Areas: the venue passed, the restaurant has a finding to correct, the monitoring room is not inspected yet.
  const areas = new Map((await deps.db.hotelArea.findMany()).map((a) => [a.name, a.id]));
  const today = await localToday(deps.db);
  for (const [name, failing] of [
    ['大会议厅', null],
    ['中餐厅', { 清洁卫生: '包间桌布有污渍，需更换' }],
    ['监控室', undefined],
  ] as const) {
    const areaId = areas.get(name);
    if (!areaId) continue;
    const eventArea = await addEventArea(deps, { eventId: event.id, hotelAreaId: areaId });
    if (failing === undefined) continue;
    await inspectEventArea(deps, {
      eventAreaId: eventArea.id,
      assessedOn: today,
      scores: await scoresOf(deps, 'INSPECTION', failing ?? {}),
      correctedByMembershipId: staff?.id ?? null,
    });
  }

  // Emergency plans: fire with one passed drill; power failure not drilled; food safety has no plan yet.
  const roles = [
    { role: '总指挥', responsibility: '值班经理启动预案，统一指挥', membershipId: visit.coordinatorId },
    { role: '疏散引导组', responsibility: '前厅、客房员工引导宾客沿安全通道疏散', membershipId: staff?.id ?? null },
    { role: '工程抢修组', responsibility: '切断电源、启动消防泵与排烟' },
  ];
  const fire = await saveEmergencyPlan(deps, {
    hazard: 'FIRE',
    title: '火灾应急预案',
    roles,
    steps: ['发现火情立即报监控室（内线 119）', '值班经理确认并启动预案', '广播通知，疏散引导宾客至集合点', '清点人数，向代表团联络人报告', '事后总结整改'],
  });
  await saveEmergencyPlan(deps, {
    hazard: 'POWER_FAILURE',
    title: '停电应急预案',
    roles: [
      { role: '总指挥', responsibility: '值班经理统一指挥', membershipId: visit.coordinatorId },
      { role: '工程抢修组', responsibility: '10 秒内启动备用发电机，检查电梯困人' },
    ],
    steps: ['工程部确认停电范围', '启动备用发电机', '会场、电梯、监控室优先供电', '向宾客说明情况'],
  });
  const ended = new Date(Date.now() - 3 * DAY);
  const drill = await scheduleDrill(deps, { planId: fire.id, scheduledAt: new Date(ended.getTime() - HOUR), note: '全员消防疏散演练' });
  await recordDrillRun(deps, { drillId: drill.id, startedAt: new Date(ended.getTime() - 25 * 60_000), endedAt: ended });
  await reviewDrill(deps, { drillId: drill.id, scores: await scoresOf(deps, 'DRILL'), comment: '疏散 25 分钟完成，各部门协同良好。' });

  // The delegation's room block with its rooming list (same floor, one spare room).
  const first = day(new Date(visit.startsAt.getTime() + 8 * HOUR));
  const second = day(new Date(visit.startsAt.getTime() + 8 * HOUR + DAY));
  const departure = day(new Date(visit.startsAt.getTime() + 8 * HOUR + 2 * DAY));
  const block = await createRoomBlock(deps, {
    eventId: event.id,
    name: '代表团房（八层）',
    // Released two days before arrival (never before today): the block warns of it from three days before.
    releaseOn: [day(new Date(visit.startsAt.getTime() + 8 * HOUR - 2 * DAY)), today].sort()[1]!,
    nights: [first, second].map((night) => ({ night, roomType: '标准间', rooms: Math.max(3, visit.guests.length + 1) })),
  });
  for (const [i, guest] of visit.guests.entries()) {
    await addRoomingEntry(deps, {
      blockId: block.id,
      visitGuestId: guest.id,
      vipLevel: i === 0 ? 'VIP' : null,
      roomType: '标准间',
      roomNumber: String(801 + i),
      floor: 8,
      arrivalOn: first,
      departureOn: departure,
    });
  }
  await addRoomingEntry(deps, { blockId: block.id, isSpare: true, roomType: '标准间', roomNumber: '809', floor: 8, arrivalOn: first, departureOn: departure });
};
