// Admin mutations of webhook endpoints (tenant admins only). A new or rotated secret is shown once.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import type { Context } from '../../../context.ts';
import { WebhookError } from './webhook.errors.ts';
import { DEFAULT_WEBHOOK_SETTINGS } from './webhook.guard.ts';
import { WebhookDeliveryRef, WebhookEndpointRef, WebhookEventTypeEnum } from './webhook.ts';
import { createWebhookEndpoint, deleteWebhookEndpoint, redeliverWebhook, rotateWebhookSecret, updateWebhookEndpoint } from './webhook.service.ts';

const ADMIN = { role: 'TENANT_ADMIN' } as const;
const settings = (ctx: Context) => ctx.services.webhooks ?? DEFAULT_WEBHOOK_SETTINGS;
const SECRET_DESCRIPTION =
  'The signing secret (`whsec_…`), shown this once: verify each delivery with it (Standard Webhooks, e.g. `new Webhook(secret).verify(body, headers)`).';

const WebhookEndpointSecretPayload = builder.objectRef<{ endpoint: { id: string }; secret: string }>('WebhookEndpointSecretPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, resolve: (p) => p.endpoint as never }),
    secret: t.exposeString('secret', { description: SECRET_DESCRIPTION }),
  }),
});

const WebhookEndpointPayload = builder.objectRef<{ endpoint: { id: string } }>('WebhookEndpointPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ endpoint: t.field({ type: WebhookEndpointRef, resolve: (p) => p.endpoint as never }) }),
});

const DeleteWebhookEndpointPayload = builder.objectRef<{ deletedId: string }>('DeleteWebhookEndpointPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    deletedWebhookEndpointId: t.globalID({
      description: 'The endpoint deleted (its deliveries went with it).',
      resolve: (p) => ({ type: 'WebhookEndpoint', id: p.deletedId }),
    }),
  }),
});

const WebhookDeliveryPayload = builder.objectRef<{ delivery: { id: string } }>('WebhookDeliveryPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ delivery: t.field({ type: WebhookDeliveryRef, resolve: (p) => p.delivery as never }) }),
});

mutationField({
  name: 'createWebhookEndpoint',
  description: 'Subscribes a URL to event types. The URL must be https and public (see the README’s SSRF rules); the secret is returned once.',
  payload: WebhookEndpointSecretPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  errors: [WebhookError],
  input: (t) => ({
    url: t.string({ required: true }),
    description: t.string({ required: false }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: true }),
  }),
  idempotency: { once: { id: (p) => p.endpoint.id, typename: 'WebhookEndpoint' } },
  run: (deps, input, ctx) => createWebhookEndpoint(deps, settings(ctx), input),
});

mutationField({
  name: 'updateWebhookEndpoint',
  description: 'Changes the URL, description or event types, or disables / re-enables the endpoint (re-enabling sends what it missed, in order).',
  payload: WebhookEndpointPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  errors: [WebhookError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [WebhookEndpointRef] }),
    url: t.string({ required: false }),
    description: t.string({ required: false }),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], required: false }),
    enabled: t.boolean({ required: false }),
  }),
  run: async (deps, input, ctx) => ({ endpoint: await updateWebhookEndpoint(deps, settings(ctx), { ...input, id: input.id.id }) }),
});

mutationField({
  name: 'rotateWebhookSecret',
  description:
    'A new signing secret, returned once. For `overlapHours` (default 24, at most 168; 0: none) deliveries are signed with both secrets (two space-separated signatures), so receivers can switch without losing one.',
  payload: WebhookEndpointSecretPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  errors: [WebhookError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [WebhookEndpointRef] }),
    overlapHours: t.int({ required: false }),
  }),
  run: (deps, input) => rotateWebhookSecret(deps, { id: input.id.id, ...(input.overlapHours != null ? { overlapHours: input.overlapHours } : {}) }),
});

mutationField({
  name: 'deleteWebhookEndpoint',
  payload: DeleteWebhookEndpointPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  errors: [WebhookError],
  input: (t) => ({ id: t.globalID({ required: true, for: [WebhookEndpointRef] }) }),
  run: async (deps, input) => {
    await deleteWebhookEndpoint(deps, input.id.id);
    return { deletedId: input.id.id };
  },
});

mutationField({
  name: 'redeliverWebhook',
  description: 'Sends a delivery again, whatever its status, before the endpoint’s later deliveries (same `webhook-id`).',
  payload: WebhookDeliveryPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: ADMIN,
  errors: [WebhookError],
  input: (t) => ({ deliveryId: t.globalID({ required: true, for: [WebhookDeliveryRef] }) }),
  run: async (deps, input) => ({ delivery: await redeliverWebhook(deps, input.deliveryId.id) }),
});
