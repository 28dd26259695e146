// The compose topology (docker/compose.yaml) without Docker, from the cluster suite's building blocks:
// a PostgreSQL cluster of its own (initdb + pg_ctl) → migrations as the owner on the direct URL → PgBouncer
// in transaction pooling → a private redis-server → two gateway processes (the app role through PgBouncer,
// DATABASE_POOLER=transaction, no jobs) and the job worker (`pnpm worker`: the queue on the direct URL,
// tenant work through PgBouncer) → nginx with docker/nginx.conf, balancing HTTP and WebSocket over both
// gateways. `pnpm topology` (topology-main.ts) runs it until Ctrl-C; topology.test.ts proves it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, TEST_JWT } from '@jiedai/testing';
import { gatewayClient, ROOT, startGatewayProcess, type GatewayClient, type GatewayProcess } from './gateways.ts';
import { startPgBouncer, type PgBouncer } from './pgbouncer.ts';
import { startPostgres, type PrivatePostgres } from './postgres.ts';
import { serverDir, startServer, unprivileged, type ServerProcess } from './procs.ts';
import { startRedis, type PrivateRedis } from './redis.ts';

export interface TopologyOptions {
  /** Where nginx listens (default: a free port). */
  port?: number;
  /** An existing database as its owner (already migrated or not) instead of a PostgreSQL cluster of its own. */
  databaseUrl?: string;
  /** Seed the demo tenants (the first gateway does it once, as the owner). */
  demo?: boolean;
  /** JWT secret of the gateways (default: the tests' own; set one of your own for anything but a try-out). */
  jwtSecret?: string;
  /** Extra environment for the gateways and the worker. */
  env?: Record<string, string>;
}

export interface Topology {
  /** The proxy: http://127.0.0.1:<port> (GraphQL on /graphql, WebSocket on the same path). */
  url: string;
  proxy: GatewayClient;
  postgres: PrivatePostgres | null;
  /** The database as its owner (the direct URL). */
  ownerUrl: string;
  bouncer: PgBouncer;
  redis: PrivateRedis;
  gateways: GatewayProcess[];
  /** Each gateway's internal metrics port (METRICS_PORT), in the order of `gateways`. */
  metricsPorts: number[];
  worker: ServerProcess;
  nginx: ServerProcess;
  stop(): Promise<void>;
}

