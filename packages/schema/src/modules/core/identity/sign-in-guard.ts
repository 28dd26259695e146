// Repeated sign-in failures lock the e-mail (whether or not it exists) and slow the client address,
// with rate-limiter-flexible (in memory on one process; Redis-backed when given a Redis client). While
// Redis is unavailable the counts go on in this process (rate-limiter-flexible's insurance limiter):
// sign-in keeps working and limited, per process, instead of failing or waiting for Redis.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInGuard {
  /**
   * Counts an attempt before the password is checked (atomically, so parallel attempts cannot slip
   * past the limit). Returns the seconds to wait, or 0 when the attempt may go ahead.
   */
  begin(email: string, clientAddress: string): Promise<number>;
  /** The attempt failed: the failure that reaches the limit locks for `lockSeconds` from now. */
  failed(email: string, clientAddress: string): Promise<void>;
  /** The attempt succeeded: the e-mail's failures are forgotten and the attempt is not counted. */
  succeeded(email: string, clientAddress: string): Promise<void>;
}

export interface SignInGuardOptions {
  /** Failures per e-mail before it is locked for `lockSeconds`. */
  maxFailuresPerEmail?: number;
  /** Failures per client address before it is locked. */
  maxFailuresPerAddress?: number;
  lockSeconds?: number;
  /** An ioredis client: counts are then shared by every gateway process. */
  redis?: unknown;
  /** Prefix of the Redis keys. */
  keyPrefix?: string;
}

export function createSignInGuard(options: SignInGuardOptions = {}): SignInGuard {
  const lockSeconds = options.lockSeconds ?? 15 * 60;
  const limiter = (opts: { keyPrefix: string; points: number; duration: number }) =>
    options.redis
      ? new RateLimiterRedis({
          ...opts,
          storeClient: options.redis,
          keyPrefix: `${options.keyPrefix ?? 'jiedai'}:${opts.keyPrefix}`,
          // Redis not connected: straight to the insurance limiter, without waiting for a reconnect.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(opts),
        })
      : new RateLimiterMemory(opts);
  const byEmail = limiter({ keyPrefix: 'signin_email', points: options.maxFailuresPerEmail ?? 5, duration: lockSeconds });
  const byAddress = limiter({ keyPrefix: 'signin_addr', points: options.maxFailuresPerAddress ?? 50, duration: 60 * 60 });
  const key = (email: string) => email.trim().toLowerCase();
  const waitOf = (reason: unknown) => {
    if (reason instanceof RateLimiterRes) return Math.max(1, Math.ceil(reason.msBeforeNext / 1000));
    throw reason;
  };
  return {
    async begin(email, address) {
      const [e, a] = await Promise.allSettled([byEmail.consume(key(email)), byAddress.consume(address)]);
      const wait = Math.max(e.status === 'rejected' ? waitOf(e.reason) : 0, a.status === 'rejected' ? waitOf(a.reason) : 0);
      return wait;
    },
    async failed(email, address) {
      const lockAtLimit = async (limiter: typeof byEmail, k: string) => {
        const res = await limiter.get(k);
        if (res && res.consumedPoints >= limiter.points) await limiter.block(k, lockSeconds);
      };
      await Promise.all([lockAtLimit(byEmail, key(email)), lockAtLimit(byAddress, address)]);
    },
    async succeeded(email, address) {
      await Promise.all([byEmail.delete(key(email)), byAddress.reward(address, 1)]);
    },
  };
}
