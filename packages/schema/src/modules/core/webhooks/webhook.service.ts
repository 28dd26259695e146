// Webhook endpoints (admin work) and their deliveries (the job runner's work), over the tenant's event log.
// Services know no GraphQL; every function runs in a tenant transaction under RLS (an operation's, or a job's
// through JobContext.inTenant), so a tenant only ever touches its own endpoints and deliveries.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, WebhookDelivery, WebhookEndpoint } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { WebhookError } from './webhook.errors.ts';
import { availableTo, publicEventType, WEBHOOK_EVENT_TYPE_VALUES, webhookEventId, webhookPayload, type LoggedEvent } from './webhook.events.ts';
import { checkTarget, TargetRefused, type Resolve, type WebhookSettings } from './webhook.guard.ts';
import type { Attempt } from './webhook.sender.ts';

/** Published after commit when an endpoint needs the job runner (re-enabled, redelivery): the gateway queues a dispatch. */
export const webhooksTopic = (tenantId: string) => `webhooks:${tenantId}`;

export const SECRET_PREFIX = 'whsec_';
/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

const MAX_OVERLAP_HOURS = 7 * 24;
/** How long a sender holds an endpoint (one attempt is at most `timeoutMs`). */
const leaseMs = (settings: WebhookSettings) => settings.timeoutMs + 30_000;

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPE_VALUES))
  .min(1)
  .max(50)
  .transform((types) => [...new Set(types)]);
const createInput = z.object({
  url: z.string().trim().min(8).max(2000),
  description: z.string().trim().max(500).nullish(),
  eventTypes,
});
const updateInput = z.object({
  id: z.string().uuid(),
  url: z.string().trim().min(8).max(2000).nullish(),
  description: z.string().trim().max(500).nullish(),
  eventTypes: eventTypes.nullish(),
  enabled: z.boolean().nullish(),
});
const rotateInput = z.object({ id: z.string().uuid(), overlapHours: z.number().int().min(0).max(MAX_OVERLAP_HOURS).default(24) });

async function checkUrl(deps: ServiceDeps, settings: WebhookSettings, url: string, resolve?: Resolve) {
  try {
    return (await checkTarget(url, deps.access.tenantId!, settings, resolve)).toString();
  } catch (error) {
    if (error instanceof TargetRefused) throw new WebhookError('URL_NOT_ALLOWED', error.message, ['url']);
    throw error;
  }
}

function checkTypes(deps: ServiceDeps, types: readonly string[]) {
  types.forEach((type, i) => {
    if (!availableTo(type, deps.access.tenantKind)) {
      throw new WebhookError('EVENT_TYPE_NOT_AVAILABLE', `${type} is never sent by a ${deps.access.tenantKind ?? 'tenant'} tenant`, ['eventTypes', String(i)]);
    }
  });
}

async function findEndpoint(deps: ServiceDeps, id: string) {
  const endpoint = await deps.db.webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw new WebhookError('NOT_FOUND', 'No such webhook endpoint', ['id']);
  return endpoint;
}

const kick = (deps: ServiceDeps, endpointId: string) => deps.publishAfterCommit?.(webhooksTopic(deps.access.tenantId!), { endpointId });

