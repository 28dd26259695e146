// The tenant's audit log: a paginated query and a live feed for tenant admins.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import type { AuditLogEntry } from '@jiedai/db';
import { hasRole } from '../../../shared/access.ts';
import { auditTopic } from './audit.service.ts';
import { USER_REFERENCE, userById } from '../identity/user.ts';

export const AuditLogEntryRef = builder.prismaNode('AuditLogEntry', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    action: t.exposeString('action', { description: 'What was done, e.g. member.added, api_key.revoked.' }),
    targetType: t.exposeString('targetType'),
    targetId: t.globalID({
      nullable: true,
      resolve: (e) => (e.targetId ? { type: e.targetType, id: e.targetId } : null),
    }),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: `The person who did it (${USER_REFERENCE}); null as well when an API key did it (see actorApiKey).`,
      resolve: (query, e, _args, ctx) => userById(ctx, query, e.actorUserId),
    }),
    actorApiKey: t.prismaField({
      type: 'ApiKey',
      nullable: true,
      description: 'The API key that did it, if one did (revoked keys included).',
      resolve: (query, e, _args, ctx) => (e.actorApiKeyId ? ctx.db.apiKey.findUnique({ ...query, where: { id: e.actorApiKeyId } }) : null),
    }),
    actorUserId: t.globalID({
      nullable: true,
      deprecationReason: 'Use `actor { id }`.',
      description: 'The global id of the person who did it. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
      resolve: (e) => (e.actorUserId ? { type: 'User', id: e.actorUserId } : null),
    }),
    actorApiKeyId: t.globalID({
      nullable: true,
      deprecationReason: 'Use `actorApiKey { id }`.',
      description: 'The global id of the API key that did it. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
      resolve: (e) => (e.actorApiKeyId ? { type: 'ApiKey', id: e.actorApiKeyId } : null),
    }),
    data: t.expose('data', { type: 'JSON', nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.prismaConnection(
    {
      type: 'AuditLogEntry',
      cursor: 'id',
      totalCount: (_root, args, ctx) => ctx.db.auditLogEntry.count({ where: args.action ? { action: args.action } : {} }),
      subGraphs: TENANT_GRAPHS,
      authScopes: { role: 'TENANT_ADMIN' },
      args: { action: t.arg.string({ required: false }) },
      resolve: (query, _root, args, ctx) =>
        ctx.db.auditLogEntry.findMany({
          ...query,
          where: args.action ? { action: args.action } : {},
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    connectionNamed('AuditLogEntry'),
    edgeNamed('AuditLogEntry'),
  ),
}));

builder.subscriptionFields((t) => ({
  auditLogAppended: t.field({
    type: AuditLogEntryRef,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    description: "Each new entry of the tenant's audit log, as it commits. Ends when the viewer stops being a tenant admin.",
    subscribe: (_root, _args, ctx) => stillAdmin(ctx, ctx.services.events.subscribe(auditTopic(ctx.access.tenantId!))),
    resolve: (entry) => entry as AuditLogEntry,
  }),
}));

async function* stillAdmin(ctx: Parameters<typeof hasRoleCheck>[0], source: AsyncIterable<unknown>) {
  for await (const event of source) {
    if (!(await hasRoleCheck(ctx))) return;
    yield event;
  }
}

async function hasRoleCheck(ctx: { withScope: import('../../../context.ts').Context['withScope'] }) {
  return ctx.withScope(async (_db, access) => hasRole(access, 'TENANT_ADMIN')).catch(() => false);
}
