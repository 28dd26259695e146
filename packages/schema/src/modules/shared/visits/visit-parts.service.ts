// The parts of a visit's plan: delegation (guests, dietary restrictions), contacts, travel, hosts,
// itinerary, lodging (rooms), meals (dishes), vehicles, gifts, budget. Each save creates or updates one
// record (with its nested lists) through changeVisit: version check, audit, re-approval when material.
import { z } from 'zod';
import type { Db } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { isoDate } from '../../../shared/dates.ts';
import { assertMembership, changeVisit, notifyAssigned } from './visit.service.ts';
import { VisitError } from './visit.errors.ts';
import { BUDGET_CATEGORIES, DIETARY_CATEGORIES, ITINERARY_KINDS, MEAL_KINDS, VEHICLE_KINDS } from './visit.plan.ts';
export { BUDGET_CATEGORIES, DIETARY_CATEGORIES, ITINERARY_KINDS, MEAL_KINDS, VEHICLE_KINDS };
import { planChanged, planOnce } from './visit.hooks.ts';

export const RECORD_KINDS = ['guest', 'contact', 'travelLeg', 'host', 'itineraryItem', 'lodging', 'meal', 'vehicle', 'gift', 'budgetLine'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Changes to these re-open an approved plan (dates, guests, lodging, meals, vehicles, hosts, budget). */
const MATERIAL: Record<RecordKind, boolean> = {
  guest: true,
  contact: false,
  travelLeg: true,
  host: true,
  itineraryItem: true,
  lodging: true,
  meal: true,
  vehicle: true,
  gift: false,
  budgetLine: true,
};

/** The visit a record belongs to (null when there is no such record in this tenant). */
const VISIT_OF: Record<RecordKind, (db: Db, id: string) => Promise<{ visitId: string } | null>> = {
  guest: (db, id) => db.visitGuest.findUnique({ where: { id }, select: { visitId: true } }),
  contact: (db, id) => db.visitContact.findUnique({ where: { id }, select: { visitId: true } }),
  travelLeg: (db, id) => db.travelLeg.findUnique({ where: { id }, select: { visitId: true } }),
  host: (db, id) => db.visitHost.findUnique({ where: { id }, select: { visitId: true } }),
  itineraryItem: (db, id) => db.itineraryItem.findUnique({ where: { id }, select: { visitId: true } }),
  lodging: (db, id) => db.lodging.findUnique({ where: { id }, select: { visitId: true } }),
  meal: (db, id) => db.meal.findUnique({ where: { id }, select: { visitId: true } }),
  vehicle: (db, id) => db.vehicle.findUnique({ where: { id }, select: { visitId: true } }),
  gift: (db, id) => db.gift.findUnique({ where: { id }, select: { visitId: true } }),
  budgetLine: (db, id) => db.budgetLine.findUnique({ where: { id }, select: { visitId: true } }),
};

const DELETE: Record<RecordKind, (db: Db, id: string) => Promise<unknown>> = {
  guest: (db, id) => db.visitGuest.delete({ where: { id } }),
  contact: (db, id) => db.visitContact.delete({ where: { id } }),
  travelLeg: (db, id) => db.travelLeg.delete({ where: { id } }),
  host: (db, id) => db.visitHost.delete({ where: { id } }),
  itineraryItem: (db, id) => db.itineraryItem.delete({ where: { id } }),
  lodging: (db, id) => db.lodging.delete({ where: { id } }),
  meal: (db, id) => db.meal.delete({ where: { id } }),
  vehicle: (db, id) => db.vehicle.delete({ where: { id } }),
  gift: (db, id) => db.gift.delete({ where: { id } }),
  budgetLine: (db, id) => db.budgetLine.delete({ where: { id } }),
};

export interface VisitRef {
  visitId: string;
  expectedVersion: number;
}

async function saveRecord(
  deps: ServiceDeps,
  ref: VisitRef,
  kind: RecordKind,
  id: string | null | undefined,
  write: (id: string | null) => Promise<string>,
  /** False when the save records readiness only (a room inspected, a vehicle checked): no re-approval. */
  material: boolean = MATERIAL[kind],
): Promise<string> {
  return changeVisit(deps, { ...ref, action: `${kind}.saved`, material, auditData: { kind, id: id ?? null } }, async () => {
    if (id && (await VISIT_OF[kind](deps.db, id))?.visitId !== ref.visitId) {
      throw new VisitError('NOT_FOUND', `No such ${kind} in this visit`);
    }
    try {
      return await write(id ?? null);
    } catch (error) {
      if (isUniqueViolation(error)) throw new VisitError('DUPLICATE', `That ${kind} clashes with an existing one (same number, order or person)`);
      if (isForeignKeyViolation(error)) throw new VisitError('INVALID_REFERENCE', `The ${kind} refers to something that does not exist`);
      throw error;
    }
  });
}

export async function removeRecord(deps: ServiceDeps, ref: VisitRef, kind: RecordKind, id: string) {
  return changeVisit(deps, { ...ref, action: `${kind}.removed`, material: MATERIAL[kind], auditData: { kind, id } }, async () => {
    if ((await VISIT_OF[kind](deps.db, id))?.visitId !== ref.visitId) throw new VisitError('NOT_FOUND', `No such ${kind} in this visit`);
    await DELETE[kind](deps.db, id);
    return id;
  });
}

/** Guest ids given for a room, meal, vehicle or gift must be guests of this visit. */
async function assertGuests(db: Db, visitId: string, guestIds: string[]) {
  const unique = [...new Set(guestIds)];
  if (unique.length === 0) return unique;
  const found = await db.visitGuest.count({ where: { visitId, id: { in: unique } } });
  if (found !== unique.length) throw new VisitError('INVALID_REFERENCE', 'Some guests are not part of this visit');
  return unique;
}

/**
 * Pairs each entry of a nested list (a guest's restrictions, a lodging's rooms, a meal's menu) with an
 * existing row of the same key, so that saving the parent keeps the rows that are still listed (and
 * their ids: plan versions then diff on what really changed); `leftover` are the rows no longer listed.
 */
function matchRows<Row extends { id: string }, Entry>(rows: Row[], entries: Entry[], rowKey: (r: Row) => string, entryKey: (e: Entry) => string) {
  const unused = new Map<string, Row[]>();
  for (const row of [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    unused.set(rowKey(row), [...(unused.get(rowKey(row)) ?? []), row]);
  }
  const pairs = entries.map((entry) => ({ entry, row: unused.get(entryKey(entry))?.shift() ?? null }));
  return { pairs, leftover: [...unused.values()].flat() };
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
};

const uuid = z.string().uuid();
const text = (max = 300) => z.string().trim().min(1).max(max);
const optionalText = (max = 300) => z.string().trim().max(max).nullish();
const tag = z.string().trim().toLowerCase().min(1).max(100);
const money = z
  .string()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, 'an amount such as 1200 or 1200.50')
  .transform((v) => v);

// ── guests and their dietary restrictions ───────────────────────────────────────────────────────

const guestInput = z.object({
  id: uuid.nullish(),
  name: text(200),
  gender: z.enum(['FEMALE', 'MALE', 'UNSPECIFIED']).default('UNSPECIFIED'),
  ethnicity: optionalText(100),
  title: optionalText(200),
  rankLevel: z.number().int().min(1).max(100).nullish(),
  organization: optionalText(300),
  unit: optionalText(300),
  principalOrder: z.number().int().min(1).max(100).nullish(),
  dietaryRestrictions: z
    .array(z.object({ category: z.enum(DIETARY_CATEGORIES), restricted: tag, note: optionalText(500) }))
    .max(50)
    .default([]),
});

export async function saveGuest(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof guestInput>) {
  const { id: givenId, dietaryRestrictions, ...data } = parseInput(guestInput, input);
  const tenantId = deps.access.tenantId!;
  return saveRecord(deps, ref, 'guest', givenId, async (id) => {
    const fields = {
      ...data,
      ethnicity: data.ethnicity ?? null,
      title: data.title ?? null,
      rankLevel: data.rankLevel ?? null,
      organization: data.organization ?? null,
      unit: data.unit ?? null,
      principalOrder: data.principalOrder ?? null,
    };
    const guest = id
      ? await deps.db.visitGuest.update({ where: { id }, data: fields })
      : await deps.db.visitGuest.create({ data: { ...fields, tenantId, visitId: ref.visitId } });
    // The list replaces the guest's restrictions; those still listed keep their row.
    const existing = id ? await deps.db.dietaryRestriction.findMany({ where: { guestId: guest.id } }) : [];
    const key = (r: { category: string; restricted: string }) => `${r.category}:${r.restricted}`;
    const { pairs, leftover } = matchRows(existing, dietaryRestrictions, key, key);
    if (leftover.length > 0) await deps.db.dietaryRestriction.deleteMany({ where: { id: { in: leftover.map((r) => r.id) } } });
    for (const { entry, row } of pairs) {
      if (row && row.note !== (entry.note ?? null)) await deps.db.dietaryRestriction.update({ where: { id: row.id }, data: { note: entry.note ?? null } });
    }
    await deps.db.dietaryRestriction.createMany({
      data: pairs
        .filter((p) => !p.row)
        .map(({ entry: r }) => ({ tenantId, guestId: guest.id, category: r.category, restricted: r.restricted, note: r.note ?? null })),
    });
    return guest.id;
  });
}

// ── contacts of the visiting side ───────────────────────────────────────────────────────────────

const contactInput = z.object({
  id: uuid.nullish(),
  name: text(200),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{4,30}$/, 'a phone number'),
  role: optionalText(200),
});

