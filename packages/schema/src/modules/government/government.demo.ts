// The demo government office's protocol: a table of reception standards, the demo visit's standard (proposed from
// its principal guest's rank), a sedan beside the minibus, the banquet's seating and the car seating — so that a
// newcomer sees them at once in GraphiQL (Meal.banquetSeating, Vehicle.seating) and as SVG (/charts/...). And a
// second visit of two visiting units (来访单位), each received by its own host leader who heads its own banquet table
// (Visit.visitingUnits).
import type { ServiceDeps } from '../../context.ts';
import { createVisit } from '../shared/visits/visit.service.ts';
import { saveContact, saveGuest, saveHost, saveMeal, saveVehicle } from '../shared/visits/visit-parts.service.ts';
import { assignRank } from './rank.service.ts';
import { defineReceptionStandard, setVisitReceptionStandard } from './reception-standard.service.ts';
import { proposeBanquetSeating, proposeCarSeating } from './seating.service.ts';

export const DEMO_RECEPTION_STANDARDS = [
  {
    name: '省部级',
    minRankLevel: 3,
    maxRankLevel: 4,
    lodgingClass: '套间',
    mealAllowancePerHead: '400.00',
    vehicleClass: 'SEDAN',
    greetingLeaderLevel: 3,
    giftLimitPerHead: '300.00',
    reportUp: true,
  },
  {
    name: '厅局级',
    minRankLevel: 5,
    maxRankLevel: 6,
    lodgingClass: '套间',
    mealAllowancePerHead: '300.00',
    vehicleClass: 'SEDAN',
    greetingLeaderLevel: 5,
    giftLimitPerHead: '200.00',
  },
  {
    name: '县处级',
    minRankLevel: 7,
    maxRankLevel: 8,
    lodgingClass: '标准间',
    mealAllowancePerHead: '150.00',
    vehicleClass: 'MINIBUS',
    greetingLeaderLevel: 7,
    giftLimitPerHead: '100.00',
  },
  {
    name: '乡科级及以下',
    minRankLevel: 9,
    maxRankLevel: 12,
    lodgingClass: '标准间',
    mealAllowancePerHead: '100.00',
    vehicleClass: 'MINIBUS',
    greetingLeaderLevel: null,
    giftLimitPerHead: null,
  },
] as const;

export async function seedGovernmentDemo(seedDeps: ServiceDeps, { visitId }: { visitId: string; departmentId: string }) {
  // The seed acts as the platform admin inside the tenant: here with the roles the services ask for.
  const deps: ServiceDeps = { ...seedDeps, access: { ...seedDeps.access, roles: ['TENANT_ADMIN'] } };
  for (const standard of DEMO_RECEPTION_STANDARDS) await defineReceptionStandard(deps, { ...standard });
  const version = async () => (await deps.db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { version: true } })).version;
  await setVisitReceptionStandard(deps, { visitId, expectedVersion: await version() });
  // The staff member accompanies (陪同), and rides beside the driver of the sedan.
  // (Filtered here: an enum-array `has` filter fails on the embedded PGlite adapter.)
  const members = await deps.db.membership.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, roles: true } });
  const staff = members.find((m) => m.roles.includes('STAFF') && !m.roles.includes('COORDINATOR'));
  if (staff) await saveHost(deps, { visitId, expectedVersion: await version() }, { membershipId: staff.id, role: 'ACCOMPANYING' });
  await saveVehicle(
    deps,
    { visitId, expectedVersion: await version() },
    { kind: 'SEDAN', seats: 4, plate: '苏A·88888', driverName: '周师傅', driverBriefed: true, checked: true },
  );
  const banquet = await deps.db.meal.findFirst({ where: { visitId, kind: 'BANQUET' } });
  if (banquet) await proposeBanquetSeating(deps, { mealId: banquet.id, expectedVersion: await version(), tables: 1, seatsPerTable: 10 });
  await proposeCarSeating(deps, { visitId, expectedVersion: await version() });
  await seedTwoUnitVisit(deps, visitId);
}

