import { builder, TENANT_GRAPHS } from '../../../builder.ts';

export const DepartmentRef = builder.prismaNode('Department', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    name: t.exposeString('name'),
    code: t.exposeString('code', { nullable: true }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: { name: 'asc' } } }),
    members: t.relation('memberships', { query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

builder.queryFields((t) => ({
  departments: t.prismaField({
    type: ['Department'],
    subGraphs: TENANT_GRAPHS,
    authScopes: { member: true },
    resolve: (query, _root, _args, ctx) => ctx.db.department.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
}));
