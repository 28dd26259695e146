// Cost budgets over time: token buckets (a leaky bucket seen from the client's side, as Shopify's
// `throttleStatus` shows it). A bucket holds at most `max` points and is refilled at `restore` points per
// second; an operation takes its requested cost from every bucket it belongs to (its tenant's, and its
// API key's) or, if any of them holds less, is refused with the seconds until it would fit.
//
// With Redis (REDIS_URL) the buckets are one hash per key, read and written by one Lua script on Redis's
// own clock, so every gateway process draws on the same budget; without it (or while Redis is
// unavailable: commands fail fast) they live in this process, as the sign-in limits do.
// rate-limiter-flexible counts fixed windows, which cannot say "n points available, restored at r/s".
import type { Redis } from 'ioredis';

export interface BucketLimits {
  max: number;
  restore: number;
}

export interface BucketSpec extends BucketLimits {
  key: string;
}

/** What a client sees of its budget (Shopify's `throttleStatus`): the tightest of its buckets. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Milliseconds until the cost would fit (0 when allowed). */
  retryAfterMs: number;
  status: ThrottleStatus;
}

export interface CostBudget {
  /**
   * Takes `cost` points from every bucket, all or none; a negative cost gives points back (a refund, never
   * above `max`, never refused).
   */
  take(buckets: readonly BucketSpec[], cost: number): Promise<TakeResult>;
  /** The buckets' state without taking anything. */
  peek(buckets: readonly BucketSpec[]): Promise<ThrottleStatus>;
}

/** The tightest bucket: the one with the fewest points left (ties: the smaller one). */
function tightest(buckets: readonly BucketSpec[], levels: readonly number[]): ThrottleStatus {
  let best = 0;
  for (let i = 1; i < buckets.length; i++) {
    if (levels[i]! < levels[best]! || (levels[i] === levels[best] && buckets[i]!.max < buckets[best]!.max)) best = i;
  }
  return { maximumAvailable: buckets[best]!.max, currentlyAvailable: Math.floor(levels[best]!), restoreRate: buckets[best]!.restore };
}

const MEMORY_MAX_KEYS = 100_000;

export function memoryCostBudget(now: () => number = Date.now): CostBudget {
  const buckets = new Map<string, { level: number; at: number }>();
  const levelOf = (spec: BucketSpec, t: number) => {
    const b = buckets.get(spec.key);
    if (!b) return spec.max;
    return Math.min(spec.max, b.level + ((t - b.at) * spec.restore) / 1000);
  };
  const prune = (t: number, specs: readonly BucketSpec[]) => {
    if (buckets.size < MEMORY_MAX_KEYS) return;
    // Buckets full again are the same as absent ones; if that frees nothing, start over.
    const restore = Math.min(...specs.map((s) => s.restore));
    for (const [key, b] of buckets) if (b.at + 3_600_000 < t || b.level + ((t - b.at) * restore) / 1000 >= 1e9) buckets.delete(key);
    if (buckets.size >= MEMORY_MAX_KEYS) buckets.clear();
  };
  const run = (specs: readonly BucketSpec[], cost: number, commit: boolean): TakeResult => {
    const t = now();
    const levels = specs.map((s) => levelOf(s, t));
    let wait = 0;
    if (cost > 0) for (let i = 0; i < specs.length; i++) if (levels[i]! < cost) wait = Math.max(wait, ((cost - levels[i]!) * 1000) / specs[i]!.restore);
    const allowed = wait === 0;
    if (allowed && commit) {
      prune(t, specs);
      for (let i = 0; i < specs.length; i++) {
        levels[i] = Math.min(specs[i]!.max, levels[i]! - cost);
        buckets.set(specs[i]!.key, { level: levels[i]!, at: t });
      }
    }
    return { allowed, retryAfterMs: Math.ceil(wait), status: tightest(specs, levels) };
  };
  return {
    take: async (specs, cost) => run(specs, cost, true),
    peek: async (specs) => run(specs, 0, false).status,
  };
}

// KEYS: the buckets; ARGV: cost, then max and restore (points/s) per bucket. Redis's clock (TIME), so
// processes with skewed clocks agree. Returns the wait in ms (0: taken) and each bucket's level after.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  local v = redis.call('HMGET', key, 'l', 't')
  local level = max
  if v[1] then level = math.min(max, tonumber(v[1]) + (now - tonumber(v[2])) * rate / 1000) end
  levels[i] = level
  if cost > 0 and level < cost then wait = math.max(wait, (cost - level) * 1000 / rate) end
end
local out = {}
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  if wait == 0 and cost ~= 0 then
    levels[i] = math.min(max, levels[i] - cost)
    redis.call('HSET', key, 'l', tostring(levels[i]), 't', tostring(now))
    redis.call('PEXPIRE', key, math.ceil((max - levels[i]) * 1000 / rate) + 1000)
  end
  out[i] = tostring(levels[i])
end
return { tostring(math.ceil(wait)), out }
`;

type TakeCommand = (numKeys: number, ...args: (string | number)[]) => Promise<[string, string[]]>;

/**
 * Buckets in Redis, shared by every gateway process; while Redis fails (its commands fail fast, see
 * services.ts) the buckets of this process stand in, and `onFallback` is told.
 */
export function redisCostBudget(redis: Redis, prefix: string, onFallback: (error: unknown) => void): CostBudget {
  if (!('jiedaiCostTake' in redis)) redis.defineCommand('jiedaiCostTake', { lua: TAKE_SCRIPT });
  const command = (redis as unknown as { jiedaiCostTake: TakeCommand }).jiedaiCostTake.bind(redis);
  const fallback = memoryCostBudget();
  let warnedAt = 0;
  const call = async (specs: readonly BucketSpec[], cost: number): Promise<TakeResult> => {
    const args: (string | number)[] = specs.map((s) => `${prefix}:cost:${s.key}`);
    args.push(cost);
    for (const s of specs) args.push(s.max, s.restore);
    try {
      const [wait, levels] = await command(specs.length, ...args);
      const retryAfterMs = Number(wait);
      return { allowed: retryAfterMs === 0, retryAfterMs, status: tightest(specs, levels.map(Number)) };
    } catch (error) {
      // Told once a minute while Redis stays away, not once per operation.
      if (Date.now() - warnedAt > 60_000) {
        warnedAt = Date.now();
        onFallback(error);
      }
      return cost === 0 ? { allowed: true, retryAfterMs: 0, status: await fallback.peek(specs) } : fallback.take(specs, cost);
    }
  };
  return {
    take: call,
    peek: async (specs) => (await call(specs, 0)).status,
  };
}
