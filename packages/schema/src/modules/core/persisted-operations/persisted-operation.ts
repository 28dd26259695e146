// A tenant's persisted operations (trusted documents), read by its admins.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';

export const PersistedOperationRef = builder.prismaNode('PersistedOperation', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  description:
    "A partner app's GraphQL document, registered by the SHA-256 of its exact text: a request may name it with " +
    '`extensions: { persistedQuery: { version: 1, sha256Hash } }` (or `documentId: "sha256:<hash>"`) instead of sending the text.',
  fields: (t) => ({
    clientName: t.exposeString('clientName', { description: 'The partner app it belongs to.' }),
    hash: t.exposeString('hash', { description: 'SHA-256 of the document, lower-case hex.' }),
    document: t.exposeString('document'),
    operationName: t.exposeString('operationName', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  persistedOperations: t.prismaConnection(
    {
      type: 'PersistedOperation',
      cursor: 'id',
      subGraphs: TENANT_GRAPHS,
      authScopes: { role: 'TENANT_ADMIN' },
      description: "The tenant's persisted operations, oldest first; `clientName` narrows them to one partner app.",
      args: { clientName: t.arg.string({ required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.persistedOperation.count({ where: args.clientName ? { clientName: args.clientName } : {} }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.persistedOperation.findMany({
          ...query,
          where: args.clientName ? { clientName: args.clientName } : {},
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        }),
    },
    connectionNamed('PersistedOperation'),
    edgeNamed('PersistedOperation'),
  ),
}));
