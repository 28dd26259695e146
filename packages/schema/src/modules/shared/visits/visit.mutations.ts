// Visit mutations. Every change but live travel progress takes `expectedVersion` (a stale one gets
// CONFLICT and changes nothing); creating and saving take an optional idempotency key.
import { builder, decodeId, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps, type Context } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { keyed } from '../../../shared/idempotency.ts';
import { MembershipRef } from '../../core/identity/user.ts';
import { VISIT_ERROR_CODES, VisitError } from './visit.errors.ts';
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
import {
  changeVisitStatus,
  createVisit,
  decidePlan,
  idempotent,
  recordEscalation,
  recordFollowUp,
  submitForApproval,
  updateVisit,
} from './visit.service.ts';
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
registerDomainError(VisitError, 'VisitError', VISIT_ERROR_CODES, 'A change to a visit was refused; nothing was changed.', T);

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

const errors = (name: string) => ({ types: [VisitError, ValidationError], directResult: true as const, union: { name } });
const coordinator = { role: 'COORDINATOR' } as const;
const key = (t: { arg: { string: (o: { required: false; description: string }) => unknown } }) =>
  t.arg.string({ required: false, description: 'Retrying with the same key returns the first result and changes nothing twice.' });

// ── the visit ───────────────────────────────────────────────────────────────────────────────────

const visitFields = (t: any, required: boolean) => ({
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
const CreateVisitInput = builder.inputType('CreateVisitInput', { subGraphs: T, fields: (t) => visitFields(t, true) });
const UpdateVisitInput = builder.inputType('UpdateVisitInput', { subGraphs: T, fields: (t) => visitFields(t, false) });
const FollowUpInput = builder.inputType('VisitFollowUpInput', {
  subGraphs: T,
  fields: (t) => ({
    safeArrivalConfirmed: t.boolean({ required: false, description: 'The safe-arrival call was made (致电询问平安).' }),
    forgottenItemsChecked: t.boolean({ required: false, description: 'Rooms and meeting rooms checked for forgotten items.' }),
    photosSent: t.boolean({ required: false, description: 'Photos printed and sent to the guests.' }),
    summary: t.string({ required: false, description: 'The written reception summary: shortcomings found, improvements (找出不足, 加以改进).' }),
  }),
});

type VisitInput = { coordinatorId?: { id: string } | null; [k: string]: unknown };
const visitData = (input: VisitInput) => ({ ...strip(input), coordinatorId: input.coordinatorId?.id ?? undefined }) as never;

builder.mutationFields((t) => ({
  createVisit: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    args: { input: t.arg({ type: CreateVisitInput, required: true }), idempotencyKey: key(t) as never },
    errors: errors('CreateVisitResult'),
    resolve: (_root, args, ctx) =>
      atomically(ctx, () =>
        idempotent(serviceDeps(ctx), args.idempotencyKey as string | null, keyed('createVisit', args.input), async () => ({
          visitId: (await createVisit(serviceDeps(ctx), visitData(args.input as VisitInput))).id,
        })),
      ),
  }),
  updateVisit: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    args: {
      id: t.arg.globalID({ required: true, for: [VisitRef] }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateVisitInput, required: true }),
      idempotencyKey: key(t) as never,
    },
    errors: errors('UpdateVisitResult'),
    resolve: (_root, args, ctx) =>
      atomically(ctx, () =>
        idempotent(serviceDeps(ctx), args.idempotencyKey as string | null, keyed('updateVisit', args), async () => ({
          visitId: (await updateVisit(serviceDeps(ctx), args.id.id, args.expectedVersion, visitData(args.input as VisitInput))).id,
        })),
      ),
  }),
  changeVisitStatus: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Moves the visit along its lifecycle (start planning, start, complete, archive, cancel …). Illegal moves are refused.',
    args: {
      id: t.arg.globalID({ required: true, for: [VisitRef] }),
      expectedVersion: t.arg.int({ required: true }),
      to: t.arg({ type: VisitStatusEnum, required: true }),
      reason: t.arg.string({ required: false }),
    },
    errors: errors('ChangeVisitStatusResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: (await atomically(ctx, () => changeVisitStatus(serviceDeps(ctx), { visitId: args.id.id, expectedVersion: args.expectedVersion, to: args.to, reason: args.reason }))).id,
    }),
  }),
  submitVisitForApproval: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Freezes the plan as a new version for an approver (报请领导批准). Refused while the plan has a BLOCKER.',
    args: { id: t.arg.globalID({ required: true, for: [VisitRef] }), expectedVersion: t.arg.int({ required: true }), note: t.arg.string({ required: false }) },
    errors: errors('SubmitVisitForApprovalResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: (await atomically(ctx, () => submitForApproval(serviceDeps(ctx), { visitId: args.id.id, expectedVersion: args.expectedVersion, note: args.note }))).id,
    }),
  }),
  decideVisitPlan: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: { role: 'APPROVER' },
    description: 'Approves or rejects the plan version waiting for approval (a rejection needs a comment).',
    args: {
      id: t.arg.globalID({ required: true, for: [VisitRef] }),
      expectedVersion: t.arg.int({ required: true }),
      approve: t.arg.boolean({ required: true }),
      comment: t.arg.string({ required: false }),
    },
    errors: errors('DecideVisitPlanResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: (await atomically(ctx, () => decidePlan(serviceDeps(ctx), { visitId: args.id.id, expectedVersion: args.expectedVersion, approve: args.approve, comment: args.comment }))).id,
    }),
  }),
  recordVisitEscalation: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Records that a visit including an important leader was reported up (向市领导汇报).',
    args: { id: t.arg.globalID({ required: true, for: [VisitRef] }), expectedVersion: t.arg.int({ required: true }), note: t.arg.string({ required: true }) },
    errors: errors('RecordVisitEscalationResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: (await atomically(ctx, () => recordEscalation(serviceDeps(ctx), { visitId: args.id.id, expectedVersion: args.expectedVersion, note: args.note }))).id,
    }),
  }),
  recordVisitFollowUp: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    args: {
      id: t.arg.globalID({ required: true, for: [VisitRef] }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: FollowUpInput, required: true }),
    },
    errors: errors('RecordVisitFollowUpResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: (await atomically(ctx, () => recordFollowUp(serviceDeps(ctx), { visitId: args.id.id, expectedVersion: args.expectedVersion, ...strip(args.input) }))).id,
    }),
  }),
}));