export async function createWebhookEndpoint(deps: ServiceDeps, settings: WebhookSettings, input: z.input<typeof createInput>, resolve?: Resolve) {
  const data = parseInput(createInput, input);
  checkTypes(deps, data.eventTypes);
  const url = await checkUrl(deps, settings, data.url, resolve);
  const secret = newWebhookSecret();
  // Events from now on: the cursor starts at the tenant's last event.
  const counter = await deps.db.tenantEventCounter.findUnique({ where: { tenantId: deps.access.tenantId! } });
  const endpoint = await deps.db.webhookEndpoint.create({
    data: {
      tenantId: deps.access.tenantId!,
      url,
      description: data.description ?? null,
      eventTypes: data.eventTypes,
      secret,
      dispatchedSeq: counter?.seq ?? 0n,
      createdById: deps.access.userId,
    },
  });
  await recordAudit(deps, {
    action: 'webhook_endpoint.created',
    targetType: 'WebhookEndpoint',
    targetId: endpoint.id,
    data: { url, eventTypes: data.eventTypes },
  });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(deps: ServiceDeps, settings: WebhookSettings, input: z.input<typeof updateInput>, resolve?: Resolve) {
  const data = parseInput(updateInput, input);
  const existing = await findEndpoint(deps, data.id);
  const change: Prisma.WebhookEndpointUpdateInput = {};
  if (data.url != null) change.url = await checkUrl(deps, settings, data.url, resolve);
  if (data.description !== undefined) change.description = data.description;
  if (data.eventTypes) {
    checkTypes(deps, data.eventTypes);
    change.eventTypes = data.eventTypes;
  }
  if (data.enabled === true && !existing.enabled) {
    Object.assign(change, { enabled: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null });
  } else if (data.enabled === false && existing.enabled) {
    Object.assign(change, { enabled: false, disabledAt: new Date(), disabledReason: 'Disabled by an administrator' });
  }
  const endpoint = await deps.db.webhookEndpoint.update({ where: { id: data.id }, data: change });
  await recordAudit(deps, {
    action:
      data.enabled === true && !existing.enabled
        ? 'webhook_endpoint.enabled'
        : data.enabled === false && existing.enabled
          ? 'webhook_endpoint.disabled'
          : 'webhook_endpoint.updated',
    targetType: 'WebhookEndpoint',
    targetId: endpoint.id,
    data: { url: endpoint.url, eventTypes: endpoint.eventTypes, enabled: endpoint.enabled },
  });
  if (endpoint.enabled) kick(deps, endpoint.id);
  return endpoint;
}

/** A new secret; the previous one stays valid (both signatures are sent) for `overlapHours` (0: at once invalid). */
export async function rotateWebhookSecret(deps: ServiceDeps, input: z.input<typeof rotateInput>) {
  const data = parseInput(rotateInput, input);
  const existing = await findEndpoint(deps, data.id);
  const secret = newWebhookSecret();
  const now = new Date();
  const overlap = data.overlapHours > 0;
  const endpoint = await deps.db.webhookEndpoint.update({
    where: { id: data.id },
    data: {
      secret,
      previousSecret: overlap ? existing.secret : null,
      previousSecretExpiresAt: overlap ? new Date(now.getTime() + data.overlapHours * 3_600_000) : null,
      secretRotatedAt: now,
    },
  });
  await recordAudit(deps, {
    action: 'webhook_endpoint.secret_rotated',
    targetType: 'WebhookEndpoint',
    targetId: endpoint.id,
    data: { overlapHours: data.overlapHours },
  });
  return { endpoint, secret };
}

export async function deleteWebhookEndpoint(deps: ServiceDeps, id: string) {
  const endpoint = await findEndpoint(deps, id);
  await deps.db.webhookEndpoint.delete({ where: { id } });
  await recordAudit(deps, { action: 'webhook_endpoint.deleted', targetType: 'WebhookEndpoint', targetId: id, data: { url: endpoint.url } });
  return { id };
}

/** Sends a delivery again (whatever its status): it becomes due now, before the endpoint's later deliveries. */
export async function redeliverWebhook(deps: ServiceDeps, deliveryId: string) {
  const existing = await deps.db.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!existing) throw new WebhookError('NOT_FOUND', 'No such webhook delivery', ['deliveryId']);
  const delivery = await deps.db.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'PENDING', nextAttemptAt: new Date() } });
  await recordAudit(deps, {
    action: 'webhook_delivery.redelivered',
    targetType: 'WebhookDelivery',
    targetId: deliveryId,
    data: { endpointId: existing.endpointId, eventSeq: String(existing.eventSeq) },
  });
  kick(deps, existing.endpointId);
  return delivery;
}

/** The secrets a delivery is signed with now: the current one, and the previous one during its overlap. */
export function validSecrets(endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now = new Date()): string[] {
  return endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
    ? [endpoint.secret, endpoint.previousSecret]
    : [endpoint.secret];
}

// ── the job runner's side ──────────────────────────────────────────────────────────────────────────

const DISPATCH_BATCH = 1_000;

interface EventRow {
  seq: bigint;
  topic: string;
  type: string;
}

/**
 * Makes the deliveries of the events after each enabled endpoint's cursor, in seq order, and moves the cursor.
 * The endpoint row is locked for it, so dispatchers of one tenant take turns; UNIQUE (endpoint, event) makes
 * a delivery once whatever happens. Returns the endpoints that have deliveries to send.
 */
