// What changed between two versions of a visit plan. Pure: no I/O, no GraphQL, no Prisma.
//
// Records are matched by id within their kind. Nested records (a guest's dietary restrictions, a
// lodging's rooms, a meal's dishes) are records of their own kind, carrying their parent's id as a
// field (guestId, lodgingId, mealId) so that a move from one parent to another shows as a change.
// Array-valued fields (guestIds, tags, recipientGuestIds) compare as sets. Output order: kinds in the
// order of DIFF_KINDS, then id; field changes in the order the record type declares its fields.
// Sections other modules add to a frozen plan (`plan.extensions`, the planExtensions visit hook) are diffed the
// same way after the plan's own kinds, section by section in name order, their field changes in name order;
// their records say which node they concern (`node`), as the plan's own records do by their kind (NODE_TYPES).
import type {
  PlanBudgetLine,
  PlanContact,
  PlanDietaryRestriction,
  PlanDish,
  PlanExtensionRecord,
  PlanGift,
  PlanGuest,
  PlanHost,
  PlanItineraryItem,
  PlanLodging,
  PlanMeal,
  PlanRoom,
  PlanTravelLeg,
  PlanVehicle,
  VisitPlan,
} from './visit.plan.ts';
import { localTime } from './visit.checks.ts';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface RecordRef {
  kind: string;
  id: string;
  label: string;
  /** The node a client finds the record by, for records of modules' sections (else NODE_TYPES[kind] and id). */
  node?: { type: string; id: string };
}

export interface RecordChange extends RecordRef {
  changes: FieldChange[];
}

export interface PlanDiff {
  added: RecordRef[];
  removed: RecordRef[];
  changed: RecordChange[];
  visit: FieldChange[];
}

export const DIFF_KINDS = [
  'guest',
  'dietaryRestriction',
  'contact',
  'travelLeg',
  'host',
  'itineraryItem',
  'lodging',
  'room',
  'meal',
  'dish',
  'vehicle',
  'gift',
  'budgetLine',
] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];

/** The GraphQL node type of each kind of the plan's own records. */
export const NODE_TYPES: Record<DiffKind, string> = {
  guest: 'VisitGuest',
  dietaryRestriction: 'DietaryRestriction',
  contact: 'VisitContact',
  travelLeg: 'TravelLeg',
  host: 'VisitHost',
  itineraryItem: 'ItineraryItem',
  lodging: 'Lodging',
  room: 'LodgingRoom',
  meal: 'Meal',
  dish: 'Dish',
  vehicle: 'Vehicle',
  gift: 'Gift',
  budgetLine: 'BudgetLine',
};

/** The node a diff record concerns: its own (a record of the plan) or the one its module names. */
export function nodeOf(record: RecordRef): { type: string; id: string } {
  return record.node ?? { type: NODE_TYPES[record.kind as DiffKind] ?? 'Visit', id: record.id };
}

/** The visit's own fields that are diffed (status is not: it moves on its own). */
export const DIFFED_VISIT_FIELDS = [
  'title',
  'purpose',
  'startsAt',
  'endsAt',
  'receptionLevel',
  'visitingOrganization',
  'includesImportantLeader',
] as const satisfies readonly (keyof VisitPlan)[];

export function diffPlans(before: VisitPlan, after: VisitPlan): PlanDiff {
  const diff: PlanDiff = { added: [], removed: [], changed: [], visit: [] };
  for (const kind of DIFF_KINDS) {
    const old = indexById(RECORDS[kind](before));
    const now = indexById(RECORDS[kind](after));
    for (const id of [...new Set([...old.keys(), ...now.keys()])].sort(compareStrings)) {
      const a = old.get(id);
      const b = now.get(id);
      if (!a && b) diff.added.push({ kind, id, label: b.label });
      else if (a && !b) diff.removed.push({ kind, id, label: a.label });
      else if (a && b) {
        const changes = changedFields(a.fields, b.fields);
        if (changes.length > 0) diff.changed.push({ kind, id, label: b.label, changes });
      }
    }
  }
  const sections = [...new Set([...Object.keys(before.extensions ?? {}), ...Object.keys(after.extensions ?? {})])].sort(compareStrings);
  for (const kind of sections) {
    const old = indexById((before.extensions?.[kind] ?? []).map(extensionRecord));
    const now = indexById((after.extensions?.[kind] ?? []).map(extensionRecord));
    for (const id of [...new Set([...old.keys(), ...now.keys()])].sort(compareStrings)) {
      const a = old.get(id);
      const b = now.get(id);
      if (!a && b) diff.added.push({ kind, id, label: b.label, node: b.node! });
      else if (a && !b) diff.removed.push({ kind, id, label: a.label, node: a.node! });
      else if (a && b) {
        // Field names in code-unit order: a frozen version's JSON keeps no order of its own.
        const changes = changedFields(a.fields, b.fields).sort((x, y) => compareStrings(x.field, y.field));
        if (changes.length > 0) diff.changed.push({ kind, id, label: b.label, node: b.node!, changes });
      }
    }
  }
  diff.visit = changedFields(pick(before, DIFFED_VISIT_FIELDS), pick(after, DIFFED_VISIT_FIELDS));
  return diff;
}

