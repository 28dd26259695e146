// Visit types and queries: the reception job and every part of its plan, the computed plan issues,
// the settlement, and the plan versions with their diff.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { PLAN_ISSUE_CODES } from './visit.checks.ts';
import { modulePlanIssueCodes, modulePlanIssues } from './visit.hooks.ts';
import { planIssueMessage, type PlanIssueParams } from './visit.messages.ts';
import { requestLanguage } from '../../../context.ts';
import { loadPlan } from './visit.plan-loader.ts';
import type { VisitPlan } from './visit.plan.ts';
import { nodeOf, type RecordRef } from './visit.diff.ts';
import { planIssues, planVersionDiff, settlement, VISIT_PURPOSES } from './visit.service.ts';
import { BUDGET_CATEGORIES, DIETARY_CATEGORIES, ITINERARY_KINDS, MEAL_KINDS, VEHICLE_KINDS, visitingUnits } from './visit-parts.service.ts';
import { USER_REFERENCE, userById } from '../../core/identity/user.ts';

const T = TENANT_GRAPHS;
const enumOf = <V extends readonly string[]>(name: string, values: V, description?: string) =>
  builder.enumType(name, { values: values as unknown as V[number][], subGraphs: T, description });

export const VisitPurposeEnum = enumOf('VisitPurpose', VISIT_PURPOSES, '来访目的');
export const VisitStatusEnum = enumOf('VisitStatus', [
  'REQUESTED',
  'PLANNING',
  'PENDING_APPROVAL',
  'APPROVED',
  'IN_PROGRESS',
  'COMPLETED',
  'ARCHIVED',
  'CANCELLED',
] as const);
export const GenderEnum = enumOf('Gender', ['FEMALE', 'MALE', 'UNSPECIFIED'] as const);
export const DietaryCategoryEnum = enumOf(
  'DietaryCategory',
  DIETARY_CATEGORIES,
  'Religious (宗教), regional (地方), occupational (职业, e.g. no alcohol on duty), personal (个人).',
);
export const TravelModeEnum = enumOf('TravelMode', ['CAR', 'TRAIN', 'PLANE', 'BUS'] as const);
export const TravelDirectionEnum = enumOf('TravelDirection', ['INBOUND', 'OUTBOUND'] as const);
export const HostRoleEnum = enumOf('HostRole', ['HOST_LEADER', 'ACCOMPANYING', 'GREETER'] as const);
export const ItineraryKindEnum = enumOf('ItineraryKind', ITINERARY_KINDS);
export const MealKindEnum = enumOf('MealKind', MEAL_KINDS);
export const VehicleKindEnum = enumOf('VehicleKind', VEHICLE_KINDS);
export const BudgetCategoryEnum = enumOf('BudgetCategory', BUDGET_CATEGORIES);
const PlanDecisionEnum = enumOf('PlanDecision', ['PENDING', 'APPROVED', 'REJECTED', 'SUPERSEDED'] as const);
// The codes of the plan checks, then those the modules register with their visit hooks: defined once every
// module is loaded (the composition root calls definePlanIssueCodes), read when the schema is built.
let PlanIssueCodeEnum: ReturnType<typeof enumOf<readonly string[]>> | null = null;
export function definePlanIssueCodes() {
  PlanIssueCodeEnum ??= enumOf('PlanIssueCode', [...new Set([...PLAN_ISSUE_CODES, 'IMPORTANT_LEADER_NOT_ESCALATED', ...modulePlanIssueCodes()])]);
}
function planIssueCodeEnum() {
  if (!PlanIssueCodeEnum) throw new Error('definePlanIssueCodes() must run before the schema is built (modules/index.ts)');
  return PlanIssueCodeEnum;
}
const SeverityEnum = enumOf(
  'PlanIssueSeverity',
  ['BLOCKER', 'WARNING'] as const,
  'A BLOCKER keeps the plan from being submitted. Rooms not inspected and vehicles not checked are WARNINGs until the day before the visit.',
);

const dt = { type: 'DateTime' } as const;
const dtn = { type: 'DateTime', nullable: true } as const;

