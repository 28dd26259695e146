// Configuration comes from environment variables only, validated here at start (README lists them).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { WebhookSettings } from '@jiedai/schema';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    // Unset: 127.0.0.1 in development and test (nothing outside this machine reaches a developer's
    // gateway), 0.0.0.0 in production (compose and the Dockerfile set it too).
    HOST: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().url().optional(),
    MIGRATION_DATABASE_URL: z.string().url().optional(),
    DATABASE_POOLER: z.enum(['none', 'transaction']).default('none'),
    DATABASE_DIRECT_URL: z.string().url().optional(),
    MIGRATE_ON_START: bool.default(true),
    SEED_DEMO: bool.optional(),
    DATA_DIR: z.string().default('.jiedai-data'),
    REDIS_URL: z.string().url().optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,50}$/)
      .default('jiedai'),
    // Gateway processes (node:cluster): a number, or `auto` (one per core). See resolveProcesses below.
    GATEWAY_PROCESSES: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)]).optional(),
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
    RATE_LIMIT_ENABLED: bool.default(true),
    RATE_LIMIT_TENANT_MAX: z.coerce.number().int().min(1).default(50_000),
    RATE_LIMIT_TENANT_RESTORE: z.coerce.number().positive().default(1_000),
    RATE_LIMIT_API_KEY_MAX: z.coerce.number().int().min(1).default(20_000),
    RATE_LIMIT_API_KEY_RESTORE: z.coerce.number().positive().default(500),
    METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    TRACING_ENABLED: bool.default(false),
    TRACING_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
    OTEL_SERVICE_NAME: z.string().min(1).max(100).default('jiedai-gateway'),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    LOG_PRETTY: bool.optional(),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    WS_KEEPALIVE_MS: z.coerce.number().int().min(1_000).max(600_000).default(12_000),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(50),
    SUBSCRIPTION_DB_CONCURRENCY: z.coerce.number().int().min(1).max(200).optional(),
    JOBS_ENABLED: bool.optional(),
    JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
    JOBS_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier')
      .default('graphile_worker'),
    SURVEY_LINK_BASE_URL: z.string().url().optional(),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().min(3).default('Jiedai 接待 <no-reply@jiedai.localhost>'),
    PASSWORD_RESET_LINK_BASE_URL: z.string().url().optional(),
    INVITATION_LINK_BASE_URL: z.string().url().optional(),
    INVITATION_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24)
      .default(7 * 24),
    SURVEY_SUBMISSIONS_PER_TOKEN: z.coerce.number().int().min(1).default(10),
    SURVEY_SUBMISSIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
    PUBLIC_LINK_SUBMISSIONS_PER_LINK: z.coerce.number().int().min(1).default(60),
    PUBLIC_LINK_SUBMISSIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
    // Evidence files (issue 16): where the filesystem store keeps them (default <DATA_DIR>/evidence), the
    // largest accepted, how long an upload link works; FILES_BASE_URL starts upload and download URLs.
    EVIDENCE_DIR: z.string().min(1).optional(),
    EVIDENCE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(20 * 1024 * 1024),
    EVIDENCE_UPLOAD_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    // A stored file attached to nothing (no task evidence, no visit photo) this long after its upload is deleted (hourly job).
    EVIDENCE_UNATTACHED_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(365 * 24)
      .default(24),
    FILES_BASE_URL: z.string().url().optional(),
    // Set: evidence files are kept in this S3(-compatible) bucket instead of EVIDENCE_DIR (staged there only).
    EVIDENCE_S3_BUCKET: z.string().min(3).max(63).optional(),
    EVIDENCE_S3_ENDPOINT: z.string().url().optional(),
    EVIDENCE_S3_REGION: z.string().min(1).default('us-east-1'),
    EVIDENCE_S3_FORCE_PATH_STYLE: bool.default(false),
    EVIDENCE_S3_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{0,200}$/)
      .default(''),
    EVIDENCE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    EVIDENCE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    WEBHOOKS_ALLOW_HTTP: bool.optional(),
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: z
      .string()
      .trim()
      .regex(/^(\*|([0-9a-fA-F-]{36}(\s*,\s*[0-9a-fA-F-]{36})*))?$/, 'a comma-separated list of tenant ids, or *')
      .default(''),
    WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOKS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(20),
    WEBHOOKS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
    WEBHOOKS_RETRY_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  })
  .superRefine((env, ctx) => {
    // Behind a transaction pooler, session-level work (migrations and their advisory lock, the job queue's
    // LISTEN/NOTIFY and session state, the owner's reads) needs a direct connection.
    if (env.DATABASE_POOLER === 'transaction') {
      const direct = !!(env.DATABASE_DIRECT_URL ?? env.MIGRATION_DATABASE_URL);
      if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required with DATABASE_POOLER=transaction (the pooler)' });
      if (!direct && env.MIGRATE_ON_START)
        ctx.addIssue({
          code: 'custom',
          path: ['DATABASE_DIRECT_URL'],
          message: 'required with DATABASE_POOLER=transaction to migrate on start (or MIGRATE_ON_START=false)',
        });
      if (!direct && env.JOBS_ENABLED)
        ctx.addIssue({
          code: 'custom',
          path: ['DATABASE_DIRECT_URL'],
          message: 'required with DATABASE_POOLER=transaction for the job queue (or JOBS_ENABLED=false)',
        });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production' });
    }
    if (!!env.EVIDENCE_S3_ACCESS_KEY_ID !== !!env.EVIDENCE_S3_SECRET_ACCESS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['EVIDENCE_S3_SECRET_ACCESS_KEY'],
        message: 'EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY go together',
      });
    }
    if (env.NODE_ENV === 'production' && env.WEBHOOKS_ALLOW_HTTP) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOKS_ALLOW_HTTP'], message: 'webhooks use https only in production' });
    }
    // A bucket smaller than one operation's budget would refuse the largest allowed operations forever.
    for (const name of ['RATE_LIMIT_TENANT_MAX', 'RATE_LIMIT_API_KEY_MAX'] as const) {
      if (env.RATE_LIMIT_ENABLED && env[name] < env.MAX_QUERY_COST) {
        ctx.addIssue({ code: 'custom', path: [name], message: `must be at least MAX_QUERY_COST (${env.MAX_QUERY_COST})` });
      }
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
  database: {
    url?: string;
    /** Owner work (migrations, bootstrap, the job queue, owner reads): MIGRATION_DATABASE_URL, else DATABASE_DIRECT_URL. */
    ownerUrl?: string;
    /** DATABASE_URL goes through a transaction pooler (PgBouncer): see packages/db database.ts. */
    pooler: 'none' | 'transaction';
    directUrl?: string;
    dataDir: string;
    poolSize: number;
    poolWaitMs: number;
    migrate: boolean;
  };
  seedDemo: boolean;
  /**
   * Gateway processes (GATEWAY_PROCESSES; cluster.ts): with more than one, a primary process migrates and seeds,
   * then forks that many workers sharing the port; `reason` says how the number was chosen (main.ts logs it).
   */
  processes: { count: number; reason: string };
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
  /**
   * Cost budgets over time (cost-budget.ts): a token bucket per tenant and per API key (per user acting in
   * no tenant: the API key's numbers), `max` points, refilled at `restore` points per second.
   */
  rateLimit: { enabled: boolean; tenant: BucketLimits; apiKey: BucketLimits };
  /** GET /metrics (Prometheus): with this bearer token on the main port, and/or on its own port (no token needed there). */
  metrics: { token?: string | undefined; port?: number | undefined };
  /**
   * OpenTelemetry tracing (tracing.ts), off by default: spans of GraphQL operations and their SQL statements, sent
   * over OTLP/HTTP to `endpoint` (`/v1/traces` appended; the OpenTelemetry default, localhost:4318, when unset).
   */
  tracing: { enabled: boolean; sampleRatio: number; serviceName: string; endpoint?: string | undefined };
  /** Logs as readable lines (pino-pretty) instead of JSON: by default when stdout is a terminal, outside production. */
  logPretty: boolean;
  /** Operations (subscriptions, and queries or mutations while they run) at once on one WebSocket. */
  wsMaxSubscriptionsPerSocket: number;
  /** Transactions of subscriptions (start-up, catch-up, access re-checks, the feeds' reads) at once; the rest queue. */
  subscriptionDbConcurrency: number;
  /** graphql-ws keep-alive: ping interval; an unanswered ping ends the socket at the next one. */
  wsKeepAliveMs: number;
  /** Background jobs and scheduled work (jobs.ts): graphile-worker on PostgreSQL, in-process when embedded. */
  jobs: { enabled: boolean; concurrency: number; schema: string };
  /** Respondent links and the hourly limits of survey submissions. */
  survey: { linkBase?: string; submissionsPerToken: number; submissionsPerAddress: number };
  /** E-mail (SMTP when set, else logged) and where reset links point. */
  mail: { smtpUrl?: string; from: string; resetLinkBase?: string };
  /** Invitation links: this followed by the token (else the gateway's own /i/ page on the origin the admin used), and how long they work. */
  invitations: { linkBase?: string; ttlHours: number };
  /** Hourly limits of submissions through public links (complaint codes of service points …). */
  publicLinks: { submissionsPerLink: number; submissionsPerAddress: number };
  /** Webhook targets (SSRF guard) and delivery: time-out, retries, when an endpoint is disabled. */
  webhooks: WebhookSettings;
  /** Evidence files: the filesystem store's directory, the size limit, the upload links' lifetime, the public base of file URLs. */
  evidence: {
    dir: string;
    maxBytes: number;
    uploadTtlSeconds: number;
    /** Stored files attached to nothing are deleted this many hours after their upload (the hourly evidence.cleanup job). */
    unattachedHours: number;
    linkBase?: string | undefined;
    /** Set: the S3-compatible store (uploads staged under `dir`). */
    s3?: {
      bucket: string;
      endpoint?: string | undefined;
      region: string;
      forcePathStyle: boolean;
      prefix: string;
      credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
    };
  };
}