// ── the parts of the plan: one save mutation per kind, one remove for all ───────────────────────

const ids = (list: { id: string }[] | null | undefined) => list?.map((g) => g.id);
const guestList = (t: any, description?: string) => t.globalIDList({ required: false, for: [VisitGuestRef], description });

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

interface SaveSpec {
  field: string;
  kind: RecordKind;
  type: string;
  input: string;
  description: string;
  fields: (t: any) => Record<string, unknown>;
  save: (ctx: Context, ref: VisitVersionRef, input: any) => Promise<string>;
}

const SAVES: SaveSpec[] = [
  {
    field: 'saveVisitGuest', kind: 'guest', type: 'VisitGuest', input: 'VisitGuestInput',
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
    save: (ctx, ref, i) => saveGuest(serviceDeps(ctx), ref, { ...i, dietaryRestrictions: i.dietaryRestrictions ?? [] }),
  },
  {
    field: 'saveVisitContact', kind: 'contact', type: 'VisitContact', input: 'VisitContactInput',
    description: 'Adds or changes a contact of the visiting side.',
    fields: (t) => ({ name: t.string({ required: true }), phone: t.string({ required: true }), role: t.string({ required: false }) }),
    save: (ctx, ref, i) => saveContact(serviceDeps(ctx), ref, i),
  },
  {
    field: 'saveTravelLeg', kind: 'travelLeg', type: 'TravelLeg', input: 'TravelLegInput',
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
    save: (ctx, ref, i) => saveTravelLeg(serviceDeps(ctx), ref, i),
  },
  {
    field: 'saveVisitHost', kind: 'host', type: 'VisitHost', input: 'VisitHostInput',
    description: 'Adds or changes a host: the host leader (matched to the principal guest\'s rank), accompanying staff, greeters.',
    fields: (t) => ({
      membershipId: t.globalID({ required: true, for: [MembershipRef] }),
      role: t.field({ type: HostRoleEnum, required: true }),
      unit: t.string({ required: false }),
      rankExplanation: t.string({ required: false }),
    }),
    save: (ctx, ref, i) => saveHost(serviceDeps(ctx), ref, { ...i, membershipId: i.membershipId.id }),
  },
  {
    field: 'saveItineraryItem', kind: 'itineraryItem', type: 'ItineraryItem', input: 'ItineraryItemInput',
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
    save: (ctx, ref, i) => saveItineraryItem(serviceDeps(ctx), ref, { ...i, responsibleMembershipId: i.responsibleMembershipId?.id ?? null }),
  },
  {
    field: 'saveLodging', kind: 'lodging', type: 'Lodging', input: 'LodgingInput',
    description: 'Adds or changes a hotel stay with its rooms (the list replaces its rooms).',
    fields: (t) => ({
      hotelName: t.string({ required: true }),
      address: t.string({ required: false }),
      checkIn: t.string({ required: true, description: 'YYYY-MM-DD' }),
      checkOut: t.string({ required: true, description: 'YYYY-MM-DD' }),
      rooms: t.field({ type: [RoomInput], required: false }),
    }),
    save: (ctx, ref, i) =>
      saveLodging(serviceDeps(ctx), ref, {
        ...i,
        // unfitReason: null clears it (strip would make it "left out": kept).
        rooms: (i.rooms ?? []).map((r: any) => ({ ...strip(r), unfitReason: r.unfitReason, guestIds: ids(r.guestIds) ?? [] })),
      }),
  },
  {
    field: 'saveMeal', kind: 'meal', type: 'Meal', input: 'MealInput',
    description: 'Adds or changes a meal with its menu (the dish list replaces the menu).',
    fields: (t) => ({
      kind: t.field({ type: MealKindEnum, required: true }),
      startsAt: t.field({ type: 'DateTime', required: true }),
      place: t.string({ required: false }),
      alcoholServed: t.boolean({ required: false }),
      guestIds: guestList(t, 'Who attends; leave out for the whole delegation.'),
      dishes: t.field({ type: [DishInput], required: false }),
    }),
    save: (ctx, ref, i) =>
      saveMeal(serviceDeps(ctx), ref, { ...i, guestIds: ids(i.guestIds) ?? null, dishes: (i.dishes ?? []).map((d: any) => ({ name: d.name, tags: d.tags ?? [] })) }),
  },
  {
    field: 'saveVehicle', kind: 'vehicle', type: 'Vehicle', input: 'VehicleInput',
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
    save: (ctx, ref, i) => saveVehicle(serviceDeps(ctx), ref, { ...i, guestIds: ids(i.guestIds) ?? [] }),
  },
  {
    field: 'saveGift', kind: 'gift', type: 'Gift', input: 'GiftInput',
    description: 'Adds or changes a gift (local specialities, neither too light nor too heavy) and its recipients.',
    fields: (t) => ({
      item: t.string({ required: true }),
      value: t.field({ type: 'Decimal', required: false, description: 'Value of one piece; each recipient receives one.' }),
      tags: t.stringList({ required: false }),
      recipientGuestIds: guestList(t),
    }),
    save: (ctx, ref, i) => saveGift(serviceDeps(ctx), ref, { ...i, tags: i.tags ?? [], recipientGuestIds: ids(i.recipientGuestIds) ?? [] }),
  },
  {
    field: 'saveBudgetLine', kind: 'budgetLine', type: 'BudgetLine', input: 'BudgetLineInput',
    description: 'Adds or changes a budget line, planned and actual (接待预算).',
    fields: (t) => ({
      category: t.field({ type: BudgetCategoryEnum, required: true }),
      description: t.string({ required: false }),
      planned: t.field({ type: 'Decimal', required: true }),
      actual: t.field({ type: 'Decimal', required: false }),
      payableAt: t.field({ type: 'DateTime', required: false }),
    }),
    save: (ctx, ref, i) => saveBudgetLine(serviceDeps(ctx), ref, i),
  },
];

