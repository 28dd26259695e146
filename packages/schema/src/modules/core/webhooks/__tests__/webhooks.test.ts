// Webhooks through two real gateways (each with its graphile-worker runner on the same queue, as two processes)
// and a real local HTTP receiver: deliveries signed per Standard Webhooks (verified with the library's own
// verifier), a receiver down for a while gets everything, in order, once it is back; each event reaches each
// endpoint once whichever gateway made it; both secrets verify during a rotation's overlap; an endpoint failing
// too long is disabled (audited) and its deliveries resume when re-enabled; SSRF refusals are typed and change
// nothing; tenant B sees nothing of A's; a non-admin is FORBIDDEN.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createPlatformAdmin, createTenant, startTestApp, unique, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A receiver: answers each path with its status (200 unless set), keeps what it got. */
function receiver() {
  const received: Received[] = [];
  const status = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const code = status.get(path) ?? 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: code });
      res.writeHead(code, { 'content-type': 'text/plain' }).end(code === 200 ? 'ok' : 'down for maintenance '.repeat(500));
    });
  });
  return {
    received,
    status,
    /** What a path accepted (2xx), in arrival order. */
    accepted: (path: string) => received.filter((r) => r.path === path && r.status === 200),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ENV = {
  JOBS_ENABLED: 'true',
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: '*',
  WEBHOOKS_RETRY_BASE_MS: '100',
  WEBHOOKS_RETRY_MAX_MS: '400',
  WEBHOOKS_MAX_ATTEMPTS: '6',
  WEBHOOKS_TIMEOUT_MS: '5000',
};
const JOBS = { schema: 'webhooks_test_worker', pollIntervalMs: 100 };

let one: TestApp;
let two: TestApp;
let strict: TestApp;
let a: TestTenant;
let b: TestTenant;
let base: string;
const hook = receiver();

const ENDPOINT = `id url enabled disabledReason eventTypes consecutiveFailures`;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpointSecretPayload { secret endpoint { ${ENDPOINT} } } ... on Error { code message path } } }`;
const DELIVERIES = `query($first: Int) { webhookEndpoints(first: 20) { totalCount nodes { id url enabled disabledReason
  deliveries(first: $first) { totalCount nodes { id eventId eventSeq eventType status attempts responseCode latencyMs error nextAttemptAt deliveredAt } } } } }`;

async function gqlOk(t: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql(query, variables, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

async function createEndpoint(t: TestApp, token: string, input: Record<string, unknown>) {
  return (await t.gql(CREATE, { input }, { token })).data.createWebhookEndpoint;
}

async function createTask(t: TestApp, token: string, title = unique('任务')) {
  const data = await gqlOk(
    t,
    `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id } } ... on Error { code message } } }`,
    { input: { phase: 'RECEPTION', title } },
    token,
  );
  expect(data.createTask.__typename).toBe('TaskPayload');
  return data.createTask.task.id as string;
}

const payloadOf = (r: Received) =>
  JSON.parse(r.body) as {
    type: string;
    timestamp: string;
    data: { id: string; seq: string; tenantId: string; change: string; task?: { id: string; title: string } };
  };
const seqs = (rs: Received[]) => rs.map((r) => Number(payloadOf(r).data.seq));
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

beforeAll(async () => {
  base = await hook.listen();
  one = await startTestApp(ENV, { jobs: JOBS });
  two = await startTestApp(ENV, { jobs: JOBS });
  // A gateway with the production rule for private targets (no tenant allowed) and http still allowed to localhost.
  strict = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: '' });
  const platform = await createPlatformAdmin(one);
  a = await createTenant(one, platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(one, platform.token, 'HOTEL');
}, 60_000);
afterAll(async () => {
  await one?.close();
  await two?.close();
  await strict?.close();
  await hook.close();
});

describe('webhooks', () => {
  it('signs every delivery per Standard Webhooks: the library verifies it; the log shows each delivery', async () => {
    const created = await createEndpoint(one, a.adminToken, { url: `${base}/signed`, description: '任务推送', eventTypes: ['TASK_CHANGED'] });
    expect(created.__typename).toBe('WebhookEndpointSecretPayload');
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.endpoint).toMatchObject({ url: `${base}/signed`, enabled: true, eventTypes: ['TASK_CHANGED'] });
    const taskIds = [await createTask(one, a.adminToken), await createTask(two, a.adminToken), await createTask(one, a.adminToken)];
    await waitFor(() => hook.accepted('/signed').length >= 3, 30_000, 'three deliveries');
    const got = hook.accepted('/signed');
    expect(got).toHaveLength(3);
    const verifier = new Webhook(created.secret);
    for (const r of got) {
      const body = verifier.verify(r.body, headersOf(r)) as ReturnType<typeof payloadOf>;
      expect(body.type).toBe('task.changed');
      expect(body.data.id).toBe(r.headers['webhook-id']);
      expect(body.data.tenantId).toBe(a.globalId);
      expect(body.data.change).toBe('CREATED');
      expect(r.headers['content-type']).toBe('application/json');
      expect(String(r.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    }
    // Tampered bodies and foreign secrets do not verify.
    expect(() => verifier.verify(got[0]!.body.replace('CREATED', 'DELETED'), headersOf(got[0]!))).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(got[0]!.body, headersOf(got[0]!))).toThrow();
    // In the order of the event log, with the tasks' global ids.
    expect(ascending(seqs(got))).toBe(true);
    expect(got.map((r) => payloadOf(r).data.task?.id)).toEqual(taskIds);
    // The log records each attempt just after the receiver answered it.
    const logged = async () =>
      (await gqlOk(one, DELIVERIES, { first: 10 }, a.adminToken)).webhookEndpoints.nodes.find((e: { id: string }) => e.id === created.endpoint.id);
    await waitFor(async () => (await logged()).deliveries.nodes.every((d: { status: string }) => d.status === 'SUCCEEDED'), 10_000, 'the log', 250);
    const endpoint = await logged();
    expect(endpoint.deliveries.totalCount).toBe(3);
    for (const d of endpoint.deliveries.nodes) {
      expect(d).toMatchObject({ eventType: 'TASK_CHANGED', status: 'SUCCEEDED', attempts: 1, responseCode: 200, error: null, nextAttemptAt: null });
      expect(d.latencyMs).toBeGreaterThanOrEqual(0);
    }
    // Newest first, and the delivery's event id is the header's.
    expect(endpoint.deliveries.nodes.map((d: { eventId: string }) => d.eventId)).toEqual(got.map((r) => r.headers['webhook-id']).reverse());
  });

  it('a receiver down for a while (503) gets everything, in order, after it comes back', async () => {
    hook.status.set('/flaky', 503);
    const created = await createEndpoint(one, a.adminToken, { url: `${base}/flaky`, eventTypes: ['TASK_CHANGED'] });
    for (let i = 0; i < 5; i++) await createTask(i % 2 ? two : one, a.adminToken, `flaky-${i}`);
    const endpointId = created.endpoint.id as string;
    const attempts = async () => {
      const log = await gqlOk(one, DELIVERIES, { first: 20 }, a.adminToken);
      return log.webhookEndpoints.nodes.find((e: { id: string }) => e.id === endpointId).deliveries.nodes as {
        status: string;
        attempts: number;
        responseCode: number | null;
        error: string | null;
      }[];
    };
    await waitFor(async () => (await attempts()).some((d) => d.attempts >= 2), 30_000, 'a retried delivery', 250);
    const failing = (await attempts()).find((d) => d.attempts >= 1)!;
    expect(failing).toMatchObject({ status: 'RETRYING', responseCode: 503, error: 'HTTP 503' });
    // Later deliveries wait for the failing one: nothing after it was attempted.
    expect((await attempts()).filter((d) => d.attempts > 0)).toHaveLength(1);
    hook.status.delete('/flaky');
    await waitFor(() => hook.accepted('/flaky').length >= 5, 30_000, 'every delivery after the receiver came back');
    const got = hook.accepted('/flaky');
    expect(got.map((r) => payloadOf(r).data.task?.title)).toEqual([0, 1, 2, 3, 4].map((i) => `flaky-${i}`));
    expect(ascending(seqs(got))).toBe(true);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(5);
    // Every attempt of one event carried the same webhook-id (at-least-once, de-duplicated by it).
    const firstId = got[0]!.headers['webhook-id'];
    const tries = hook.received.filter((r) => r.path === '/flaky' && r.headers['webhook-id'] === firstId);
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(tries.every((r) => r.body === tries[0]!.body)).toBe(true);
    await waitFor(async () => (await attempts()).every((d) => d.status === 'SUCCEEDED'), 10_000, 'the log', 250);
  });

  it('two gateways (two job runners) deliver each event once per endpoint, in order', async () => {
    const e1 = await createEndpoint(one, a.adminToken, { url: `${base}/twice-1`, eventTypes: ['TASK_CHANGED'] });
    const e2 = await createEndpoint(two, a.adminToken, { url: `${base}/twice-2`, eventTypes: ['TASK_CHANGED', 'VISIT_STATUS_CHANGED'] });
    expect([e1.__typename, e2.__typename]).toEqual(['WebhookEndpointSecretPayload', 'WebhookEndpointSecretPayload']);
    await Promise.all(Array.from({ length: 16 }, (_, i) => createTask(i % 2 ? two : one, a.adminToken, `twice-${i}`)));
    await waitFor(() => hook.accepted('/twice-1').length >= 16 && hook.accepted('/twice-2').length >= 16, 60_000, 'both endpoints');
    // Let a duplicate show itself if there were one.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const path of ['/twice-1', '/twice-2']) {
      const got = hook.accepted(path);
      expect(got).toHaveLength(16);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(16);
      expect(ascending(seqs(got))).toBe(true);
    }
    expect(seqs(hook.accepted('/twice-1'))).toEqual(seqs(hook.accepted('/twice-2')));
  });

  it('rotation: during the overlap both secrets verify; without one only the new secret does', async () => {
    const created = await createEndpoint(one, a.adminToken, { url: `${base}/rotate`, eventTypes: ['TASK_CHANGED'] });
    const old = created.secret as string;
    const ROTATE = `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) {
      __typename ... on WebhookEndpointSecretPayload { secret endpoint { previousSecretExpiresAt } } ... on Error { code message } } }`;
    const rotated = (await gqlOk(one, ROTATE, { input: { id: created.endpoint.id, overlapHours: 24 } }, a.adminToken)).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(old);
    const expires = new Date(rotated.endpoint.previousSecretExpiresAt).getTime();
    expect(expires - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    await createTask(one, a.adminToken, 'during-overlap');
    await waitFor(() => hook.accepted('/rotate').length >= 1, 30_000, 'a delivery during the overlap');
    const during = hook.accepted('/rotate')[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.secret).verify(during.body, headersOf(during))).toMatchObject({ type: 'task.changed' });
    expect(new Webhook(old).verify(during.body, headersOf(during))).toMatchObject({ type: 'task.changed' });

    const again = (await gqlOk(one, ROTATE, { input: { id: created.endpoint.id, overlapHours: 0 } }, a.adminToken)).rotateWebhookSecret;
    expect(again.endpoint.previousSecretExpiresAt).toBeNull();
    await createTask(one, a.adminToken, 'after-overlap');
    await waitFor(() => hook.accepted('/rotate').length >= 2, 30_000, 'a delivery after the overlap');
    const after = hook.accepted('/rotate')[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(new Webhook(again.secret).verify(after.body, headersOf(after))).toMatchObject({ type: 'task.changed' });
    expect(() => new Webhook(rotated.secret).verify(after.body, headersOf(after))).toThrow();
  });

  it('disables an endpoint after consecutive failures (audited); re-enabled, it resumes; a failed delivery is redelivered on request', async () => {
    hook.status.set('/down', 500);
    const created = await createEndpoint(one, a.adminToken, { url: `${base}/down`, eventTypes: ['TASK_CHANGED'] });
    const endpointId = created.endpoint.id as string;
    await createTask(one, a.adminToken, 'down-0');
    await createTask(one, a.adminToken, 'down-1');
    const endpoint = async () =>
      (await gqlOk(one, DELIVERIES, { first: 10 }, a.adminToken)).webhookEndpoints.nodes.find((e: { id: string }) => e.id === endpointId) as {
        enabled: boolean;
        disabledReason: string | null;
        deliveries: { nodes: { id: string; status: string; attempts: number }[] };
      };
    await waitFor(async () => !(await endpoint()).enabled, 30_000, 'the endpoint disabled', 250);
    const disabled = await endpoint();
    expect(disabled.disabledReason).toMatch(/^6 consecutive failed attempts since .* \(last: HTTP 500\)$/);
    const [later, first] = disabled.deliveries.nodes;
    expect(first).toMatchObject({ status: 'FAILED', attempts: 6 });
    expect(later).toMatchObject({ status: 'PENDING', attempts: 0 });
    const audit = await gqlOk(one, `{ auditLog(first: 20, action: "webhook_endpoint.disabled") { nodes { targetId actor { id } data } } }`, {}, a.adminToken);
    const entries = audit.auditLog.nodes.filter((n: { targetId: string }) => n.targetId === endpointId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ targetId: endpointId, actor: null, data: { consecutiveFailures: 6, lastResponseCode: 500 } });

    // Fixed and re-enabled: what waited is delivered; the given-up delivery only on request.
    hook.status.delete('/down');
    const enabled = await gqlOk(
      one,
      `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { __typename ... on WebhookEndpointPayload { endpoint { enabled disabledReason consecutiveFailures } } } }`,
      { input: { id: endpointId, enabled: true } },
      a.adminToken,
    );
    expect(enabled.updateWebhookEndpoint.endpoint).toEqual({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
    await waitFor(() => hook.accepted('/down').length >= 1, 30_000, 'the waiting delivery');
    expect(payloadOf(hook.accepted('/down')[0]!).data.task?.title).toBe('down-1');
    const redelivered = await gqlOk(
      one,
      `mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { __typename ... on WebhookDeliveryPayload { delivery { status } } } }`,
      { input: { deliveryId: first!.id } },
      a.adminToken,
    );
    expect(redelivered.redeliverWebhook.delivery.status).toBe('PENDING');
    await waitFor(() => hook.accepted('/down').length >= 2, 30_000, 'the redelivery');
    expect(payloadOf(hook.accepted('/down')[1]!).data.task?.title).toBe('down-0');
    await waitFor(async () => (await endpoint()).deliveries.nodes.every((d) => d.status === 'SUCCEEDED'), 10_000, 'the log', 250);
    expect((await endpoint()).deliveries.nodes.map((d) => d.attempts)).toEqual([1, 7]);
  });

  it('refuses targets the SSRF guard does not allow with a typed error, and changes nothing', async () => {
    const platform = await createPlatformAdmin(strict);
    const c = await createTenant(strict, platform.token, 'HOSPITAL');
    const port = new URL(base).port;
    const refused: [string, RegExp][] = [
      [`http://127.0.0.1:${port}/hook`, /private, loopback or reserved address \(127\.0\.0\.1\)/],
      [`https://localhost:${port}/hook`, /localhost resolves to a private, loopback or reserved address/],
      ['https://10.1.2.3/hook', /10\.1\.2\.3/],
      ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
      ['https://[::1]/hook', /::1/],
      ['https://[::ffff:192.168.0.1]/hook', /private/],
      ['http://example.com/hook', /must use https/],
      ['ftp://example.com/hook', /must use https/],
      ['https://user:pass@example.com/hook', /credentials/],
      ['not a url at all', /absolute URL/],
    ];
    for (const [url, message] of refused) {
      const res = await createEndpoint(strict, c.adminToken, { url, eventTypes: ['COMPLAINT_CHANGED'] });
      expect(res, url).toMatchObject({ __typename: 'WebhookError', code: 'URL_NOT_ALLOWED', path: ['input', 'url'] });
      expect(res.message, url).toMatch(message);
    }
    // An event type the tenant's kind never sends.
    const wrongKind = await createEndpoint(one, a.adminToken, { url: `${base}/x`, eventTypes: ['TASK_CHANGED', 'COMPLAINT_CHANGED'] });
    expect(wrongKind).toMatchObject({ __typename: 'WebhookError', code: 'EVENT_TYPE_NOT_AVAILABLE', path: ['input', 'eventTypes', '1'] });
    // Nothing was made, nothing audited.
    const after = await gqlOk(
      strict,
      `{ webhookEndpoints(first: 5) { totalCount } auditLog(first: 5, action: "webhook_endpoint.created") { totalCount } }`,
      {},
      c.adminToken,
    );
    expect(after).toEqual({ webhookEndpoints: { totalCount: 0 }, auditLog: { totalCount: 0 } });
    // Updating to a refused URL changes nothing either.
    const ok = await createEndpoint(one, a.adminToken, { url: `${base}/kept`, eventTypes: ['TASK_CHANGED'] });
    const upd = await strict.gql(
      `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { __typename ... on Error { code } } }`,
      { input: { id: ok.endpoint.id, url: 'https://192.168.1.10/x' } },
      { token: a.adminToken },
    );
    expect(upd.data.updateWebhookEndpoint).toEqual({ __typename: 'WebhookError', code: 'URL_NOT_ALLOWED' });
    const kept = await gqlOk(one, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }`, { id: ok.endpoint.id }, a.adminToken);
    expect(kept.node.url).toBe(`${base}/kept`);
  });

  it("tenant B sees none of A's endpoints or deliveries; a non-admin is FORBIDDEN", async () => {
    const mine = await createEndpoint(one, a.adminToken, { url: `${base}/isolated`, eventTypes: ['TASK_CHANGED'] });
    await createTask(one, a.adminToken, 'isolated');
    await waitFor(() => hook.accepted('/isolated').length >= 1, 30_000, 'a delivery');
    const aLog = await gqlOk(one, DELIVERIES, { first: 5 }, a.adminToken);
    const delivery = aLog.webhookEndpoints.nodes.find((e: { id: string }) => e.id === mine.endpoint.id).deliveries.nodes[0];

    const theirs = await gqlOk(one, DELIVERIES, { first: 5 }, b.adminToken);
    expect(theirs.webhookEndpoints).toEqual({ totalCount: 0, nodes: [] });
    const nodes = await gqlOk(one, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [mine.endpoint.id, delivery.id] }, b.adminToken);
    expect(nodes.nodes).toEqual([null, null]);
    for (const [query, input] of [
      [
        `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { __typename ... on Error { code } } }`,
        { id: mine.endpoint.id, enabled: false },
      ],
      [`mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { __typename ... on Error { code } } }`, { id: mine.endpoint.id }],
      [`mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { __typename ... on Error { code } } }`, { id: mine.endpoint.id }],
      [`mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { __typename ... on Error { code } } }`, { deliveryId: delivery.id }],
    ] as const) {
      const res = await one.gql(query, { input }, { token: b.adminToken });
      expect(Object.values(res.data)[0]).toEqual({ __typename: 'WebhookError', code: 'NOT_FOUND' });
    }

    const coordinator = await a.member(['COORDINATOR']);
    const forbidden = await createEndpoint(one, coordinator.token, { url: `${base}/nope`, eventTypes: ['TASK_CHANGED'] });
    expect(forbidden).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    const list = await one.gql(`{ webhookEndpoints(first: 5) { totalCount } }`, {}, { token: coordinator.token });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const node = await one.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }`, { id: mine.endpoint.id }, { token: coordinator.token });
    expect(node.data?.node ?? null).toBeNull();
    // Still there, still enabled, for A's admin.
    const still = await gqlOk(one, `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled } } }`, { id: mine.endpoint.id }, a.adminToken);
    expect(still.node).toEqual({ enabled: true });
    const deleted = await gqlOk(
      one,
      `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { __typename ... on DeleteWebhookEndpointPayload { deletedWebhookEndpointId } } }`,
      { input: { id: mine.endpoint.id } },
      a.adminToken,
    );
    expect(deleted.deleteWebhookEndpoint.deletedWebhookEndpointId).toBe(mine.endpoint.id);
  });
});