export async function saveContact(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof contactInput>) {
  const { id: givenId, ...data } = parseInput(contactInput, input);
  return saveRecord(deps, ref, 'contact', givenId, async (id) => {
    const fields = { ...data, role: data.role ?? null };
    const row = id
      ? await deps.db.visitContact.update({ where: { id }, data: fields })
      : await deps.db.visitContact.create({ data: { ...fields, tenantId: deps.access.tenantId!, visitId: ref.visitId } });
    return row.id;
  });
}

// ── travel ──────────────────────────────────────────────────────────────────────────────────────

const travelInput = z
  .object({
    id: uuid.nullish(),
    direction: z.enum(['INBOUND', 'OUTBOUND']),
    mode: z.enum(['CAR', 'TRAIN', 'PLANE', 'BUS']),
    origin: optionalText(300),
    destination: optionalText(300),
    departureAt: z.date().nullish(),
    arrivalAt: z.date().nullish(),
    vehicleType: optionalText(100),
    plate: optionalText(30),
    driverCount: z.number().int().min(0).max(20).nullish(),
  })
  .refine((t) => !t.departureAt || !t.arrivalAt || t.arrivalAt > t.departureAt, { path: ['arrivalAt'], message: 'must be after departureAt' });

export async function saveTravelLeg(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof travelInput>) {
  const { id: givenId, ...data } = parseInput(travelInput, input);
  return saveRecord(deps, ref, 'travelLeg', givenId, async (id) => {
    const fields = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v ?? null])) as typeof data;
    const row = id
      ? await deps.db.travelLeg.update({ where: { id }, data: fields })
      : await deps.db.travelLeg.create({ data: { ...fields, tenantId: deps.access.tenantId!, visitId: ref.visitId } });
    return row.id;
  });
}

