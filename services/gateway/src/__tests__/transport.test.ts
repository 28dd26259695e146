// The transports of the real gateway: HTTP POST and GET (with CSRF prevention), graphql-ws on the
// same /graphql path (authenticated at connection_init), server-sent events, the probes and the
// request id. Live audit events go out only after their transaction commits, and only to callers
// who are still tenant admins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { openDatabase } from '@jiedai/db';
import { buildApp, loadConfig } from '@jiedai/gateway';
import { createTokenService } from '@jiedai/schema';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  rawId,
  sleep,
  sseFeed,
  startTestApp,
  TEST_JWT,
  unique,
  waitFor,
  wsFeed,
  type Feed,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUDIT_FEED = `subscription { auditLogAppended { action targetType targetId requestId } }`;
const CREATE_DEPARTMENT = `mutation($name: String!) { createDepartment(input: { name: $name }) {
  __typename ... on DepartmentPayload { department { id name } } ... on TenancyError { code } } }`;

interface AuditEvent {
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
}

/** A live feed of audit events (see @jiedai/testing's feeds). */
type AuditFeed = Feed<AuditEvent>;

let t: TestApp;
let port: number;
let platformToken: string;
let a: TestTenant;
const clients: Client[] = [];

function client(connectionParams?: Record<string, unknown>): Client {
  const c = t.wsClient(connectionParams);
  clients.push(c);
  return c;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The audit feed (or another query of auditLogAppended) over graphql-ws. */
const auditFeed = (c: Client, query = AUDIT_FEED): AuditFeed => wsFeed<AuditEvent>(c, { query, field: 'auditLogAppended' });

/** One query or mutation over the socket. */
function wsRequest<T = any>(c: Client, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: readonly any[] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: T; errors?: readonly any[] } | undefined;
    c.subscribe<T>(
      { query, variables },
      {
        next: (r) => (result = r as never),
        error: reject,
        complete: () => (result ? resolve(result) : reject(new Error('no result'))),
      },
    );
  });
}

/** The audit feed over server-sent events: POST /graphql with accept text/event-stream, over real HTTP. */
const auditSse = (token: string, query = AUDIT_FEED) => sseFeed<AuditEvent>(`http://127.0.0.1:${port}/graphql`, token, { query, field: 'auditLogAppended' });

async function createDepartment(token: string, name: string, headers?: Record<string, string>) {
  const res = await t.gql(CREATE_DEPARTMENT, { name }, { token, headers });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.createDepartment as { __typename: string; department?: { id: string; name: string }; code?: string };
}

/**
 * A subscription starts listening some time after the client asked for it (nothing in the protocol
 * says when). Make probe departments until every feed has seen one; every probe after the first one
 * a feed saw is then delivered to it too. Returns once the feeds are quiet, holding probe events only.
 */
async function prime(feeds: AuditFeed[], adminToken: string): Promise<void> {
  const probes: string[] = [];
  for (let attempt = 0; attempt < 100 && feeds.some((f) => f.events.length === 0); attempt++) {
    for (const feed of feeds) if (feed.ended) throw new Error(`feed ended before priming: ${JSON.stringify(feed.errors)}`);
    const created = await createDepartment(adminToken, unique('probe'));
    probes.push(created.department!.id);
    await waitFor(() => feeds.every((f) => f.events.length > 0), 100).catch(() => undefined);
  }
  const last = probes.at(-1);
  for (const feed of feeds) {
    await waitFor(() => feed.events.some((e) => e.targetId === last), 5_000, 'the last probe event');
    expect(feed.events.every((e) => e.action === 'department.created' && probes.includes(e.targetId!))).toBe(true);
  }
}

/** Events of a feed after priming that are not probes. */
const eventsSince = (feed: AuditFeed, from: number) => feed.events.slice(from);