export async function dispatchWebhooks(deps: ServiceDeps): Promise<{ created: number; endpointsToSend: string[] }> {
  const endpoints = await deps.db.$queryRaw<{ id: string; event_types: string[]; dispatched_seq: bigint }[]>`
    SELECT id, event_types, dispatched_seq FROM webhook_endpoints WHERE enabled ORDER BY id FOR UPDATE`;
  let created = 0;
  for (const endpoint of endpoints) {
    let cursor = endpoint.dispatched_seq;
    const subscribed = new Set(endpoint.event_types);
    for (;;) {
      const events = await deps.db.$queryRaw<EventRow[]>`
        SELECT seq, topic, type FROM event_log WHERE tenant_id = app_tenant_id() AND seq > ${cursor} ORDER BY seq LIMIT ${DISPATCH_BATCH}`;
      if (events.length === 0) break;
      const wanted = events.flatMap((e) => {
        const def = publicEventType(e.topic, e.type);
        return def && subscribed.has(def.value) ? [{ seq: e.seq, type: def.value }] : [];
      });
      if (wanted.length > 0) {
        created += await deps.db.$executeRaw`
          INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_seq, event_type)
          SELECT app_tenant_id(), ${endpoint.id}::uuid, s, t
          FROM unnest(${wanted.map((w) => w.seq)}::bigint[], ${wanted.map((w) => w.type)}::text[]) AS x(s, t)
          ON CONFLICT (endpoint_id, event_seq) DO NOTHING`;
      }
      cursor = events[events.length - 1]!.seq;
      if (events.length < DISPATCH_BATCH) break;
    }
    if (cursor !== endpoint.dispatched_seq) {
      await deps.db.$executeRaw`UPDATE webhook_endpoints SET dispatched_seq = ${cursor} WHERE id = ${endpoint.id}::uuid AND dispatched_seq < ${cursor}`;
    }
  }
  const open = await deps.db.$queryRaw<{ endpoint_id: string }[]>`
    SELECT DISTINCT d.endpoint_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
    WHERE e.enabled AND d.status IN ('PENDING', 'RETRYING')`;
  return { created, endpointsToSend: open.map((r) => r.endpoint_id) };
}