const progressInput = z.object({ legId: uuid, actualDepartureAt: z.date().nullish(), expectedArrivalAt: z.date().nullish() });

/**
 * Live tracking of a journey (实际出发时间, 到达何处): no re-approval and no version check — a driver
 * or greeter reports as it happens — but audited and sent to everyone assigned to the visit.
 */
export async function updateTravelProgress(deps: ServiceDeps, input: z.input<typeof progressInput>) {
  const data = parseInput(progressInput, input);
  const leg = await deps.db.travelLeg.findUnique({ where: { id: data.legId } });
  if (!leg) throw new VisitError('NOT_FOUND', 'No such travel leg');
  const updated = await deps.db.travelLeg.update({
    where: { id: leg.id },
    data: { actualDepartureAt: data.actualDepartureAt, expectedArrivalAt: data.expectedArrivalAt },
  });
  await planChanged(deps, leg.visitId, planOnce(deps.db, leg.visitId));
  await notifyAssigned(deps, leg.visitId, 'visit.travel_progress', {
    legId: leg.id,
    direction: leg.direction,
    actualDepartureAt: updated.actualDepartureAt?.toISOString() ?? null,
    expectedArrivalAt: updated.expectedArrivalAt?.toISOString() ?? null,
  });
  return updated;
}

// ── hosts ───────────────────────────────────────────────────────────────────────────────────────

