// Visit mutations. Every change but live travel progress takes `expectedVersion` (a stale one gets
// CONFLICT and changes nothing); creating and saving take an optional idempotency key.
import { builder, decodeId, TENANT_GRAPHS } from '../../../builder.ts';
import type { InputFieldMap, InputShapeFromFields } from '@pothos/core';
import type { ServiceDeps } from '../../../context.ts';
import { mutationField, type InputFields } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { MembershipRef } from '../../core/identity/user.ts';
import { VisitError } from './visit.errors.ts';
import {
  BudgetCategoryEnum,
  DietaryCategoryEnum,
  GenderEnum,
  HostRoleEnum,
  ItineraryKindEnum,
  MealKindEnum,
  TravelDirectionEnum,
  TravelModeEnum,
  VehicleKindEnum,
  VisitGuestRef,
  VisitPurposeEnum,
  VisitRef,
  VisitStatusEnum,
} from './visit.ts';
import { changeVisitStatus, createVisit, decidePlan, recordEscalation, recordFollowUp, submitForApproval, updateVisit } from './visit.service.ts';
import {
  removeRecord,
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
  updateTravelProgress,
  type RecordKind,
  type VisitRef as VisitVersionRef,
} from './visit-parts.service.ts';

const T = TENANT_GRAPHS;

const VisitPayload = builder.objectRef<{ visitId: string; recordId?: string | null; recordType?: string }>('VisitPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    visit: t.prismaField({
      type: 'Visit',
      resolve: (query, p, _args, ctx) => ctx.db.visit.findUniqueOrThrow({ ...query, where: { id: p.visitId } }),
    }),
    recordId: t.globalID({
      nullable: true,
      description: 'The record the mutation created or changed (a guest, a meal …).',
      resolve: (p) => (p.recordId ? { type: p.recordType ?? 'Visit', id: p.recordId } : null),
    }),
  }),
});

const coordinator = { role: 'COORDINATOR' } as const;

// ── the visit ───────────────────────────────────────────────────────────────────────────────────

/** The fields of a visit: all required to create one, all optional to change one (left out: kept). */
const visitFields = <R extends boolean>(t: InputFields, required: R) => ({
  title: t.string({ required }),
  purpose: t.field({ type: VisitPurposeEnum, required }),
  receptionLevel: t.string({ required: false }),
  visitingOrganization: t.string({ required: false }),
  startsAt: t.field({ type: 'DateTime', required }),
  endsAt: t.field({ type: 'DateTime', required }),
  includesImportantLeader: t.boolean({ required: false }),
  coordinatorId: t.globalID({ required: false, for: [MembershipRef] }),
  notes: t.string({ required: false }),
});
/** The visit and the version the change was made against (a stale version: CONFLICT). */
const versioned = (t: InputFields) => ({
  id: t.globalID({ required: true, for: [VisitRef] }),
  expectedVersion: t.int({ required: true }),
});

const visitData = <I extends { coordinatorId?: { id: string } | null }>(input: I) => ({
  ...strip(input),
  coordinatorId: input.coordinatorId?.id ?? undefined,
});

