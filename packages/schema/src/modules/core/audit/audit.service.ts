// Every admin action is written to the tenant's audit log in the same transaction as the change,
// and published to live audit feeds once that transaction commits.
import type { Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** What changed: never secrets, never personal or health data. */
  data?: Prisma.InputJsonValue;
  /** Defaults to the acting tenant. */
  tenantId?: string;
}

export const auditTopic = (tenantId: string) => `audit:${tenantId}`;

export async function recordAudit(deps: ServiceDeps, record: AuditRecord) {
  const tenantId = record.tenantId ?? deps.access.tenantId;
  if (!tenantId) throw new Error('recordAudit needs a tenant');
  const entry = await deps.db.auditLogEntry.create({
    data: {
      tenantId,
      actorUserId: deps.access.userId,
      actorApiKeyId: deps.access.apiKeyId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId ?? null,
      data: record.data ?? undefined,
      requestId: deps.requestId,
    },
  });
  deps.publishAfterCommit?.(auditTopic(tenantId), entry);
  return entry;
}