export interface BucketLimits {
  /** Points the bucket holds when full (the largest burst). */
  max: number;
  /** Points restored per second. */
  restore: number;
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const processes = resolveProcesses(env, cores());
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      ownerUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_DIRECT_URL,
      pooler: env.DATABASE_POOLER,
      directUrl: env.DATABASE_DIRECT_URL,
      dataDir: path.join(env.DATA_DIR, 'pglite'),
      poolSize: env.DB_POOL_SIZE,
      poolWaitMs: env.DB_POOL_WAIT_MS,
      migrate: env.MIGRATE_ON_START,
    },
    processes,
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
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      tenant: { max: env.RATE_LIMIT_TENANT_MAX, restore: env.RATE_LIMIT_TENANT_RESTORE },
      apiKey: { max: env.RATE_LIMIT_API_KEY_MAX, restore: env.RATE_LIMIT_API_KEY_RESTORE },
    },
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT },
    tracing: {
      enabled: env.TRACING_ENABLED,
      sampleRatio: env.TRACING_SAMPLE_RATIO,
      serviceName: env.OTEL_SERVICE_NAME,
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    logPretty: env.LOG_PRETTY ?? (env.NODE_ENV !== 'production' && process.stdout.isTTY === true),
    wsMaxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    // Below the pool: a herd of subscriptions starting at once queues here and leaves connections to operations.
    subscriptionDbConcurrency: Math.min(env.SUBSCRIPTION_DB_CONCURRENCY ?? Math.max(1, Math.floor(env.DB_POOL_SIZE / 2)), env.DB_POOL_SIZE),
    wsKeepAliveMs: env.WS_KEEPALIVE_MS,
    // The worker needs the owner connection, direct: on by default on the embedded database or with
    // MIGRATION_DATABASE_URL / DATABASE_DIRECT_URL.
    jobs: {
      enabled: env.JOBS_ENABLED ?? (!env.DATABASE_URL || !!env.MIGRATION_DATABASE_URL || !!env.DATABASE_DIRECT_URL),
      concurrency: env.JOBS_CONCURRENCY,
      schema: env.JOBS_SCHEMA,
    },
    survey: {
      linkBase: env.SURVEY_LINK_BASE_URL,
      submissionsPerToken: env.SURVEY_SUBMISSIONS_PER_TOKEN,
      submissionsPerAddress: env.SURVEY_SUBMISSIONS_PER_ADDRESS,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, resetLinkBase: env.PASSWORD_RESET_LINK_BASE_URL },
    invitations: { linkBase: env.INVITATION_LINK_BASE_URL, ttlHours: env.INVITATION_TTL_HOURS },
    publicLinks: { submissionsPerLink: env.PUBLIC_LINK_SUBMISSIONS_PER_LINK, submissionsPerAddress: env.PUBLIC_LINK_SUBMISSIONS_PER_ADDRESS },
    webhooks: {
      allowHttp: env.WEBHOOKS_ALLOW_HTTP ?? env.NODE_ENV !== 'production',
      allowPrivateTargets:
        env.WEBHOOKS_ALLOW_PRIVATE_TARGETS === '*'
          ? '*'
          : env.WEBHOOKS_ALLOW_PRIVATE_TARGETS.split(',')
              .map((id) => id.trim().toLowerCase())
              .filter(Boolean),
      timeoutMs: env.WEBHOOKS_TIMEOUT_MS,
      maxAttempts: env.WEBHOOKS_MAX_ATTEMPTS,
      retryBaseMs: env.WEBHOOKS_RETRY_BASE_MS,
      retryMaxMs: Math.max(env.WEBHOOKS_RETRY_MAX_MS, env.WEBHOOKS_RETRY_BASE_MS),
      responseBodyBytes: 4_096,
    },
    evidence: {
      dir: env.EVIDENCE_DIR ?? path.join(env.DATA_DIR, 'evidence'),
      maxBytes: env.EVIDENCE_MAX_BYTES,
      uploadTtlSeconds: env.EVIDENCE_UPLOAD_TTL_SECONDS,
      unattachedHours: env.EVIDENCE_UNATTACHED_HOURS,
      linkBase: env.FILES_BASE_URL?.replace(/\/$/, ''),
      s3: env.EVIDENCE_S3_BUCKET
        ? {
            bucket: env.EVIDENCE_S3_BUCKET,
            endpoint: env.EVIDENCE_S3_ENDPOINT,
            region: env.EVIDENCE_S3_REGION,
            forcePathStyle: env.EVIDENCE_S3_FORCE_PATH_STYLE,
            prefix: env.EVIDENCE_S3_PREFIX,
            credentials:
              env.EVIDENCE_S3_ACCESS_KEY_ID && env.EVIDENCE_S3_SECRET_ACCESS_KEY
                ? { accessKeyId: env.EVIDENCE_S3_ACCESS_KEY_ID, secretAccessKey: env.EVIDENCE_S3_SECRET_ACCESS_KEY }
                : undefined,
          }
        : undefined,
    },
  };
}