/** Whether the tenant has webhook work waiting: events not yet dispatched, or deliveries due with no sender on them. */
export async function webhookWorkWaiting(deps: ServiceDeps): Promise<boolean> {
  const [row] = await deps.db.$queryRaw<{ waiting: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM webhook_endpoints e
      WHERE e.enabled AND (
        e.dispatched_seq < coalesce((SELECT c.seq FROM tenant_event_counters c WHERE c.tenant_id = app_tenant_id()), 0)
        OR ((e.lease_until IS NULL OR e.lease_until < now())
            AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id
                        AND d.status IN ('PENDING', 'RETRYING') AND d.next_attempt_at <= now())))
    ) AS waiting`;
  return row?.waiting ?? false;
}

export type NextDelivery =
  | { kind: 'send'; endpoint: WebhookEndpoint; delivery: WebhookDelivery; msgId: string; body: string }
  /** Nothing to send, or the endpoint is gone or disabled. */
  | { kind: 'idle' }
  /** Another sender holds the endpoint, or the next delivery waits for its retry time: come back then. */
  | { kind: 'later'; at: Date };

/**
 * Takes the endpoint's lease and its next delivery (the lowest seq not delivered): deliveries of an endpoint go
 * in seq order, a failing one holds the later ones back. The lease is released when the attempt is recorded.
 */
export async function takeNextDelivery(deps: ServiceDeps, endpointId: string, settings: WebhookSettings): Promise<NextDelivery> {
  const now = new Date();
  const leased = await deps.db.$queryRaw<{ id: string }[]>`
    UPDATE webhook_endpoints SET lease_until = ${new Date(now.getTime() + leaseMs(settings))}
    WHERE id = ${endpointId}::uuid AND enabled AND (lease_until IS NULL OR lease_until < now()) RETURNING id`;
  if (leased.length === 0) {
    const endpoint = await deps.db.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { enabled: true, leaseUntil: true } });
    if (!endpoint?.enabled) return { kind: 'idle' };
    return { kind: 'later', at: new Date((endpoint.leaseUntil?.getTime() ?? now.getTime()) + 500) };
  }
  const endpoint = await deps.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
  const delivery = await deps.db.webhookDelivery.findFirst({
    where: { endpointId, status: { in: ['PENDING', 'RETRYING'] } },
    orderBy: { eventSeq: 'asc' },
  });
  if (!delivery || delivery.nextAttemptAt > now) {
    await deps.db.webhookEndpoint.update({ where: { id: endpointId }, data: { leaseUntil: null } });
    return delivery ? { kind: 'later', at: delivery.nextAttemptAt } : { kind: 'idle' };
  }
  const event = await deps.db.eventLogEntry.findUniqueOrThrow({ where: { tenantId_seq: { tenantId: endpoint.tenantId, seq: delivery.eventSeq } } });
  const def = publicEventType(event.topic, event.type);
  if (!def) throw new Error(`Event ${event.seq} (${event.topic}/${event.type}) has no public type`);
  const body = webhookPayload(event as LoggedEvent, def);
  return { kind: 'send', endpoint, delivery, msgId: webhookEventId(endpoint.tenantId, delivery.eventSeq), body };
}

/** The wait before retry `attempt` (1-based): base × 2^(attempt − 1), capped, ±20 % jitter. */
export function retryDelayMs(attempt: number, settings: WebhookSettings, random = Math.random): number {
  const raw = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

export type AttemptOutcome = { kind: 'delivered' } | { kind: 'retry'; at: Date } | { kind: 'disabled' } | { kind: 'gone' };

/** Records one attempt, releases the endpoint's lease; after `maxAttempts` consecutive failures the endpoint is disabled (audited). */
export async function recordAttempt(
  deps: ServiceDeps,
  delivery: Pick<WebhookDelivery, 'id' | 'endpointId' | 'eventSeq'>,
  attempt: Attempt,
  settings: WebhookSettings,
): Promise<AttemptOutcome> {
  const now = new Date();
  const endpoint = await deps.db.webhookEndpoint.findUnique({ where: { id: delivery.endpointId } });
  const current = await deps.db.webhookDelivery.findUnique({ where: { id: delivery.id } });
  if (!endpoint || !current) return { kind: 'gone' };
  const attempts = current.attempts + 1;
  const common = {
    attempts,
    lastResponseCode: attempt.status,
    lastLatencyMs: attempt.latencyMs,
    lastError: attempt.error?.slice(0, 2000) ?? null,
    lastResponseBody: attempt.body?.slice(0, Math.min(4096, settings.responseBodyBytes)) ?? null,
    lastAttemptAt: now,
  };
  if (attempt.ok) {
    await deps.db.webhookDelivery.update({ where: { id: delivery.id }, data: { ...common, status: 'SUCCEEDED', deliveredAt: now } });
    await deps.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { leaseUntil: null, consecutiveFailures: 0, failingSince: null } });
    return { kind: 'delivered' };
  }
  const failures = endpoint.consecutiveFailures + 1;
  const failingSince = endpoint.failingSince ?? now;
  if (failures >= settings.maxAttempts) {
    const reason = `${failures} consecutive failed attempts since ${failingSince.toISOString()} (last: ${attempt.error ?? 'failed'})`.slice(0, 500);
    await deps.db.webhookDelivery.update({ where: { id: delivery.id }, data: { ...common, status: 'FAILED' } });
    await deps.db.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { leaseUntil: null, consecutiveFailures: failures, failingSince, enabled: false, disabledAt: now, disabledReason: reason },
    });
    await recordAudit(deps, {
      action: 'webhook_endpoint.disabled',
      targetType: 'WebhookEndpoint',
      targetId: endpoint.id,
      data: { reason, consecutiveFailures: failures, failingSince: failingSince.toISOString(), lastResponseCode: attempt.status },
    });
    return { kind: 'disabled' };
  }
  const at = new Date(now.getTime() + retryDelayMs(failures, settings));
  await deps.db.webhookDelivery.update({ where: { id: delivery.id }, data: { ...common, status: 'RETRYING', nextAttemptAt: at } });
  await deps.db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { leaseUntil: null, consecutiveFailures: failures, failingSince } });
  return { kind: 'retry', at };
}
