// Configuration comes from environment variables only, validated here at start (README lists them).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().url().optional(),
    MIGRATION_DATABASE_URL: z.string().url().optional(),
    MIGRATE_ON_START: bool.default(true),
    SEED_DEMO: bool.optional(),
    DATA_DIR: z.string().default('.jiedai-data'),
    REDIS_URL: z.string().url().optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,50}$/)
      .default('jiedai'),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DB_POOL_WAIT_MS: z.coerce.number().int().min(10).max(60_000).default(5_000),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_ISSUER: z.string().default('jiedai'),
    JWT_AUDIENCE: z.string().default('jiedai-api'),
    JWT_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(12 * 3600),
    TRUST_PROXY: bool.default(false),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
    MAX_QUERY_COST: z.coerce.number().int().min(1).default(5_000),
    MAX_QUERY_COST_ANONYMOUS: z.coerce.number().int().min(1).default(500),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    WS_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(600_000).default(12_000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(50),
    SURVEY_LINK_BASE_URL: z.string().url().optional(),
    SURVEY_SUBMISSIONS_PER_TOKEN: z.coerce.number().int().min(1).default(10),
    SURVEY_SUBMISSIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production' });
    }
  });

export type Env = z.output<typeof schema>;

/** Every environment variable the gateway reads (.env.example lists the same, a test checks it). */
export const ENV_VARIABLES: readonly (keyof Env)[] = Object.keys(schema.shape) as (keyof Env)[];

export interface GatewayConfig {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  database: { url?: string; ownerUrl?: string; dataDir: string; poolSize: number; poolWaitMs: number; migrate: boolean };
  seedDemo: boolean;
  redisUrl?: string;
  /** Prefix of every Redis key and channel (several deployments may share one Redis). */
  redisPrefix: string;
  jwt: { secret: string; issuer: string; audience: string; ttlSeconds: number };
  maxBodyBytes: number;
  /** Behind a reverse proxy: the client address is the first X-Forwarded-For entry. */
  trustProxy: boolean;
  shutdownGraceMs: number;
  /** Budgets of one operation's cost (plugins/query-cost.ts): members and API keys, anonymous callers. */
  queryCost: { maxCost: number; maxCostAnonymous: number };
  /** Operations (subscriptions, and queries or mutations while they run) at once on one WebSocket. */
  wsMaxSubscriptionsPerSocket: number;
  /** graphql-ws keep-alive: ping interval; an unanswered ping ends the socket at the next one. */
  wsKeepAliveMs: number;
  /** Respondent links and the hourly limits of survey submissions. */
  survey: { linkBase?: string; submissionsPerToken: number; submissionsPerAddress: number };
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      ownerUrl: env.MIGRATION_DATABASE_URL,
      dataDir: path.join(env.DATA_DIR, 'pglite'),
      poolSize: env.DB_POOL_SIZE,
      poolWaitMs: env.DB_POOL_WAIT_MS,
      migrate: env.MIGRATE_ON_START,
    },
    seedDemo: env.SEED_DEMO ?? env.NODE_ENV !== 'production',
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    jwt: {
      secret: env.JWT_SECRET ?? developmentSecret(env.DATA_DIR),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      ttlSeconds: env.JWT_TTL_SECONDS,
    },
    maxBodyBytes: env.MAX_BODY_BYTES,
    trustProxy: env.TRUST_PROXY,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    queryCost: { maxCost: env.MAX_QUERY_COST, maxCostAnonymous: env.MAX_QUERY_COST_ANONYMOUS },
    wsMaxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    wsKeepAliveMs: env.WS_KEEPALIVE_MS,
    survey: {
      linkBase: env.SURVEY_LINK_BASE_URL,
      submissionsPerToken: env.SURVEY_SUBMISSIONS_PER_TOKEN,
      submissionsPerAddress: env.SURVEY_SUBMISSIONS_PER_ADDRESS,
    },
  };
}

/** Outside production, a random secret kept in the data directory, so tokens survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
