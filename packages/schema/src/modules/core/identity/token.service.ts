// Access tokens: JWTs signed and verified with jose; algorithm, issuer, audience and expiry pinned.
import { createSecretKey, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';

export interface TokenClaims {
  userId: string;
  /** Default tenant the token acts in (a request may pick another one it is a member of). */
  tenantId: string | null;
  /** The account's session epoch when the token was issued (`sv`): a password change moves it on. */
  sessionEpoch: number;
}

/** What a verified token says: its claims, and its session (`jti`) with its expiry, for signing out. */
export interface VerifiedToken extends TokenClaims {
  sessionId: string;
  expiresAt: Date;
}

export interface TokenService {
  issue(claims: TokenClaims): Promise<string>;
  /** Returns null for any token that is not ours, expired, or malformed. */
  verify(token: string): Promise<VerifiedToken | null>;
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
  // verified tokens are remembered. Revocation is not a property of the token: the session (its epoch,
  // not signed out), membership and API keys are checked in the database on every operation.
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS });
  return {
    issue: async ({ userId, tenantId, sessionEpoch }) =>
      new SignJWT(tenantId ? { tid: tenantId, sv: sessionEpoch } : { sv: sessionEpoch })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setJti(randomUUID())
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt()
        .setExpirationTime(`${config.ttlSeconds}s`)
        .sign(key),
    verify: async (token) => {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAt.getTime()) return known;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        });
        const tid = typeof payload.tid === 'string' && UUID.test(payload.tid) ? payload.tid : null;
        if (!payload.sub || !UUID.test(payload.sub) || !payload.jti || !UUID.test(payload.jti)) return null;
        if (typeof payload.sv !== 'number' || !Number.isSafeInteger(payload.sv) || payload.sv < 0) return null;
        const claims: VerifiedToken = {
          userId: payload.sub,
          tenantId: tid,
          sessionEpoch: payload.sv,
          sessionId: payload.jti,
          expiresAt: new Date(payload.exp! * 1000),
        };
        verified.set(token, claims);
        return claims;
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
        throw error;
      }
    },
  };
}