const hostInput = z.object({
  id: uuid.nullish(),
  membershipId: uuid,
  role: z.enum(['HOST_LEADER', 'ACCOMPANYING', 'GREETER']),
  unit: optionalText(300),
  rankExplanation: optionalText(1000),
});

export async function saveHost(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof hostInput>) {
  const { id: givenId, ...data } = parseInput(hostInput, input);
  return saveRecord(deps, ref, 'host', givenId, async (id) => {
    await assertMembership(deps.db, data.membershipId);
    const fields = { ...data, unit: data.unit ?? null, rankExplanation: data.rankExplanation ?? null };
    const row = id
      ? await deps.db.visitHost.update({ where: { id }, data: fields })
      : await deps.db.visitHost.create({ data: { ...fields, tenantId: deps.access.tenantId!, visitId: ref.visitId } });
    return row.id;
  });
}

// ── itinerary ───────────────────────────────────────────────────────────────────────────────────

const itineraryInput = z
  .object({
    id: uuid.nullish(),
    kind: z.enum(ITINERARY_KINDS),
    title: text(300),
    startsAt: z.date(),
    endsAt: z.date(),
    place: optionalText(300),
    route: optionalText(1000),
    responsibleMembershipId: uuid.nullish(),
  })
  .refine((i) => i.endsAt > i.startsAt, { path: ['endsAt'], message: 'must be after startsAt' });

export async function saveItineraryItem(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof itineraryInput>) {
  const { id: givenId, ...data } = parseInput(itineraryInput, input);
  return saveRecord(deps, ref, 'itineraryItem', givenId, async (id) => {
    await assertMembership(deps.db, data.responsibleMembershipId);
    const fields = { ...data, place: data.place ?? null, route: data.route ?? null, responsibleMembershipId: data.responsibleMembershipId ?? null };
    const row = id
      ? await deps.db.itineraryItem.update({ where: { id }, data: fields })
      : await deps.db.itineraryItem.create({ data: { ...fields, tenantId: deps.access.tenantId!, visitId: ref.visitId } });
    return row.id;
  });
}

// ── lodging and rooms ───────────────────────────────────────────────────────────────────────────

const date = isoDate;
const lodgingInput = z
  .object({
    id: uuid.nullish(),
    hotelName: text(200),
    address: optionalText(500),
    checkIn: date,
    checkOut: date,
    rooms: z
      .array(
        z.object({
          floor: z.number().int().min(-10).max(300).nullish(),
          number: text(50),
          roomType: optionalText(100),
          isSpare: z.boolean().default(false),
          guestIds: z.array(uuid).max(10).default([]),
          /** Readiness: left out (or null), a room keeps what was recorded; a new room is not inspected. */
          inspected: z.boolean().nullish(),
          /** Left out: kept; null or blank: cleared (the room is fit). */
          unfitReason: optionalText(1000),
        }),
      )
      .max(500)
      .default([]),
  })
  .refine((l) => l.checkOut > l.checkIn, { path: ['checkOut'], message: 'must be after checkIn' })
  .refine((l) => l.rooms.every((r) => !r.isSpare || r.guestIds.length === 0), { path: ['rooms'], message: 'a spare room has no guests' });

/**
 * Saves a lodging with its rooms (the list replaces the lodging's rooms). A room's inspection and
 * unfitness are readiness: left out they are kept, and a save that changes nothing else is not material.
 */
