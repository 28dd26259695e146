// Hotel events and their readiness: types and queries (the hotel's schema only). The gate is computed
// on every read (hotel-event.gate.ts), never stored.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { HotelReadinessItem } from '@jiedai/db';
import { builder } from '../../builder.ts';
import '../shared/assessments/assessment.ts';
import '../shared/visits/visit.ts';
import '../core/identity/user.ts';
import { HOTEL } from './hotel-area.ts';
import { departmentStatus, GATE_REASON_CODES, type Gate, type GateReason } from './hotel-event.gate.ts';
import { eventGate, HOTEL_DEPARTMENTS, HOTEL_EVENT_KINDS, HOTEL_HAZARDS, HOTEL_TEAM_ROLES, READINESS_STATUSES, visitGate } from './hotel-event.service.ts';

export const HotelEventKindEnum = builder.enumType('HotelEventKind', { values: HOTEL_EVENT_KINDS, subGraphs: HOTEL });
export const HotelTeamRoleEnum = builder.enumType('HotelTeamRole', { values: HOTEL_TEAM_ROLES, subGraphs: HOTEL });
export const HotelDepartmentEnum = builder.enumType('HotelDepartment', {
  values: HOTEL_DEPARTMENTS as readonly (typeof HOTEL_DEPARTMENTS)[number][],
  subGraphs: HOTEL,
  description: 'Front office (前厅), housekeeping (客房), food and beverage (餐饮), engineering (工程), security (保安), conference services (会务).',
});
export const HotelReadinessStatusEnum = builder.enumType('HotelReadinessStatus', { values: READINESS_STATUSES, subGraphs: HOTEL });
export const HotelHazardEnum = builder.enumType('HotelHazard', {
  values: HOTEL_HAZARDS as readonly (typeof HOTEL_HAZARDS)[number][],
  subGraphs: HOTEL,
  description: 'The hazards an emergency plan (应急预案) covers.',
});
const GateStatusEnum = builder.enumType('HotelGateStatus', { values: ['GO', 'NO_GO'] as const, subGraphs: HOTEL });
const GateReasonCodeEnum = builder.enumType('HotelGateReasonCode', { values: GATE_REASON_CODES, subGraphs: HOTEL });

const GateReasonRef = builder.objectRef<GateReason>('HotelGateReason').implement({
  subGraphs: HOTEL,
  description: 'Why the gate is NO_GO, and what to clear.',
  fields: (t) => ({
    code: t.field({ type: GateReasonCodeEnum, resolve: (r) => r.code }),
    message: t.exposeString('message'),
    department: t.field({ type: HotelDepartmentEnum, nullable: true, resolve: (r) => r.department }),
    hazard: t.field({ type: HotelHazardEnum, nullable: true, resolve: (r) => r.hazard }),
    subjectIds: t.idList({
      description: 'The records to look at (readiness items, event areas, findings, emergency plans, tasks), as global ids.',
      resolve: (r) => r.subjects.map((s) => encodeGlobalID(s.type, s.id)),
    }),
  }),
});

export const GateRef = builder.objectRef<Gate>('HotelReadinessGate').implement({
  subGraphs: HOTEL,
  description:
    'The go/no-go gate, computed on every read: GO only when every department is READY, every area inspection passed (its findings corrected), the emergency plans of the event are drilled, no task of the visit is BLOCKED and its plan has no BLOCKER issue.',
  fields: (t) => ({
    status: t.field({ type: GateStatusEnum, resolve: (g) => g.status }),
    reasons: t.field({ type: [GateReasonRef], resolve: (g) => g.reasons }),
  }),
});

const DepartmentReadinessRef = builder
  .objectRef<{ department: HotelReadinessItem['department']; items: HotelReadinessItem[] }>('HotelDepartmentReadiness')
  .implement({
    subGraphs: HOTEL,
    description: 'A department’s readiness for the event: READY only when every one of its items is.',
    fields: (t) => ({
      department: t.field({ type: HotelDepartmentEnum, resolve: (d) => d.department }),
      status: t.field({ type: HotelReadinessStatusEnum, resolve: (d) => departmentStatus(d.items) }),
      ready: t.int({ resolve: (d) => d.items.filter((i) => i.status === 'READY').length }),
      total: t.int({ resolve: (d) => d.items.length }),
      items: t.field({ type: [HotelReadinessItemRef], resolve: (d) => d.items as never }),
    }),
  });

