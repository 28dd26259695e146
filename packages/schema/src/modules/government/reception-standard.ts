// GraphQL types of reception standards (接待标准): the tenant's table and the standard of a visit.
import { builder } from '../../builder.ts';
import { VehicleKindEnum } from '../shared/visits/visit.ts';
import { vehiclesForHeadCount } from './car-seating.rules.ts';

const GOV = ['government'] as const;

export const ReceptionStandardRef = builder.prismaNode('ReceptionStandard', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: [...GOV],
  description: 'A reception standard (接待标准) of the tenant, for principal guests of the rank levels it covers (1 is the highest).',
  fields: (t) => ({
    name: t.exposeString('name'),
    minRankLevel: t.exposeInt('minRankLevel', { description: 'The highest rank covered (the smallest level).' }),
    maxRankLevel: t.exposeInt('maxRankLevel', { description: 'The lowest rank covered (the largest level).' }),
    lodgingClass: t.exposeString('lodgingClass', { description: 'Room class, as the lodging rooms name it (e.g. 标准间, 套房).' }),
    mealAllowancePerHead: t.expose('mealAllowancePerHead', { type: 'Decimal', description: 'Per guest and meal, in the tenant’s currency.' }),
    vehicleClass: t.field({ type: VehicleKindEnum, resolve: (s) => s.vehicleClass }),
    greetingLeaderLevel: t.exposeInt('greetingLeaderLevel', { nullable: true, description: 'Rank level of the leader who greets the guests.' }),
    giftLimitPerHead: t.expose('giftLimitPerHead', { type: 'Decimal', nullable: true }),
    reportUp: t.exposeBoolean('reportUp', { description: 'Visits of these ranks are reported up (向市领导汇报): a task, and a BLOCKER until recorded.' }),
  }),
});

builder.prismaObject('VisitReceptionStandard', {
  subGraphs: [...GOV],
  description: 'The standard of one visit: the figures of a standard of the table, or figures set by hand with the reason.',
  fields: (t) => ({
    standard: t.relation('standard', { nullable: true }),
    lodgingClass: t.exposeString('lodgingClass'),
    mealAllowancePerHead: t.expose('mealAllowancePerHead', { type: 'Decimal' }),
    vehicleClass: t.field({ type: VehicleKindEnum, resolve: (s) => s.vehicleClass }),
    greetingLeaderLevel: t.exposeInt('greetingLeaderLevel', { nullable: true }),
    giftLimitPerHead: t.expose('giftLimitPerHead', { type: 'Decimal', nullable: true }),
    overridden: t.boolean({ resolve: (s) => s.overrideReason !== null }),
    overrideReason: t.exposeString('overrideReason', { nullable: true }),
    setAt: t.expose('setAt', { type: 'DateTime' }),
  }),
});

const VehicleNeedRef = builder.objectRef<{ kind: 'SEDAN' | 'SUV' | 'MINIBUS' | 'COACH'; seats: number }>('VehicleNeed').implement({
  subGraphs: [...GOV],
  fields: (t) => ({ kind: t.field({ type: VehicleKindEnum, resolve: (v) => v.kind }), seats: t.exposeInt('seats') }),
});

builder.prismaObjectFields('Visit', (t) => ({
  receptionStandard: t.relation('receptionStandard', { nullable: true, subGraphs: [...GOV], description: 'The reception standard (接待标准) of the visit.' }),
  suggestedVehicles: t.field({
    type: [VehicleNeedRef],
    subGraphs: [...GOV],
    description: 'Vehicles by head count (一般配轿车，人多配旅行车): the guests and our hosts, drivers not counted.',
    select: { _count: { select: { guests: true, hosts: true } } },
    resolve: (visit) => vehiclesForHeadCount(visit._count.guests + visit._count.hosts),
  }),
}));

builder.queryFields((t) => ({
  receptionStandards: t.prismaField({
    type: ['ReceptionStandard'],
    subGraphs: [...GOV],
    authScopes: { member: true },
    description: 'The tenant’s table of reception standards, highest ranks first.',
    resolve: (query, _root, _args, ctx) => ctx.db.receptionStandard.findMany({ ...query, orderBy: [{ minRankLevel: 'asc' }, { name: 'asc' }] }),
  }),
}));