export const TWO_UNIT_VISIT_TITLE = '省发改委、省财政厅联合调研 Joint inspection by two provincial units';
export const DEMO_UNITS = ['省发展和改革委员会', '省财政厅'] as const;

/**
 * A visit of two units, the week after the first one: each unit's host leader of ours matched to its principal
 * guest's rank (the first visit's host for the first unit; a leader, else another member, for the second), a
 * banquet whose seating gives each unit its own host's table.
 */
async function seedTwoUnitVisit(deps: ServiceDeps, firstVisitId: string) {
  const first = await deps.db.visit.findUniqueOrThrow({ where: { id: firstVisitId }, include: { hosts: true } });
  const firstHost = first.hosts.find((h) => h.role === 'HOST_LEADER')?.membershipId ?? first.coordinatorId;
  const members = await deps.db.membership.findMany({ orderBy: { createdAt: 'asc' }, select: { id: true, roles: true } });
  const others = members.filter((m) => m.id !== firstHost);
  const secondHost = (others.find((m) => m.roles.includes('APPROVER') && !m.roles.includes('COORDINATOR')) ?? others[0])?.id;
  if (!firstHost || !secondHost) return;
  const rank = await deps.db.rank.findFirst({ where: { level: 6 } });
  if (rank) await assignRank(deps, secondHost, rank.id);
  const week = 7 * 86_400_000;
  const visit = await createVisit(deps, {
    title: TWO_UNIT_VISIT_TITLE,
    purpose: 'WORK_INSPECTION',
    receptionLevel: '厅局级',
    visitingOrganization: DEMO_UNITS.join('、'),
    startsAt: new Date(first.startsAt.getTime() + week),
    endsAt: new Date(first.startsAt.getTime() + week + 8 * 3_600_000),
    coordinatorId: first.coordinatorId ?? firstHost,
  });
  let version = visit.version;
  const ref = () => ({ visitId: visit.id, expectedVersion: version++ });
  const [ndrc, finance] = DEMO_UNITS;
  const guests = [
    { name: '陈志远', gender: 'MALE', title: '副主任', rankLevel: 5, principalOrder: 1, unit: ndrc },
    { name: '黄晓梅', gender: 'FEMALE', title: '副厅长', rankLevel: 6, principalOrder: 2, unit: finance },
    { name: '刘洋', gender: 'MALE', title: '处长', rankLevel: 7, unit: ndrc },
    { name: '吴敏', gender: 'FEMALE', title: '处长', rankLevel: 7, unit: finance },
    { name: '郑凯', gender: 'MALE', title: '科长', rankLevel: 9, unit: finance },
  ] as const;
  for (const g of guests) await saveGuest(deps, ref(), { ...g, organization: g.unit });
  await saveContact(deps, ref(), { name: '孙秘书', phone: '+86 138 0000 0011', role: `联络员（${ndrc}）` });
  await saveContact(deps, ref(), { name: '周秘书', phone: '+86 139 0000 0012', role: `联络员（${finance}）` });
  await saveHost(deps, ref(), { membershipId: firstHost, role: 'HOST_LEADER', unit: ndrc });
  // Ranked one below the standard's greeting leader: the polite explanation (礼貌解释) is recorded.
  await saveHost(deps, ref(), {
    membershipId: secondHost,
    role: 'HOST_LEADER',
    unit: finance,
    rankExplanation: '市领导陪同省发改委一行，由副秘书长对口接待省财政厅，已向来宾说明',
  });
  const mealId = await saveMeal(deps, ref(), {
    kind: 'BANQUET',
    startsAt: new Date(visit.startsAt.getTime() + 3 * 3_600_000 + 30 * 60_000),
    place: '宾馆宴会厅',
    dishes: [{ name: '菌菇汤', tags: ['mushroom'] }],
  });
  await setVisitReceptionStandard(deps, { visitId: visit.id, expectedVersion: version++ });
  await proposeBanquetSeating(deps, { mealId, expectedVersion: version, seatsPerTable: 8 });
}