// Select mode (shared/lean-rows.ts): a query loads the columns its fields name, nothing else.
export const VisitRef = builder.prismaNode('Visit', {
  id: { field: 'id' },
  select: { id: true },
  nullable: true,
  subGraphs: T,
  description: 'A reception job (接待任务), from the request to the archive.',
  fields: (t) => ({
    title: t.exposeString('title'),
    purpose: t.field({ type: VisitPurposeEnum, select: { purpose: true }, resolve: (v) => v.purpose }),
    status: t.field({ type: VisitStatusEnum, select: { status: true }, resolve: (v) => v.status }),
    receptionLevel: t.exposeString('receptionLevel', { nullable: true, description: "接待标准, set from the principal guest's rank." }),
    visitingOrganization: t.exposeString('visitingOrganization', { nullable: true }),
    startsAt: t.expose('startsAt', dt),
    endsAt: t.expose('endsAt', dt),
    includesImportantLeader: t.exposeBoolean('includesImportantLeader'),
    escalatedAt: t.expose('escalatedAt', { ...dtn, description: 'When the visit was reported up (向市领导汇报).' }),
    escalationNote: t.exposeString('escalationNote', { nullable: true }),
    notes: t.exposeString('notes', { nullable: true }),
    version: t.exposeInt('version', { description: 'Pass it back as expectedVersion when changing the visit.' }),
    coordinator: t.relation('coordinator', { nullable: true }),
    safeArrivalConfirmedAt: t.expose('safeArrivalConfirmedAt', { ...dtn, description: '致电询问平安.' }),
    forgottenItemsCheckedAt: t.expose('forgottenItemsCheckedAt', dtn),
    photosSentAt: t.expose('photosSentAt', dtn),
    summary: t.exposeString('summary', { nullable: true, description: 'The written reception summary (书面总结).' }),
    createdAt: t.expose('createdAt', dt),
    updatedAt: t.expose('updatedAt', dt),
    guests: t.relation('guests', { query: { orderBy: [{ principalOrder: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }] } }),
    contacts: t.relation('contacts', { query: { orderBy: { name: 'asc' } } }),
    travelLegs: t.relation('travelLegs', { query: { orderBy: [{ direction: 'asc' }, { departureAt: 'asc' }] } }),
    hosts: t.relation('hosts', { query: { orderBy: { role: 'asc' } } }),
    itinerary: t.relation('itinerary', { query: { orderBy: { startsAt: 'asc' } } }),
    lodgings: t.relation('lodgings', { query: { orderBy: { checkIn: 'asc' } } }),
    meals: t.relation('meals', { query: { orderBy: { startsAt: 'asc' } } }),
    vehicles: t.relation('vehicles', { query: { orderBy: { id: 'asc' } } }),
    gifts: t.relation('gifts', { query: { orderBy: { item: 'asc' } } }),
    budgetLines: t.relation('budgetLines', { query: { orderBy: [{ category: 'asc' }, { id: 'asc' }] } }),
    planVersions: t.relation('planVersions', { query: { orderBy: { number: 'asc' } } }),
    planIssues: t.field({
      type: [PlanIssueRef],
      description: 'The rules of reception work checked against this plan, computed on every read.',
      select: { escalatedAt: true },
      resolve: async (visit, _args, ctx) => {
        const plan = await loadPlan(ctx.db, visit.id);
        const kinds = recordTypes(plan);
        return [...planIssues(plan, visit), ...(await modulePlanIssues(ctx.db, visit.id, plan))].map((issue) => ({
          ...issue,
          recordIds: issue.recordIds.map((id) => encodeGlobalID(kinds.get(id) ?? 'Visit', id)),
        }));
      },
    }),
    settlement: t.field({
      type: SettlementRef,
      description: 'Planned against actual expenses per category (报销核对).',
      resolve: async (visit, _args, ctx) => settlement((await loadPlan(ctx.db, visit.id)).budget),
    }),
    planDiff: t.field({
      type: PlanDiffRef,
      args: { from: t.arg.int({ required: true }), to: t.arg.int({ required: true }) },
      description: 'What changed between two plan versions: records added, removed and changed.',
      resolve: (visit, args, ctx) => planVersionDiff(ctx.db, visit.id, args.from, args.to),
    }),
  }),
});

