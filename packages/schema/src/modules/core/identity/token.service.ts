// Access tokens: JWTs signed and verified with jose; algorithm, issuer, audience and expiry pinned.
import { createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';

export interface TokenClaims {
  userId: string;
  /** Default tenant the token acts in (a request may pick another one it is a member of). */
  tenantId: string | null;
}

export interface TokenService {
  issue(claims: TokenClaims): Promise<string>;
  /** Returns null for any token that is not ours, expired, or malformed. */
  verify(token: string): Promise<TokenClaims | null>;
}

export interface TokenConfig {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

const ALG = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How many verified tokens are remembered (a partner frontend sends the same token with every request). */
const VERIFIED_TOKENS = 10_000;

export function createTokenService(config: TokenConfig): TokenService {
  // A KeyObject made once: given raw bytes, jose would import the key again for every token.
  const key = createSecretKey(Buffer.from(config.secret, 'utf8'));
  // Verifying an HS256 signature through WebCrypto costs more than the rest of a small request. A token
  // is immutable, so one verified before is valid until its `exp` (checked again on every use); only
  // verified tokens are remembered. Revocation is not a property of the token: membership and API keys
  // are checked in the database on every operation.
  const verified = new LRUCache<string, { claims: TokenClaims; expiresAt: number }>({ max: VERIFIED_TOKENS });
  return {
    issue: async ({ userId, tenantId }) =>
      new SignJWT(tenantId ? { tid: tenantId } : {})
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt()
        .setExpirationTime(`${config.ttlSeconds}s`)
        .sign(key),
    verify: async (token) => {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAt) return known.claims;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const tid = typeof payload.tid === 'string' && UUID.test(payload.tid) ? payload.tid : null;
        if (!payload.sub || !UUID.test(payload.sub)) return null;
        const claims = { userId: payload.sub, tenantId: tid };
        verified.set(token, { claims, expiresAt: payload.exp! * 1000 });
        return claims;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
        throw error;
      }
    },
  };
}