export async function saveLodging(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof lodgingInput>) {
  const { id: givenId, rooms, ...data } = parseInput(lodgingInput, input);
  const tenantId = deps.access.tenantId!;
  const material = !givenId || (await lodgingPlanChanges(deps.db, givenId, data, rooms));
  return saveRecord(
    deps,
    ref,
    'lodging',
    givenId,
    async (id) => {
      await assertGuests(
        deps.db,
        ref.visitId,
        rooms.flatMap((r) => r.guestIds),
      );
      const fields = { hotelName: data.hotelName, address: data.address ?? null, checkIn: new Date(data.checkIn), checkOut: new Date(data.checkOut) };
      const lodging = id
        ? await deps.db.lodging.update({ where: { id }, data: fields })
        : await deps.db.lodging.create({ data: { ...fields, tenantId, visitId: ref.visitId } });
      // The list replaces the lodging's rooms; a room still listed (by number) keeps its row.
      const existing = id ? await deps.db.lodgingRoom.findMany({ where: { lodgingId: lodging.id } }) : [];
      const { pairs, leftover } = matchRows(
        existing,
        rooms,
        (r) => r.number,
        (r) => r.number,
      );
      if (leftover.length > 0) await deps.db.lodgingRoom.deleteMany({ where: { id: { in: leftover.map((r) => r.id) } } });
      const now = new Date();
      for (const { entry: room, row } of pairs) {
        const roomFields = {
          floor: room.floor ?? null,
          roomType: room.roomType ?? null,
          isSpare: room.isSpare,
          // An inspection keeps its time when the room is re-saved as inspected.
          inspectedAt: room.inspected == null ? (row?.inspectedAt ?? null) : room.inspected ? (row?.inspectedAt ?? now) : null,
          unfitReason: room.unfitReason === undefined ? (row?.unfitReason ?? null) : room.unfitReason || null,
        };
        let roomId: string;
        if (row) {
          roomId = row.id;
          if (
            row.floor !== roomFields.floor ||
            row.roomType !== roomFields.roomType ||
            row.isSpare !== roomFields.isSpare ||
            row.inspectedAt?.getTime() !== roomFields.inspectedAt?.getTime() ||
            row.unfitReason !== roomFields.unfitReason
          ) {
            await deps.db.lodgingRoom.update({ where: { id: roomId }, data: roomFields });
          }
          await deps.db.roomGuest.deleteMany({ where: { roomId } });
        } else {
          roomId = (await deps.db.lodgingRoom.create({ data: { ...roomFields, tenantId, lodgingId: lodging.id, number: room.number } })).id;
        }
        await deps.db.roomGuest.createMany({ data: [...new Set(room.guestIds)].map((guestId) => ({ tenantId, roomId, guestId })) });
      }
      return lodging.id;
    },
    material,
  );
}

/** Whether saving the lodging changes more than its rooms' readiness (false when it is not found). */
async function lodgingPlanChanges(
  db: Db,
  id: string,
  data: { hotelName: string; address?: string | null; checkIn: string; checkOut: string },
  rooms: { number: string; floor?: number | null; roomType?: string | null; isSpare: boolean; guestIds: string[] }[],
): Promise<boolean> {
  const current = await db.lodging.findUnique({ where: { id }, include: { rooms: { include: { guests: true } } } });
  if (!current) return true;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (
    current.hotelName !== data.hotelName ||
    current.address !== (data.address ?? null) ||
    day(current.checkIn) !== data.checkIn ||
    day(current.checkOut) !== data.checkOut ||
    current.rooms.length !== rooms.length
  ) {
    return true;
  }
  const byNumber = new Map(current.rooms.map((r) => [r.number, r]));
  return rooms.some((room) => {
    const row = byNumber.get(room.number);
    return (
      !row ||
      row.floor !== (room.floor ?? null) ||
      row.roomType !== (room.roomType ?? null) ||
      row.isSpare !== room.isSpare ||
      !sameSet(
        row.guests.map((g) => g.guestId),
        room.guestIds,
      )
    );
  });
}

// ── meals and dishes ────────────────────────────────────────────────────────────────────────────

const mealInput = z.object({
  id: uuid.nullish(),
  kind: z.enum(MEAL_KINDS),
  startsAt: z.date(),
  place: optionalText(300),
  alcoholServed: z.boolean().default(false),
  /** null: the whole delegation attends. */
  guestIds: z.array(uuid).max(500).nullish(),
  dishes: z
    .array(z.object({ name: text(200), tags: z.array(tag).max(30).default([]) }))
    .max(100)
    .default([]),
});

