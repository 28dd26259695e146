// Repeated sign-in failures lock the e-mail (whether or not it exists) and slow the client address,
// with rate-limiter-flexible (in memory on one process; Redis-backed when given a Redis client).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface SignInGuard {
  /** Seconds to wait before trying again, or 0 when the attempt may go ahead. */
  blockedFor(email: string, clientAddress: string): Promise<number>;
  failed(email: string, clientAddress: string): Promise<void>;
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
}

export function createSignInGuard(options: SignInGuardOptions = {}): SignInGuard {
  const lockSeconds = options.lockSeconds ?? 15 * 60;
  const limiter = (opts: { keyPrefix: string; points: number; duration: number }) =>
    options.redis
      ? new RateLimiterRedis({ ...opts, storeClient: options.redis, keyPrefix: `jiedai_${opts.keyPrefix}` })
      : new RateLimiterMemory(opts);
  const byEmail = limiter({ keyPrefix: 'signin_email', points: options.maxFailuresPerEmail ?? 5, duration: lockSeconds });
  const byAddress = limiter({ keyPrefix: 'signin_addr', points: options.maxFailuresPerAddress ?? 50, duration: 60 * 60 });
  const key = (email: string) => email.trim().toLowerCase();
  const remainingBlock = (res: RateLimiterRes | null, max: number) =>
    res && res.consumedPoints >= max ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  return {
    async blockedFor(email, address) {
      const [e, a] = await Promise.all([byEmail.get(key(email)), byAddress.get(address)]);
      return Math.max(remainingBlock(e, byEmail.points), remainingBlock(a, byAddress.points));
    },
    async failed(email, address) {
      await Promise.all([
        byEmail.penalty(key(email), 1),
        byAddress.penalty(address, 1),
      ]);
    },
    async succeeded(email) {
      await byEmail.delete(key(email));
    },
  };
}