/** Which GraphQL type each record id of a plan is, for global ids in plan issues. */
function recordTypes(plan: VisitPlan): Map<string, string> {
  const map = new Map<string, string>([[plan.id, 'Visit']]);
  const put = (type: string, rows: { id: string }[]) => {
    for (const r of rows) map.set(r.id, type);
  };
  put('VisitGuest', plan.guests);
  for (const g of plan.guests) put('DietaryRestriction', g.dietaryRestrictions);
  put('VisitContact', plan.contacts);
  put('TravelLeg', plan.travel);
  put('VisitHost', plan.hosts);
  put('ItineraryItem', plan.itinerary);
  put('Lodging', plan.lodgings);
  for (const l of plan.lodgings) put('LodgingRoom', l.rooms);
  put('Meal', plan.meals);
  for (const m of plan.meals) put('Dish', m.dishes);
  put('Vehicle', plan.vehicles);
  put('Gift', plan.gifts);
  put('BudgetLine', plan.budget);
  return map;
}

const PlanIssueRef = builder
  .objectRef<{ code: string; severity: 'BLOCKER' | 'WARNING'; message: string; recordIds: string[]; params?: PlanIssueParams }>('PlanIssue')
  .implement({
    subGraphs: T,
    fields: (t) => ({
      code: t.field({ type: planIssueCodeEnum(), resolve: (i) => i.code as never }),
      severity: t.field({ type: SeverityEnum, resolve: (i) => i.severity }),
      message: t.string({
        description: "For people, in the request's language (zh-Hans or en); never parse it.",
        resolve: (issue, _args, ctx) => planIssueMessage(issue, requestLanguage(ctx)),
      }),
      recordIds: t.exposeIDList('recordIds', { description: 'Global ids of the records concerned.' }),
    }),
  });

const SettlementLineRef = builder.objectRef<{ category: string; planned: string; actual: string; difference: string }>('SettlementLine').implement({
  subGraphs: T,
  fields: (t) => ({
    category: t.field({ type: BudgetCategoryEnum, resolve: (l) => l.category as never }),
    planned: t.expose('planned', { type: 'Decimal' }),
    actual: t.expose('actual', { type: 'Decimal' }),
    difference: t.expose('difference', { type: 'Decimal', description: 'actual − planned' }),
  }),
});
const SettlementRef = builder.objectRef<ReturnType<typeof settlement>>('Settlement').implement({
  subGraphs: T,
  fields: (t) => ({
    lines: t.field({ type: [SettlementLineRef], resolve: (s) => s.lines }),
    planned: t.expose('planned', { type: 'Decimal' }),
    actual: t.expose('actual', { type: 'Decimal' }),
    difference: t.expose('difference', { type: 'Decimal' }),
  }),
});

const FieldChangeRef = builder.objectRef<{ field: string; before: unknown; after: unknown }>('FieldChange').implement({
  subGraphs: T,
  fields: (t) => ({
    field: t.exposeString('field'),
    before: t.expose('before', { type: 'JSON', nullable: true }),
    after: t.expose('after', { type: 'JSON', nullable: true }),
  }),
});
const DiffRecordRef = builder.objectRef<RecordRef & { changes?: unknown[] }>('PlanDiffRecord').implement({
  subGraphs: T,
  fields: (t) => ({
    kind: t.exposeString('kind', {
      description: 'guest, meal, room, dish, vehicle, budgetLine …, or a section a module adds to the plan (e.g. banquetSeat, carSeat, receptionStandard).',
    }),
    id: t.exposeString('id', { description: 'The record’s key within its kind (for a module’s section, e.g. the meal and the person of a seat).' }),
    recordId: t.id({
      description:
        'Global id of the record concerned, for `node(id:)`: the record itself, or for a module’s section the record it belongs to (the Meal of a banquet seat, the Vehicle of a car seat, the Visit of its reception standard).',
      resolve: (r) => {
        const node = nodeOf(r as RecordRef);
        return encodeGlobalID(node.type, node.id);
      },
    }),
    label: t.exposeString('label'),
    changes: t.field({ type: [FieldChangeRef], resolve: (r) => (r.changes ?? []) as never }),
  }),
});
const PlanDiffRef = builder.objectRef<Awaited<ReturnType<typeof planVersionDiff>>>('PlanDiff').implement({
  subGraphs: T,
  fields: (t) => ({
    visit: t.field({ type: [FieldChangeRef], description: 'Changed fields of the visit itself.', resolve: (d) => d.visit }),
    added: t.field({ type: [DiffRecordRef], resolve: (d) => d.added }),
    removed: t.field({ type: [DiffRecordRef], resolve: (d) => d.removed }),
    changed: t.field({ type: [DiffRecordRef], resolve: (d) => d.changed }),
  }),
});