/** Saves a meal with its menu (the dish list replaces the menu) and who attends. */
export async function saveMeal(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof mealInput>) {
  const { id: givenId, dishes, guestIds, ...data } = parseInput(mealInput, input);
  const tenantId = deps.access.tenantId!;
  return saveRecord(deps, ref, 'meal', givenId, async (id) => {
    const attending = guestIds ? await assertGuests(deps.db, ref.visitId, guestIds) : null;
    const fields = { ...data, place: data.place ?? null, wholeDelegation: attending === null };
    const meal = id
      ? await deps.db.meal.update({ where: { id }, data: fields })
      : await deps.db.meal.create({ data: { ...fields, tenantId, visitId: ref.visitId } });
    // The list replaces the menu; a dish still listed (by name) keeps its row.
    const existing = id ? await deps.db.dish.findMany({ where: { mealId: meal.id } }) : [];
    const { pairs, leftover } = matchRows(
      existing,
      dishes,
      (d) => d.name,
      (d) => d.name,
    );
    if (leftover.length > 0) await deps.db.dish.deleteMany({ where: { id: { in: leftover.map((d) => d.id) } } });
    for (const { entry, row } of pairs) {
      if (row && !sameSet(row.tags, entry.tags)) await deps.db.dish.update({ where: { id: row.id }, data: { tags: [...new Set(entry.tags)] } });
    }
    await deps.db.dish.createMany({
      data: pairs.filter((p) => !p.row).map(({ entry: d }) => ({ tenantId, mealId: meal.id, name: d.name, tags: [...new Set(d.tags)] })),
    });
    await deps.db.mealGuest.deleteMany({ where: { mealId: meal.id } });
    await deps.db.mealGuest.createMany({ data: (attending ?? []).map((guestId) => ({ tenantId, mealId: meal.id, guestId })) });
    return meal.id;
  });
}

// ── vehicles ────────────────────────────────────────────────────────────────────────────────────

const vehicleInput = z.object({
  id: uuid.nullish(),
  kind: z.enum(VEHICLE_KINDS),
  seats: z.number().int().min(1).max(100),
  plate: optionalText(30),
  driverName: optionalText(200),
  driverPhone: optionalText(50),
  /** Readiness: left out (or null), a vehicle keeps what was recorded; a new one is not. */
  driverBriefed: z.boolean().nullish(),
  checked: z.boolean().nullish(),
  guestIds: z.array(uuid).max(100).default([]),
});

/**
 * Saves a vehicle and the guests it carries. Whether it was checked and its driver briefed is readiness:
 * left out it is kept (a check keeps its time when re-saved as checked), and a save that changes nothing
 * else is not material.
 */
export async function saveVehicle(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof vehicleInput>) {
  const { id: givenId, guestIds, checked, driverBriefed, ...data } = parseInput(vehicleInput, input);
  const tenantId = deps.access.tenantId!;
  const current = givenId ? await deps.db.vehicle.findUnique({ where: { id: givenId }, include: { guests: true } }) : null;
  const material =
    !current ||
    current.kind !== data.kind ||
    current.seats !== data.seats ||
    current.plate !== (data.plate ?? null) ||
    current.driverName !== (data.driverName ?? null) ||
    current.driverPhone !== (data.driverPhone ?? null) ||
    !sameSet(
      current.guests.map((g) => g.guestId),
      guestIds,
    );
  return saveRecord(
    deps,
    ref,
    'vehicle',
    givenId,
    async (id) => {
      const assigned = await assertGuests(deps.db, ref.visitId, guestIds);
      const fields = {
        ...data,
        plate: data.plate ?? null,
        driverName: data.driverName ?? null,
        driverPhone: data.driverPhone ?? null,
        driverBriefed: driverBriefed ?? current?.driverBriefed ?? false,
        checkedAt: checked == null ? (current?.checkedAt ?? null) : checked ? (current?.checkedAt ?? new Date()) : null,
      };
      const vehicle = id
        ? await deps.db.vehicle.update({ where: { id }, data: fields })
        : await deps.db.vehicle.create({ data: { ...fields, tenantId, visitId: ref.visitId } });
      await deps.db.vehicleGuest.deleteMany({ where: { vehicleId: vehicle.id } });
      await deps.db.vehicleGuest.createMany({ data: assigned.map((guestId) => ({ tenantId, vehicleId: vehicle.id, guestId })) });
      return vehicle.id;
    },
    material,
  );
}