for (const spec of SAVES) {
  const Input = builder.inputType(spec.input, {
    subGraphs: T,
    fields: (t) => ({
      id: t.id({ required: false, description: 'The record to change; leave out to add one.' }),
      ...(spec.fields(t) as object),
    }),
  });
  builder.mutationField(spec.field, (t) =>
    t.field({
      type: VisitPayload,
      subGraphs: T,
      authScopes: coordinator,
      description: spec.description,
      args: {
        visitId: t.arg.globalID({ required: true, for: [VisitRef] }),
        expectedVersion: t.arg.int({ required: true }),
        input: t.arg({ type: Input, required: true }),
        idempotencyKey: key(t) as never,
      },
      errors: errors(`${spec.field[0]!.toUpperCase()}${spec.field.slice(1)}Result`),
      resolve: (_root, args, ctx) =>
        atomically(ctx, () =>
          idempotent(serviceDeps(ctx), args.idempotencyKey as string | null, keyed(spec.field, args), async () => {
            const { id, ...rest } = args.input as { id?: string | null };
            const recordId = await spec.save(
              ctx,
              { visitId: args.visitId.id, expectedVersion: args.expectedVersion },
              { ...rest, id: id ? decodeRecordId(id, spec.type) : null },
            );
            return { visitId: args.visitId.id, recordId, recordType: spec.type };
          }),
        ),
    }),
  );
}

