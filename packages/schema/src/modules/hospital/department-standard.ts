// GraphQL of department service standards: each department's standard and its scheduled assessments.
import { builder } from '../../builder.ts';
import { HOSPITAL } from './service-point.ts';
import { CADENCES } from './department-standard.service.ts';

export const CadenceEnum = builder.enumType('StandardCadence', { values: CADENCES, subGraphs: HOSPITAL, description: 'How often a standard is assessed.' });

builder.prismaObject('DepartmentStandardAssessment', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    periodStart: t.string({ description: 'First day of the period (YYYY-MM-DD).', resolve: (a) => a.periodStart.toISOString().slice(0, 10) }),
    assessment: t.relation('assessment'),
    task: t.relation('task', { nullable: true }),
  }),
});

export const DepartmentStandardRef = builder.prismaNode('DepartmentStandard', {
  id: { field: 'id' },
  // Another tenant's id (or none) is not found: node(id:) answers null, as for every other type.
  nullable: true,
  subGraphs: HOSPITAL,
  description: "A department's own service standard: the assessment template it is assessed with, and how often.",
  fields: (t) => ({
    department: t.relation('department'),
    template: t.relation('template'),
    cadence: t.field({ type: CadenceEnum, resolve: (s) => s.cadence }),
    assessor: t.relation('assessor', { nullable: true }),
    active: t.exposeBoolean('active'),
    assessments: t.relation('assessments', {
      description: 'Its scheduled assessments, latest period first.',
      query: { orderBy: { periodStart: 'desc' }, take: 24 },
    }),
  }),
});

builder.queryFields((t) => ({
  departmentStandards: t.prismaField({
    type: ['DepartmentStandard'],
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    resolve: (query, _root, _args, ctx) => ctx.db.departmentStandard.findMany({ ...query, orderBy: { createdAt: 'asc' } }),
  }),
}));