// ── gifts ───────────────────────────────────────────────────────────────────────────────────────

const giftInput = z.object({
  id: uuid.nullish(),
  item: text(200),
  value: money.nullish(),
  tags: z.array(tag).max(30).default([]),
  recipientGuestIds: z.array(uuid).max(500).default([]),
});

export async function saveGift(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof giftInput>) {
  const { id: givenId, recipientGuestIds, ...data } = parseInput(giftInput, input);
  const tenantId = deps.access.tenantId!;
  return saveRecord(deps, ref, 'gift', givenId, async (id) => {
    const recipients = await assertGuests(deps.db, ref.visitId, recipientGuestIds);
    const fields = { item: data.item, value: data.value ?? null, tags: [...new Set(data.tags)] };
    const gift = id
      ? await deps.db.gift.update({ where: { id }, data: fields })
      : await deps.db.gift.create({ data: { ...fields, tenantId, visitId: ref.visitId } });
    await deps.db.giftRecipient.deleteMany({ where: { giftId: gift.id } });
    await deps.db.giftRecipient.createMany({ data: recipients.map((guestId) => ({ tenantId, giftId: gift.id, guestId })) });
    return gift.id;
  });
}

// ── budget ──────────────────────────────────────────────────────────────────────────────────────

const budgetInput = z.object({
  id: uuid.nullish(),
  category: z.enum(BUDGET_CATEGORIES),
  description: optionalText(500),
  planned: money,
  actual: money.nullish(),
  payableAt: z.date().nullish(),
});

export async function saveBudgetLine(deps: ServiceDeps, ref: VisitRef, input: z.input<typeof budgetInput>) {
  const { id: givenId, ...data } = parseInput(budgetInput, input);
  return saveRecord(deps, ref, 'budgetLine', givenId, async (id) => {
    const fields = { ...data, description: data.description ?? null, actual: data.actual ?? null, payableAt: data.payableAt ?? null };
    const row = id
      ? await deps.db.budgetLine.update({ where: { id }, data: fields })
      : await deps.db.budgetLine.create({ data: { ...fields, tenantId: deps.access.tenantId!, visitId: ref.visitId } });
    return row.id;
  });
}

// ── visiting units ──────────────────────────────────────────────────────────────────────────────

const HOST_ROLE_ORDER = { HOST_LEADER: 0, ACCOMPANYING: 1, GREETER: 2 } as const;

/**
 * The visiting units (来访单位) of a visit, in the order of each unit's principal guest (principal order, then rank,
 * then name): each with its guests in that order and our hosts who receive it (host leaders first, then by rank).
 * A unit is named by its guests; a host's unit that no guest names is no unit. Guests without a unit are in none.
 */
export async function visitingUnits(db: Db, visitId: string) {
  // One after the other: the operation's transaction has one connection.
  const guests = await db.visitGuest.findMany({ where: { visitId } });
  const hosts = await db.visitHost.findMany({ where: { visitId }, include: { membership: { include: { rank: { select: { level: true } } } } } });
  const big = Number.MAX_SAFE_INTEGER;
  const unitOf = (r: { unit: string | null }) => r.unit?.trim() || null;
  const ordered = [...guests].sort(
    (a, b) =>
      (a.principalOrder ?? big) - (b.principalOrder ?? big) ||
      (a.rankLevel ?? big) - (b.rankLevel ?? big) ||
      a.name.localeCompare(b.name, 'zh') ||
      (a.id < b.id ? -1 : 1),
  );
  const units = new Map<string, { name: string; guests: typeof guests; hosts: typeof hosts }>();
  for (const g of ordered) {
    const name = unitOf(g);
    if (name === null) continue;
    const unit = units.get(name) ?? { name, guests: [], hosts: [] };
    unit.guests.push(g);
    units.set(name, unit);
  }
  const hostOrder = [...hosts].sort(
    (a, b) =>
      HOST_ROLE_ORDER[a.role] - HOST_ROLE_ORDER[b.role] || (a.membership.rank?.level ?? big) - (b.membership.rank?.level ?? big) || (a.id < b.id ? -1 : 1),
  );
  for (const h of hostOrder) units.get(unitOf(h) ?? '')?.hosts.push(h);
  return [...units.values()];
}
