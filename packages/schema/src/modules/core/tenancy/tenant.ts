import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { TENANT_KINDS } from './tenant.service.ts';

export const TenantKindEnum = builder.enumType('TenantKind', { values: TENANT_KINDS, subGraphs: ALL_GRAPHS });

export const TenantRef = builder.prismaNode('Tenant', {
  id: { field: 'id' },
  subGraphs: ALL_GRAPHS,
  nullable: true,
  description: 'An organization using Jiedai: a government office, a hospital or a hotel.',
  fields: (t) => ({
    kind: t.field({ type: TenantKindEnum, resolve: (tenant) => tenant.kind }),
    name: t.exposeString('name'),
    slug: t.exposeString('slug'),
    locale: t.exposeString('locale', { description: 'BCP 47 tag of the language templates are seeded in (zh-Hans).' }),
    timeZone: t.exposeString('timeZone', { description: 'IANA time zone that due times are shown in.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code of budgets and expenses.' }),
    requireSeparateApprover: t.exposeBoolean('requireSeparateApprover', {
      description:
        'Four-eyes approval: whoever submitted a plan version for approval (or re-opened it by a change) may not approve it; ' +
        'decideVisitPlan refuses with FOUR_EYES_REQUIRED. On by default for government offices, off for hospitals and hotels.',
    }),
    arbitraryOperationsForMembers: t.exposeBoolean('arbitraryOperationsForMembers', {
      description:
        "Whether signed-in members may send any document (true, the default) or only the tenant's persisted operations. API keys are held to them one by one (ApiKey.persistedOperationsOnly).",
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  tenant: t.prismaField({
    type: 'Tenant',
    subGraphs: TENANT_GRAPHS,
    authScopes: { member: true },
    description: 'The tenant this request acts in.',
    resolve: (query, _root, _args, ctx) => ctx.db.tenant.findUniqueOrThrow({ ...query, where: { id: ctx.access.tenantId! } }),
  }),
  tenants: t.prismaConnection(
    {
      type: 'Tenant',
      cursor: 'id',
      totalCount: (_root, args, ctx) => ctx.db.tenant.count({ where: args.kind ? { kind: args.kind } : {} }),
      authScopes: { platformAdmin: true },
      description: 'Every tenant (platform admins only).',
      args: { kind: t.arg({ type: TenantKindEnum, required: false }) },
      resolve: (query, _root, args, ctx) => ctx.db.tenant.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: { createdAt: 'asc' } }),
    },
    connectionNamed('Tenant'),
    edgeNamed('Tenant'),
  ),
}));
