// Hotel events, their team, department readiness and area inspections: mutations (thin over the service).
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { AssessmentError } from '../shared/assessments/assessment.errors.ts';
import { ScoreInput } from '../shared/assessments/assessment.mutations.ts';
import { VisitRef } from '../shared/visits/visit.ts';
import { HOTEL, HotelAreaRef } from './hotel-area.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import {
  HotelDepartmentEnum,
  HotelEventAreaRef,
  HotelEventKindEnum,
  HotelEventRef,
  HotelHazardEnum,
  HotelReadinessItemRef,
  HotelReadinessStatusEnum,
  HotelTeamRoleEnum,
} from './hotel-event.ts';
import {
  addEventArea,
  addReadinessItem,
  createHotelEvent,
  inspectEventArea,
  removeTeamMember,
  reportReadiness,
  setTeamMember,
  updateHotelEvent,
} from './hotel-event.service.ts';

const HotelEventPayload = builder.objectRef<{ event: { id: string } }>('HotelEventPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ hotelEvent: t.field({ type: HotelEventRef, resolve: (p) => p.event as never }) }),
});
const TeamMemberPayload = builder.objectRef<{ member: { id: string; eventId: string } }>('HotelEventTeamMemberPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    teamMember: t.prismaField({
      type: 'HotelEventTeamMember',
      nullable: true,
      resolve: (query, p, _a, ctx) => ctx.db.hotelEventTeamMember.findUnique({ ...query, where: { id: p.member.id } }),
    }),
    hotelEvent: t.prismaField({
      type: 'HotelEvent',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEvent.findUniqueOrThrow({ ...query, where: { id: p.member.eventId } }),
    }),
  }),
});
const ReadinessItemPayload = builder.objectRef<{ item: { id: string; eventId: string } }>('HotelReadinessItemPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    item: t.prismaField({
      type: 'HotelReadinessItem',
      resolve: (query, p, _a, ctx) => ctx.db.hotelReadinessItem.findUniqueOrThrow({ ...query, where: { id: p.item.id } }),
    }),
    hotelEvent: t.prismaField({
      type: 'HotelEvent',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEvent.findUniqueOrThrow({ ...query, where: { id: p.item.eventId } }),
    }),
  }),
});
const EventAreaPayload = builder.objectRef<{ eventArea: { id: string; eventId: string }; findings?: { id: string }[] }>('HotelEventAreaPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    eventArea: t.prismaField({
      type: 'HotelEventArea',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEventArea.findUniqueOrThrow({ ...query, where: { id: p.eventArea.id } }),
    }),
    findings: t.prismaField({
      type: ['Finding'],
      description: 'The findings this inspection raised (one per failed criterion), each with its corrective task.',
      resolve: async (query, p, _a, ctx) =>
        p.findings?.length ? ctx.db.finding.findMany({ ...query, where: { id: { in: p.findings.map((f) => f.id) } }, orderBy: { createdAt: 'asc' } }) : [],
    }),
    hotelEvent: t.prismaField({
      type: 'HotelEvent',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEvent.findUniqueOrThrow({ ...query, where: { id: p.eventArea.eventId } }),
    }),
  }),
});

const eventFields = (t: Parameters<Parameters<typeof mutationField>[0]['input']>[0], required: boolean) => ({
  title: t.string({ required }),
  kind: t.field({ type: HotelEventKindEnum, required: false }),
  startsAt: t.field({ type: 'DateTime', required }),
  endsAt: t.field({ type: 'DateTime', required }),
  visitId: t.globalID({ required: false, for: [VisitRef], description: 'The visit this event serves.' }),
  hazards: t.field({ type: [HotelHazardEnum], required: false, description: 'Whose emergency plans must be drilled (default: all).' }),
  notes: t.string({ required: false }),
});

mutationField({
  name: 'createHotelEvent',
  payload: HotelEventPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'A conference or VIP stay hosted by the hotel (会议/活动), optionally linked to the visit it serves.',
  errors: [HotelEventError],
  input: (t) => eventFields(t, true),
  idempotency: { reload: { id: (p) => p.event.id, load: async (deps, id) => ({ event: await deps.db.hotelEvent.findUniqueOrThrow({ where: { id } }) }) } },
  run: async (deps, input) => ({
    event: await createHotelEvent(deps, {
      title: input.title!,
      kind: input.kind,
      startsAt: input.startsAt!,
      endsAt: input.endsAt!,
      visitId: input.visitId?.id ?? null,
      hazards: input.hazards,
      notes: input.notes,
    }),
  }),
});

