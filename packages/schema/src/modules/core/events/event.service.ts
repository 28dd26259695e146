// The tenant's event log: every change that others may be watching is appended in the same
// transaction as the change (no event for a rolled-back change) and published after commit.
// `seq` numbers a tenant's events without gaps, in commit order (see append_event in 0002_visits.sql).
import type { Db, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';

export interface DomainEvent {
  tenantId: string;
  /** Gapless per tenant; the cursor a subscriber resumes after. A decimal string (bigint). */
  seq: string;
  topic: string;
  type: string;
  subjectId: string | null;
  actorUserId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

export const tenantEventsTopic = (tenantId: string) => `events:${tenantId}`;

interface EventRow {
  tenant_id: string;
  seq: bigint;
  topic: string;
  type: string;
  subject_id: string | null;
  actor_user_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

const toEvent = (row: EventRow): DomainEvent => ({
  tenantId: row.tenant_id,
  seq: String(row.seq),
  topic: row.topic,
  type: row.type,
  subjectId: row.subject_id,
  actorUserId: row.actor_user_id,
  payload: row.payload,
  createdAt: new Date(row.created_at).toISOString(),
});

export interface NewEvent {
  topic: string;
  type: string;
  subjectId?: string | null;
  payload: Prisma.InputJsonValue;
}

/**
 * Records an event of the current change. Inside an operation (deps.queueEvent) the event is queued
 * and appended with the operation's others as its last statement before COMMIT (appendEvents), so
 * the tenant's event counter is held only for the commit; elsewhere it is appended at once. Either
 * way it is published only after the commit, and a rolled-back change leaves no event.
 */
export async function appendEvent(deps: ServiceDeps, event: NewEvent): Promise<void> {
  if (deps.queueEvent) return deps.queueEvent(event);
  for (const appended of await appendEvents(deps.db, deps.access.userId, [event])) {
    deps.publishAfterCommit?.(tenantEventsTopic(appended.tenantId), appended);
  }
}

/** Appends events in order with consecutive seqs, in one statement (append_events in 0006_event_batches.sql). */
export async function appendEvents(db: Db, actorUserId: string | null, events: readonly NewEvent[]): Promise<DomainEvent[]> {
  if (events.length === 0) return [];
  const batch = events.map((e) => ({ topic: e.topic, type: e.type, subjectId: e.subjectId ?? null, payload: e.payload }));
  const rows = await db.$queryRaw<EventRow[]>`
    SELECT * FROM append_events(${actorUserId}::uuid, ${JSON.stringify(batch)}::jsonb)`;
  return rows.sort((a, b) => (a.seq < b.seq ? -1 : 1)).map(toEvent);
}

/** The tenant's events after `after` (exclusive), oldest first, at most `limit`. */
export async function eventsAfter(db: Db, after: bigint, limit: number): Promise<DomainEvent[]> {
  const rows = await db.$queryRaw<EventRow[]>`
    SELECT tenant_id, seq, topic, type, subject_id, actor_user_id, payload, created_at
    FROM event_log WHERE tenant_id = app_tenant_id() AND seq > ${after} ORDER BY seq LIMIT ${limit}`;
  return rows.map(toEvent);
}

/** A membership or API key changed: live subscriptions re-check their viewer's access. */
export const ACCESS_TOPIC = 'access';
export async function accessChanged(deps: ServiceDeps, change: { userId?: string | null; apiKeyId?: string | null; reason: string }) {
  return appendEvent(deps, {
    topic: ACCESS_TOPIC,
    type: change.reason,
    payload: { userId: change.userId ?? null, apiKeyId: change.apiKeyId ?? null },
  });
}

/**
 * A person's sessions ended (signOut, changePassword, resetPassword): published after commit on the bus (not the
 * tenant's log: a session spans tenants); every open subscription of that person re-checks its token and ends
 * with UNAUTHENTICATED when it no longer counts (the gateway's session watch).
 */
export const sessionsTopic = (userId: string) => `sessions:${userId}`;
