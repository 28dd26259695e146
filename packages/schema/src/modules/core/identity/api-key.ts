import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { RoleEnum } from './user.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';

export const ApiKeyRef = builder.prismaNode('ApiKey', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  description: "A partner frontend's key. The secret is shown once, when created; only its hash is kept.",
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognize it.' }),
    role: t.field({ type: RoleEnum, resolve: (k) => k.role }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    persistedOperationsOnly: t.exposeBoolean('persistedOperationsOnly', {
      description: "Held to the tenant's persisted operations (setApiKeyPersistedOperationsOnly): any other document is refused.",
    }),
  }),
});

builder.queryFields((t) => ({
  apiKeys: t.prismaConnection(
    {
      type: 'ApiKey',
      cursor: 'id',
      totalCount: (_root, _args, ctx) => ctx.db.apiKey.count(),
      subGraphs: TENANT_GRAPHS,
      authScopes: { role: 'TENANT_ADMIN' },
      resolve: (query, _root, _args, ctx) => ctx.db.apiKey.findMany({ ...query, orderBy: { createdAt: 'desc' } }),
    },
    connectionNamed('ApiKey'),
    edgeNamed('ApiKey'),
  ),
}));