beforeAll(async () => {
  t = await startTestApp();
  port = await t.listen();
  platformToken = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE');
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

describe('HTTP: POST and GET', () => {
  const query = `query($first: Int) { tenant { id name kind } viewer { id email } departments { id name } members(first: $first) { edges { node { id roles } } } }`;

  it('the same query over POST (JSON) and over GET (query string + CSRF header) gives the same data', async () => {
    const post = await t.gql(query, { first: 5 }, { token: a.adminToken });
    expect(post.status).toBe(200);
    expect(post.errors).toBeUndefined();
    expect(post.data.tenant.kind).toBe('GOVERNMENT_OFFICE');

    const params = new URLSearchParams({ query, variables: JSON.stringify({ first: 5 }) });
    const get = await t.fetch(`/graphql?${params}`, {
      headers: { authorization: `Bearer ${a.adminToken}`, 'x-graphql-yoga-csrf': '1', accept: 'application/json' },
    });
    expect(get.status).toBe(200);
    const body = (await get.json()) as { data: unknown; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(post.data);
  });

  it('GET without the CSRF header is refused (403), even with a "simple" content-type', async () => {
    const params = new URLSearchParams({ query: '{ viewer { id } }' });
    for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }] as Record<string, string>[]) {
      const res = await t.fetch(`/graphql?${params}`, {
        headers: { authorization: `Bearer ${a.adminToken}`, accept: 'application/json', ...headers },
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      const body = (await res.json()) as { data?: unknown; errors: { message: string }[] };
      expect(body.data ?? null).toBeNull();
      expect(body.errors[0]!.message).toMatch(/CSRF/);
    }
  });

  it('a POST a cross-site HTML form could send (form-urlencoded, no CSRF header) is refused before execution', async () => {
    const name = unique('csrf-form');
    const res = await t.fetch('/graphql', {
      method: 'POST',
      headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: `mutation { createDepartment(input: { name: "${name}" }) { __typename } }` }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await ownerQuery(`SELECT id FROM departments WHERE name = $1`, [name])).toEqual([]);
  });

  it('a mutation over GET is refused (405) and changes nothing', async () => {
    const name = unique('over-get');
    const params = new URLSearchParams({ query: `mutation { createDepartment(input: { name: "${name}" }) { __typename } }` });
    const res = await t.fetch(`/graphql?${params}`, {
      headers: { authorization: `Bearer ${a.adminToken}`, 'x-graphql-yoga-csrf': '1', accept: 'application/json' },
    });
    expect(res.status).toBe(405);
    const body = (await res.json()) as { data?: unknown; errors: { message: string }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors.length).toBeGreaterThan(0);
    expect(await ownerQuery(`SELECT id FROM departments WHERE name = $1`, [name])).toEqual([]);
  });
});

describe('graphql-ws on /graphql', () => {
  it('a tenant admin subscribes to auditLogAppended; a createDepartment over HTTP produces the event', async () => {
    const c = client(bearer(a.adminToken));
    const feed = auditFeed(c);
    await prime([feed], a.adminToken);
    const from = feed.events.length;
    const created = await createDepartment(a.adminToken, unique('ws-event'));
    expect(created.__typename).toBe('DepartmentPayload');
    await waitFor(() => feed.events.length > from, 5_000, 'the department event');
    expect(eventsSince(feed, from)).toEqual([
      { action: 'department.created', targetType: 'Department', targetId: created.department!.id, requestId: expect.any(String) },
    ]);
    expect(feed.errors).toEqual([]);
    feed.stop();
  });

  it('queries and mutations work over the socket in the same context as over HTTP', async () => {
    const c = client(bearer(a.adminToken));
    const context = `{ tenant { id kind } viewer { id } }`;
    const overWs = await wsRequest(c, context);
    const overHttp = await t.gql(context, {}, { token: a.adminToken });
    expect(overWs.errors).toBeUndefined();
    expect(overWs.data).toEqual(overHttp.data);
    expect(rawId(overWs.data.tenant.id)).toBe(a.id);

    const feed = auditFeed(c);
    await prime([feed], a.adminToken);
    const from = feed.events.length;
    const name = unique('ws-mutation');
    const created = await wsRequest(c, CREATE_DEPARTMENT, { name });
    expect(created.errors).toBeUndefined();
    expect(created.data.createDepartment.__typename).toBe('DepartmentPayload');
    const id = rawId(created.data.createDepartment.department.id);
    // Committed, in the right tenant, and audited with the acting user.
    const rows = await ownerQuery(`SELECT tenant_id FROM departments WHERE id = $1`, [id]);
    expect(rows).toEqual([{ tenant_id: a.id }]);
    await waitFor(() => feed.events.length > from, 5_000, 'the ws mutation event');
    expect(eventsSince(feed, from).map((e) => [e.action, e.targetId])).toEqual([['department.created', created.data.createDepartment.department.id]]);
    const audit = await ownerQuery(`SELECT actor_user_id, request_id FROM audit_log WHERE target_id = $1`, [id]);
    // The socket's request id (a new UUID when the upgrade request named none).
    expect(audit).toEqual([{ actor_user_id: rawId(overHttp.data.viewer.id), request_id: expect.stringMatching(UUID) }]);
    feed.stop();
  });

  it('a socket takes its request id from the real upgrade request, for every operation on it', async () => {
    const requestId = `ws-upgrade-${unique('rid')}`;
    class WithRequestId extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-request-id': requestId } });
      }
    }
    const c = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WithRequestId,
      connectionParams: bearer(a.adminToken),
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    const ids: string[] = [];
    for (const name of [unique('ws-rid-1'), unique('ws-rid-2')]) {
      const created = await wsRequest(c, CREATE_DEPARTMENT, { name });
      expect(created.data.createDepartment.__typename).toBe('DepartmentPayload');
      ids.push(rawId(created.data.createDepartment.department.id));
    }
    const audit = await ownerQuery(`SELECT request_id FROM audit_log WHERE target_id = ANY($1::uuid[])`, [ids]);
    expect(audit).toEqual([{ request_id: requestId }, { request_id: requestId }]);
  });

  async function closeCodeOf(payload: Record<string, unknown> | undefined): Promise<{ code: number; reason: string; acked: boolean }> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    let acked = false;
    socket.on('message', (raw) => {
      if (JSON.parse(String(raw)).type === 'connection_ack') {
        acked = true;
        socket.close(1000);
      }
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    return new Promise((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason), acked }));
    });
  }

  it('an invalid or forged token at connection_init closes the socket with 4403', async () => {
    const forged = await createTokenService({ ...TEST_JWT, secret: 'another-secret-of-at-least-thirty-two-chars', ttlSeconds: 600 }).issue({
      userId: rawId((await t.gql(`{ viewer { id } }`, {}, { token: a.adminToken })).data.viewer.id),
      tenantId: a.id,
      sessionEpoch: 0,
    });
    for (const payload of [
      { Authorization: 'Bearer not-a-token' },
      { Authorization: `Bearer ${forged}` },
      { Authorization: a.adminToken }, // no "Bearer"
      { Authorization: `Bearer ${a.adminToken}`, 'X-Tenant-Id': 'not-a-uuid' },
    ]) {
      const closed = await closeCodeOf(payload);
      expect(closed, JSON.stringify(payload)).toMatchObject({ code: 4403, acked: false });
    }
    // The same socket handshake with the real token is accepted.
    expect(await closeCodeOf(bearer(a.adminToken))).toMatchObject({ acked: true, code: 1000 });
  });

  it('an anonymous connection cannot subscribe to auditLogAppended (the public schema has no Subscription)', async () => {
    const c = client();
    expect((await wsRequest(c, `{ viewer { id } }`)).data).toEqual({ viewer: null });
    const feed = auditFeed(c);
    await Promise.race([feed.done, sleep(5_000)]);
    expect(feed.ended).not.toBeNull();
    expect(feed.events).toEqual([]);
    // The error contract: an anonymous caller is told to send a credential, not that the schema lacks subscriptions.
    expect(JSON.stringify(feed.errors)).toMatch(/auditLogAppended\\" needs a signed-in caller/);
    expect(JSON.stringify(feed.errors)).toMatch(/UNAUTHENTICATED/);
  });

  it('an anonymous connection may name a credential per operation in extensions.headers (as GraphiQL does); an invalid one is UNAUTHENTICATED', async () => {
    const c = client();
    const ask = (authorization: string) =>
      new Promise<{ data?: unknown; errors?: unknown }>((resolve) => {
        let result: { data?: unknown; errors?: unknown } = {};
        c.subscribe(
          { query: `{ viewer { email } }`, extensions: { headers: { Authorization: authorization } } },
          // A refused operation ends with graphql-ws's `error` message (the errors), the socket stays open.
          { next: (r) => (result = r as typeof result), error: (errors) => resolve({ errors }), complete: () => resolve(result) },
        );
      });
    const ok = await ask(`Bearer ${a.adminToken}`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ viewer: { email: a.adminEmail } });
    const bad = await ask('Bearer not-a-token');
    expect(JSON.stringify(bad.errors)).toMatch(/UNAUTHENTICATED/);
    // The socket itself stays anonymous: the next operation without headers sees no viewer.
    expect((await wsRequest(c, `{ viewer { id } }`)).data).toEqual({ viewer: null });
  });

  it('a member who is not a tenant admin is refused when subscribing, and sees no event', async () => {
    const staff = await a.member(['STAFF']);
    const feed = auditFeed(client(bearer(staff.token)));
    await Promise.race([feed.done, sleep(5_000)]);
    expect(feed.ended).not.toBeNull();
    expect(JSON.stringify(feed.errors)).toContain('FORBIDDEN');
    await createDepartment(a.adminToken, unique('unseen'));
    await sleep(200);
    expect(feed.events).toEqual([]);
  });

  it('a rolled-back change emits no event; the next committed one arrives, alone and in order', async () => {
    const c = client(bearer(a.adminToken));
    const feed = auditFeed(c);
    await prime([feed], a.adminToken);
    const from = feed.events.length;

    const taken = unique('taken');
    const first = await createDepartment(a.adminToken, taken);
    expect(first.__typename).toBe('DepartmentPayload');
    await waitFor(() => feed.events.length === from + 1, 5_000, 'the first department event');

    // Refused as data (savepoint rolled back): no event.
    const duplicate = await createDepartment(a.adminToken, taken);
    expect(duplicate).toEqual({ __typename: 'TenancyError', code: 'NAME_TAKEN' });
    // A whole operation rolled back by a later error: its first field's change and event are dropped.
    const dropped = unique('dropped');
    const mixed = await t.gql(
      `mutation($name: String!) {
         a: createDepartment(input: { name: $name }) { __typename }
         b: deleteDepartment(input: { id: "not-a-global-id" }) { __typename }
       }`,
      { name: dropped },
      { token: a.adminToken },
    );
    expect(mixed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await ownerQuery(`SELECT id FROM departments WHERE name = $1`, [dropped])).toEqual([]);

    const next = await createDepartment(a.adminToken, unique('next'));
    expect(next.__typename).toBe('DepartmentPayload');
    await waitFor(() => feed.events.length >= from + 2, 5_000, 'the next department event');
    await sleep(300); // anything stray would have arrived by now
    expect(eventsSince(feed, from).map((e) => [e.action, e.targetId])).toEqual([
      ['department.created', first.department!.id],
      ['department.created', next.department!.id],
    ]);
    feed.stop();
  });

  it('a member whose TENANT_ADMIN role is removed stops receiving audit events', async () => {
    const b = await createTenant(t, platformToken, 'HOTEL');
    const member = await b.member(['TENANT_ADMIN']);
    const memberFeed = auditFeed(client(bearer(member.token)));
    const adminFeed = auditFeed(client(bearer(b.adminToken)));
    await prime([memberFeed, adminFeed], b.adminToken);
    const memberFrom = memberFeed.events.length;
    const adminFrom = adminFeed.events.length;

    const demoted = await t.gql(
      `mutation($id: ID!) { updateMember(input: { membershipId: $id, roles: [STAFF] }) {
         __typename ... on MembershipPayload { membership { roles } } } }`,
      { id: member.membershipId },
      { token: b.adminToken },
    );
    expect(demoted.data.updateMember).toEqual({ __typename: 'MembershipPayload', membership: { roles: ['STAFF'] } });
    const later = await createDepartment(b.adminToken, unique('after-demotion'));

    // The admin sees both; the demoted member's feed ends without them.
    await waitFor(() => adminFeed.events.length >= adminFrom + 2, 5_000, "the admin's events");
    expect(eventsSince(adminFeed, adminFrom).map((e) => e.action)).toEqual(['member.updated', 'department.created']);
    await Promise.race([memberFeed.done, sleep(3_000)]);
    expect(memberFeed.ended).toBe('complete');
    expect(eventsSince(memberFeed, memberFrom)).toEqual([]);
    expect(later.__typename).toBe('DepartmentPayload');
    adminFeed.stop();
  });
});

