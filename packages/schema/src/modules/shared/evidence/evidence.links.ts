// Signed file links: a stored file's URL that works without the Authorization header (an `<img src>`, a
// download link), for a short while. The token is an HS256 JWT signed with the gateway's secret (JWT_SECRET) under
// its own audience (`jiedai-file`, so it is never an access token, nor an access token one of these), naming the
// file (`sub`) and its tenant (`tid`), expiring (`exp`). The download route (services/gateway's evidence-files
// plugin) serves the file it names, and no other, read under RLS in the token's tenant.
import { createSecretKey } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const FILE_LINK_AUDIENCE = 'jiedai-file';
/** How long a link works unless the caller asks otherwise, and at most (seconds). */
export const FILE_LINK_DEFAULT_SECONDS = 600;
export const FILE_LINK_MAX_SECONDS = 3600;

const ALG = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FileLinkClaims {
  fileId: string;
  tenantId: string;
  expiresAt: Date;
}

export interface FileLinkService {
  /** A token for one file of one tenant, working for `seconds` (1 to FILE_LINK_MAX_SECONDS). */
  sign(file: { id: string; tenantId: string }, seconds: number): Promise<{ token: string; expiresAt: Date }>;
  /** The claims of a token of ours, unexpired and well-formed; null for anything else. */
  verify(token: string): Promise<FileLinkClaims | null>;
}

export function createFileLinkService(config: { secret: string; issuer: string }): FileLinkService {
  const key = createSecretKey(Buffer.from(config.secret, 'utf8'));
  return {
    async sign(file, seconds) {
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > FILE_LINK_MAX_SECONDS)
        throw new RangeError(`A file link works 1 to ${FILE_LINK_MAX_SECONDS} s`);
      const exp = Math.floor(Date.now() / 1000) + seconds;
      const token = await new SignJWT({ tid: file.tenantId })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(file.id)
        .setIssuer(config.issuer)
        .setAudience(FILE_LINK_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > 2000) return null;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          issuer: config.issuer,
          audience: FILE_LINK_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'tid'],
        });
        if (!payload.sub || !UUID.test(payload.sub) || typeof payload.tid !== 'string' || !UUID.test(payload.tid)) return null;
        return { fileId: payload.sub.toLowerCase(), tenantId: payload.tid.toLowerCase(), expiresAt: new Date(payload.exp! * 1000) };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
        throw error;
      }
    },
  };
}
