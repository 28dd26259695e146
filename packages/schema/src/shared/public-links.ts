// Public links: a token in a URL (a survey respondent's personal link, a service point's complaint QR
// code) that lets someone without an account call a few root fields of one tenant. The token's text
// names its tenant (`<prefix><tenant base64url>_<secret>`), so the gateway can set the operation's
// tenant before the transaction starts (services/gateway/src/public-link.ts); the tenant is only a
// selector: the resolvers find the token's SHA-256 under RLS in that tenant or refuse it.
//
// Modules register their kind of link here (the fields that take it and how to read it); shared code
// knows no module. The guard limits submissions per link and per client address (rate-limiter-flexible,
// in Redis when given one, so that every gateway process counts together).
import { createHash, randomBytes } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface ParsedLinkToken {
  tenantId: string;
  tokenHash: string;
}

export interface PublicLinkKind {
  /** Names the credential: `survey` links act as `surveyRespondent`, any other as `publicLink`. */
  name: string;
  /** The root fields taking this kind's token (argument `token`, or `input.token`/`input.code`). */
  fields: readonly string[];
  parse(token: unknown): ParsedLinkToken | null;
}

const kinds = new Map<string, PublicLinkKind>();

export function registerPublicLinkKind(kind: PublicLinkKind): void {
  for (const field of kind.fields) {
    const other = kinds.get(field);
    if (other && other !== kind) throw new Error(`The public field ${field} is registered twice`);
    kinds.set(field, kind);
  }
}

/** The kind of public link a root field takes, if any. */
export function publicLinkKindOf(field: string): PublicLinkKind | undefined {
  return kinds.get(field);
}

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new token `<prefix><tenant>_<192-bit secret>` and its hash (the only thing stored). */
export function newLinkToken(prefix: string, tenantId: string): { token: string; tokenHash: string } {
  const tenant = Buffer.from(tenantId.replace(/-/g, ''), 'hex').toString('base64url');
  const token = `${prefix}${tenant}_${randomBytes(24).toString('base64url')}`;
  return { token, tokenHash: hashLinkToken(token) };
}

/** Reads the tenant out of a token's text; null when it is not shaped like a token of `prefix`. */
export function parseLinkToken(prefix: string, token: unknown): ParsedLinkToken | null {
  if (typeof token !== 'string' || !token.startsWith(prefix)) return null;
  const match = /^([A-Za-z0-9_-]{22})_([A-Za-z0-9_-]{32})$/.exec(token.slice(prefix.length));
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { tenantId, tokenHash: hashLinkToken(token) };
}

// ── rate limits ────────────────────────────────────────────────────────────────────────────────
export interface PublicLinkGuard {
  /**
   * Counts a submission through a public link (valid or not) against the client address and then the
   * link; returns the seconds to wait, or 0 when it may go ahead. Every attempt counts: a public link is
   * printed on a wall, so successes are what a flood is made of.
   */
  attempt(kind: string, tokenHash: string, clientAddress: string): Promise<number>;
}

export interface PublicLinkGuardOptions {
  /** Submissions per link per window (default 60). */
  perLink?: number;
  /** Submissions per client address per window (default 10). */
  perAddress?: number;
  /** The window, in seconds (default one hour). */
  windowSeconds?: number;
  /** An ioredis client: counts are then shared by every gateway process. */
  redis?: unknown;
  keyPrefix?: string;
}

export function createPublicLinkGuard(options: PublicLinkGuardOptions = {}): PublicLinkGuard {
  const duration = options.windowSeconds ?? 3600;
  const limiter = (opts: { keyPrefix: string; points: number }) =>
    options.redis
      ? new RateLimiterRedis({
          ...opts,
          duration,
          storeClient: options.redis,
          keyPrefix: `${options.keyPrefix ?? 'jiedai'}:${opts.keyPrefix}`,
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ ...opts, duration }),
        })
      : new RateLimiterMemory({ ...opts, duration });
  const byLink = limiter({ keyPrefix: 'public_link', points: options.perLink ?? 60 });
  const byAddress = limiter({ keyPrefix: 'public_link_addr', points: options.perAddress ?? 10 });
  const waitOf = (reason: unknown) => {
    if (reason instanceof RateLimiterRes) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
    throw reason;
  };
  return {
    // The address first: an attempt refused there does not count against the link, so one client
    // cannot use up a link's budget for everyone else.
    async attempt(kind, tokenHash, address) {
      try {
        await byAddress.consume(`${kind}:${address}`);
        await byLink.consume(`${kind}:${tokenHash}`);
        return 0;
      } catch (reason) {
        return waitOf(reason);
      }
    },
  };
}
