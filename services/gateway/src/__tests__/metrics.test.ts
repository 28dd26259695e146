// Prometheus metrics at /metrics: refused without the token (and not served at all without one), served
// with it; operations by name and outcome, latency, open subscriptions, events published, the pool; or on an
// internal port of their own (METRICS_PORT) with no token.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

const TOKEN = 'metrics-token-of-some-length';
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ METRICS_TOKEN: TOKEN });
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
});

afterAll(async () => {
  await t?.close();
});

const scrape = async (app: TestApp = t) => {
  const res = await app.fetch('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};

/** The value of one sample, e.g. `jiedai_graphql_operations_total{operation="X",type="query",outcome="ok"}`. */
const sample = (text: string, name: string, labels: Record<string, string>): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe('/metrics', () => {
  it('is refused without the token or with a wrong one, and with an API credential', async () => {
    expect((await t.fetch('/metrics')).status).toBe(401);
    const wrong = await t.fetch('/metrics', { headers: { authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    expect(await wrong.text()).not.toContain('jiedai_');
    expect((await t.fetch('/metrics', { headers: { authorization: `Bearer ${tenant.adminToken}` } })).status).toBe(401);
  });

  it('counts operations by name and outcome with their latency, events published and the pool', async () => {
    const name = `Board_${unique('op').replace(/-/g, '_')}`;
    const before = await scrape();
    expect(await t.gql(`query ${name} { tenant { id } }`, undefined, { token: tenant.adminToken })).toMatchObject({ status: 200 });
    await t.gql(`query ${name} { visit(id: "bm90LWFuLWlk") { id } }`, undefined, { token: tenant.adminToken });
    await t.gql(`mutation { createDepartment(input: { name: "${unique('dept')}" }) { __typename } }`, undefined, { token: tenant.adminToken });
    const after = await scrape();
    expect(sample(after, 'jiedai_graphql_operations_total', { operation: name, type: 'query', outcome: 'ok' })).toBe(1);
    expect(sample(after, 'jiedai_graphql_operations_total', { operation: name, type: 'query', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(sample(after, 'jiedai_graphql_operation_duration_seconds_count', { operation: name, type: 'query' })).toBe(2);
    expect(sample(after, 'jiedai_graphql_operations_total', { operation: '(anonymous)', type: 'mutation', outcome: 'ok' })).toBeGreaterThan(
      sample(before, 'jiedai_graphql_operations_total', { operation: '(anonymous)', type: 'mutation', outcome: 'ok' }),
    );
    expect(after).toMatch(/^jiedai_db_pool_connections\{state="total"\} \d+/m);
    expect(after).toContain('process_cpu_seconds_total');
    expect(after).not.toContain(tenant.adminToken);
  });

  it('open subscriptions go up and down; events published are counted', async () => {
    await t.listen();
    const visit = await t.gql(
      `mutation($input: CreateVisitInput!) { createVisit(input: $input) { ... on VisitPayload { visit { id } } ... on Error { code message } } }`,
      {
        input: {
          title: unique('visit'),
          purpose: 'WORK_INSPECTION',
          startsAt: new Date(Date.now() + 86_400_000).toISOString(),
          endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        },
      },
      { token: tenant.adminToken },
    );
    const visitId = visit.data?.createVisit?.visit?.id as string;
    expect(visitId, JSON.stringify(visit)).toBeTypeOf('string');
    let text = await scrape();
    const open = () => Number(/^jiedai_graphql_subscriptions_open (\d+)/m.exec(text)?.[1] ?? NaN);
    const openNow = async () => {
      text = await scrape();
      return open();
    };
    const openBefore = open();
    const client = t.wsClient({ Authorization: `Bearer ${tenant.adminToken}` });
    const dispose = client.subscribe(
      { query: 'subscription ($v: ID!) { taskBoardChanged(visitId: $v) { cursor } }', variables: { v: visitId } },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    await waitFor(async () => (await openNow()) === openBefore + 1, 5_000, 'the subscription to be counted');
    expect(text).toMatch(/^jiedai_websocket_connections 1/m);
    expect(text).toMatch(/^jiedai_events_published_total\{type="[^"]+"\} [1-9]/m);
    dispose();
    await client.dispose();
    await waitFor(async () => (await openNow()) === openBefore, 5_000, 'the subscription to end');
  });
});

describe('METRICS_PORT', () => {
  let internal: TestApp;
  beforeAll(async () => {
    internal = await startTestApp({ METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await internal?.close();
  });

  it('serves /metrics on its own port without a token, and not on the main port', async () => {
    const server = internal.app.metricsServer!;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('jiedai_graphql_operations_total');
    expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    expect((await internal.fetch('/metrics')).status).toBe(404);
  });
});