export const HotelEventRef = builder.prismaNode('HotelEvent', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A conference or VIP stay hosted by the hotel (会议/活动), linked to the visit it serves.',
  fields: (t) => ({
    title: t.exposeString('title'),
    kind: t.field({ type: HotelEventKindEnum, resolve: (e) => e.kind }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    visit: t.relation('visit', { nullable: true }),
    hazards: t.field({
      type: [HotelHazardEnum],
      description: 'The hazards whose emergency plans must be drilled before the event.',
      resolve: (e) => e.hazards,
    }),
    notes: t.exposeString('notes', { nullable: true }),
    version: t.exposeInt('version'),
    team: t.relation('team', { query: { orderBy: [{ role: 'asc' }, { createdAt: 'asc' }] } }),
    readinessItems: t.relation('readinessItems', { query: { orderBy: [{ department: 'asc' }, { createdAt: 'asc' }] } }),
    departments: t.field({
      type: [DepartmentReadinessRef],
      description: 'Readiness per department that has items (各部门准备情况).',
      select: { readinessItems: { orderBy: { createdAt: 'asc' } } },
      resolve: (e) =>
        HOTEL_DEPARTMENTS.map((department) => ({ department, items: e.readinessItems.filter((i) => i.department === department) })).filter(
          (d) => d.items.length > 0,
        ),
    }),
    areas: t.relation('areas', { query: { orderBy: { createdAt: 'asc' } } }),
    gate: t.field({
      type: GateRef,
      description: 'The go/no-go gate, computed now, with every reason it is NO_GO.',
      resolve: async (e, _args, ctx) => (await eventGate(ctx.db, e.id))!,
    }),
  }),
});

export const HotelEventTeamMemberRef = builder.prismaNode('HotelEventTeamMember', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A member of the event’s dedicated team (专班).',
  fields: (t) => ({
    member: t.relation('membership'),
    role: t.field({ type: HotelTeamRoleEnum, resolve: (m) => m.role }),
    duty: t.exposeString('duty', { nullable: true }),
  }),
});

export const HotelReadinessItemRef = builder.prismaNode('HotelReadinessItem', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'One thing a department prepares for the event, with its status, owner, evidence and the time it was reported.',
  fields: (t) => ({
    department: t.field({ type: HotelDepartmentEnum, resolve: (i) => i.department }),
    title: t.exposeString('title'),
    status: t.field({ type: HotelReadinessStatusEnum, resolve: (i) => i.status }),
    owner: t.relation('owner', { nullable: true }),
    evidence: t.exposeString('evidence', { nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    reportedAt: t.expose('reportedAt', { type: 'DateTime', nullable: true }),
    version: t.exposeInt('version'),
  }),
});

export const HotelEventAreaRef = builder.prismaNode('HotelEventArea', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'An area the event uses, inspected before it; passed when inspected and every finding corrected.',
  fields: (t) => ({
    area: t.relation('area'),
    inspection: t.relation('assessment', { nullable: true, description: 'The latest inspection (an assessment of the area).' }),
    passed: t.boolean({
      select: { assessment: { select: { status: true, findings: { where: { closedAt: null }, select: { id: true } } } } },
      resolve: (a) => !!a.assessment && a.assessment.status !== 'DRAFT' && a.assessment.findings.length === 0,
    }),
  }),
});

// A visit hosted by the hotel shows the events serving it and their gate.
builder.prismaObjectFields('Visit', (t) => ({
  hotelEvents: t.relation('hotelEvents', { subGraphs: HOTEL, query: { orderBy: { startsAt: 'asc' } } }),
  hotelReadinessGate: t.field({
    type: GateRef,
    nullable: true,
    subGraphs: HOTEL,
    description: 'The go/no-go gate of the hotel events serving this visit (GO when every one is GO); null when no event serves it.',
    resolve: (visit, _args, ctx) => visitGate(ctx.db, visit.id),
  }),
}));

builder.queryFields((t) => ({
  hotelEvents: t.prismaField({
    type: ['HotelEvent'],
    subGraphs: HOTEL,
    authScopes: { role: 'VIEWER' },
    description: 'The hotel’s events that end after `from` and start before `to` (default: from now on), by start.',
    args: { from: t.arg({ type: 'DateTime', required: false }), to: t.arg({ type: 'DateTime', required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.hotelEvent.findMany({
        ...query,
        where: { endsAt: { gt: args.from ?? new Date() }, ...(args.to ? { startsAt: { lt: args.to } } : {}) },
        orderBy: { startsAt: 'asc' },
        take: 100,
      }),
  }),
}));