/** Runs a one-shot command (migrate, create-platform-admin) of the repository with `env`, as compose's migrate does. */
export function runOneShot(script: string, args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** docker/nginx.conf with the compose service names replaced by the local gateways' ports. */
export function localNginxConf(listenPort: number, gatewayPorts: [number, number]): string {
  const conf = readFileSync(path.join(ROOT, 'docker/nginx.conf'), 'utf8');
  const local = conf
    .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${listenPort};`)
    .replace(/^(\s*)server gateway:4000\b/m, `$1server 127.0.0.1:${gatewayPorts[0]}`)
    .replace(/^(\s*)server gateway-2:4000\b/m, `$1server 127.0.0.1:${gatewayPorts[1]}`);
  if (/gateway(-2)?:4000|listen 80;/.test(local)) throw new Error('docker/nginx.conf changed shape: the topology cannot adapt it');
  return local;
}

export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    // PostgreSQL, and the migrations as the owner (compose's `migrate`).
    let postgres: PrivatePostgres | null = null;
    let ownerUrl = options.databaseUrl;
    if (!ownerUrl) {
      postgres = await startPostgres();
      stops.push(() => postgres!.stop());
      const created = runOneShot('cluster/src/create-database.ts', [], { OWNER_URL: postgres.url('postgres'), DATABASE_NAME: 'jiedai' });
      if (created.status !== 0) throw new Error(`create database:\n${created.output}`);
      ownerUrl = postgres.url('jiedai');
    }
    const migrated = runOneShot('packages/db/src/cli/migrate.ts', [], { MIGRATION_DATABASE_URL: ownerUrl, APP_DB_PASSWORD: 'jiedai-app-local-only' });
    if (migrated.status !== 0) throw new Error(`migrate:\n${migrated.output}`);
    const serverPort = Number(new URL(ownerUrl).port || 5432);
    const bouncer = await startPgBouncer({ serverPort, poolSize: 20, users: ['jiedai_app'] });
    stops.push(() => bouncer.stop());
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const pooled = bouncer.through(ownerUrl, 'jiedai_app');
    const env = (extra: Record<string, string> = {}) => ({
      DATABASE_URL: pooled,
      DATABASE_POOLER: 'transaction',
      DB_POOL_SIZE: '20',
      REDIS_URL: redis.url,
      TRUST_PROXY: 'true',
      JOBS_ENABLED: 'false',
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...(options.jwtSecret ? { JWT_SECRET: options.jwtSecret } : {}),
      ...options.env,
      ...extra,
    });
    const metricsPorts = [await freePort(), await freePort()];
    const gateways: GatewayProcess[] = [];
    stops.push(() => Promise.all(gateways.map((g) => g.stop(10_000))));
    // The demo seed needs the owner: the first gateway seeds once (on the direct URL), then the second starts.
    gateways.push(
      await startGatewayProcess(
        'gateway',
        env({ METRICS_PORT: String(metricsPorts[0]), ...(options.demo ? { SEED_DEMO: 'true', DATABASE_DIRECT_URL: ownerUrl } : {}) }),
      ),
    );
    const started = await Promise.allSettled([
      startGatewayProcess('gateway-2', env({ METRICS_PORT: String(metricsPorts[1]) })),
      startServer('worker', process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/gateway/src/worker-main.ts')], /Jiedai worker ready/, {
        env: {
          NODE_ENV: 'production',
          JWT_SECRET: options.jwtSecret ?? TEST_JWT.secret,
          ...env(),
          // Its readiness line is an info line.
          LOG_LEVEL: 'info',
          MIGRATION_DATABASE_URL: ownerUrl,
          JOBS_CONCURRENCY: '2',
        },
        timeoutMs: 90_000,
      }),
    ]);
    const [second, worker] = started;
    if (second.status === 'fulfilled') gateways.push(second.value);
    if (worker.status === 'fulfilled') stops.push(() => worker.value.kill('SIGTERM'));
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    if (second.status !== 'fulfilled' || worker.status !== 'fulfilled') throw new Error('unreachable');
    const port = options.port ?? (await freePort());
    const nginx = await startNginx(port, [gateways[0]!.port, gateways[1]!.port]);
    stops.push(() => nginx.kill('SIGQUIT'));
    const url = `http://127.0.0.1:${port}`;
    return { url, proxy: gatewayClient('proxy', port), postgres, ownerUrl, bouncer, redis, gateways, metricsPorts, worker: worker.value, nginx, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** nginx in the foreground, resolved once the proxy answers /proxy-health. */
async function startNginx(listenPort: number, gatewayPorts: [number, number]): Promise<ServerProcess> {
  const binary = ['/usr/sbin/nginx', 'nginx'].find((b) => spawnSync(b, ['-v']).status === 0);
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx-light; .ci/run installs it)');
  const { dir, remove } = serverDir('jiedai-nginx-');
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];
  for (const d of temps) mkdirSync(path.join(dir, d), { recursive: true });
  const user = unprivileged();
  if (user) spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  writeFileSync(path.join(dir, 'default.conf'), localNginxConf(listenPort, gatewayPorts));
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      'error_log stderr warn;',
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      ...temps.map((d) => `  ${d}_temp_path ${dir}/${d};`),
      `  include ${dir}/default.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', `${dir}/`, '-e', 'stderr', '-c', path.join(dir, 'nginx.conf')];
  const check = spawnSync(binary, ['-t', ...args], { encoding: 'utf8', ...user });
  if (check.status !== 0) throw new Error(`nginx -t:\n${check.stderr}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], ...user });
  const output: string[] = [];
  child.stdout!.on('data', (c) => output.push(String(c)));
  child.stderr!.on('data', (c) => output.push(String(c)));
  let code: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
      remove();
      resolve();
    }),
  );
  const server: ServerProcess = {
    name: 'nginx',
    output,
    exitCode: () => code,
    exited,
    kill: async (signal = 'SIGQUIT') => {
      if (code !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  const until = Date.now() + 20_000;
  for (;;) {
    if (code !== null) throw new Error(`nginx exited (${code}):\n${output.join('')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${listenPort}/proxy-health`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await server.kill('SIGKILL');
      throw new Error(`nginx not answering after 20 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
