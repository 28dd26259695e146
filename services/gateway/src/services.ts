// The gateway's services, made once per process: tokens, passwords, the sign-in and survey guards
// (rate limits, counted in Redis when REDIS_URL is set), and the event bus behind subscriptions. They
// know no GraphQL and no HTTP; yoga.ts hands them to every operation's context.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  createPasswordHasher,
  createPublicLinkGuard,
  createSignInGuard,
  createSurveyResponseGuard,
  createTokenService,
  createFileLinkService,
  type AppServices,
} from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import { createEventBus } from './events.ts';
import { loggingChannel, smtpChannel } from './mail.ts';

export interface GatewayServices {
  services: AppServices;
  /** The rate limiters' Redis connection (and the readiness probe's), when REDIS_URL is set. */
  guardRedis: Redis | undefined;
  close(): Promise<void>;
}

const unwiredFeeds: AppServices['eventFeeds'] = {
  attach: () => Promise.reject(new Error('event feeds are not wired (buildApp does it)')),
  stats: () => ({ feeds: 0, logReads: 0 }),
  close: async () => undefined,
};

export async function createServices(config: GatewayConfig, log: Logger, given: Partial<AppServices> = {}): Promise<GatewayServices> {
  const eventBus = createEventBus(config.redisUrl, config.redisPrefix, (error, what) => log.warn({ err: error }, `${what} failed`));
  // The rate limiters' connection (and the readiness probe's): while Redis is away its commands fail at
  // once (no offline queue, one retry, a short timeout for a Redis that hangs) and the limiters count
  // in this process instead (their insurance limiters); ioredis reconnects by itself.
  const guardRedis = config.redisUrl
    ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 2_000 })
    : undefined;
  guardRedis?.on('error', (error) => log.warn({ err: error }, 'redis (sign-in guard connection) failed'));
  // Without an offline queue, commands sent before the connection is up would go to the in-process
  // limiters: give Redis a moment at start (a gateway starts without it, degraded, after that).
  if (guardRedis) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([once(guardRedis, 'ready'), new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]).catch(() => undefined);
    clearTimeout(timer);
  }
  const smtp = config.mail.smtpUrl ? smtpChannel({ url: config.mail.smtpUrl, from: config.mail.from }) : undefined;
  const services: AppServices = {
    mail: given.mail ?? smtp ?? loggingChannel(log, { includeText: config.env !== 'production' }),
    accountLinks: { resetLinkBase: config.mail.resetLinkBase },
    invitations: given.invitations ?? { linkBase: config.invitations.linkBase, ttlHours: config.invitations.ttlHours },
    passwords: given.passwords ?? createPasswordHasher(),
    tokens: given.tokens ?? createTokenService(config.jwt),
    signInGuard: given.signInGuard ?? createSignInGuard({ redis: guardRedis, keyPrefix: config.redisPrefix }),
    events: given.events ?? eventBus.bus,
    // buildApp puts the real feeds here once the database and the final bus are known (subscription-db.ts).
    eventFeeds: given.eventFeeds ?? unwiredFeeds,
    feedback: given.feedback ?? {
      responseGuard: createSurveyResponseGuard({
        redis: guardRedis,
        keyPrefix: config.redisPrefix,
        perToken: config.survey.submissionsPerToken,
        perAddress: config.survey.submissionsPerAddress,
      }),
      linkBase: config.survey.linkBase,
    },
    webhooks: given.webhooks ?? config.webhooks,
    evidence: given.evidence ?? {
      maxBytes: config.evidence.maxBytes,
      uploadTtlSeconds: config.evidence.uploadTtlSeconds,
      // Outside production links fall back to the request's origin (the context's); in production only FILES_BASE_URL.
      linkBase: config.evidence.linkBase,
    },
    // Signed with the access tokens' secret under an audience of their own (jiedai-file).
    fileLinks: given.fileLinks ?? createFileLinkService({ secret: config.jwt.secret, issuer: config.jwt.issuer }),
    publicLinks:
      given.publicLinks ??
      createPublicLinkGuard({
        redis: guardRedis,
        keyPrefix: config.redisPrefix,
        perLink: config.publicLinks.submissionsPerLink,
        perAddress: config.publicLinks.submissionsPerAddress,
      }),
  };
  return {
    services,
    guardRedis,
    close: async () => {
      await eventBus.close();
      smtp?.close();
      await guardRedis?.quit().catch(() => undefined);
    },
  };
}