mutationField({
  name: 'createVisit',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  errors: [VisitError],
  input: (t) => visitFields(t, true),
  idempotency: 'replay',
  run: async (deps, input) => ({ visitId: (await createVisit(deps, visitData(input))).id }),
});
mutationField({
  name: 'updateVisit',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  errors: [VisitError],
  input: (t) => ({ ...versioned(t), ...visitFields(t, false) }),
  idempotency: 'replay',
  run: async (deps, { id, expectedVersion, ...input }) => ({ visitId: (await updateVisit(deps, id.id, expectedVersion, visitData(input))).id }),
});
mutationField({
  name: 'changeVisitStatus',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'Moves the visit along its lifecycle (start planning, start, complete, archive, cancel …). Illegal moves are refused.',
  errors: [VisitError],
  input: (t) => ({ ...versioned(t), to: t.field({ type: VisitStatusEnum, required: true }), reason: t.string({ required: false }) }),
  run: async (deps, input) => ({
    visitId: (await changeVisitStatus(deps, { visitId: input.id.id, expectedVersion: input.expectedVersion, to: input.to, reason: input.reason })).id,
  }),
});
mutationField({
  name: 'submitVisitForApproval',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'Freezes the plan as a new version for an approver (报请领导批准). Refused while the plan has a BLOCKER.',
  errors: [VisitError],
  input: (t) => ({ ...versioned(t), note: t.string({ required: false }) }),
  run: async (deps, input) => ({
    visitId: (await submitForApproval(deps, { visitId: input.id.id, expectedVersion: input.expectedVersion, note: input.note })).id,
  }),
});
mutationField({
  name: 'decideVisitPlan',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: { role: 'APPROVER' },
  description: 'Approves or rejects the plan version waiting for approval (a rejection needs a comment).',
  errors: [VisitError],
  input: (t) => ({ ...versioned(t), approve: t.boolean({ required: true }), comment: t.string({ required: false }) }),
  run: async (deps, input) => ({
    visitId: (await decidePlan(deps, { visitId: input.id.id, expectedVersion: input.expectedVersion, approve: input.approve, comment: input.comment })).id,
  }),
});
mutationField({
  name: 'recordVisitEscalation',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'Records that a visit including an important leader was reported up (向市领导汇报).',
  errors: [VisitError],
  input: (t) => ({ ...versioned(t), note: t.string({ required: true }) }),
  run: async (deps, input) => ({
    visitId: (await recordEscalation(deps, { visitId: input.id.id, expectedVersion: input.expectedVersion, note: input.note })).id,
  }),
});
mutationField({
  name: 'recordVisitFollowUp',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [VisitError],
  input: (t) => ({
    ...versioned(t),
    safeArrivalConfirmed: t.boolean({ required: false, description: 'The safe-arrival call was made (致电询问平安).' }),
    forgottenItemsChecked: t.boolean({ required: false, description: 'Rooms and meeting rooms checked for forgotten items.' }),
    photosSent: t.boolean({ required: false, description: 'Photos printed and sent to the guests.' }),
    summary: t.string({ required: false, description: 'The written reception summary: shortcomings found, improvements (找出不足, 加以改进).' }),
  }),
  run: async (deps, { id, expectedVersion, ...input }) => ({
    visitId: (await recordFollowUp(deps, { visitId: id.id, expectedVersion, ...strip(input) })).id,
  }),
});

// ── the parts of the plan: one save mutation per kind, one remove for all ───────────────────────

const ids = (list: { id: string }[] | null | undefined) => list?.map((g) => g.id);
const guestList = (t: InputFields, description?: string) => t.globalIDList({ required: false, for: [VisitGuestRef], ...(description ? { description } : {}) });

const DietaryRestrictionInput = builder.inputType('DietaryRestrictionInput', {
  subGraphs: T,
  fields: (t) => ({
    category: t.field({ type: DietaryCategoryEnum, required: true }),
    restricted: t.string({ required: true, description: 'pork, alcohol, beef, seafood, nuts …' }),
    note: t.string({ required: false }),
  }),
});
const RoomInput = builder.inputType('LodgingRoomInput', {
  subGraphs: T,
  fields: (t) => ({
    floor: t.int({ required: false }),
    number: t.string({ required: true }),
    roomType: t.string({ required: false }),
    isSpare: t.boolean({ required: false }),
    guestIds: guestList(t),
    inspected: t.boolean({
      required: false,
      description: 'The room was inspected after booking (派人检查所订房间). Leave out to keep what was recorded.',
    }),
    unfitReason: t.string({
      required: false,
      description: 'Why the inspection found the room unfit (replace it: 有不妥的, 立即更换); null or empty clears it. Leave out to keep it.',
    }),
  }),
});
const DishInput = builder.inputType('DishInput', {
  subGraphs: T,
  fields: (t) => ({ name: t.string({ required: true }), tags: t.stringList({ required: false }) }),
});

/** What the save of every kind of record takes besides its own fields. */
const recordOfVisit = (t: InputFields) => ({
  visitId: t.globalID({ required: true, for: [VisitRef] }),
  expectedVersion: t.int({ required: true }),
  id: t.id({ required: false, description: 'The record to change; leave out to add one.' }),
});

type RecordOfVisit = { visitId: { id: string }; expectedVersion: number; id?: string | number | null };

const KIND_OF_TYPE: Record<string, RecordKind> = {};

/** One save mutation per kind of record: `<field>(input: <Field>Input!)` with the visit, its version, the record's id and its fields. */
function saveMutation<Fields extends InputFieldMap>(spec: {
  field: string;
  kind: RecordKind;
  type: string;
  description: string;
  fields: (t: InputFields) => Fields;
  save: (deps: ServiceDeps, ref: VisitVersionRef, input: InputShapeFromFields<Fields> & { id: string | null }) => Promise<string>;
}) {
  KIND_OF_TYPE[spec.type] = spec.kind;
  mutationField({
    name: spec.field,
    payload: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: spec.description,
    errors: [VisitError],
    input: (t) => ({ ...recordOfVisit(t), ...spec.fields(t) }),
    idempotency: 'replay',
    run: async (deps, input) => {
      // TypeScript cannot split the generic spread back: the common fields, and the record's own as declared.
      const { visitId, expectedVersion, id, ...fields } = input as unknown as RecordOfVisit & Record<string, unknown>;
      const own = fields as InputShapeFromFields<Fields>;
      const recordId = await spec.save(deps, { visitId: visitId.id, expectedVersion }, { ...own, id: id ? decodeRecordId(String(id), spec.type) : null });
      return { visitId: visitId.id, recordId, recordType: spec.type };
    },
  });
}