// ── the parts of the plan ───────────────────────────────────────────────────────────────────────

export const VisitGuestRef = builder.prismaNode('VisitGuest', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A member of the visiting delegation (来访人员).',
  fields: (t) => ({
    visit: t.relation('visit'),
    name: t.exposeString('name'),
    gender: t.field({ type: GenderEnum, resolve: (g) => g.gender }),
    ethnicity: t.exposeString('ethnicity', { nullable: true, description: '民族' }),
    title: t.exposeString('title', { nullable: true, description: '职务' }),
    rankLevel: t.exposeInt('rankLevel', { nullable: true, description: 'Level on the rank ladder, 1 = highest.' }),
    organization: t.exposeString('organization', { nullable: true }),
    unit: t.exposeString('unit', { nullable: true, description: 'The visiting unit, when several visit together.' }),
    principalOrder: t.exposeInt('principalOrder', { nullable: true, description: '1 = first principal guest (主宾).' }),
    dietaryRestrictions: t.relation('dietaryRestrictions', { query: { orderBy: { restricted: 'asc' } } }),
  }),
});

builder.prismaNode('DietaryRestriction', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    category: t.field({ type: DietaryCategoryEnum, resolve: (r) => r.category }),
    restricted: t.exposeString('restricted', { description: 'What is restricted: pork, alcohol, beef, seafood, nuts …' }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

builder.prismaNode('VisitContact', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A contact of the visiting side (at least two are needed).',
  fields: (t) => ({ name: t.exposeString('name'), phone: t.exposeString('phone'), role: t.exposeString('role', { nullable: true }) }),
});

builder.prismaNode('TravelLeg', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    direction: t.field({ type: TravelDirectionEnum, resolve: (l) => l.direction }),
    mode: t.field({ type: TravelModeEnum, resolve: (l) => l.mode }),
    origin: t.exposeString('origin', { nullable: true }),
    destination: t.exposeString('destination', { nullable: true }),
    departureAt: t.expose('departureAt', dtn),
    arrivalAt: t.expose('arrivalAt', dtn),
    vehicleType: t.exposeString('vehicleType', { nullable: true }),
    plate: t.exposeString('plate', { nullable: true }),
    driverCount: t.exposeInt('driverCount', { nullable: true }),
    actualDepartureAt: t.expose('actualDepartureAt', { ...dtn, description: 'Live: when they actually left (实际出发时间).' }),
    expectedArrivalAt: t.expose('expectedArrivalAt', { ...dtn, description: 'Live: when they are now expected.' }),
  }),
});

export const VisitHostRef = builder.prismaNode('VisitHost', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'Our host leader, accompanying staff or greeter for the visit.',
  fields: (t) => ({
    membership: t.relation('membership'),
    role: t.field({ type: HostRoleEnum, resolve: (h) => h.role }),
    unit: t.exposeString('unit', { nullable: true, description: 'The visiting unit this host receives.' }),
    rankExplanation: t.exposeString('rankExplanation', { nullable: true, description: 'Polite explanation when the host ranks below the guest.' }),
  }),
});

type VisitingUnit = Awaited<ReturnType<typeof visitingUnits>>[number];
const VisitingUnitRef = builder.objectRef<VisitingUnit>('VisitingUnit').implement({
  subGraphs: T,
  description: 'A visiting unit (来访单位) when several units visit together: its guests and our hosts who receive it.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'As the guests’ `unit` names it.' }),
    principalGuest: t.field({
      type: VisitGuestRef,
      description: 'The unit’s first guest in protocol order (principal order, then rank): whom its host is matched to.',
      resolve: (u) => u.guests[0]!,
    }),
    guests: t.field({ type: [VisitGuestRef], description: 'In protocol order.', resolve: (u) => u.guests }),
    host: t.field({
      type: VisitHostRef,
      nullable: true,
      description: 'Our host who receives the unit (its host leader, else its first host); null: none yet (the plan issue NO_HOST_FOR_UNIT).',
      resolve: (u) => u.hosts[0] ?? null,
    }),
    hosts: t.field({ type: [VisitHostRef], description: 'Everyone of ours with this unit: host leaders first, then by rank.', resolve: (u) => u.hosts }),
  }),
});

