// Persisted operations (trusted documents): a tenant's partner apps' GraphQL documents, registered by the
// SHA-256 of their exact text. The gateway answers a request naming a hash with the registered document
// (services/gateway/src/plugins/persisted-operations.ts, through persisted_operation_document, 0025), and
// refuses other documents from an API key held to persisted operations, or from members when the tenant says
// so (arbitrary_operations_allowed). Gateways forget what they cached when PERSISTED_OPERATIONS_TOPIC is
// published, after the change commits.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { IdentityError } from '../identity/identity.errors.ts';
import { PersistedOperationError } from './persisted-operation.errors.ts';

/** Documents per tenant: an allow-list of apps' operations, not a store. */
export const MAX_PERSISTED_OPERATIONS = 5_000;
/** Documents per registration. */
export const MAX_PER_REGISTRATION = 200;
export const MAX_DOCUMENT_LENGTH = 100_000;

/** Published after a tenant's persisted operations or its policy changed (gateways drop their caches). */
export const PERSISTED_OPERATIONS_TOPIC = 'persisted-operations';

/** The hash a client sends: SHA-256 of the document's exact text (UTF-8), lower-case hex. */
export const documentHash = (document: string) => createHash('sha256').update(document, 'utf8').digest('hex');

const HASH = /^[0-9a-f]{64}$/;

const registerInput = z.object({
  clientName: z.string().trim().min(1).max(100),
  operations: z
    .array(
      z.object({
        document: z.string().min(1).max(MAX_DOCUMENT_LENGTH),
        hash: z.string().trim().toLowerCase().regex(HASH, 'a SHA-256 in hex: 64 characters 0-9a-f').nullish(),
        /** The document's operation name, found by the caller (which parses it). */
        operationName: z.string().max(200).nullish(),
      }),
    )
    .min(1)
    .max(MAX_PER_REGISTRATION),
});

const published = (deps: ServiceDeps) => deps.publishAfterCommit?.(PERSISTED_OPERATIONS_TOPIC, { tenantId: deps.access.tenantId });

/**
 * Registers documents under their SHA-256. A hash given must be the document's; a document registered already
 * (same hash) is kept as it was (registering is idempotent). Answers the rows in the order given.
 */
export async function registerPersistedOperations(deps: ServiceDeps, input: z.input<typeof registerInput>) {
  const data = parseInput(registerInput, input);
  const rows = data.operations.map((op, i) => {
    const hash = documentHash(op.document);
    if (op.hash && op.hash !== hash) {
      throw new PersistedOperationError('HASH_MISMATCH', `operations[${i}]: the document's SHA-256 is ${hash}, not ${op.hash}`);
    }
    return { hash, document: op.document, operationName: op.operationName ?? null };
  });
  const hashes = [...new Set(rows.map((r) => r.hash))];
  const existing = await deps.db.persistedOperation.findMany({ where: { hash: { in: hashes } }, select: { hash: true } });
  const known = new Set(existing.map((r) => r.hash));
  const fresh = rows.filter((r, i) => !known.has(r.hash) && rows.findIndex((o) => o.hash === r.hash) === i);
  if (fresh.length > 0 && (await deps.db.persistedOperation.count()) + fresh.length > MAX_PERSISTED_OPERATIONS) {
    throw new PersistedOperationError('LIMIT_REACHED', `A tenant has at most ${MAX_PERSISTED_OPERATIONS} persisted operations`);
  }
  if (fresh.length > 0) {
    await deps.db.persistedOperation.createMany({
      data: fresh.map((r) => ({ ...r, tenantId: deps.access.tenantId!, clientName: data.clientName, createdById: deps.access.userId })),
      skipDuplicates: true,
    });
    await recordAudit(deps, {
      action: 'persisted_operations.registered',
      targetType: 'Tenant',
      targetId: deps.access.tenantId!,
      data: { clientName: data.clientName, hashes: fresh.map((r) => r.hash) },
    });
    published(deps);
  }
  const saved = await deps.db.persistedOperation.findMany({ where: { hash: { in: hashes } } });
  const byHash = new Map(saved.map((r) => [r.hash, r]));
  return rows.map((r) => byHash.get(r.hash)!);
}

export async function removePersistedOperation(deps: ServiceDeps, id: string) {
  const existing = await deps.db.persistedOperation.findUnique({ where: { id } });
  if (!existing) throw new PersistedOperationError('NOT_FOUND', 'No such persisted operation');
  await deps.db.persistedOperation.delete({ where: { id } });
  await recordAudit(deps, {
    action: 'persisted_operation.removed',
    targetType: 'PersistedOperation',
    targetId: id,
    data: { clientName: existing.clientName, hash: existing.hash },
  });
  published(deps);
  return existing;
}

/** Holds an API key to the tenant's persisted operations (or frees it). */
export async function setApiKeyPersistedOperationsOnly(deps: ServiceDeps, id: string, only: boolean) {
  const existing = await deps.db.apiKey.findUnique({ where: { id } });
  if (!existing) throw new IdentityError('NOT_FOUND', 'No such API key');
  if (existing.persistedOperationsOnly === only) return existing;
  const apiKey = await deps.db.apiKey.update({ where: { id }, data: { persistedOperationsOnly: only } });
  await recordAudit(deps, { action: 'api_key.persisted_operations_only', targetType: 'ApiKey', targetId: id, data: { before: !only, after: only } });
  published(deps);
  return apiKey;
}

/** After the tenant's `arbitraryOperationsForMembers` changed (tenant.service.ts). */
export const persistedOperationPolicyChanged = published;