saveMutation({
  field: 'saveVisitGuest',
  kind: 'guest',
  type: 'VisitGuest',
  description: 'Adds or changes a guest of the delegation, with their dietary restrictions (the list replaces theirs).',
  fields: (t) => ({
    name: t.string({ required: true }),
    gender: t.field({ type: GenderEnum, required: false }),
    ethnicity: t.string({ required: false }),
    title: t.string({ required: false }),
    rankLevel: t.int({ required: false }),
    organization: t.string({ required: false }),
    unit: t.string({ required: false }),
    principalOrder: t.int({ required: false }),
    dietaryRestrictions: t.field({ type: [DietaryRestrictionInput], required: false }),
  }),
  // An explicit null where the service takes only a value is refused there (BAD_USER_INPUT), as before.
  save: (deps, ref, i) => saveGuest(deps, ref, { ...i, dietaryRestrictions: i.dietaryRestrictions ?? [] } as Parameters<typeof saveGuest>[2]),
});
saveMutation({
  field: 'saveVisitContact',
  kind: 'contact',
  type: 'VisitContact',
  description: 'Adds or changes a contact of the visiting side.',
  fields: (t) => ({ name: t.string({ required: true }), phone: t.string({ required: true }), role: t.string({ required: false }) }),
  save: (deps, ref, i) => saveContact(deps, ref, i),
});
saveMutation({
  field: 'saveTravelLeg',
  kind: 'travelLeg',
  type: 'TravelLeg',
  description: 'Adds or changes how the delegation arrives or leaves.',
  fields: (t) => ({
    direction: t.field({ type: TravelDirectionEnum, required: true }),
    mode: t.field({ type: TravelModeEnum, required: true }),
    origin: t.string({ required: false }),
    destination: t.string({ required: false }),
    departureAt: t.field({ type: 'DateTime', required: false }),
    arrivalAt: t.field({ type: 'DateTime', required: false }),
    vehicleType: t.string({ required: false }),
    plate: t.string({ required: false }),
    driverCount: t.int({ required: false }),
  }),
  save: (deps, ref, i) => saveTravelLeg(deps, ref, i),
});
saveMutation({
  field: 'saveVisitHost',
  kind: 'host',
  type: 'VisitHost',
  description: "Adds or changes a host: the host leader (matched to the principal guest's rank), accompanying staff, greeters.",
  fields: (t) => ({
    membershipId: t.globalID({ required: true, for: [MembershipRef] }),
    role: t.field({ type: HostRoleEnum, required: true }),
    unit: t.string({ required: false }),
    rankExplanation: t.string({ required: false }),
  }),
  save: (deps, ref, i) => saveHost(deps, ref, { ...i, membershipId: i.membershipId.id }),
});
saveMutation({
  field: 'saveItineraryItem',
  kind: 'itineraryItem',
  type: 'ItineraryItem',
  description: 'Adds or changes an item of the itinerary (行程).',
  fields: (t) => ({
    kind: t.field({ type: ItineraryKindEnum, required: true }),
    title: t.string({ required: true }),
    startsAt: t.field({ type: 'DateTime', required: true }),
    endsAt: t.field({ type: 'DateTime', required: true }),
    place: t.string({ required: false }),
    route: t.string({ required: false }),
    responsibleMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
  }),
  save: (deps, ref, i) => saveItineraryItem(deps, ref, { ...i, responsibleMembershipId: i.responsibleMembershipId?.id ?? null }),
});
saveMutation({
  field: 'saveLodging',
  kind: 'lodging',
  type: 'Lodging',
  description: 'Adds or changes a hotel stay with its rooms (the list replaces its rooms).',
  fields: (t) => ({
    hotelName: t.string({ required: true }),
    address: t.string({ required: false }),
    checkIn: t.string({ required: true, description: 'YYYY-MM-DD' }),
    checkOut: t.string({ required: true, description: 'YYYY-MM-DD' }),
    rooms: t.field({ type: [RoomInput], required: false }),
  }),
  save: (deps, ref, i) =>
    saveLodging(deps, ref, {
      ...i,
      // unfitReason: null clears it (strip would make it "left out": kept).
      rooms: (i.rooms ?? []).map((r) => ({ ...strip(r), unfitReason: r.unfitReason, guestIds: ids(r.guestIds) ?? [] })),
    }),
});
saveMutation({
  field: 'saveMeal',
  kind: 'meal',
  type: 'Meal',
  description: 'Adds or changes a meal with its menu (the dish list replaces the menu).',
  fields: (t) => ({
    kind: t.field({ type: MealKindEnum, required: true }),
    startsAt: t.field({ type: 'DateTime', required: true }),
    place: t.string({ required: false }),
    alcoholServed: t.boolean({ required: false }),
    guestIds: guestList(t, 'Who attends; leave out for the whole delegation.'),
    dishes: t.field({ type: [DishInput], required: false }),
  }),
  save: (deps, ref, i) =>
    saveMeal(deps, ref, { ...i, guestIds: ids(i.guestIds) ?? null, dishes: (i.dishes ?? []).map((d) => ({ name: d.name, tags: d.tags ?? [] })) } as Parameters<
      typeof saveMeal
    >[2]),
});
saveMutation({
  field: 'saveVehicle',
  kind: 'vehicle',
  type: 'Vehicle',
  description: 'Adds or changes a vehicle and the guests it carries.',
  fields: (t) => ({
    kind: t.field({ type: VehicleKindEnum, required: true }),
    seats: t.int({ required: true }),
    plate: t.string({ required: false }),
    driverName: t.string({ required: false }),
    driverPhone: t.string({ required: false }),
    driverBriefed: t.boolean({
      required: false,
      description: 'The driver was briefed for reception work (对未执行过接待任务的司机进行教育). Leave out to keep what was recorded.',
    }),
    checked: t.boolean({ required: false, description: 'The vehicle was checked (严格检查). Leave out to keep what was recorded.' }),
    guestIds: guestList(t),
  }),
  save: (deps, ref, i) => saveVehicle(deps, ref, { ...i, guestIds: ids(i.guestIds) ?? [] }),
});
saveMutation({
  field: 'saveGift',
  kind: 'gift',
  type: 'Gift',
  description: 'Adds or changes a gift (local specialities, neither too light nor too heavy) and its recipients.',
  fields: (t) => ({
    item: t.string({ required: true }),
    value: t.field({ type: 'Decimal', required: false, description: 'Value of one piece; each recipient receives one.' }),
    tags: t.stringList({ required: false }),
    recipientGuestIds: guestList(t),
  }),
  save: (deps, ref, i) => saveGift(deps, ref, { ...i, tags: i.tags ?? [], recipientGuestIds: ids(i.recipientGuestIds) ?? [] }),
});
saveMutation({
  field: 'saveBudgetLine',
  kind: 'budgetLine',
  type: 'BudgetLine',
  description: 'Adds or changes a budget line, planned and actual (接待预算).',
  fields: (t) => ({
    category: t.field({ type: BudgetCategoryEnum, required: true }),
    description: t.string({ required: false }),
    planned: t.field({ type: 'Decimal', required: true }),
    actual: t.field({ type: 'Decimal', required: false }),
    payableAt: t.field({ type: 'DateTime', required: false }),
  }),
  save: (deps, ref, i) => saveBudgetLine(deps, ref, i),
});

