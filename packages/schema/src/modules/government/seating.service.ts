// Stored seating plans: a banquet seating plan per meal and a car seating plan per vehicle, proposed from the
// protocol rules (banquet-seating.rules.ts, car-seating.rules.ts) and adjusted by hand. A manual move keeps
// the plan valid or shows as a plan issue naming the broken rule. Both are material changes of the visit's
// plan (after approval they re-open it), and each change is an event of the visit (topic `protocol`).
import { z } from 'zod';
import type { Db, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { parseInput } from '../../shared/errors.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { type ModulePlanIssue, registerVisitHooks } from '../shared/visits/visit.hooks.ts';
import { localTime } from '../shared/visits/visit.checks.ts';
import type { PlanExtensionRecord, VisitPlan } from '../shared/visits/visit.plan.ts';
import { changeVisit } from '../shared/visits/visit.service.ts';
import {
  type BanquetPlan,
  type BrokenRule,
  checkBanquetSeating,
  MAX_SEATS,
  MAX_TABLES,
  MIN_SEATS,
  type ProtocolPerson,
  proposeBanquetSeating as computeBanquet,
  SEATING_RULES,
} from './banquet-seating.rules.ts';
import { assignCars, CAR_RULES, type CarPassenger, type CarRole, type CarSeatingPlan, checkCarSeating, type VehicleSeating } from './car-seating.rules.ts';
import { ProtocolError } from './government.errors.ts';
import { PROTOCOL_ISSUE_TEXTS } from './protocol.messages.ts';
import { requireRole } from './reception-standard.service.ts';

export const PROTOCOL_TOPIC = 'protocol';
export const DEFAULT_SEATS_PER_TABLE = 10;

/** The visit's guests in protocol order (principal order, then rank, then name), numbered from 1. */
export function guestsInOrder(
  guests: ReadonlyArray<{
    id: string;
    name: string;
    gender: 'FEMALE' | 'MALE' | 'UNSPECIFIED';
    title: string | null;
    rankLevel: number | null;
    principalOrder: number | null;
    unit?: string | null;
  }>,
): ProtocolPerson[] {
  const big = Number.MAX_SAFE_INTEGER;
  return [...guests]
    .sort(
      (a, b) =>
        (a.principalOrder ?? big) - (b.principalOrder ?? big) ||
        (a.rankLevel ?? big) - (b.rankLevel ?? big) ||
        a.name.localeCompare(b.name, 'zh') ||
        (a.id < b.id ? -1 : 1),
    )
    .map((g, i) => ({
      id: g.id,
      name: g.name,
      side: 'GUEST',
      order: i + 1,
      title: g.title,
      gender: g.gender,
      rankName: null,
      ...(g.unit?.trim() ? { unit: g.unit.trim() } : {}),
    }));
}

const HOST_ROLE_ORDER = { HOST_LEADER: 0, ACCOMPANYING: 1, GREETER: 2 } as const;

/**
 * Our side: the host leader(s) first, then by rank, numbered from 1; each with its car role. When several units
 * visit (来访单位), each unit's host comes in the order of the unit's principal guest: the host of the first principal
 * guest's unit is the host (主人), the hosts of the other units follow as the second host (副主人) or the hosts of the
 * next tables, per the protocol. A host without a unit receives the first principal guest.
 */
export async function ourSide(db: Db, visitId: string): Promise<Array<ProtocolPerson & { carRole: CarRole }>> {
  const hosts = await db.visitHost.findMany({
    where: { visitId },
    include: { membership: { include: { user: { select: { displayName: true } }, rank: { select: { level: true, name: true } } } } },
  });
  const rows = await db.visitGuest.findMany({ where: { visitId } });
  const guests = guestsInOrder(rows);
  const unitOf = new Map(rows.map((g) => [g.id, g.unit?.trim() || null]));
  const unitPrecedence = new Map<string, number>();
  for (const g of guests) {
    const unit = unitOf.get(g.id);
    if (unit && !unitPrecedence.has(unit)) unitPrecedence.set(unit, g.order);
  }
  const big = Number.MAX_SAFE_INTEGER;
  const unitKey = (unit: string | null) => (unit?.trim() ? (unitPrecedence.get(unit.trim()) ?? big) : 0);
  return hosts
    .sort(
      (a, b) =>
        HOST_ROLE_ORDER[a.role] - HOST_ROLE_ORDER[b.role] ||
        unitKey(a.unit) - unitKey(b.unit) ||
        (a.membership.rank?.level ?? big) - (b.membership.rank?.level ?? big) ||
        (a.membershipId < b.membershipId ? -1 : 1),
    )
    .map((h, i) => ({
      id: h.membershipId,
      name: h.membership.user.displayName,
      side: 'HOST',
      order: i + 1,
      rankName: h.membership.rank?.name ?? null,
      title: h.membership.title,
      gender: 'UNSPECIFIED',
      ...(h.unit?.trim() ? { unit: h.unit.trim() } : {}),
      carRole: h.role === 'HOST_LEADER' ? 'LEADER' : 'STAFF',
    }));
}

async function mealOf(db: Db, mealId: string) {
  const meal = await db.meal.findUnique({ where: { id: mealId }, include: { guests: { include: { guest: true } }, visit: { include: { guests: true } } } });
  if (!meal) throw new ProtocolError('NOT_FOUND', 'No such meal');
  return meal;
}

const proposeInput = z.object({
  mealId: z.string(),
  expectedVersion: z.number().int(),
  tables: z.number().int().min(1).max(MAX_TABLES).nullish(),
  seatsPerTable: z.number().int().min(MIN_SEATS).max(MAX_SEATS).nullish(),
  secondGuest: z.enum(['HOST_LEFT', 'FIRST_GUEST_RIGHT']).nullish(),
  secondHost: z.boolean().nullish(),
});

/** Computes the meal's seating from the protocol and stores it as the proposal (replacing any plan and moves). */
export async function proposeBanquetSeating(deps: ServiceDeps, input: z.input<typeof proposeInput>) {
  requireRole(deps, 'COORDINATOR');
  const data = parseInput(proposeInput, input);
  const meal = await mealOf(deps.db, data.mealId);
  const guests = guestsInOrder(meal.wholeDelegation ? meal.visit.guests : meal.guests.map((g) => g.guest));
  const hosts = await ourSide(deps.db, meal.visitId);
  const seatsPerTable = data.seatsPerTable ?? DEFAULT_SEATS_PER_TABLE;
  // Unless told, enough tables for everyone, and (several units visiting) one for each unit's host leader of ours
  // that the second host's seat does not take.
  const heads = 1 + hosts.findLastIndex((h) => h.carRole === 'LEADER' && !!h.unit && guests.some((g) => g.unit === h.unit));
  const tables = data.tables ?? Math.min(MAX_TABLES, Math.max(1, Math.ceil((guests.length + hosts.length) / seatsPerTable), heads - (data.secondHost ? 1 : 0)));
  const plan = computeBanquet({
    tables,
    seatsPerTable,
    guests,
    hosts,
    protocol: { secondGuest: data.secondGuest ?? 'HOST_LEFT', secondHost: data.secondHost ?? false },
  });
  return changeVisit(
    deps,
    {
      visitId: meal.visitId,
      expectedVersion: data.expectedVersion,
      action: 'banquet_seating_proposed',
      material: true,
      auditData: { mealId: meal.id, tables, seatsPerTable },
    },
    async () => {
      const row = { tables, seatsPerTable, plan: plan as unknown as Prisma.InputJsonValue, manualMoves: 0 };
      const saved = await deps.db.banquetSeating.upsert({
        where: { tenantId_mealId: { tenantId: deps.access.tenantId!, mealId: meal.id } },
        create: { tenantId: deps.access.tenantId!, mealId: meal.id, ...row },
        update: row,
      });
      await appendEvent(deps, {
        topic: PROTOCOL_TOPIC,
        type: 'banquet_seating.proposed',
        subjectId: meal.visitId,
        payload: { mealId: meal.id, tables, seatsPerTable },
      });
      return saved;
    },
  );
}

const moveInput = z.object({
  mealId: z.string(),
  expectedVersion: z.number().int(),
  personId: z.string(),
  table: z.number().int().min(1),
  seat: z.number().int().min(1),
});

/**
 * Moves one person to a seat by hand; whoever sat there takes the person's seat (a swap). Each keeps the rule that
 * placed them, so a move that breaks it shows as a plan issue naming the rule.
 */
export async function moveBanquetSeat(deps: ServiceDeps, input: z.input<typeof moveInput>) {
  requireRole(deps, 'COORDINATOR');
  const data = parseInput(moveInput, input);
  const meal = await mealOf(deps.db, data.mealId);
  const stored = await deps.db.banquetSeating.findFirst({ where: { mealId: meal.id } });
  if (!stored) throw new ProtocolError('NO_SEATING_PLAN', 'Propose the seating of this meal first');
  const plan = stored.plan as unknown as BanquetPlan;
  const seats = plan.tables.flatMap((t) => t.seats);
  const from = seats.find((s) => s.person?.id === data.personId);
  const to = plan.tables.find((t) => t.number === data.table)?.seats.find((s) => s.seat === data.seat);
  if (!from) throw new ProtocolError('NOT_FOUND', 'That person has no seat in this plan');
  if (!to) throw new ProtocolError('NO_SUCH_SEAT', `Table ${data.table} has no seat ${data.seat}`);
  [from.person, to.person] = [to.person, from.person];
  [from.rule, to.rule] = [to.rule, from.rule];
  return changeVisit(
    deps,
    { visitId: meal.visitId, expectedVersion: data.expectedVersion, action: 'banquet_seat_moved', material: true, auditData: data },
    async () => {
      const saved = await deps.db.banquetSeating.update({
        where: { id: stored.id },
        data: { plan: plan as unknown as Prisma.InputJsonValue, manualMoves: { increment: 1 } },
      });
      await appendEvent(deps, {
        topic: PROTOCOL_TOPIC,
        type: 'banquet_seating.moved',
        subjectId: meal.visitId,
        payload: { mealId: meal.id, personId: data.personId, table: data.table, seat: data.seat, broken: checkBanquetSeating(plan).map((b) => b.rule) },
      });
      return saved;
    },
  );
}

const carInput = z.object({ visitId: z.string(), expectedVersion: z.number().int() });

/**
 * Seats the visit's people in its vehicles by the protocol (guests, the host leaders, staff) and stores each
 * vehicle's seating; the vehicles' guest lists follow it.
 */
export async function proposeCarSeating(deps: ServiceDeps, input: z.input<typeof carInput>) {
  requireRole(deps, 'COORDINATOR');
  const data = parseInput(carInput, input);
  const visit = await deps.db.visit.findUnique({ where: { id: data.visitId }, include: { guests: true, vehicles: { orderBy: { id: 'asc' } } } });
  if (!visit) throw new ProtocolError('NOT_FOUND', 'No such visit');
  const people: CarPassenger[] = [
    ...guestsInOrder(visit.guests).map((g) => ({ ...g, role: 'GUEST' as const })),
    ...(await ourSide(deps.db, visit.id)).map(({ carRole, ...p }) => ({ ...p, role: carRole })),
  ];
  // Sedans first, in the order they were added.
  const vehicles = visit.vehicles.map((v) => ({ id: v.id, kind: v.kind, seats: v.seats, label: v.plate }));
  const plan = assignCars(vehicles, people);
  return changeVisit(
    deps,
    {
      visitId: visit.id,
      expectedVersion: data.expectedVersion,
      action: 'car_seating_proposed',
      material: true,
      auditData: { unseated: plan.unseated.map((p) => p.id) },
    },
    async () => {
      for (const seating of plan.vehicles) {
        const doc = { ...seating, unseatedOfVisit: plan.unseated } as unknown as Prisma.InputJsonValue;
        await deps.db.vehicleSeating.upsert({
          where: { tenantId_vehicleId: { tenantId: deps.access.tenantId!, vehicleId: seating.vehicleId } },
          create: { tenantId: deps.access.tenantId!, vehicleId: seating.vehicleId, plan: doc },
          update: { plan: doc },
        });
        await deps.db.vehicleGuest.deleteMany({ where: { vehicleId: seating.vehicleId } });
        const guestIds = seating.seats.flatMap((s) => (s.person?.role === 'GUEST' ? [s.person.id] : []));
        if (guestIds.length > 0) {
          await deps.db.vehicleGuest.createMany({
            data: guestIds.map((guestId) => ({ tenantId: deps.access.tenantId!, vehicleId: seating.vehicleId, guestId })),
          });
        }
      }
      await appendEvent(deps, {
        topic: PROTOCOL_TOPIC,
        type: 'car_seating.proposed',
        subjectId: visit.id,
        payload: { vehicles: plan.vehicles.length, unseated: plan.unseated.length },
      });
      return plan;
    },
  );
}

export type StoredVehicleSeating = VehicleSeating & { unseatedOfVisit: CarSeatingPlan['unseated'] };

const carMoveInput = z.object({
  vehicleId: z.string(),
  expectedVersion: z.number().int(),
  personId: z.string(),
  seat: z.string().trim().min(1).max(20),
});

/**
 * Moves one person to a seat of a vehicle by hand (乘车座次 adjusted): whoever sat there takes the person's seat, in
 * this or another vehicle of the visit (a person without a seat swaps with the occupant, who is then without one).
 * Each keeps the rule that placed them; a move that breaks a rule shows as the plan issue CAR_SEATING_RULE_BROKEN.
 * The vehicles' guest lists follow the seating. A material change of the plan.
 */
export async function moveCarSeat(deps: ServiceDeps, input: z.input<typeof carMoveInput>) {
  requireRole(deps, 'COORDINATOR');
  const data = parseInput(carMoveInput, input);
  const vehicle = await deps.db.vehicle.findUnique({ where: { id: data.vehicleId }, select: { id: true, visitId: true } });
  if (!vehicle) throw new ProtocolError('NOT_FOUND', 'No such vehicle');
  const rows = await deps.db.vehicleSeating.findMany({ where: { vehicle: { visitId: vehicle.visitId } }, orderBy: { vehicleId: 'asc' } });
  const docs = rows.map((r) => ({ id: r.id, plan: r.plan as unknown as StoredVehicleSeating }));
  const target = docs.find((d) => d.plan.vehicleId === vehicle.id);
  if (!target) throw new ProtocolError('NO_SEATING_PLAN', 'Propose the car seating of this visit first');
  const to = target.plan.seats.find((s) => s.code === data.seat);
  if (!to) throw new ProtocolError('NO_SUCH_SEAT', `The vehicle has no seat ${data.seat}`);
  const unseated = target.plan.unseatedOfVisit ?? [];
  const from = docs.flatMap((d) => d.plan.seats.map((seat) => ({ doc: d, seat }))).find((x) => x.seat.person?.id === data.personId) ?? null;
  const waiting = unseated.find((p) => p.id === data.personId) ?? null;
  if (!from && !waiting) throw new ProtocolError('NOT_FOUND', 'That person has no place in the car seating');
  let nowUnseated = unseated;
  if (from) {
    [from.seat.person, to.person] = [to.person, from.seat.person];
    [from.seat.rule, to.rule] = [to.rule, from.seat.rule];
  } else {
    nowUnseated = [...unseated.filter((p) => p.id !== data.personId), ...(to.person ? [to.person] : [])];
    to.person = waiting;
  }
  const changed = new Set([target.id, ...(from ? [from.doc.id] : [])]);
  return changeVisit(
    deps,
    { visitId: vehicle.visitId, expectedVersion: data.expectedVersion, action: 'car_seat_moved', material: true, auditData: data },
    async () => {
      for (const doc of docs) {
        if (!changed.has(doc.id) && nowUnseated === unseated) continue;
        const plan = { ...doc.plan, unseatedOfVisit: nowUnseated };
        await deps.db.vehicleSeating.update({ where: { id: doc.id }, data: { plan: plan as unknown as Prisma.InputJsonValue } });
        if (!changed.has(doc.id)) continue;
        await deps.db.vehicleGuest.deleteMany({ where: { vehicleId: plan.vehicleId } });
        const guestIds = plan.seats.flatMap((s) => (s.person?.role === 'GUEST' ? [s.person.id] : []));
        if (guestIds.length > 0) {
          await deps.db.vehicleGuest.createMany({ data: guestIds.map((guestId) => ({ tenantId: deps.access.tenantId!, vehicleId: plan.vehicleId, guestId })) });
        }
      }
      await appendEvent(deps, {
        topic: PROTOCOL_TOPIC,
        type: 'car_seating.moved',
        subjectId: vehicle.visitId,
        payload: { vehicleId: vehicle.id, personId: data.personId, seat: data.seat, broken: checkCarSeating(target.plan).map((b) => b.rule) },
      });
      return { visitId: vehicle.visitId, vehicleId: vehicle.id };
    },
  );
}

/** The zh-Hans text of a rule a banquet seating can break. */
const OTHER_BANQUET_RULES = { EVERYONE_SEATED: '有空位时人人有座', TABLE_HAS_HOST: '每桌有主人', TABLES_BY_RANK: '桌次按离主桌远近排列' } as const;
const ruleText = (rule: BrokenRule['rule']) =>
  rule in SEATING_RULES ? SEATING_RULES[rule as keyof typeof SEATING_RULES] : OTHER_BANQUET_RULES[rule as keyof typeof OTHER_BANQUET_RULES];

export const SEATING_ISSUE_CODES = [
  'SEATING_RULE_BROKEN',
  'SEATING_OUTDATED',
  'PEOPLE_WITHOUT_SEAT',
  'CAR_SEATS_DO_NOT_FIT',
  'CAR_SEATING_RULE_BROKEN',
] as const;

/** The stored plans against the rules and against the plan as it is now. */
export function seatingIssues(
  plan: VisitPlan,
  banquets: ReadonlyArray<{ mealId: string; plan: BanquetPlan }>,
  cars: ReadonlyArray<{ vehicleId: string; plan: StoredVehicleSeating }>,
): ModulePlanIssue[] {
  const issues: ModulePlanIssue[] = [];
  const allGuests = plan.guests.map((g) => g.id);
  for (const { mealId, plan: seating } of [...banquets].sort((a, b) => (a.mealId < b.mealId ? -1 : 1))) {
    for (const broken of checkBanquetSeating(seating)) {
      const text = ruleText(broken.rule);
      issues.push({
        code: 'SEATING_RULE_BROKEN',
        severity: 'WARNING',
        message: `${broken.rule} (${text}): ${broken.message}`,
        recordIds: [mealId],
        params: { rule: text, table: broken.table === null ? '全场' : `第${broken.table}桌` },
      });
    }
    if (seating.unseated.length > 0) {
      issues.push({
        code: 'PEOPLE_WITHOUT_SEAT',
        severity: 'BLOCKER',
        message: `${seating.unseated.length} person(s) have no seat at the meal: add a table`,
        recordIds: [mealId],
        params: { count: seating.unseated.length },
      });
    }
    const meal = plan.meals.find((m) => m.id === mealId);
    const expected = new Set(meal?.guestIds ?? allGuests);
    const seated = new Set([
      ...seating.tables.flatMap((t) => t.seats.flatMap((s) => (s.person?.side === 'GUEST' ? [s.person.id] : []))),
      ...seating.unseated.map((p) => p.id),
    ]);
    if (meal && (expected.size !== seated.size || [...expected].some((id) => !seated.has(id)))) {
      issues.push({
        code: 'SEATING_OUTDATED',
        severity: 'WARNING',
        message: 'The guests of the meal changed since its seating was proposed: propose it again',
        recordIds: [mealId],
        params: {},
      });
    }
  }
  for (const { vehicleId, plan: seating } of [...cars].sort((a, b) => (a.vehicleId < b.vehicleId ? -1 : 1))) {
    for (const broken of checkCarSeating(seating)) {
      issues.push({
        code: 'CAR_SEATING_RULE_BROKEN',
        severity: 'WARNING',
        message: `${broken.rule} (${CAR_RULES[broken.rule]}): ${broken.message}`,
        recordIds: [vehicleId],
        params: { rule: CAR_RULES[broken.rule], vehicle: plan.vehicles.find((v) => v.id === vehicleId)?.plate ?? seating.kind },
      });
    }
  }
  const unseated = cars.find((c) => c.plan.unseatedOfVisit.length > 0);
  if (unseated) {
    issues.push({
      code: 'CAR_SEATS_DO_NOT_FIT',
      severity: 'BLOCKER',
      message: `${unseated.plan.unseatedOfVisit.length} person(s) have no seat in the vehicles: add a vehicle`,
      recordIds: cars.map((c) => c.vehicleId).sort(),
      params: { count: unseated.plan.unseatedOfVisit.length },
    });
  }
  return issues;
}

/**
 * The seating as sections of the plan its versions freeze, so that a seat moved after approval shows in planDiff:
 * `banquetSeating` (per meal: tables, seats per table, protocol), `banquetSeat` (per meal and person: table, seat,
 * rule; null when unseated) and `carSeat` (per person: vehicle, seat, rule; no vehicle when unseated).
 */
export function seatingSections(
  plan: VisitPlan,
  banquets: ReadonlyArray<{ mealId: string; plan: BanquetPlan }>,
  cars: ReadonlyArray<{ vehicleId: string; plan: StoredVehicleSeating }>,
): Record<string, PlanExtensionRecord[]> {
  const mealLabel = (mealId: string) => {
    const meal = plan.meals.find((m) => m.id === mealId);
    if (!meal) return 'meal';
    const ms = Date.parse(meal.startsAt);
    return `${meal.kind.toLowerCase()} ${Number.isFinite(ms) ? localTime(ms, plan.timeZone).dateTime : meal.startsAt}`;
  };
  const banquetSeating: PlanExtensionRecord[] = [];
  const banquetSeat: PlanExtensionRecord[] = [];
  for (const { mealId, plan: seating } of banquets) {
    const node = { type: 'Meal', id: mealId };
    const label = mealLabel(mealId);
    banquetSeating.push({
      id: mealId,
      label: `seating of ${label}`,
      node,
      fields: {
        tables: seating.tables.length,
        seatsPerTable: seating.seatsPerTable,
        secondHost: seating.protocol.secondHost,
        secondGuest: seating.protocol.secondGuest,
      },
    });
    for (const table of seating.tables) {
      for (const s of table.seats) {
        if (!s.person) continue;
        banquetSeat.push({
          id: `${mealId}:${s.person.id}`,
          label: `${s.person.name} (${label})`,
          node,
          fields: { table: table.number, seat: s.seat, rule: s.rule },
        });
      }
    }
    for (const p of seating.unseated)
      banquetSeat.push({ id: `${mealId}:${p.id}`, label: `${p.name} (${label})`, node, fields: { table: null, seat: null, rule: null } });
  }
  const carSeat: PlanExtensionRecord[] = [];
  const unseated = new Map<string, CarPassenger>();
  for (const { vehicleId, plan: seating } of cars) {
    for (const s of seating.seats) {
      if (!s.person) continue;
      carSeat.push({
        id: s.person.id,
        label: `${s.person.name} (car)`,
        node: { type: 'Vehicle', id: vehicleId },
        fields: { vehicleId, seat: s.code, rule: s.rule },
      });
    }
    for (const p of seating.unseatedOfVisit ?? []) unseated.set(p.id, p);
  }
  for (const p of unseated.values()) {
    carSeat.push({ id: p.id, label: `${p.name} (car)`, node: { type: 'Visit', id: plan.id }, fields: { vehicleId: null, seat: null, rule: null } });
  }
  return { banquetSeating, banquetSeat, carSeat };
}

async function storedSeating(db: Db, visitId: string) {
  // One after the other: the operation's transaction has one connection.
  const banquets = await db.banquetSeating.findMany({ where: { meal: { visitId } } });
  const cars = await db.vehicleSeating.findMany({ where: { vehicle: { visitId } } });
  return {
    banquets: banquets.map((b) => ({ mealId: b.mealId, plan: b.plan as unknown as BanquetPlan })),
    cars: cars.map((c) => ({ vehicleId: c.vehicleId, plan: c.plan as unknown as StoredVehicleSeating })),
  };
}

registerVisitHooks({
  async planExtensions(db, visitId, plan) {
    if (plan.meals.length === 0 && plan.vehicles.length === 0) return {};
    const { banquets, cars } = await storedSeating(db, visitId);
    return seatingSections(plan, banquets, cars);
  },
  planIssueCodes: SEATING_ISSUE_CODES,
  planIssueTexts: PROTOCOL_ISSUE_TEXTS,
  async planIssues(db, visitId, plan) {
    if (plan.meals.length === 0 && plan.vehicles.length === 0) return [];
    const { banquets, cars } = await storedSeating(db, visitId);
    return seatingIssues(plan, banquets, cars);
  },
});