builder.prismaObjectFields('Visit', (t) => ({
  visitingUnits: t.field({
    type: [VisitingUnitRef],
    subGraphs: T,
    description: 'The visiting units (来访单位), in the order of each unit’s principal guest; empty when no guest names a unit.',
    resolve: (visit, _args, ctx) => visitingUnits(ctx.db, visit.id),
  }),
}));

builder.prismaNode('ItineraryItem', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    kind: t.field({ type: ItineraryKindEnum, resolve: (i) => i.kind }),
    title: t.exposeString('title'),
    startsAt: t.expose('startsAt', dt),
    endsAt: t.expose('endsAt', dt),
    place: t.exposeString('place', { nullable: true }),
    route: t.exposeString('route', { nullable: true }),
    responsible: t.relation('responsible', { nullable: true }),
  }),
});

builder.prismaNode('Lodging', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    hotelName: t.exposeString('hotelName'),
    address: t.exposeString('address', { nullable: true }),
    checkIn: t.string({ resolve: (l) => l.checkIn.toISOString().slice(0, 10) }),
    checkOut: t.string({ resolve: (l) => l.checkOut.toISOString().slice(0, 10) }),
    rooms: t.relation('rooms', { query: { orderBy: [{ floor: 'asc' }, { number: 'asc' }] } }),
  }),
});

builder.prismaNode('LodgingRoom', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    floor: t.exposeInt('floor', { nullable: true }),
    number: t.exposeString('number'),
    roomType: t.exposeString('roomType', { nullable: true }),
    isSpare: t.exposeBoolean('isSpare', { description: 'The one spare room booked beyond need (多订一间).' }),
    inspectedAt: t.expose('inspectedAt', { ...dtn, description: 'When the room was inspected after booking (派人检查所订房间).' }),
    unfitReason: t.exposeString('unfitReason', { nullable: true, description: 'Why the inspection found the room unfit (replace it).' }),
    guests: t.field({
      type: [VisitGuestRef],
      select: { guests: { include: { guest: true } } },
      resolve: (room) => room.guests.map((g) => g.guest),
    }),
  }),
});

builder.prismaNode('Meal', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    kind: t.field({ type: MealKindEnum, resolve: (m) => m.kind }),
    startsAt: t.expose('startsAt', dt),
    place: t.exposeString('place', { nullable: true }),
    alcoholServed: t.exposeBoolean('alcoholServed'),
    wholeDelegation: t.exposeBoolean('wholeDelegation'),
    guests: t.field({
      type: [VisitGuestRef],
      description: 'Who attends (the whole delegation unless listed).',
      select: { wholeDelegation: true, guests: { include: { guest: true } }, visit: { include: { guests: true } } },
      resolve: (meal) => (meal.wholeDelegation ? meal.visit.guests : meal.guests.map((g) => g.guest)),
    }),
    dishes: t.relation('dishes', { query: { orderBy: { name: 'asc' } } }),
  }),
});

builder.prismaNode('Dish', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    name: t.exposeString('name'),
    tags: t.exposeStringList('tags', { description: 'Ingredients checked against dietary restrictions: pork, beef, alcohol, seafood, nuts …' }),
  }),
});

builder.prismaNode('Vehicle', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    kind: t.field({ type: VehicleKindEnum, resolve: (v) => v.kind }),
    seats: t.exposeInt('seats', { description: 'Passenger seats.' }),
    plate: t.exposeString('plate', { nullable: true }),
    driverName: t.exposeString('driverName', { nullable: true }),
    driverPhone: t.exposeString('driverPhone', { nullable: true }),
    driverBriefed: t.exposeBoolean('driverBriefed', { description: 'The driver was briefed for reception work.' }),
    checkedAt: t.expose('checkedAt', { ...dtn, description: 'When the vehicle was checked (严格检查).' }),
    guests: t.field({
      type: [VisitGuestRef],
      select: { guests: { include: { guest: true } } },
      resolve: (vehicle) => vehicle.guests.map((g) => g.guest),
    }),
  }),
});

