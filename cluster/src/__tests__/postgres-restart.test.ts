// PostgreSQL crashes and comes back under a gateway process (a private cluster: initdb + pg_ctl on its
// own port, behind a private PgBouncer in transaction pooling, the gateway migrating it on start through
// the direct URL): operations meanwhile fail cleanly with a retryable answer (HTTP 503 or a
// SERVICE_UNAVAILABLE error, never a stack trace or SQL), /readyz says 503 while the database is away,
// the same process serves again once it is back (no restart), and every acknowledged write is stored
// exactly once (retries carry the same idempotency key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPgClient } from '@jiedai/db';
import { createPasswordHasher } from '@jiedai/schema';
import { createTenant, PASSWORD, signIn, unique, waitFor, type TestTenant } from '@jiedai/testing';
import { startPgBouncer, type PgBouncer } from '../pgbouncer.ts';
import { startPostgres, type PrivatePostgres } from '../postgres.ts';
import { startGatewayProcess, type GatewayProcess } from '../gateways.ts';
import { CREATE_TASK } from '../cluster.ts';

let postgres: PrivatePostgres;
let bouncer: PgBouncer;
let gateway: GatewayProcess;
let tenant: TestTenant;

beforeAll(async () => {
  postgres = await startPostgres();
  await withPgClient(postgres.url(), (c) => c.query('CREATE DATABASE jiedai'));
  bouncer = await startPgBouncer({ serverPort: postgres.port, poolSize: 4 });
  gateway = await startGatewayProcess('gateway', {
    DATABASE_URL: bouncer.through(postgres.url('jiedai'), 'jiedai_app'),
    DATABASE_POOLER: 'transaction',
    DATABASE_DIRECT_URL: postgres.url('jiedai'),
    MIGRATE_ON_START: 'true',
    DB_POOL_WAIT_MS: '2000',
  });
  // The first platform admin, as the owner (as `pnpm admin:create-platform-admin` makes one).
  const email = `${unique('platform')}@test.jiedai`;
  const hash = await createPasswordHasher().hash(PASSWORD);
  await withPgClient(postgres.url('jiedai'), (c) =>
    c.query(
      `WITH u AS (INSERT INTO users (email, display_name, is_platform_admin) VALUES ($1, 'Platform admin', true) RETURNING id)
       INSERT INTO user_credentials (user_id, password_hash) SELECT id, $2 FROM u`,
      [email, hash],
    ),
  );
  tenant = await createTenant(gateway.asTestApp(), await signIn(gateway.asTestApp(), email), 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  await gateway?.stop(5_000);
  await bouncer?.stop();
  await postgres?.stop();
});

describe('PostgreSQL restarted under the gateway', () => {
  it('fails cleanly and retryably meanwhile, /readyz reports it, recovers without a restart; acknowledged writes all stored once', async () => {
    const acknowledged = new Set<string>();
    const answers = { ok: 0, retryable: 0, other: [] as unknown[] };
    let writing = true;
    const readiness: number[] = [];
    const create = async (key: string) => {
      for (let attempt = 0; attempt < 200 && writing; attempt++) {
        try {
          const res = await gateway.gql(CREATE_TASK, { i: { phase: 'PREPARATION', title: key, idempotencyKey: key } }, { token: tenant.adminToken });
          if (res.data?.createTask?.__typename === 'TaskPayload') {
            answers.ok++;
            acknowledged.add(key);
            return;
          }
          const text = JSON.stringify(res.errors ?? res.data);
          const retryable = res.status === 503 || res.errors?.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
          if (retryable) answers.retryable++;
          else answers.other.push({ status: res.status, body: text.slice(0, 300) });
          // Never internals in an answer.
          expect(text).not.toMatch(/at .+\.ts:\d+|SELECT |INSERT |ECONNREFUSED|pgbouncer/i);
        } catch (error) {
          answers.other.push(String(error));
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const writers = Array.from({ length: 4 }, async (_, w) => {
      while (writing) await create(`pg-${w}-${unique('k')}`);
    });
    await waitFor(() => acknowledged.size >= 20, 30_000, 'writes before the crash');
    await postgres.crash();
    const crashedAt = Date.now();
    await waitFor(
      async () => {
        const res = await gateway.fetch('/readyz');
        readiness.push(res.status);
        return res.status === 503;
      },
      30_000,
      '/readyz 503 while the database is away',
    );
    const during = await gateway.gql(`{ tenant { id } }`, {}, { token: tenant.adminToken });
    expect(during.status === 503 || during.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE', JSON.stringify(during)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    await postgres.start();
    const restartedAt = Date.now();
    await waitFor(async () => (await gateway.fetch('/readyz')).status === 200, 60_000, '/readyz 200 again');
    const recoveredMs = Date.now() - restartedAt;
    const atRecovery = acknowledged.size;
    await waitFor(() => acknowledged.size >= atRecovery + 20, 60_000, 'writes after the restart');
    writing = false;
    await Promise.all(writers);
    expect(gateway.proc.exitCode).toBeNull();
    const stored = await withPgClient(postgres.url('jiedai'), (c) =>
      c.query<{ title: string; n: number }>(`SELECT title, count(*)::int AS n FROM tasks WHERE title LIKE 'pg-%' GROUP BY title`),
    );
    const counts = new Map(stored.rows.map((r) => [r.title, r.n]));
    const missingOrTwice = [...acknowledged].filter((k) => counts.get(k) !== 1);
    console.log(
      `[faults] PostgreSQL crashed for ${restartedAt - crashedAt} ms: ${acknowledged.size} acknowledged, missing or twice ${missingOrTwice.length}, retryable answers ${answers.retryable}, other answers ${answers.other.length}, ready again ${recoveredMs} ms after the restart (same process)`,
    );
    expect(missingOrTwice).toEqual([]);
    expect(answers.other).toEqual([]);
  });
});
