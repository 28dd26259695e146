// A tenant's partner origins: the browser origins allowed to call the API for it (CORS). The gateway
// reads them (through cors_origin_allowed, 0023_partner_origins.sql) and forgets what it cached when
// CORS_ORIGINS_TOPIC is published, after the change commits.
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { CorsError } from './cors.errors.ts';

/** Partner origins per tenant: an allow-list, not a directory. */
export const MAX_CORS_ORIGINS = 50;

/** Published after a tenant's origins changed (gateways drop their cached answers). */
export const CORS_ORIGINS_TOPIC = 'cors-origins';

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An origin as browsers send it: `scheme://host[:port]`, lower-case, default port left out. `https` only,
 * but for a local development host (`http://localhost:3000`). Null when the text is not one.
 */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL.has(url.hostname))) return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
  // `new URL` keeps the trailing slash of "https://a.example/" as the path: the origin has none.
  return url.origin;
}

const originInput = z.object({
  origin: z
    .string()
    .max(300)
    .transform((text, ctx) => {
      const origin = normalizeOrigin(text);
      if (!origin) {
        ctx.addIssue({
          code: 'custom',
          message: 'An origin is scheme://host[:port] with no path (https; http only for localhost), e.g. https://partner.example',
        });
        return z.NEVER;
      }
      return origin;
    }),
  note: z.string().trim().max(200).nullish(),
});

export async function addCorsOrigin(deps: ServiceDeps, input: z.input<typeof originInput>) {
  const data = parseInput(originInput, input);
  if ((await deps.db.tenantCorsOrigin.count()) >= MAX_CORS_ORIGINS) {
    throw new CorsError('LIMIT_REACHED', `A tenant has at most ${MAX_CORS_ORIGINS} partner origins`);
  }
  const row = await deps.db.tenantCorsOrigin
    .create({ data: { tenantId: deps.access.tenantId!, origin: data.origin, note: data.note ?? null, createdById: deps.access.userId } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new CorsError('ORIGIN_TAKEN', `${data.origin} is allowed already`);
      throw error;
    });
  await recordAudit(deps, { action: 'cors_origin.added', targetType: 'CorsOrigin', targetId: row.id, data: { origin: row.origin } });
  deps.publishAfterCommit?.(CORS_ORIGINS_TOPIC, { tenantId: row.tenantId });
  return row;
}

export async function removeCorsOrigin(deps: ServiceDeps, id: string) {
  const existing = await deps.db.tenantCorsOrigin.findUnique({ where: { id } });
  if (!existing) throw new CorsError('NOT_FOUND', 'No such partner origin');
  await deps.db.tenantCorsOrigin.delete({ where: { id } });
  await recordAudit(deps, { action: 'cors_origin.removed', targetType: 'CorsOrigin', targetId: id, data: { origin: existing.origin } });
  deps.publishAfterCommit?.(CORS_ORIGINS_TOPIC, { tenantId: existing.tenantId });
  return existing;
}
