// Gateways for the cluster suite: in this process (buildApp on a database opened through the pooler) or
// as real processes (`services/gateway/src/main.ts`, the same entry point as `pnpm start`), each with a
// client that speaks to it over HTTP and graphql-ws. The client has the shape the factories of
// @jiedai/testing need (`gql`), so tenants and members are made through the real API.
import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { openDatabase, type Database } from '@jiedai/db';
import { buildApp, loadConfig, type App } from '@jiedai/gateway';
import { authHeaders, freePort, TEST_JWT, type GqlOptions, type GqlResponse, type TestApp } from '@jiedai/testing';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface GatewayClient {
  readonly name: string;
  readonly baseUrl: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GqlResponse<T>>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  wsClient(connectionParams?: Record<string, unknown>, options?: { retry?: boolean }): Client;
  /** For the factories of @jiedai/testing (createTenant, member …), which only call `gql`. */
  asTestApp(): TestApp;
}

export function gatewayClient(name: string, port: number): GatewayClient {
  const baseUrl = `http://127.0.0.1:${port}`;
  const client: GatewayClient = {
    name,
    baseUrl,
    fetch: (p, init) => fetch(`${baseUrl}${p}`, init),
    async gql(query, variables, options = {}) {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(options) },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: { data?: any; errors?: GqlResponse['errors'] };
      try {
        body = JSON.parse(text);
      } catch {
        body = { errors: [{ message: `not JSON (${res.status}): ${text.slice(0, 200)}` }] };
      }
      return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
    },
    wsClient: (connectionParams, options = {}) =>
      createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: options.retry ? 5 : 0, lazy: true }),
    asTestApp: () => client as unknown as TestApp,
  };
  return client;
}

/** The gateway's environment for the cluster: production, quiet, the test JWT secret. */
export function clusterEnv(env: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    MIGRATE_ON_START: 'false',
    JOBS_ENABLED: 'false',
    // One process per gateway (production would fork one per core here): the suite's topologies say how many.
    GATEWAY_PROCESSES: '1',
    JWT_SECRET: TEST_JWT.secret,
    JWT_ISSUER: TEST_JWT.issuer,
    JWT_AUDIENCE: TEST_JWT.audience,
    ...env,
  };
}

export interface InProcessGateway extends GatewayClient {
  app: App;
  db: Database;
  logs: string[];
  close(): Promise<void>;
}

/** buildApp in this process on a database opened as the gateway opens it (DATABASE_POOLER and all). */
export async function inProcessGateway(name: string, env: Record<string, string>): Promise<InProcessGateway> {
  const config = loadConfig(clusterEnv({ ...env, PORT: '0' }));
  const logs: string[] = [];
  const logger = pino(
    { level: 'warn' },
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const db = await openDatabase({ ...config.database, poolSize: 8 });
  const app = await buildApp(config, { db, logger });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = (app.server.address() as AddressInfo).port;
  return {
    ...gatewayClient(name, port),
    app,
    db,
    logs,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export interface GatewayProcess extends GatewayClient {
  readonly port: number;
  readonly proc: ChildProcess;
  readonly output: string[];
  /** Its JSON log lines (pino) whose `msg` is `msg`. */
  logged(msg: string): Record<string, any>[];
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (a graceful stop), then SIGKILL after `killAfterMs`. */
  stop(killAfterMs?: number): Promise<number | null>;
}

/** A gateway process (`services/gateway/src/main.ts`), resolved once /readyz answers 200. */
export async function startGatewayProcess(name: string, env: Record<string, string>, options: { port?: number } = {}): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort());
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/gateway/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...clusterEnv({ ...env, PORT: String(port) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(String(chunk));
    if (output.length > 20_000) output.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (c) => {
      code = c;
      resolve(c);
    }),
  );
  const client = gatewayClient(name, port);
  const gateway: GatewayProcess = {
    ...client,
    asTestApp: () => gateway as unknown as TestApp,
    port,
    proc,
    output,
    exited,
    logged: (msg) =>
      output
        .join('')
        .split('\n')
        .filter((line) => line.includes(`"msg":${JSON.stringify(msg)}`))
        .map((line) => JSON.parse(line) as Record<string, any>),
    stop: async (killAfterMs = 20_000) => {
      if (code !== undefined) return code;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
      const c = await exited;
      clearTimeout(timer);
      return c;
    },
  };
  const until = Date.now() + 90_000;
  for (;;) {
    if (code !== undefined) throw new Error(`${name} exited (${code}):\n${output.join('')}`);
    try {
      const res = await fetch(`${client.baseUrl}/readyz`);
      if (res.ok) return gateway;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await gateway.stop(1_000);
      throw new Error(`${name} not ready after 90 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
