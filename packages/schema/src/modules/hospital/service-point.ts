import { builder } from '../../builder.ts';
import { SERVICE_POINT_KINDS } from './service-point.service.ts';

export const HOSPITAL: ['hospital'] = ['hospital'];

export const ServicePointKindEnum = builder.enumType('ServicePointKind', { values: SERVICE_POINT_KINDS, subGraphs: HOSPITAL });

export const ServicePointRef = builder.prismaNode('ServicePoint', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOSPITAL,
  description: 'A point where patients are served: guide desk, triage, green channel, cashier window …',
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.field({ type: ServicePointKindEnum, resolve: (p) => p.kind }),
    department: t.relation('department', { nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    isPeakOnly: t.exposeBoolean('isPeakOnly', { description: 'Opened only at peak times (e.g. extra cashier windows).' }),
  }),
});

builder.queryFields((t) => ({
  servicePoints: t.prismaField({
    type: ['ServicePoint'],
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    args: { kind: t.arg({ type: ServicePointKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) => ctx.db.servicePoint.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: { name: 'asc' } }),
  }),
}));
