// Who is calling: from the verified credential only (JWT or API key), never from a bare header.
// A user's token may name a default tenant; the X-Tenant-Id header picks another one, honoured only
// if the user is a member there: the tenant's kind (and so its schema) is told to members only, and the
// operation's transaction verifies access again (verifiedTransaction in plugins/tenant-transaction.ts).
import { GraphQLError } from 'graphql';
import type { PrismaClient, TenantKind } from '@jiedai/db';
import { API_KEY_PREFIX, parseApiKey, type Credential, type TokenService } from '@jiedai/schema';

export interface RequestAuth {
  credential: Credential;
  tenantKind: TenantKind | null;
}

export const anonymous: RequestAuth = { credential: { type: 'anonymous' }, tenantKind: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** X-Tenant-Id: the tenant's global id (as the API returns it) or its UUID; anything else is returned as is (refused). */
export function tenantIdOf(header: string | null | undefined): string | null {
  if (!header) return null;
  const value = header.trim();
  if (UUID.test(value)) return value;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return text.startsWith('Tenant:') && UUID.test(text.slice(7)) ? text.slice(7) : value;
}

export class AuthError extends GraphQLError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message, { extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 403 } } });
  }
}

export interface Authenticator {
  authenticate(authorization: string | null | undefined, tenantHeader: string | null | undefined): Promise<RequestAuth>;
}

/** How long a member's (or API key's) tenant kind is remembered: revocation is verified anyway by the
 * operation's transaction, this only spares a look-up per request. */
export const KIND_CACHE_MS = 5_000;
const KIND_CACHE_MAX = 10_000;

export function createAuthenticator(prisma: PrismaClient, tokens: TokenService): Authenticator {
  // The kind picks the schema, so it is told only to a member of the tenant (or a live API key of it):
  // any other caller gets the same FORBIDDEN whether the tenant exists or not, before any schema is
  // chosen (0008_member_tenant_kind.sql). Remembered briefly per (caller, tenant), positive answers only.
  const kinds = new Map<string, { kind: TenantKind; until: number }>();
  async function cached(key: string, lookUp: () => Promise<TenantKind>): Promise<TenantKind> {
    const now = Date.now();
    const hit = kinds.get(key);
    if (hit && hit.until > now) return hit.kind;
    const kind = await lookUp();
    if (kinds.size >= KIND_CACHE_MAX) kinds.clear();
    kinds.set(key, { kind, until: now + KIND_CACHE_MS });
    return kind;
  }
  const notMember = () => new AuthError('FORBIDDEN', 'Not a member of the chosen tenant');
  const memberKind = (userId: string, tenantId: string) =>
    cached(`u:${userId}:${tenantId}`, async () => {
      const rows = await prisma.$queryRaw<{ kind: TenantKind | null }[]>`SELECT kind::text AS kind FROM member_tenant_kind(${userId}::uuid, ${tenantId}::uuid)`;
      if (rows.length === 0) throw new AuthError('UNAUTHENTICATED', 'Unknown user');
      if (!rows[0]!.kind) throw notMember();
      return rows[0]!.kind;
    });
  const apiKeyKind = (tenantId: string, secretHash: string) =>
    cached(`k:${secretHash}:${tenantId}`, async () => {
      const rows = await prisma.$queryRaw<{ kind: TenantKind | null }[]>`SELECT api_key_tenant_kind(${tenantId}::uuid, ${secretHash})::text AS kind`;
      if (!rows[0]?.kind) throw new AuthError('UNAUTHENTICATED', 'Invalid or revoked API key');
      return rows[0].kind;
    });

  return {
    async authenticate(authorization, rawTenantHeader) {
      if (!authorization) return anonymous;
      const tenantHeader = tenantIdOf(rawTenantHeader);
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new AuthError('UNAUTHENTICATED', 'Use "Authorization: Bearer <token or API key>"');
      const bearer = match[1]!;
      if (bearer.startsWith(API_KEY_PREFIX)) {
        const key = parseApiKey(bearer);
        if (!key) throw new AuthError('UNAUTHENTICATED', 'Invalid or revoked API key');
        if (tenantHeader && tenantHeader !== key.tenantId) {
          throw new AuthError('FORBIDDEN', 'An API key acts in its own tenant only');
        }
        return { credential: { type: 'apiKey', ...key }, tenantKind: await apiKeyKind(key.tenantId, key.secretHash) };
      }
      const claims = await tokens.verify(bearer);
      if (!claims) throw new AuthError('UNAUTHENTICATED', 'Invalid or expired token');
      const tenantId = tenantHeader || claims.tenantId;
      if (tenantId && !UUID.test(tenantId)) throw notMember();
      return {
        credential: {
          type: 'user',
          userId: claims.userId,
          tenantId: tenantId ?? null,
          session: { id: claims.sessionId, epoch: claims.sessionEpoch, expiresAt: claims.expiresAt },
        },
        tenantKind: tenantId ? await memberKind(claims.userId, tenantId) : null,
      };
    },
  };
}
