// Checks docker/compose.yaml and docker/Dockerfile without a Docker engine: the structure as
// parsed YAML, and — when the `docker-compose` binary is on PATH (.ci/run installs it) — the
// verdict of `docker-compose config`, which validates the file against the Compose schema and
// performs the variable interpolation.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parse } from 'yaml';

const dockerDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(dockerDir, '..');
const composePath = join(dockerDir, 'compose.yaml');

interface DependsOn {
  condition?: string;
}
interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  restart?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, DependsOn>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { published?: string | number; target?: string | number })[];
  volumes?: (string | { source?: string; target?: string })[];
  deploy?: unknown;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** `merge: true` resolves the `<<: *gateway` merge keys, as Compose does. */
function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

const compose = parseCompose(readFileSync(composePath, 'utf8'));
const services = compose.services;
const GATEWAYS = ['gateway', 'gateway-2'] as const;

function env(service: Service): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const e = service.environment ?? {};
  if (Array.isArray(e)) {
    for (const item of e) {
      const i = item.indexOf('=');
      if (i < 0) out[item] = undefined;
      else out[item.slice(0, i)] = item.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(e)) out[k] = v === null ? undefined : String(v);
  }
  return out;
}

function dependsOn(service: Service): Record<string, string | undefined> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v?.condition ?? 'service_started']));
}

function commandText(c: string | string[] | undefined): string {
  return Array.isArray(c) ? c.join(' ') : (c ?? '');
}

/** User, password and host of a postgres:// URL, also with `${VAR:-default}` left in it. */
function pgUrl(url: string | undefined) {
  const m = /^postgres(?:ql)?:\/\/([^:@/]+)(?::([^@]*))?@([^/:]+)(?::(\d+))?\/([^?]+)/.exec(url ?? '');
  if (!m) throw new Error(`not a postgres URL: ${url}`);
  return { user: m[1]!, password: m[2], host: m[3]!, port: m[4], database: m[5]! };
}

function healthcheckText(service: Service): string {
  const t = service.healthcheck?.test;
  return Array.isArray(t) ? t.join(' ') : (t ?? '');
}

function publishedPorts(service: Service): { published: string; target: string }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') return { published: String(p.published), target: String(p.target) };
    const parts = String(p).split(':');
    return { published: parts.at(-2)!, target: parts.at(-1)! };
  });
}

