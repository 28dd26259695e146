// Emergency plans and drills: mutations (thin over the service).
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { AssessmentError } from '../shared/assessments/assessment.errors.ts';
import { ScoreInput } from '../shared/assessments/assessment.mutations.ts';
import { HOTEL } from './hotel-area.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { HotelHazardEnum } from './hotel-event.ts';
import { HotelDrillRef, HotelEmergencyPlanRef, HotelSettingsRef } from './emergency-plan.ts';
import { recordDrillRun, reviewDrill, saveEmergencyPlan, scheduleDrill, updateHotelSettings } from './emergency-plan.service.ts';

const PlanPayload = builder.objectRef<{ plan: { id: string } }>('HotelEmergencyPlanPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    plan: t.prismaField({
      type: 'HotelEmergencyPlan',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEmergencyPlan.findUniqueOrThrow({ ...query, where: { id: p.plan.id } }),
    }),
  }),
});
const DrillPayload = builder.objectRef<{ drill: { id: string } }>('HotelDrillPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    drill: t.prismaField({ type: 'HotelDrill', resolve: (query, p, _a, ctx) => ctx.db.hotelDrill.findUniqueOrThrow({ ...query, where: { id: p.drill.id } }) }),
  }),
});
const SettingsPayload = builder.objectRef<{ settings: { drillValidityDays: number } }>('HotelSettingsPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ settings: t.field({ type: HotelSettingsRef, resolve: (p) => p.settings }) }),
});

const RoleInput = builder.inputType('HotelEmergencyRoleInput', {
  subGraphs: HOTEL,
  fields: (t) => ({
    role: t.string({ required: true, description: 'e.g. 总指挥, 疏散引导组, 医疗救护组' }),
    responsibility: t.string({ required: true }),
    membershipId: t.globalID({ required: false, for: [MembershipRef] }),
  }),
});

mutationField({
  name: 'saveHotelEmergencyPlan',
  payload: PlanPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Creates or replaces the emergency plan (应急预案) of a hazard: roles and steps. One plan per hazard.',
  errors: [HotelEventError],
  input: (t) => ({
    hazard: t.field({ type: HotelHazardEnum, required: true }),
    expectedVersion: t.int({ required: false, description: 'The plan’s version when replacing it.' }),
    title: t.string({ required: true }),
    roles: t.field({ type: [RoleInput], required: true }),
    steps: t.stringList({ required: true }),
  }),
  run: async (deps, input) => ({
    plan: await saveEmergencyPlan(deps, {
      hazard: input.hazard,
      expectedVersion: input.expectedVersion,
      title: input.title,
      roles: input.roles.map((r) => ({ role: r.role, responsibility: r.responsibility, membershipId: r.membershipId?.id ?? null })),
      steps: input.steps,
    }),
  }),
});

mutationField({
  name: 'scheduleHotelDrill',
  payload: DrillPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HotelEventError],
  input: (t) => ({
    planId: t.globalID({ required: true, for: [HotelEmergencyPlanRef] }),
    scheduledAt: t.field({ type: 'DateTime', required: true }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => ({ drill: await scheduleDrill(deps, { planId: input.planId.id, scheduledAt: input.scheduledAt, note: input.note }) }),
});

mutationField({
  name: 'recordHotelDrillRun',
  payload: DrillPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'STAFF' },
  description: 'Records when a drill started and ended (timed).',
  errors: [HotelEventError],
  input: (t) => ({
    drillId: t.globalID({ required: true, for: [HotelDrillRef] }),
    startedAt: t.field({ type: 'DateTime', required: true }),
    endedAt: t.field({ type: 'DateTime', required: true }),
  }),
  run: async (deps, input) => ({ drill: await recordDrillRun(deps, { drillId: input.drillId.id, startedAt: input.startedAt, endedAt: input.endedAt }) }),
});

mutationField({
  name: 'reviewHotelDrill',
  payload: DrillPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Reviews a drill that was run with the drill-review template (every criterion scored; 考核, 查措施是否到位): failed criteria become findings with corrective tasks. The plan is drilled when the review passed (total ≥ 60, every pass/fail criterion passed).',
  errors: [HotelEventError, AssessmentError],
  input: (t) => ({
    drillId: t.globalID({ required: true, for: [HotelDrillRef] }),
    templateId: t.globalID({ required: false, description: 'Default: the tenant’s first published DRILL template.' }),
    scores: t.field({ type: [ScoreInput], required: true }),
    comment: t.string({ required: false }),
    correctedByMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
  }),
  run: async (deps, input) => ({
    drill: await reviewDrill(deps, {
      drillId: input.drillId.id,
      templateId: input.templateId?.id ?? null,
      scores: input.scores.map((s) => ({ criterionKey: String(s.criterionKey), value: s.value, comment: s.comment })),
      comment: input.comment,
      correctedByMembershipId: input.correctedByMembershipId?.id ?? null,
    }),
  }),
});

mutationField({
  name: 'updateHotelSettings',
  payload: SettingsPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'The hotel’s settings: how long a passed drill keeps its plan drilled.',
  errors: [HotelEventError],
  input: (t) => ({ drillValidityDays: t.int({ required: true }) }),
  run: async (deps, input) => ({ settings: await updateHotelSettings(deps, { drillValidityDays: input.drillValidityDays }) }),
});
