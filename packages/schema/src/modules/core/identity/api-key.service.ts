// API keys for partner frontends: `jdk_<tenant>_<secret>`. The tenant part lets the gateway set the
// tenant before looking the key up (under RLS, like everything else); the secret has 192 random bits.
// Only a SHA-256 of the whole key is stored (a high-entropy secret needs no slow hash), and the key
// is shown once, when created.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { accessChanged } from '../events/event.service.ts';
import { IdentityError } from './identity.errors.ts';

export const API_KEY_PREFIX = 'jdk_';
const KEY_PATTERN = /^jdk_([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{32})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Reads the tenant out of a key's text; the key is only trusted once its hash is found. */
export function parseApiKey(key: string): { tenantId: string; secretHash: string } | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { tenantId, secretHash: hashApiKey(key) };
}

function newKey(tenantId: string): string {
  const tenant = Buffer.from(tenantId.replace(/-/g, ''), 'hex').toString('base64url');
  return `${API_KEY_PREFIX}${tenant}_${randomBytes(24).toString('base64url')}`;
}

const createInput = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER']),
});

export async function createApiKey(deps: ServiceDeps, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  const tenantId = deps.access.tenantId!;
  const secret = newKey(tenantId);
  const apiKey = await deps.db.apiKey.create({
    data: {
      tenantId,
      name: data.name,
      role: data.role,
      prefix: secret.slice(0, API_KEY_PREFIX.length + 22 + 5),
      secretHash: hashApiKey(secret),
      createdById: deps.access.userId,
    },
  });
  await recordAudit(deps, {
    action: 'api_key.created',
    targetType: 'ApiKey',
    targetId: apiKey.id,
    data: { name: apiKey.name, role: apiKey.role },
  });
  return { apiKey, secret };
}

export async function revokeApiKey(deps: ServiceDeps, id: string) {
  const existing = await deps.db.apiKey.findUnique({ where: { id } });
  if (!existing) throw new IdentityError('NOT_FOUND', 'No such API key');
  if (existing.revokedAt) return existing;
  const apiKey = await deps.db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  await recordAudit(deps, { action: 'api_key.revoked', targetType: 'ApiKey', targetId: id });
  // Live streams of this key end at this point (they re-check access, see event-stream.ts).
  await accessChanged(deps, { apiKeyId: id, reason: 'api_key.revoked' });
  return apiKey;
}
