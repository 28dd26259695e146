// Emergency plans (应急预案) and drills (演练): types and queries (the hotel's schema only).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.ts';
import { HOTEL } from './hotel-area.ts';
import { planDrilled } from './hotel-event.gate.ts';
import { HotelHazardEnum } from './hotel-event.ts';
import { drillPassed } from './hotel-event.service.ts';
import { hotelSettings, type PlanRole } from './emergency-plan.service.ts';

const DrillStatusEnum = builder.enumType('HotelDrillStatus', {
  values: ['SCHEDULED', 'RUN', 'REVIEWED'] as const,
  subGraphs: HOTEL,
  description: 'Scheduled; run (start and end recorded); reviewed with the drill-review assessment.',
});

const PlanRoleRef = builder.objectRef<PlanRole>('HotelEmergencyRole').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    role: t.exposeString('role'),
    responsibility: t.exposeString('responsibility'),
    memberId: t.id({
      nullable: true,
      description: 'The Membership who holds the role.',
      resolve: (r) => (r.membershipId ? encodeGlobalID('Membership', r.membershipId) : null),
    }),
  }),
});

const SettingsRef = builder.objectRef<{ drillValidityDays: number }>('HotelSettings').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ drillValidityDays: t.exposeInt('drillValidityDays', { description: 'A passed drill keeps its plan drilled this many days.' }) }),
});

const drillSelect = {
  select: { endedAt: true, assessment: { select: { status: true, templateVersion: { select: { criteria: true } }, scores: true } } },
} as const;

export const HotelEmergencyPlanRef = builder.prismaNode('HotelEmergencyPlan', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'The emergency plan (应急预案) of one hazard: who does what, and the steps.',
  fields: (t) => ({
    hazard: t.field({ type: HotelHazardEnum, resolve: (p) => p.hazard }),
    title: t.exposeString('title'),
    roles: t.field({ type: [PlanRoleRef], resolve: (p) => p.roles as unknown as PlanRole[] }),
    steps: t.stringList({ resolve: (p) => p.steps as unknown as string[] }),
    version: t.exposeInt('version'),
    drills: t.relation('drills', { query: { orderBy: { scheduledAt: 'asc' } } }),
    drilled: t.boolean({
      description: 'A drill passed its review within the tenant’s period (hotelSettings.drillValidityDays) before now.',
      select: { drills: drillSelect },
      resolve: async (p, _args, ctx) => {
        const { drillValidityDays } = await hotelSettings(ctx);
        return planDrilled(
          { ...p, drills: p.drills.map((d) => ({ id: '', endedAt: d.endedAt, passed: drillPassed(d.assessment) })) },
          new Date(),
          drillValidityDays,
        );
      },
    }),
  }),
});

export const HotelDrillRef = builder.prismaNode('HotelDrill', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A drill (演练) of an emergency plan: scheduled, run and timed, reviewed.',
  fields: (t) => ({
    plan: t.relation('plan'),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    durationMinutes: t.int({
      nullable: true,
      resolve: (d) => (d.startedAt && d.endedAt ? Math.round((d.endedAt.getTime() - d.startedAt.getTime()) / 60_000) : null),
    }),
    status: t.field({ type: DrillStatusEnum, resolve: (d) => (d.assessmentId ? 'REVIEWED' : d.endedAt ? 'RUN' : 'SCHEDULED') }),
    review: t.relation('assessment', { nullable: true, description: 'The drill-review assessment.' }),
    passed: t.boolean({
      description: 'The review passed: total at least 60 with every pass/fail criterion passed.',
      select: drillSelect.select,
      resolve: (d) => drillPassed(d.assessment),
    }),
    note: t.exposeString('note', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  hotelEmergencyPlans: t.prismaField({
    type: ['HotelEmergencyPlan'],
    subGraphs: HOTEL,
    authScopes: { role: 'VIEWER' },
    resolve: async (query, _root, _args, ctx) => {
      const plans = await ctx.db.hotelEmergencyPlan.findMany({ ...query });
      const order = ['FIRE', 'POWER_FAILURE', 'FOOD_SAFETY', 'MEDICAL_EMERGENCY', 'CROWD', 'SECURITY_THREAT'];
      return plans.sort((a, b) => order.indexOf(a.hazard) - order.indexOf(b.hazard));
    },
  }),
  hotelSettings: t.field({ type: SettingsRef, subGraphs: HOTEL, authScopes: { role: 'VIEWER' }, resolve: (_root, _args, ctx) => hotelSettings(ctx) }),
}));

export { SettingsRef as HotelSettingsRef };