/** A record id given as a global id of the expected type (another type is not found). */
function decodeRecordId(globalId: string, type: string): string {
  const { typename, id } = decodeId(globalId);
  if (typename !== type) throw new VisitError('NOT_FOUND', `No such ${type}`);
  return id;
}

mutationField({
  name: 'removeVisitRecord',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'Removes a guest, contact, travel leg, host, itinerary item, lodging, meal, vehicle, gift or budget line.',
  errors: [VisitError],
  input: (t) => ({
    visitId: t.globalID({ required: true, for: [VisitRef] }),
    expectedVersion: t.int({ required: true }),
    recordId: t.id({ required: true }),
  }),
  run: async (deps, input) => {
    const { typename } = decodeId(String(input.recordId));
    const kind = KIND_OF_TYPE[typename];
    if (!kind) throw new VisitError('NOT_FOUND', 'No such record in this visit');
    const id = decodeRecordId(String(input.recordId), typename);
    await removeRecord(deps, { visitId: input.visitId.id, expectedVersion: input.expectedVersion }, kind, id);
    return { visitId: input.visitId.id };
  },
});
mutationField({
  name: 'updateTravelProgress',
  payload: VisitPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  description: 'Live: the actual departure and the expected arrival of a journey. Everyone on the visit is notified.',
  errors: [VisitError],
  input: (t) => ({
    legId: t.id({ required: true }),
    actualDepartureAt: t.field({ type: 'DateTime', required: false }),
    expectedArrivalAt: t.field({ type: 'DateTime', required: false }),
  }),
  run: async (deps, input) => {
    const legId = decodeRecordId(String(input.legId), 'TravelLeg');
    const leg = await updateTravelProgress(deps, { legId, actualDepartureAt: input.actualDepartureAt, expectedArrivalAt: input.expectedArrivalAt });
    return { visitId: leg.visitId, recordId: leg.id, recordType: 'TravelLeg' };
  },
});