mutationField({
  name: 'updateHotelEvent',
  payload: HotelEventPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HotelEventError],
  input: (t) => ({ id: t.globalID({ required: true, for: [HotelEventRef] }), expectedVersion: t.int({ required: true }), ...eventFields(t, false) }),
  run: async (deps, input) => ({
    event: await updateHotelEvent(deps, {
      id: input.id.id,
      expectedVersion: input.expectedVersion,
      ...(input.title != null ? { title: input.title } : {}),
      ...(input.kind != null ? { kind: input.kind } : {}),
      ...(input.startsAt != null ? { startsAt: input.startsAt } : {}),
      ...(input.endsAt != null ? { endsAt: input.endsAt } : {}),
      ...(input.visitId !== undefined ? { visitId: input.visitId?.id ?? null } : {}),
      hazards: input.hazards,
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    }),
  }),
});

mutationField({
  name: 'setHotelEventTeamMember',
  payload: TeamMemberPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Puts a member on the event’s dedicated team (专班) with a role and duty, or changes them. One LEADER per event.',
  errors: [HotelEventError],
  input: (t) => ({
    eventId: t.globalID({ required: true, for: [HotelEventRef] }),
    membershipId: t.globalID({ required: true, for: [MembershipRef] }),
    role: t.field({ type: HotelTeamRoleEnum, required: true }),
    duty: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    member: await setTeamMember(deps, { eventId: input.eventId.id, membershipId: input.membershipId.id, role: input.role, duty: input.duty }),
  }),
});

mutationField({
  name: 'removeHotelEventTeamMember',
  payload: TeamMemberPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HotelEventError],
  input: (t) => ({ eventId: t.globalID({ required: true, for: [HotelEventRef] }), membershipId: t.globalID({ required: true, for: [MembershipRef] }) }),
  run: async (deps, input) => ({ member: await removeTeamMember(deps, { eventId: input.eventId.id, membershipId: input.membershipId.id }) }),
});

mutationField({
  name: 'addHotelReadinessItem',
  payload: ReadinessItemPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'An item a department prepares for the event (各部门准备情况), with its owner.',
  errors: [HotelEventError],
  input: (t) => ({
    eventId: t.globalID({ required: true, for: [HotelEventRef] }),
    department: t.field({ type: HotelDepartmentEnum, required: true }),
    title: t.string({ required: true }),
    ownerMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
  }),
  run: async (deps, input) => ({
    item: await addReadinessItem(deps, {
      eventId: input.eventId.id,
      department: input.department,
      title: input.title,
      ownerMembershipId: input.ownerMembershipId?.id ?? null,
    }),
  }),
});

mutationField({
  name: 'reportHotelReadiness',
  payload: ReadinessItemPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'STAFF' },
  description:
    'Reports an item’s status (by its owner or a coordinator), with evidence and the time of the report. READY needs evidence; BLOCKED needs a note saying why.',
  errors: [HotelEventError],
  input: (t) => ({
    itemId: t.globalID({ required: true, for: [HotelReadinessItemRef] }),
    expectedVersion: t.int({ required: false }),
    status: t.field({ type: HotelReadinessStatusEnum, required: true }),
    evidence: t.string({ required: false, description: 'A photo or document link, or what was checked.' }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    item: await reportReadiness(deps, {
      itemId: input.itemId.id,
      expectedVersion: input.expectedVersion,
      status: input.status,
      evidence: input.evidence,
      note: input.note,
    }),
  }),
});

mutationField({
  name: 'addHotelEventArea',
  payload: EventAreaPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Names an area the event uses (venue, guest-room floor, restaurant, monitoring room); it must be inspected before the event.',
  errors: [HotelEventError],
  input: (t) => ({ eventId: t.globalID({ required: true, for: [HotelEventRef] }), hotelAreaId: t.globalID({ required: true, for: [HotelAreaRef] }) }),
  run: async (deps, input) => ({ eventArea: await addEventArea(deps, { eventId: input.eventId.id, hotelAreaId: input.hotelAreaId.id }) }),
});

mutationField({
  name: 'inspectHotelEventArea',
  payload: EventAreaPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Inspects an event’s area with the area readiness template (every criterion scored): each failed criterion (pass/fail failed, or below 60 % of its scale) becomes a finding whose corrective action is a task due before the event. The area passes once those tasks are done.',
  errors: [HotelEventError, AssessmentError],
  input: (t) => ({
    eventAreaId: t.globalID({ required: true, for: [HotelEventAreaRef] }),
    templateId: t.globalID({ required: false, description: 'Default: the tenant’s first published hotel-area inspection template.' }),
    assessedOn: t.string({ required: false, description: 'YYYY-MM-DD (default: today in the tenant’s time zone).' }),
    scores: t.field({ type: [ScoreInput], required: true }),
    correctedByMembershipId: t.globalID({ required: false, for: [MembershipRef], description: 'Who corrects the failures (default: the coordinators).' }),
  }),
  run: (deps, input) =>
    inspectEventArea(deps, {
      eventAreaId: input.eventAreaId.id,
      templateId: input.templateId?.id ?? null,
      assessedOn: input.assessedOn,
      scores: input.scores.map((s) => ({ criterionKey: String(s.criterionKey), value: s.value, comment: s.comment })),
      correctedByMembershipId: input.correctedByMembershipId?.id ?? null,
    }),
});
