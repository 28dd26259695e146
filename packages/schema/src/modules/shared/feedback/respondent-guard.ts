// Rate limits of survey submissions, per token and per client address, with rate-limiter-flexible
// (in memory on one process; in Redis, shared by every gateway, when given a Redis client), like the
// sign-in guard. Per token every attempt counts, so that a client cannot hammer one link (a
// respondent correcting a refused answer has several tries). Per address only failed attempts count
// (a bad or used token, refused answers): a client cannot try tokens in bulk, while many respondents
// behind one address (a hospital's Wi-Fi) all get through. Each attempt is counted against the
// address before it runs (atomically: parallel attempts cannot slip past the limit) and given back
// when it succeeds. While Redis is
// unavailable the counts go on in this process (rate-limiter-flexible's insurance limiter).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface SurveyResponseGuard {
  /** Counts a submission attempt; returns the seconds to wait, or 0 when it may go ahead. */
  attempt(tokenHash: string, clientAddress: string): Promise<number>;
  /** The attempt stored a response: it no longer counts against the client address. */
  succeeded(tokenHash: string, clientAddress: string): Promise<void>;
}

export interface SurveyResponseGuardOptions {
  /** Attempts per token per window (default 10). */
  perToken?: number;
  /** Failed attempts per client address per window (default 60). */
  perAddress?: number;
  /** The window, in seconds (default one hour). */
  windowSeconds?: number;
  /** An ioredis client: counts are then shared by every gateway process. */
  redis?: unknown;
  keyPrefix?: string;
}

export function createSurveyResponseGuard(options: SurveyResponseGuardOptions = {}): SurveyResponseGuard {
  const duration = options.windowSeconds ?? 3600;
  const limiter = (opts: { keyPrefix: string; points: number }) =>
    options.redis
      ? new RateLimiterRedis({
          ...opts,
          duration,
          storeClient: options.redis,
          keyPrefix: `${options.keyPrefix ?? 'jiedai'}:${opts.keyPrefix}`,
          // Redis not connected: straight to the insurance limiter, without waiting for a reconnect.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory({ ...opts, duration }),
        })
      : new RateLimiterMemory({ ...opts, duration });
  // Keys are the token's hash (never the token) and the address.
  const byToken = limiter({ keyPrefix: 'survey_token', points: options.perToken ?? 10 });
  const byAddress = limiter({ keyPrefix: 'survey_addr', points: options.perAddress ?? 60 });
  const waitOf = (reason: unknown) => {
    if (reason instanceof RateLimiterRes) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
    throw reason;
  };
  return {
    async attempt(tokenHash, address) {
      const [t, a] = await Promise.allSettled([byToken.consume(tokenHash), byAddress.consume(address)]);
      return Math.max(t.status === 'rejected' ? waitOf(t.reason) : 0, a.status === 'rejected' ? waitOf(a.reason) : 0);
    },
    async succeeded(_tokenHash, address) {
      await byAddress.reward(address, 1);
    },
  };
}
