// A real gateway for tests: the run's PostgreSQL database (see global-setup.ts), real plugins, a
// client over `yoga.fetch`, the HTTP server on an ephemeral port for graphql-ws, and captured logs.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { pino } from 'pino';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openDatabase, type Database } from '@jiedai/db';
import { buildApp, loadConfig, type App, type BuildOptions } from '@jiedai/gateway';
import { startMailSink, type MailSink } from './mail-sink.ts';

export const TEST_JWT = { secret: 'test-secret-of-at-least-thirty-two-characters', issuer: 'jiedai', audience: 'jiedai-api' };

export interface GqlOptions {
  token?: string | null;
  tenantId?: string | null;
  headers?: Record<string, string>;
}

export interface GqlResponse<T = any> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  headers: Headers;
}

export interface TestApp {
  app: App;
  db: Database;
  url: string;
  /** Every log line the gateway wrote, as text. */
  logs: string[];
  /**
   * The real SMTP server the gateway's mail goes to (invitations, reset links), started with the app unless the
   * test gives its own SMTP_URL (then undefined).
   */
  mail: MailSink | undefined;
  /** Every SQL statement the gateway sent, in order (clear it with `statements.length = 0`). */
  statements: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResponse<T>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Listens on an ephemeral port (once) and returns it. */
  listen(): Promise<number>;
  wsClient(connectionParams?: Record<string, unknown>): Client;
  close(): Promise<void>;
}

/**
 * Tests are written against the English messages: every request asks for English (Accept-Language: en)
 * unless `headers` says otherwise (the language tests do). Without it a tenant's default (zh-Hans) applies.
 */
export function authHeaders(options: GqlOptions = {}): Record<string, string> {
  return {
    'accept-language': 'en',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.tenantId ? { 'x-tenant-id': options.tenantId } : {}),
    ...options.headers,
  };
}

/** `options.jobs`: with JOBS_ENABLED 'true', the job runner's own graphile-worker schema (one per test file); `options.spanProcessor`: tracing on, spans to it. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Pick<BuildOptions, 'jobs' | 'evidence' | 'spanProcessor'> = {},
): Promise<TestApp> {
  // The run's database unless the test brings its own (env.DATABASE_URL: a test of something database-wide).
  const databaseUrl = env.DATABASE_URL ?? inject('databaseUrl');
  // E-mail goes out over real SMTP to a local sink (a server on a free port: a few milliseconds).
  const mail = env.SMTP_URL ? undefined : await startMailSink();
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    // The job runner only where a test asks for it (JOBS_ENABLED: 'true'): jobs.test.ts runs its own.
    JOBS_ENABLED: 'false',
    JWT_SECRET: TEST_JWT.secret,
    JWT_ISSUER: TEST_JWT.issuer,
    JWT_AUDIENCE: TEST_JWT.audience,
    // The pool opened below (what the gateway derives from it, e.g. SUBSCRIPTION_DB_CONCURRENCY, agrees).
    DB_POOL_SIZE: '4',
    ...(mail ? { SMTP_URL: mail.url } : {}),
    ...env,
  });
  const statements: string[] = [];
  // A small pool on a loaded 2-core machine: operations may wait for a connection as long as before the
  // 503-on-exhaustion change (10 s) unless a test asks otherwise; hardening.test.ts tests the 503 itself.
  const db = await openDatabase({
    url: databaseUrl,
    migrate: false,
    poolSize: config.database.poolSize,
    poolWaitMs: Number(env.DB_POOL_WAIT_MS ?? 10_000),
    // A transaction may take longer than production's 15 s on a loaded 2-core machine (a demo tenant seeded in one).
    transactionTimeoutMs: 60_000,
    onStatement: (sql) => statements.push(sql),
  });
  const app = await buildApp(config, { db, logger, ...options });
  let port: number | null = null;
  const fetch = async (path: string, init?: RequestInit): Promise<Response> => app.yoga.fetch(`http://jiedai.test${path}`, init as never);
  return {
    app,
    db,
    url: databaseUrl,
    logs,
    mail,
    statements,
    fetch,
    async gql(query, variables, options = {}) {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(options) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: GqlResponse['errors'] };
      return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
    },
    async listen() {
      if (port !== null) return port;
      await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
      port = (app.server.address() as AddressInfo).port;
      return port;
    },
    wsClient(connectionParams) {
      if (port === null) throw new Error('call listen() first');
      return createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { 'Accept-Language': 'en', ...connectionParams },
        retryAttempts: 0,
        lazy: true,
      });
    },
    async close() {
      await app.close();
      await db.close();
      await mail?.close();
    },
  };
}
