// API keys for partner frontends: `jdk_<tenant>_<secret>`. The tenant part lets the gateway set the
// tenant before looking the key up (under RLS, like everything else); the secret has 192 random bits.
// Only a SHA-256 of the whole key is stored (a high-entropy secret needs no slow hash), and the key
// is shown once, when created.
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { newLinkToken, parseLinkToken } from '../../../shared/public-links.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { accessChanged } from '../events/event.service.ts';
import { IdentityError } from './identity.errors.ts';

export const API_KEY_PREFIX = 'jdk_';

/** Reads the tenant out of a key's text; the key is only trusted once its hash is found. */
export function parseApiKey(key: string): { tenantId: string; secretHash: string } | null {
  const parsed = parseLinkToken(API_KEY_PREFIX, key);
  return parsed && { tenantId: parsed.tenantId, secretHash: parsed.tokenHash };
}

const createInput = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER']),
});

export async function createApiKey(deps: ServiceDeps, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  const tenantId = deps.access.tenantId!;
  const { token: secret, tokenHash } = newLinkToken(API_KEY_PREFIX, tenantId);
  const apiKey = await deps.db.apiKey.create({
    data: {
      tenantId,
      name: data.name,
      role: data.role,
      prefix: secret.slice(0, API_KEY_PREFIX.length + 22 + 5),
      secretHash: tokenHash,
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
