// CORS from each tenant's partner origins (modules/core/cors, 0023_partner_origins.sql), instead of yoga's
// default, which echoes any Origin. Nothing is echoed for an origin nobody allowed.
//
// - A request acting in a tenant (its credential names it: an API key, or a token with the tenant chosen)
//   gets `Access-Control-Allow-Origin: <origin>` and `Access-Control-Allow-Credentials: true` only when
//   that tenant allows the origin.
// - A request acting in no tenant (anonymous: sign-in, a survey respondent; a user who has not chosen one)
//   and a preflight — which carries no credential, so its tenant is unknown — get them when some tenant
//   allows the origin. A preflight lets the browser send the request; reading the answer still needs the
//   request's own tenant to allow the origin.
// Answers are cached for CORS_CACHE_MS per (tenant, origin), and dropped when any tenant's list changes
// (CORS_ORIGINS_TOPIC on the event bus, so in every gateway process with Redis).
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { PrismaClient } from '@jiedai/db';
import { CORS_ORIGINS_TOPIC, type Credential, type EventBus } from '@jiedai/schema';
import { requestStateOf } from '../request-state.ts';

export const CORS_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
/** Request headers a partner's browser code may send (the CSRF header included). */
const ALLOWED_HEADERS = 'authorization, content-type, accept, x-tenant-id, x-request-id, x-graphql-yoga-csrf';
/** Response headers its code may read. */
const EXPOSED_HEADERS = 'retry-after, x-request-id';

export interface OriginPolicy {
  /** Whether the tenant (null: any tenant) allows the origin. */
  allows(tenantId: string | null, origin: string): Promise<boolean>;
  close(): void;
}

function tenantOf(credential: Credential): string | null {
  if (credential.type === 'apiKey') return credential.tenantId;
  if (credential.type === 'user') return credential.tenantId;
  return null;
}

export function createOriginPolicy(prisma: PrismaClient, events: EventBus, log: Logger): OriginPolicy {
  const cache = new Map<string, { allowed: boolean; until: number }>();
  let closed = false;
  const changes = events.subscribe(CORS_ORIGINS_TOPIC)[Symbol.asyncIterator]();
  void (async () => {
    try {
      while (!closed) {
        const next = await changes.next();
        if (next.done) return;
        cache.clear();
      }
    } catch (error) {
      if (!closed) log.warn({ err: error }, 'cors: listening for partner origin changes failed');
    }
  })();
  return {
    async allows(tenantId, origin) {
      const key = `${tenantId ?? '*'} ${origin}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.allowed;
      // Text longer than any stored origin cannot be one (and is not worth a query).
      if (origin.length > 300) return false;
      const rows = await prisma.$queryRaw<{ allowed: boolean }[]>`SELECT cors_origin_allowed(${tenantId}::uuid, ${origin}) AS allowed`;
      const allowed = rows[0]?.allowed === true;
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, { allowed, until: now + CORS_CACHE_MS });
      return allowed;
    },
    close() {
      closed = true;
      void changes.return?.();
    },
  };
}

export function useTenantCors(policy: OriginPolicy, log: Logger): Plugin {
  const allowedFor = async (credential: Credential, origin: string) => {
    try {
      return await policy.allows(tenantOf(credential), origin);
    } catch (error) {
      // The database unreachable: no CORS headers (the browser refuses), the request itself goes on.
      log.warn({ err: error }, 'cors: could not read the partner origins');
      return false;
    }
  };
  return {
    async onRequest({ request, serverContext, endResponse }) {
      if (request.method !== 'OPTIONS') return;
      const origin = request.headers.get('origin');
      const headers = new Headers({ vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers', 'content-length': '0' });
      if (origin && request.headers.get('access-control-request-method')) {
        const credential = requestStateOf(serverContext)?.auth.credential ?? { type: 'anonymous' };
        if (await allowedFor(credential, origin)) {
          headers.set('access-control-allow-origin', origin);
          headers.set('access-control-allow-credentials', 'true');
          headers.set('access-control-allow-methods', 'GET, POST, OPTIONS');
          headers.set('access-control-allow-headers', ALLOWED_HEADERS);
          headers.set('access-control-max-age', '600');
        }
      }
      endResponse(new Response(null, { status: 204, headers }));
    },
    async onResponse({ request, response, serverContext }) {
      if (request.method === 'OPTIONS') return;
      const origin = request.headers.get('origin');
      if (!origin) return;
      response.headers.append('vary', 'Origin');
      const credential = requestStateOf(serverContext)?.auth.credential ?? { type: 'anonymous' };
      if (!(await allowedFor(credential, origin))) return;
      response.headers.set('access-control-allow-origin', origin);
      response.headers.set('access-control-allow-credentials', 'true');
      response.headers.set('access-control-expose-headers', EXPOSED_HEADERS);
    },
  };
}
