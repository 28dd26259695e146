// Webhook endpoints and their delivery log, for tenant admins (types + queries). Secrets are never readable:
// they are shown once, by createWebhookEndpoint and rotateWebhookSecret.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { WEBHOOK_EVENT_TYPES } from './webhook.events.ts';
import { webhookEventId } from './webhook.events.ts';

export const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  subGraphs: TENANT_GRAPHS,
  description: 'What a webhook endpoint subscribes to. Each value is sent as its public name in the payload’s `type` (e.g. `task.changed`).',
  values: Object.fromEntries(WEBHOOK_EVENT_TYPES.map((t) => [t.value, { description: `\`${t.name}\` — ${t.description}` }])) as Record<
    (typeof WEBHOOK_EVENT_TYPES)[number]['value'],
    { description: string }
  >,
});

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  subGraphs: TENANT_GRAPHS,
  values: {
    PENDING: { description: 'Not attempted yet (or redelivery asked for).' },
    RETRYING: { description: 'Failed; attempted again at `nextAttemptAt` (exponential backoff). Later deliveries of the endpoint wait for it.' },
    SUCCEEDED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Given up: its endpoint was disabled after too many consecutive failures. `redeliverWebhook` tries again.' },
  },
});

const ADMIN = { role: 'TENANT_ADMIN' } as const;

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  description: 'One event sent (or to be sent) to one endpoint, with the outcome of its last attempt.',
  fields: (t) => ({
    eventId: t.string({
      description: 'The event’s id: the `webhook-id` header and `data.id` (the same on every attempt; de-duplicate on it).',
      resolve: (d) => webhookEventId(d.tenantId, d.eventSeq),
    }),
    eventSeq: t.string({
      description: 'The event’s place in the tenant’s event log (a decimal string); deliveries of an endpoint go in this order.',
      resolve: (d) => String(d.eventSeq),
    }),
    eventType: t.field({ type: WebhookEventTypeEnum, resolve: (d) => d.eventType as never }),
    status: t.field({ type: WebhookDeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts'),
    responseCode: t.exposeInt('lastResponseCode', { nullable: true, description: 'The HTTP status of the last attempt (null: no answer).' }),
    latencyMs: t.exposeInt('lastLatencyMs', { nullable: true, description: 'How long the last attempt took, in milliseconds.' }),
    error: t.exposeString('lastError', { nullable: true, description: 'Why the last attempt failed.' }),
    responseBody: t.exposeString('lastResponseBody', { nullable: true, description: 'The first bytes (at most 4 KiB) of the last answer.' }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it is attempted next (null once it succeeded or was given up).',
      resolve: (d) => (d.status === 'PENDING' || d.status === 'RETRYING' ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    endpoint: t.relation('endpoint'),
  }),
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  description: 'Where the tenant’s events are POSTed, signed per the Standard Webhooks specification.',
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], resolve: (e) => e.eventTypes as never }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    failingSince: t.expose('failingSince', { type: 'DateTime', nullable: true }),
    secretRotatedAt: t.expose('secretRotatedAt', { type: 'DateTime', nullable: true }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until then deliveries carry a signature with the previous secret too (after a rotation).',
      resolve: (e) => (e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        totalCount: true,
        description: 'The delivery log, newest event first; `status` filters.',
        args: { status: t.arg({ type: [WebhookDeliveryStatusEnum], required: false }) },
        query: (args) => ({
          where: args.status?.length ? { status: { in: args.status } } : {},
          orderBy: [{ eventSeq: 'desc' }, { id: 'desc' }],
        }),
      },
      connectionNamed('WebhookDelivery'),
      edgeNamed('WebhookDelivery'),
    ),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.prismaConnection(
    {
      type: 'WebhookEndpoint',
      cursor: 'id',
      subGraphs: TENANT_GRAPHS,
      authScopes: ADMIN,
      description: 'The tenant’s webhook endpoints (tenant admins).',
      totalCount: (_root, _args, ctx) => ctx.db.webhookEndpoint.count(),
      resolve: (query, _root, _args, ctx) => ctx.db.webhookEndpoint.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    },
    connectionNamed('WebhookEndpoint'),
    edgeNamed('WebhookEndpoint'),
  ),
}));