export function isEmptyDiff(diff: PlanDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length + diff.visit.length === 0;
}

// ---------------------------------------------------------------------------------------------
// The records of each kind: id, label, and the diffed fields (everything but the id and nested lists)

interface FlatRecord {
  id: string;
  label: string;
  fields: Record<string, unknown>;
  node?: { type: string; id: string };
}

function extensionRecord(record: PlanExtensionRecord): FlatRecord {
  return { id: record.id, label: record.label, fields: { ...record.fields }, node: { type: record.node.type, id: record.node.id } };
}

/**
 * Field lists per record type. `satisfies Record<…, true>` makes the compiler complain when visit.plan.ts
 * gains a field that is not listed here, so no field is silently left out of the diff.
 */
const GUEST_FIELDS = {
  name: true,
  gender: true,
  ethnicity: true,
  title: true,
  rankLevel: true,
  organization: true,
  unit: true,
  principalOrder: true,
} as const satisfies Record<Exclude<keyof PlanGuest, 'id' | 'dietaryRestrictions'>, true>;
const RESTRICTION_FIELDS = { category: true, restricted: true, note: true } as const satisfies Record<Exclude<keyof PlanDietaryRestriction, 'id'>, true>;
const CONTACT_FIELDS = { name: true, phone: true, role: true } as const satisfies Record<Exclude<keyof PlanContact, 'id'>, true>;
/**
 * Live tracking — the actual departure and the expected arrival, reported by `updateTravelProgress` as the journey
 * happens (实际出发时间, 到达何处) — is not what a person changed in the plan: it is not diffed, so two plan versions
 * that differ only in it show no change.
 */
type TravelTracking = 'actualDepartureAt' | 'expectedArrivalAt';
const TRAVEL_FIELDS = {
  direction: true,
  mode: true,
  origin: true,
  destination: true,
  departureAt: true,
  arrivalAt: true,
  vehicleType: true,
  plate: true,
  driverCount: true,
} as const satisfies Record<Exclude<keyof PlanTravelLeg, 'id' | TravelTracking>, true>;
const HOST_FIELDS = {
  membershipId: true,
  displayName: true,
  role: true,
  rankLevel: true,
  unit: true,
  rankExplanation: true,
} as const satisfies Record<Exclude<keyof PlanHost, 'id'>, true>;
const ITINERARY_FIELDS = {
  kind: true,
  title: true,
  startsAt: true,
  endsAt: true,
  place: true,
  responsibleMembershipId: true,
} as const satisfies Record<Exclude<keyof PlanItineraryItem, 'id'>, true>;
const LODGING_FIELDS = { hotelName: true, checkIn: true, checkOut: true } as const satisfies Record<Exclude<keyof PlanLodging, 'id' | 'rooms'>, true>;
/**
 * Readiness — a room inspected or found unfit, a vehicle checked, its driver briefed — records the preparation
 * of the plan, not the plan: it is not diffed (and saving it alone does not re-open approval).
 */
type RoomReadiness = 'inspectedAt' | 'unfitReason';
type VehicleReadiness = 'driverBriefed' | 'checkedAt';
const ROOM_FIELDS = { floor: true, number: true, roomType: true, isSpare: true, guestIds: true } as const satisfies Record<
  Exclude<keyof PlanRoom, 'id' | RoomReadiness>,
  true
>;
const MEAL_FIELDS = { kind: true, startsAt: true, place: true, alcoholServed: true, guestIds: true } as const satisfies Record<
  Exclude<keyof PlanMeal, 'id' | 'dishes'>,
  true
>;
const DISH_FIELDS = { name: true, tags: true } as const satisfies Record<Exclude<keyof PlanDish, 'id'>, true>;
const VEHICLE_FIELDS = { kind: true, seats: true, plate: true, driverName: true, guestIds: true } as const satisfies Record<
  Exclude<keyof PlanVehicle, 'id' | VehicleReadiness>,
  true
