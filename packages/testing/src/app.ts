// A real gateway for tests: the run's PostgreSQL database (see global-setup.ts), real plugins, a
// client over `yoga.fetch`, the HTTP server on an ephemeral port for graphql-ws, and captured logs.
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { pino } from 'pino';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openDatabase, type Database } from '@jiedai/db';
import { buildApp, loadConfig, type App } from '@jiedai/gateway';

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
  /** Every SQL statement the gateway sent, in order (clear it with `statements.length = 0`). */
  statements: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResponse<T>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Listens on an ephemeral port (once) and returns it. */
  listen(): Promise<number>;
  wsClient(connectionParams?: Record<string, unknown>): Client;
  close(): Promise<void>;
}

export function authHeaders(options: GqlOptions = {}): Record<string, string> {
  return {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.tenantId ? { 'x-tenant-id': options.tenantId } : {}),
    ...options.headers,
  };
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = inject('databaseUrl');
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
    JWT_SECRET: TEST_JWT.secret,
    JWT_ISSUER: TEST_JWT.issuer,
    JWT_AUDIENCE: TEST_JWT.audience,
    ...env,
  });
  const statements: string[] = [];
  // A small pool on a loaded 2-core machine: operations may wait for a connection as long as before the
  // 503-on-exhaustion change (10 s) unless a test asks otherwise; hardening.test.ts tests the 503 itself.
  const db = await openDatabase({
    url: databaseUrl,
    migrate: false,
    poolSize: 4,
    poolWaitMs: Number(env.DB_POOL_WAIT_MS ?? 10_000),
    onStatement: (sql) => statements.push(sql),
  });
  const app = await buildApp(config, { db, logger });
  let port: number | null = null;
  const fetch = async (path: string, init?: RequestInit): Promise<Response> => app.yoga.fetch(`http://jiedai.test${path}`, init as never);
  return {
    app,
    db,
    url: databaseUrl,
    logs,
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
        connectionParams,
        retryAttempts: 0,
        lazy: true,
      });
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}
