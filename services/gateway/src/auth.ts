// Who is calling: from the verified credential only (JWT or API key), never from a bare header.
// A user's token may name a default tenant; the X-Tenant-Id header picks another one, honoured only
// if the user is a member there (checked in the operation's transaction, see verifiedTransaction in plugins/tenant-transaction.ts).
import { GraphQLError } from 'graphql';
import type { PrismaClient, TenantKind } from '@jiedai/db';
import { API_KEY_PREFIX, parseApiKey, type Credential, type TokenService } from '@jiedai/schema';

export interface RequestAuth {
  credential: Credential;
  tenantKind: TenantKind | null;
}

export const anonymous: RequestAuth = { credential: { type: 'anonymous' }, tenantKind: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AuthError extends GraphQLError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message, { extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 403 } } });
  }
}

export interface Authenticator {
  authenticate(authorization: string | null | undefined, tenantHeader: string | null | undefined): Promise<RequestAuth>;
}

export function createAuthenticator(prisma: PrismaClient, tokens: TokenService): Authenticator {
  // A tenant's kind never changes: cache it (known tenants only).
  const kinds = new Map<string, TenantKind>();
  async function kindOf(tenantId: string): Promise<TenantKind> {
    const cached = kinds.get(tenantId);
    if (cached) return cached;
    const rows = await prisma.$queryRaw<{ kind: TenantKind | null }[]>`SELECT tenant_kind_of(${tenantId}::uuid)::text AS kind`;
    const kind = rows[0]?.kind;
    if (!kind) throw new AuthError('FORBIDDEN', 'Not a member of the chosen tenant');
    kinds.set(tenantId, kind);
    return kind;
  }

  return {
    async authenticate(authorization, tenantHeader) {
      if (!authorization) return anonymous;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match) throw new AuthError('UNAUTHENTICATED', 'Use "Authorization: Bearer <token or API key>"');
      const bearer = match[1]!;
      if (bearer.startsWith(API_KEY_PREFIX)) {
        const key = parseApiKey(bearer);
        if (!key) throw new AuthError('UNAUTHENTICATED', 'Invalid or revoked API key');
        if (tenantHeader && tenantHeader !== key.tenantId) {
          throw new AuthError('FORBIDDEN', 'An API key acts in its own tenant only');
        }
        return { credential: { type: 'apiKey', ...key }, tenantKind: await kindOf(key.tenantId) };
      }
      const claims = await tokens.verify(bearer);
      if (!claims) throw new AuthError('UNAUTHENTICATED', 'Invalid or expired token');
      const tenantId = tenantHeader || claims.tenantId;
      if (tenantId && !UUID.test(tenantId)) throw new AuthError('FORBIDDEN', 'Not a member of the chosen tenant');
      return {
        credential: { type: 'user', userId: claims.userId, tenantId: tenantId ?? null },
        tenantKind: tenantId ? await kindOf(tenantId) : null,
      };
    },
  };
}