describe('server-sent events', () => {
  it('POST /graphql with accept text/event-stream receives the same audit event', async () => {
    const sse = auditSse(a.adminToken);
    const ws = auditFeed(client(bearer(a.adminToken)));
    expect(await sse.status).toMatchObject({ status: 200, contentType: expect.stringContaining('text/event-stream') });
    await prime([sse, ws], a.adminToken);
    const sseFrom = sse.events.length;
    const wsFrom = ws.events.length;
    const created = await createDepartment(a.adminToken, unique('sse'), { 'x-request-id': 'sse-request-0001' });
    await waitFor(() => sse.events.length > sseFrom && ws.events.length > wsFrom, 5_000, 'the event on both transports');
    const expected = { action: 'department.created', targetType: 'Department', targetId: created.department!.id, requestId: 'sse-request-0001' };
    expect(eventsSince(sse, sseFrom)).toEqual([expected]);
    expect(eventsSince(ws, wsFrom)).toEqual([expected]);
    expect(sse.errors).toEqual([]);
    sse.stop();
    ws.stop();
    await sse.done;
  });

  it('an SSE subscription of a non-admin is refused', async () => {
    const staff = await a.member(['STAFF']);
    const sse = auditSse(staff.token);
    await Promise.race([sse.done, sleep(5_000)]);
    expect(sse.ended).toBe('complete');
    expect(sse.events).toEqual([]);
    expect(JSON.stringify(sse.errors)).toContain('FORBIDDEN');
    sse.stop();
  });
});