builder.prismaNode('Gift', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    item: t.exposeString('item'),
    value: t.expose('value', { type: 'Decimal', nullable: true, description: 'Value of one piece; each recipient receives one.' }),
    tags: t.exposeStringList('tags'),
    recipients: t.field({
      type: [VisitGuestRef],
      select: { recipients: { include: { guest: true } } },
      resolve: (gift) => gift.recipients.map((g) => g.guest),
    }),
  }),
});

builder.prismaNode('BudgetLine', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    category: t.field({ type: BudgetCategoryEnum, resolve: (b) => b.category }),
    description: t.exposeString('description', { nullable: true }),
    planned: t.expose('planned', { type: 'Decimal' }),
    actual: t.expose('actual', { type: 'Decimal', nullable: true }),
    payableAt: t.expose('payableAt', { ...dtn, description: 'Meeting subsidies and meal allowances are paid before the meeting.' }),
  }),
});

builder.prismaNode('VisitPlanVersion', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A frozen copy of the plan, submitted for approval (报请领导批准).',
  fields: (t) => ({
    number: t.exposeInt('number'),
    reason: t.exposeString('reason', { nullable: true }),
    submittedAt: t.expose('submittedAt', dt),
    submittedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who submitted it, or whose change re-opened approval (${USER_REFERENCE}).`,
      resolve: (query, v, _args, ctx) => userById(ctx, query, v.submittedById),
    }),
    decision: t.field({ type: PlanDecisionEnum, resolve: (v) => v.decision }),
    decidedAt: t.expose('decidedAt', dtn),
    decidedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who approved or rejected it (${USER_REFERENCE}).`,
      resolve: (query, v, _args, ctx) => userById(ctx, query, v.decidedById),
    }),
    comment: t.exposeString('comment', { nullable: true }),
    snapshot: t.expose('snapshot', { type: 'JSON' }),
  }),
});

// ── queries ─────────────────────────────────────────────────────────────────────────────────────

const VisitFilter = builder.inputType('VisitFilter', {
  subGraphs: T,
  fields: (t) => ({
    status: t.field({ type: [VisitStatusEnum], required: false }),
    purpose: t.field({ type: VisitPurposeEnum, required: false }),
    from: t.field({ type: 'DateTime', required: false, description: 'Visits ending after this time.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Visits starting before this time.' }),
  }),
});

type Filter = { status?: string[] | null; purpose?: string | null; from?: Date | null; to?: Date | null } | null | undefined;
const visitWhere = (f: Filter) => ({
  ...(f?.status?.length ? { status: { in: f.status as never } } : {}),
  ...(f?.purpose ? { purpose: f.purpose as never } : {}),
  ...(f?.from ? { endsAt: { gt: f.from } } : {}),
  ...(f?.to ? { startsAt: { lt: f.to } } : {}),
});

builder.queryFields((t) => ({
  visit: t.prismaField({
    type: 'Visit',
    nullable: true,
    subGraphs: T,
    authScopes: { member: true },
    description: 'One visit by its id (as `node(id:)`, typed); null when this tenant has none with that id.',
    args: { id: t.arg.globalID({ required: true, for: [VisitRef] }) },
    resolve: (query, _root, args, ctx) => ctx.db.visit.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  visits: t.prismaConnection(
    {
      type: 'Visit',
      cursor: 'id',
      subGraphs: T,
      authScopes: { member: true },
      args: { filter: t.arg({ type: VisitFilter, required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.visit.count({ where: visitWhere(args.filter) }),
      resolve: (query, _root, args, ctx) => ctx.db.visit.findMany({ ...query, where: visitWhere(args.filter), orderBy: [{ startsAt: 'asc' }, { id: 'asc' }] }),
    },
    connectionNamed('Visit'),
    edgeNamed('Visit'),
  ),
}));