/** A record id given as a global id of the expected type (another type is not found). */
function decodeRecordId(globalId: string, type: string): string {
  const { typename, id } = decodeId(globalId);
  if (typename !== type) throw new VisitError('NOT_FOUND', `No such ${type}`);
  return id;
}

const KIND_OF_TYPE: Record<string, RecordKind> = Object.fromEntries(SAVES.map((s) => [s.type, s.kind]));

builder.mutationFields((t) => ({
  removeVisitRecord: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Removes a guest, contact, travel leg, host, itinerary item, lodging, meal, vehicle, gift or budget line.',
    args: {
      visitId: t.arg.globalID({ required: true, for: [VisitRef] }),
      expectedVersion: t.arg.int({ required: true }),
      recordId: t.arg.id({ required: true }),
    },
    errors: errors('RemoveVisitRecordResult'),
    resolve: async (_root, args, ctx) => {
      const { typename } = decodeId(String(args.recordId));
      const kind = KIND_OF_TYPE[typename];
      if (!kind) return Promise.reject(new VisitError('NOT_FOUND', 'No such record in this visit'));
      const id = decodeRecordId(String(args.recordId), typename);
      await atomically(ctx, () => removeRecord(serviceDeps(ctx), { visitId: args.visitId.id, expectedVersion: args.expectedVersion }, kind, id));
      return { visitId: args.visitId.id };
    },
  }),
  updateTravelProgress: t.field({
    type: VisitPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    description: 'Live: the actual departure and the expected arrival of a journey. Everyone on the visit is notified.',
    args: {
      legId: t.arg.id({ required: true }),
      actualDepartureAt: t.arg({ type: 'DateTime', required: false }),
      expectedArrivalAt: t.arg({ type: 'DateTime', required: false }),
    },
    errors: errors('UpdateTravelProgressResult'),
    resolve: async (_root, args, ctx) => {
      const legId = decodeRecordId(String(args.legId), 'TravelLeg');
      const leg = await atomically(ctx, () =>
        updateTravelProgress(serviceDeps(ctx), { legId, actualDepartureAt: args.actualDepartureAt, expectedArrivalAt: args.expectedArrivalAt }),
      );
      return { visitId: leg.visitId, recordId: leg.id, recordType: 'TravelLeg' };
    },
  }),
}));
