// A tenant's partner origins (CORS allow-list), read by its admins.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { MAX_CORS_ORIGINS } from './cors-origin.service.ts';

export const CorsOriginRef = builder.prismaNode('TenantCorsOrigin', {
  name: 'CorsOrigin',
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  description:
    'A browser origin allowed to call the API for this tenant: responses to requests acting in the tenant carry Access-Control-Allow-Origin (and -Credentials) for it, and for nothing else.',
  fields: (t) => ({
    origin: t.exposeString('origin', { description: 'scheme://host[:port], as browsers send it in the Origin header.' }),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  corsOrigins: t.prismaField({
    type: ['TenantCorsOrigin'],
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    description: `The tenant's partner origins (CORS allow-list), oldest first; at most ${MAX_CORS_ORIGINS}, so not paged.`,
    resolve: (query, _root, _args, ctx) => ctx.db.tenantCorsOrigin.findMany({ ...query, orderBy: { createdAt: 'asc' }, take: MAX_CORS_ORIGINS }),
  }),
}));
