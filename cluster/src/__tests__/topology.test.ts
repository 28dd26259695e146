// `pnpm topology` works: the compose topology started here without Docker (a PostgreSQL cluster of its own
// migrated by the one-shot migrate, PgBouncer, Redis, two gateways, the worker, nginx with docker/nginx.conf).
// Through the proxy alone: the first platform admin made as compose documents it, a tenant, HTTP spread over
// both gateways, WebSocket subscribers spread over both, and an event written through the proxy reaching
// every subscriber whichever gateway holds it (Redis fan-out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { createTenant, PASSWORD, signIn, unique, waitFor, wsFeed, type TestTenant } from '@jiedai/testing';
import { CREATE_TASK, TASK_FEED, type TaskEvent } from '../cluster.ts';
import { runOneShot, startTopology, type Topology } from '../topology.ts';

let topology: Topology;
let tenant: TestTenant;
const clients: Client[] = [];

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name) && !line.startsWith('#'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

beforeAll(async () => {
  topology = await startTopology();
  // The first platform admin, as compose's README says: the one-shot command as the owner.
  const email = `${unique('ops')}@topology.jiedai`;
  const made = runOneShot('packages/schema/src/cli/create-platform-admin.ts', ['--email', email, '--name', 'Operations'], {
    MIGRATION_DATABASE_URL: topology.ownerUrl,
    PLATFORM_ADMIN_PASSWORD: PASSWORD,
  });
  expect(made.status, made.output).toBe(0);
  const platformToken = await signIn(topology.proxy.asTestApp(), email);
  tenant = await createTenant(topology.proxy.asTestApp(), platformToken, 'HOTEL');
});

afterAll(async () => {
  for (const c of clients) await Promise.resolve(c.dispose()).catch(() => undefined);
  await topology?.stop();
});

describe('pnpm topology (compose without Docker)', () => {
  it('runs every service of compose: its own PostgreSQL, PgBouncer, Redis, two gateways, the worker, nginx', () => {
    expect(topology.postgres).not.toBeNull();
    expect(topology.gateways.map((g) => g.proc.exitCode)).toEqual([null, null]);
    expect(topology.worker.exitCode()).toBeNull();
    expect(topology.nginx.exitCode()).toBeNull();
    expect(topology.redis.running()).toBe(true);
    // Only the app role goes through the pooler, as in compose.
    for (const g of topology.gateways) expect(g.proc.spawnargs.join(' ')).toContain('services/gateway/src/main.ts');
  });

  it('spreads HTTP over both gateways and WebSocket subscribers over both; an event written through the proxy reaches every subscriber', async () => {
    const [m1, m2] = topology.metricsPorts as [number, number];
    const before = [await metric(m1, 'jiedai_graphql_operations_total'), await metric(m2, 'jiedai_graphql_operations_total')];
    for (let i = 0; i < 20; i++) {
      const res = await topology.proxy.gql(`{ tenant { id kind } }`, {}, { token: tenant.adminToken });
      expect(res.status).toBe(200);
      expect(res.data.tenant.kind).toBe('HOTEL');
    }
    const after = [await metric(m1, 'jiedai_graphql_operations_total'), await metric(m2, 'jiedai_graphql_operations_total')];
    const served = [after[0]! - before[0]!, after[1]! - before[1]!];
    console.log(`[topology] 20 requests through nginx: gateway ${served[0]}, gateway-2 ${served[1]}`);
    expect(served[0]! + served[1]!).toBe(20);
    expect(Math.min(...served)).toBeGreaterThan(0);

    // Four subscribers through the proxy: least_conn puts them on both gateways.
    const feeds = Array.from({ length: 4 }, () => {
      const c = topology.proxy.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
      clients.push(c);
      return wsFeed<TaskEvent>(c, { query: TASK_FEED, variables: { after: null }, field: 'taskChanged' });
    });
    await waitFor(
      async () => (await metric(m1, 'jiedai_graphql_subscriptions_open')) + (await metric(m2, 'jiedai_graphql_subscriptions_open')) >= 4,
      30_000,
      `four subscriptions open (${JSON.stringify(feeds.map((f) => f.errors))})`,
    );
    const sockets = [await metric(m1, 'jiedai_websocket_connections'), await metric(m2, 'jiedai_websocket_connections')];
    console.log(`[topology] 4 WebSocket subscribers through nginx: gateway ${sockets[0]}, gateway-2 ${sockets[1]}`);
    expect(sockets[0]! + sockets[1]!).toBe(4);
    expect(Math.min(...sockets)).toBeGreaterThan(0);

    const titles = [unique('topology'), unique('topology'), unique('topology')];
    for (const title of titles) {
      const res = await topology.proxy.gql(CREATE_TASK, { i: { phase: 'PREPARATION', title } }, { token: tenant.adminToken });
      expect(res.data?.createTask?.__typename, JSON.stringify(res)).toBe('TaskPayload');
    }
    await waitFor(() => feeds.every((f) => titles.every((t) => f.events.some((e) => e.task.title === t))), 30_000, 'every subscriber saw every task');
    for (const f of feeds) {
      expect(f.errors).toEqual([]);
      f.stop();
    }
  });
});