>;
const GIFT_FIELDS = { item: true, value: true, tags: true, recipientGuestIds: true } as const satisfies Record<Exclude<keyof PlanGift, 'id'>, true>;
const BUDGET_FIELDS = { category: true, description: true, planned: true, actual: true, payableAt: true } as const satisfies Record<
  Exclude<keyof PlanBudgetLine, 'id'>,
  true
>;

const RECORDS: Record<DiffKind, (plan: VisitPlan) => FlatRecord[]> = {
  guest: (plan) => plan.guests.map((g) => flat(g, GUEST_FIELDS, g.name)),
  dietaryRestriction: (plan) =>
    plan.guests.flatMap((g) =>
      g.dietaryRestrictions.map((r) => flat(r, RESTRICTION_FIELDS, `${g.name}: no ${r.restricted} (${r.category.toLowerCase()})`, { guestId: g.id })),
    ),
  contact: (plan) => plan.contacts.map((c) => flat(c, CONTACT_FIELDS, c.name)),
  travelLeg: (plan) => plan.travel.map((t) => flat(t, TRAVEL_FIELDS, travelLabel(t))),
  host: (plan) => plan.hosts.map((h) => flat(h, HOST_FIELDS, h.displayName)),
  itineraryItem: (plan) => plan.itinerary.map((i) => flat(i, ITINERARY_FIELDS, i.title)),
  lodging: (plan) => plan.lodgings.map((l) => flat(l, LODGING_FIELDS, l.hotelName)),
  room: (plan) => plan.lodgings.flatMap((l) => l.rooms.map((r) => flat(r, ROOM_FIELDS, `${l.hotelName} room ${r.number}`, { lodgingId: l.id }))),
  meal: (plan) => plan.meals.map((m) => flat(m, MEAL_FIELDS, mealLabel(m, plan.timeZone))),
  dish: (plan) => plan.meals.flatMap((m) => m.dishes.map((d) => flat(d, DISH_FIELDS, `${d.name} (${mealLabel(m, plan.timeZone)})`, { mealId: m.id }))),
  vehicle: (plan) => plan.vehicles.map((v) => flat(v, VEHICLE_FIELDS, `${v.kind.toLowerCase()} ${v.plate?.trim() || v.id}`)),
  gift: (plan) => plan.gifts.map((g) => flat(g, GIFT_FIELDS, g.item)),
  budgetLine: (plan) => plan.budget.map((b) => flat(b, BUDGET_FIELDS, budgetLabel(b))),
};

function flat<T extends { id: string }>(record: T, fields: Partial<Record<keyof T, true>>, label: string, parent: Record<string, string> = {}): FlatRecord {
  const values: Record<string, unknown> = {};
  for (const field of Object.keys(fields) as (keyof T & string)[]) values[field] = record[field];
  return { id: record.id, label, fields: { ...values, ...parent } };
}

function budgetLabel(line: PlanBudgetLine): string {
  const category = line.category.toLowerCase();
  return line.description?.trim() ? `${category}: ${line.description.trim()}` : category;
}

function travelLabel(leg: PlanTravelLeg): string {
  const route = leg.origin || leg.destination ? ` ${leg.origin ?? '?'} → ${leg.destination ?? '?'}` : '';
  return `${leg.direction.toLowerCase()} ${leg.mode.toLowerCase()}${route}`;
}

/** "lunch 2024-05-01 12:00" in the plan's zone (the raw string when it does not parse). */
function mealLabel(meal: PlanMeal, timeZone: string): string {
  const ms = Date.parse(meal.startsAt);
  return `${meal.kind.toLowerCase()} ${Number.isFinite(ms) ? localTime(ms, timeZone).dateTime : meal.startsAt}`;
}

// ---------------------------------------------------------------------------------------------
// Comparing

function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => !sameValue(before[field], after[field]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

/** Scalars by value; arrays as sets (order and repetition do not matter); null ≠ []. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((x) => right.has(x));
  }
  return Object.is(a ?? null, b ?? null);
}

function indexById(records: FlatRecord[]): Map<string, FlatRecord> {
  const index = new Map<string, FlatRecord>();
  for (const record of records) if (!index.has(record.id)) index.set(record.id, record);
  return index;
}

function pick<T, K extends keyof T>(record: T, fields: readonly K[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) values[field as string] = record[field];
  return values;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