describe('probes and request ids', () => {
  it('/healthz is 200; /readyz is 200 with the database up', async () => {
    const health = await t.fetch('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await t.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'postgres' });
  });

  it('/readyz is 503 (and /healthz still 200) when the database is unreachable', async () => {
    const db = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', migrate: false });
    const app = await buildApp(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
        MIGRATE_ON_START: 'false',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'silent',
        JWT_SECRET: TEST_JWT.secret,
      }),
      { db },
    );
    try {
      const ready = await app.yoga.fetch('http://jiedai.test/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', database: 'postgres' });
      expect((await app.yoga.fetch('http://jiedai.test/healthz')).status).toBe(200);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('a well-formed x-request-id is echoed back (and recorded in the audit log); otherwise a uuid is made', async () => {
    const post = (headers: Record<string, string>) =>
      t.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });

    expect((await post({ 'x-request-id': 'client-req-0001' })).headers.get('x-request-id')).toBe('client-req-0001');
    const generated = new Set<string>();
    for (const headers of [
      {},
      { 'x-request-id': 'short' },
      { 'x-request-id': 'has spaces in it' },
      { 'x-request-id': 'x'.repeat(129) },
      { 'x-request-id': 'inject\u00e9d-id-1' },
    ]) {
      const id = (await post(headers as Record<string, string>)).headers.get('x-request-id');
      expect(id, JSON.stringify(headers)).toMatch(UUID);
      generated.add(id!);
    }
    expect(generated.size).toBe(5);

    // Also on refusals before GraphQL, and on a mutation's audit entry.
    const refused = await post({ authorization: 'Bearer nope', 'x-request-id': 'client-req-0002' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('client-req-0002');
    const created = await createDepartment(a.adminToken, unique('traced'), { 'x-request-id': 'client-req-0003' });
    const rows = await ownerQuery(`SELECT request_id FROM audit_log WHERE target_id = $1`, [rawId(created.department!.id)]);
    expect(rows).toEqual([{ request_id: 'client-req-0003' }]);
  });
});