/** Cores this process may use (os.availableParallelism); tests may replace it. */
let cores = () => availableParallelism();
export function setCoresForTests(fn: () => number): void {
  cores = fn;
}

/**
 * How many gateway processes: GATEWAY_PROCESSES when set (`auto`: one per core); unset, one per core in
 * production on PostgreSQL with Redis, else one. More than one needs PostgreSQL (the embedded PGlite is
 * one process's) and Redis: subscription events, the cost budgets and the sign-in, survey and public-link
 * limits, and the invalidation of the CORS and persisted-operation caches all cross processes through it.
 */
function resolveProcesses(env: Env, available: number): { count: number; reason: string } {
  const missing = !env.DATABASE_URL
    ? 'the embedded database (no DATABASE_URL) belongs to one process'
    : !env.REDIS_URL
      ? 'without REDIS_URL, subscription events, cost budgets and rate limits would stay inside each process'
      : undefined;
  if (env.GATEWAY_PROCESSES === undefined) {
    if (env.NODE_ENV !== 'production') return { count: 1, reason: 'GATEWAY_PROCESSES unset outside production' };
    if (missing) return { count: 1, reason: `one process: ${missing} (GATEWAY_PROCESSES unset)` };
    return { count: available, reason: `one per core (${available}): production with PostgreSQL and Redis` };
  }
  const count = env.GATEWAY_PROCESSES === 'auto' ? available : env.GATEWAY_PROCESSES;
  if (count > 1 && missing)
    throw new ConfigError(
      `Invalid configuration:\n  GATEWAY_PROCESSES: ${count} processes refused: ${missing}. Set DATABASE_URL (PostgreSQL) and REDIS_URL, or GATEWAY_PROCESSES=1`,
    );
  return { count, reason: env.GATEWAY_PROCESSES === 'auto' ? `GATEWAY_PROCESSES=auto: one per core (${available})` : `GATEWAY_PROCESSES=${count}` };
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