describe('docker/compose.yaml', () => {
  it('defines postgres, pgbouncer, redis, a one-shot migrate, two gateway replicas, the job worker and the proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'gateway-2', 'migrate', 'pgbouncer', 'postgres', 'proxy', 'redis', 'worker']);
    // `deploy.replicas` is not honoured by every compose implementation/mode: replicas are explicit.
    for (const name of GATEWAYS) expect(services[name]!.deploy).toBeUndefined();
  });

  it('runs PostgreSQL 15 with a volume and a pg_isready healthcheck', () => {
    const pg = services.postgres!;
    expect(pg.image).toBe('postgres:15');
    expect(healthcheckText(pg)).toContain('pg_isready');
    const mounts = (pg.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    const data = mounts.find((m) => m.split(':')[1] === '/var/lib/postgresql/data');
    expect(data, 'data directory on a volume').toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data!.split(':')[0]);
  });

  it('runs Redis 7 with a healthcheck', () => {
    expect(services.redis!.image).toBe('redis:7');
    expect(healthcheckText(services.redis!)).toContain('redis-cli ping');
  });

  it('migrates once, as the database owner, after postgres is healthy', () => {
    const m = services.migrate!;
    expect(commandText(m.command)).toBe('pnpm db:migrate');
    expect(m.restart ?? 'no').toBe('no');
    expect(m.ports ?? []).toEqual([]);
    expect(m.healthcheck?.disable).toBe(true);
    expect(dependsOn(m)).toEqual({ postgres: 'service_healthy' });
    const e = env(m);
    const owner = pgUrl(e.MIGRATION_DATABASE_URL);
    expect(owner.user).toBe('postgres');
    expect(owner.host).toBe('postgres');
    expect(e.APP_DB_PASSWORD, 'migrate gives jiedai_app its password').toBeTruthy();
    expect(e.DATABASE_URL).toBeUndefined();
  });

  it('builds one image for migrate and both gateways', () => {
    const images = new Set(['migrate', ...GATEWAYS].map((n) => services[n]!.image));
    expect(images.size).toBe(1);
    for (const name of ['migrate', ...GATEWAYS]) {
      expect(services[name]!.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    }
    expect(existsSync(join(dockerDir, '..', 'docker/Dockerfile'))).toBe(true);
  });

  it.each(GATEWAYS)('%s connects as jiedai_app (never the superuser), in production mode', (name) => {
    const e = env(services[name]!);
    const app = pgUrl(e.DATABASE_URL);
    expect(app.user).toBe('jiedai_app');
    expect(app.user).not.toBe('postgres');
    // Through PgBouncer in transaction pooling: unnamed statements, no direct URL (no migrations, no jobs).
    expect(app.host).toBe('pgbouncer');
    expect(app.port).toBe('6432');
    expect(e.DATABASE_POOLER).toBe('transaction');
    expect(e.DATABASE_DIRECT_URL).toBeUndefined();
    expect(e.JOBS_ENABLED).toBe('false');
    expect(e.TRUST_PROXY).toBe('true');
    // The password the gateway uses is the one migrate sets, default included.
    expect(app.password).toBe(env(services.migrate!).APP_DB_PASSWORD);
    const owner = pgUrl(env(services.migrate!).MIGRATION_DATABASE_URL);
    expect(app.database).toBe(owner.database);
    expect(e.MIGRATION_DATABASE_URL).toBeUndefined();
    expect(e.MIGRATE_ON_START).toBe('false');
    expect(e.SEED_DEMO).toBe('false');
    expect(e.NODE_ENV).toBe('production');
    expect(e.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
    expect(e.REDIS_URL).toBe('redis://redis:6379');
  });

  it('gives no service but migrate (and the worker its queue) an owner/superuser database URL', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'migrate') continue;
      for (const [key, value] of Object.entries(env(service))) {
        // The worker's graphile-worker schema and tenant list need the owner: MIGRATION_DATABASE_URL only.
        if (name === 'worker' && key === 'MIGRATION_DATABASE_URL') continue;
        if (value && /^postgres(ql)?:\/\//.test(value)) expect(pgUrl(value).user, `${name}.${key}`).toBe('jiedai_app');
      }
    }
    expect(pgUrl(env(services.worker!).DATABASE_URL!).user).toBe('jiedai_app');
  });

  it.each(GATEWAYS)('%s starts only after migrate completed successfully, and has a /healthz healthcheck', (name) => {
    const s = services[name]!;
    expect(dependsOn(s)).toEqual({
      migrate: 'service_completed_successfully',
      pgbouncer: 'service_healthy',
      postgres: 'service_healthy',
      redis: 'service_healthy',
    });
    expect(healthcheckText(s)).toContain('/healthz');
    expect(healthcheckText(s)).not.toMatch(/\bcurl\b|\bwget\b/); // not in the slim image
  });

  it('publishes only the proxy, on 4000; the replicas are reached through it', () => {
    const published = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, publishedPorts(s)]));
    expect(Object.fromEntries(Object.entries(published).filter(([, p]) => p.length > 0))).toEqual({ proxy: [{ published: '4000', target: '80' }] });
  });

  it('runs PgBouncer (Debian 1.18, built here) in transaction pooling for the app role only, after migrate', () => {
    const b = services.pgbouncer!;
    expect(b.build).toEqual({ context: 'pgbouncer' });
    expect(dependsOn(b)).toEqual({ migrate: 'service_completed_successfully', postgres: 'service_healthy' });
    expect(env(b).APP_DB_PASSWORD).toBe(env(services.migrate!).APP_DB_PASSWORD);
    expect(healthcheckText(b)).toContain('6432');
    const dockerfile = readFileSync(join(dockerDir, 'pgbouncer/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(dockerfile).toMatch(/apt-get install [^\n]*pgbouncer/);
    expect(dockerfile).toMatch(/^USER postgres$/m);
    const entry = readFileSync(join(dockerDir, 'pgbouncer/entrypoint.sh'), 'utf8');
    expect(entry).toMatch(/^pool_mode = transaction$/m);
    expect(entry).toMatch(/^listen_port = 6432$/m);
    expect(entry).toMatch(/^auth_type = scram-sha-256$/m);
    // Only the app role is let through: the owner never goes through the pooler.
    expect(entry).toContain(`'"jiedai_app" "%s"\\n' "$APP_DB_PASSWORD"`);
    expect(entry).not.toMatch(/postgres"/);
  });

  it('keeps migrations and the job queue on postgres directly, tenant work of the worker through PgBouncer', () => {
    expect(pgUrl(env(services.migrate!).MIGRATION_DATABASE_URL).host).toBe('postgres');
    const w = env(services.worker!);
    expect(pgUrl(w.MIGRATION_DATABASE_URL).host).toBe('postgres');
    expect(pgUrl(w.DATABASE_URL).host).toBe('pgbouncer');
    expect(w.DATABASE_POOLER).toBe('transaction');
    expect(dependsOn(services.worker!)).toMatchObject({ pgbouncer: 'service_healthy' });
  });

  it("mounts the gateways' evidence volume into the worker (its cleanup job deletes files there)", () => {
    const mounts = (s: Service) => (s.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    const evidence = mounts(services.gateway!).find((m) => m.endsWith(':/app/.jiedai-data'));
    expect(evidence).toBeDefined();
    expect(mounts(services['gateway-2']!)).toContain(evidence);
    expect(mounts(services.worker!)).toContain(evidence);
  });

  it('balances HTTP and WebSocket over both replicas with nginx (official image), after both are healthy', () => {
    const p = services.proxy!;
    expect(p.image).toMatch(/^nginx:\d/);
    expect(dependsOn(p)).toEqual({ gateway: 'service_healthy', 'gateway-2': 'service_healthy' });
    const mounts = (p.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(mounts).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    // Directives only (comments dropped).
    const conf = readFileSync(join(dockerDir, 'nginx.conf'), 'utf8').replace(/#.*$/gm, '');
    const upstream = /upstream (\w+) \{([^}]*)\}/.exec(conf);
    expect(upstream, 'an upstream block').not.toBeNull();
    const servers = [...upstream![2]!.matchAll(/^\s*server ([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers).toEqual(['gateway:4000', 'gateway-2:4000']);
    expect(conf).toContain(`proxy_pass http://${upstream![1]};`);
    // WebSocket: HTTP/1.1 with the Upgrade and Connection headers passed on.
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade/);
    // SSE unbuffered, long-lived sockets, the client address for TRUST_PROXY, no sticky sessions.
    expect(conf).toMatch(/proxy_buffering off;/);
    expect(conf).toMatch(/proxy_read_timeout \d{3,}s;/);
    expect(conf).toMatch(/X-Forwarded-For \$proxy_add_x_forwarded_for/);
    expect(conf).not.toMatch(/^\s*(ip_hash|hash|sticky)\b/m);
    expect(conf).not.toMatch(/non_idempotent/);
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n');
  const installLine = lines.findIndex((l) => !l.trimStart().startsWith('#') && /pnpm install --frozen-lockfile/.test(l));
  const copiedBeforeInstall = lines
    .slice(0, installLine)
    .filter((l) => /^COPY\s/.test(l))
    .join('\n');

  /** Workspace packages per pnpm-workspace.yaml (`dir/*` globs). */
  function workspaceManifests(): string[] {
    const ws = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: string[] };
    const out: string[] = [];
    for (const pattern of ws.packages ?? []) {
      // A plain directory (`bench`, `cluster`) is a package itself; `dir/*` holds packages.
      if (!pattern.endsWith('/*')) {
        if (existsSync(join(root, pattern, 'package.json'))) out.push(`${pattern}/package.json`);
        continue;
      }
      const dir = pattern.replace(/\/\*$/, '');
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(root, dir, entry.name, 'package.json'))) {
          out.push(`${dir}/${entry.name}/package.json`);
        }
      }
    }
    return out;
  }

  it('installs from the lockfile with only manifests and the Prisma schema copied first', () => {
    expect(installLine).toBeGreaterThan(0);
    for (const f of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'prisma.config.ts', 'prisma/']) {
      expect(copiedBeforeInstall).toContain(f);
    }
    const manifests = workspaceManifests();
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) expect(copiedBeforeInstall, `${m} copied before install`).toContain(`COPY ${m} `);
    expect(copiedBeforeInstall).not.toMatch(/^COPY \. /m);
  });

  it('uses node:20-bookworm-slim, pnpm 12, a non-root user, port 4000, /healthz and tsx', () => {
    expect(dockerfile).toMatch(/node:20-bookworm-slim/);
    expect(dockerfile).toMatch(/npm install -g "?pnpm@\$\{PNPM_VERSION\}"?|npm install -g pnpm@12/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s*CMD \[[^\n]*\/healthz/m);
    expect(dockerfile).toMatch(/^CMD \["node_modules\/\.bin\/tsx", "services\/gateway\/src\/main\.ts"\]$/m);
  });

  it('never lets pnpm install or switch versions at run time in the image', () => {
    // `pnpm db:migrate` in the runtime image would otherwise try to reinstall node_modules.
    expect(dockerfile).toMatch(/pnpm_config_verify_deps_before_run=false/);
    expect(dockerfile).toMatch(/pnpm_config_store_dir=\/pnpm\/store/);
    expect(dockerfile).toMatch(/--mount=type=cache,[^\n]*target=\/pnpm\/store/);
  });

  it('keeps node_modules and generated code of the build machine out of the context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const p of ['**/node_modules', 'packages/db/src/generated', 'packages/schema/src/generated', '.git', '.env']) {
      expect(ignore).toContain(p);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// docker-compose (Debian's 1.29) validates and interpolates the file; no engine needed.
const hasDockerCompose = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).status === 0;
const JWT_SECRET = 'test-secret-for-compose-config-0123456789abcdef';

function dockerCompose(args: string[], extraEnv: Record<string, string> = {}) {
  const baseEnv = { ...process.env };
  for (const k of [
    'JWT_SECRET',
    'APP_DB_PASSWORD',
    'POSTGRES_PASSWORD',
    'JIEDAI_IMAGE_TAG',
    'LOG_LEVEL',
    'COMPOSE_FILE',
    'PUBLIC_URL',
    'SMTP_URL',
    'MAIL_FROM',
  ]) {
    delete baseEnv[k];
  }
  return spawnSync('docker-compose', ['-f', 'docker/compose.yaml', ...args], {
    cwd: root,
    env: { ...baseEnv, ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('links and mail', () => {
  it('gives both gateways and the worker the hosted pages’ link bases from one PUBLIC_URL, and the mail settings', () => {
    const base = ['$', '{PUBLIC_URL:-http://localhost:4000}'].join(''); // as written in the file, before interpolation
    for (const name of [...GATEWAYS, 'worker']) {
      const e = env(services[name]!);
      expect(e.SURVEY_LINK_BASE_URL, name).toBe(`${base}/s/`);
      expect(e.INVITATION_LINK_BASE_URL, name).toBe(`${base}/i/`);
      expect(e.PASSWORD_RESET_LINK_BASE_URL, name).toBe(`${base}/r/`);
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['SMTP_URL', 'MAIL_FROM']));
    }
  });
});

describe('docker-compose config', () => {
  it.skipIf(!hasDockerCompose)('interpolates PUBLIC_URL into the link bases (localhost:4000 unless set); SMTP_URL passes through', () => {
    const local = parseCompose(dockerCompose(['config'], { JWT_SECRET }).stdout).services;
    expect(env(local.gateway!).INVITATION_LINK_BASE_URL).toBe('http://localhost:4000/i/');
    expect(env(local.gateway!).SMTP_URL).toBeUndefined();
    const r = dockerCompose(['config'], { JWT_SECRET, PUBLIC_URL: 'https://api.example.org', SMTP_URL: 'smtp://mail.example.org:587' });
    expect(r.status, r.stderr).toBe(0);
    const resolved = parseCompose(r.stdout).services;
    for (const name of [...GATEWAYS, 'worker']) {
      const e = env(resolved[name]!);
      expect(e.SURVEY_LINK_BASE_URL).toBe('https://api.example.org/s/');
      expect(e.INVITATION_LINK_BASE_URL).toBe('https://api.example.org/i/');
      expect(e.PASSWORD_RESET_LINK_BASE_URL).toBe('https://api.example.org/r/');
      expect(e.SMTP_URL).toBe('smtp://mail.example.org:587');
    }
  });

  it.skipIf(!hasDockerCompose)('accepts docker/compose.yaml when JWT_SECRET is set', () => {
    const r = dockerCompose(['config', '-q'], { JWT_SECRET });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!hasDockerCompose)('refuses to run without JWT_SECRET', () => {
    const r = dockerCompose(['config', '-q']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('set JWT_SECRET');
  });

  it.skipIf(!hasDockerCompose)('interpolates one app password into migrate and both gateways', () => {
    const r = dockerCompose(['config'], { JWT_SECRET, APP_DB_PASSWORD: 'app-pw-from-env', POSTGRES_PASSWORD: 'owner-pw' });
    expect(r.status, r.stderr).toBe(0);
    const resolved = parseCompose(r.stdout).services;
    expect(env(resolved.migrate!).APP_DB_PASSWORD).toBe('app-pw-from-env');
    expect(env(resolved.migrate!).MIGRATION_DATABASE_URL).toBe('postgres://postgres:owner-pw@postgres:5432/jiedai');
    expect(env(resolved.postgres!).POSTGRES_PASSWORD).toBe('owner-pw');
    expect(env(resolved.pgbouncer!).APP_DB_PASSWORD).toBe('app-pw-from-env');
    for (const name of GATEWAYS) {
      const e = env(resolved[name]!);
      expect(e.DATABASE_URL).toBe('postgres://jiedai_app:app-pw-from-env@pgbouncer:6432/jiedai');
      expect(e.JWT_SECRET).toBe(JWT_SECRET);
      expect(e.JWT_ISSUER).toBeUndefined(); // passed through only when set in the shell
    }
  });
});
