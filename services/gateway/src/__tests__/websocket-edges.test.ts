// graphql-ws at its edges (audit, issue 18): a refused connection closes with 4403, a refused
// subscription is that subscription's `error` message (never 4500, never a stack trace on stderr, the
// socket's other subscriptions go on), a message over MAX_BODY_BYTES closes with 1009, and one socket
// may run at most WS_MAX_SUBSCRIPTIONS_PER_SOCKET operations at once.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { loadConfig } from '@jiedai/gateway';
import {
  createPlatformAdmin,
  createTenant,
  sleep,
  startTestApp,
  TEST_JWT,
  unique,
  waitFor,
  wsFeed,
  type Feed,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

const AUDIT_FEED = `subscription { auditLogAppended { action targetId } }`;
type AuditFeed = Feed<{ action: string; targetId: string | null }>;

let t: TestApp;
let port: number;
let a: TestTenant;
let b: TestTenant;
const clients: Client[] = [];
let consoleError: MockInstance;

const bearer = (token: string, tenantId?: string) => ({ Authorization: `Bearer ${token}`, ...(tenantId ? { 'X-Tenant-Id': tenantId } : {}) });

/**
 * A graphql-ws client that records its connections and the close codes of its sockets. Not lazy: it
 * keeps its one socket open until disposed (a lazy one closes it whenever nothing runs on it).
 */
function client(connectionParams?: Record<string, unknown>): { c: Client; closes: number[]; connections: () => number } {
  const c = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false });
  clients.push(c);
  const closes: number[] = [];
  let connected = 0;
  c.on('closed', (event) => closes.push((event as { code: number }).code));
  c.on('connected', () => connected++);
  return { c, closes, connections: () => connected };
}

const auditFeed = (c: Client): AuditFeed => wsFeed(c, { query: AUDIT_FEED, field: 'auditLogAppended' });

async function createDepartment(token: string): Promise<string> {
  const res = await t.gql(
    `mutation($name: String!) { createDepartment(input: { name: $name }) { __typename ... on DepartmentPayload { department { id } } } }`,
    { name: unique('dept') },
    { token },
  );
  expect(res.data?.createDepartment?.__typename, JSON.stringify(res)).toBe('DepartmentPayload');
  return res.data.createDepartment.department.id;
}

/** Makes departments until every feed has seen one (a subscription starts listening some time after it is asked for). */
async function prime(feeds: AuditFeed[], token: string): Promise<void> {
  for (let attempt = 0; attempt < 100 && feeds.some((f) => f.events.length === 0); attempt++) {
    for (const feed of feeds) if (feed.ended) throw new Error(`feed ended before priming: ${JSON.stringify(feed.errors)}`);
    await createDepartment(token);
    await waitFor(() => feeds.every((f) => f.events.length > 0), 200).catch(() => undefined);
  }
  expect(feeds.every((f) => f.events.length > 0)).toBe(true);
}

/** A raw socket: sends connection_init with `payload` (or the given text), and tells how it closed. */
function handshake(payload: Record<string, unknown> | undefined, raw?: string): Promise<{ code: number; acked: boolean }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  let acked = false;
  socket.on('message', (data) => {
    if (JSON.parse(String(data)).type === 'connection_ack') {
      acked = true;
      socket.close(1000);
    }
  });
  socket.on('open', () => socket.send(raw ?? JSON.stringify({ type: 'connection_init', payload })));
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', (code) => resolve({ code, acked }));
  });
}

beforeAll(async () => {
  t = await startTestApp();
  port = await t.listen();
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(t, platform.token, 'HOTEL');
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

beforeEach(() => {
  consoleError = vi.spyOn(console, 'error');
});
afterEach(() => {
  consoleError.mockRestore();
});

async function removeMember(membershipId: string) {
  const res = await t.gql(`mutation($id: ID!) { removeMember(input: { membershipId: $id }) { __typename } }`, { id: membershipId }, { token: a.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
}

describe('refusals', () => {
  it('connection_init naming a tenant the caller is not a member of (existing or not), or by a removed member, closes with 4403', async () => {
    // A member of A who is removed before ever using the socket: the token is still well signed.
    const removed = await a.member(['TENANT_ADMIN']);
    await removeMember(removed.membershipId);
    for (const [label, params] of [
      ['another tenant', bearer(a.adminToken, b.id)],
      ['a tenant that does not exist', bearer(a.adminToken, randomUUID())],
      ["a removed member's token", bearer(removed.token)],
    ] as const) {
      expect(await handshake(params), label).toEqual({ code: 4403, acked: false });
    }
    // The control: the admin's own tenant is accepted.
    expect(await handshake(bearer(a.adminToken))).toEqual({ code: 1000, acked: true });
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('a subscription refused when it starts gets its own error (FORBIDDEN); the socket and its other subscriptions go on', async () => {
    const member = await a.member(['TENANT_ADMIN']);
    const { c, closes, connections } = client(bearer(member.token));
    const first = auditFeed(c);
    await prime([first], a.adminToken);

    await removeMember(member.membershipId);
    const second = auditFeed(c);
    await Promise.race([second.done, sleep(10_000)]);
    expect(second.ended).toBe('error');
    // graphql-ws's `error` message: the operation's GraphQL errors (not a CloseEvent of the socket).
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]).toEqual([expect.objectContaining({ message: 'Not a member of the chosen tenant', extensions: { code: 'FORBIDDEN' } })]);

    // The socket is open and still answers (the removed member's query is refused as data, not by
    // closing the socket). The first subscription was not ended by the refusal: it ends, if at all,
    // by its own access re-check (the removal is an audit event it sees), as complete, never as an error.
    const answer = await new Promise<any>((resolve, reject) => {
      let result: unknown;
      c.subscribe({ query: '{ __typename }' }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // All of it on the one socket, which the server never closed.
    expect(connections()).toBe(1);
    expect(closes).toEqual([]);
    expect(first.ended).not.toBe('error');
    expect(first.errors).toEqual([]);
    first.stop();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('a query that does not parse is its own error, not the end of the socket', async () => {
    const { c, closes } = client(bearer(a.adminToken));
    const feed = wsFeed(c, { query: 'subscription { auditLogAppended { ', field: 'auditLogAppended' });
    await Promise.race([feed.done, sleep(10_000)]);
    expect(feed.ended).toBe('error');
    expect(JSON.stringify(feed.errors)).toMatch(/Syntax Error/);
    expect(closes).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('limits', () => {
  it('WS_MAX_SUBSCRIPTIONS_PER_SOCKET is a positive whole number (default 50)', () => {
    const env = { NODE_ENV: 'test', JWT_SECRET: TEST_JWT.secret };
    expect(loadConfig(env).wsMaxSubscriptionsPerSocket).toBe(50);
    expect(loadConfig({ ...env, WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '7' }).wsMaxSubscriptionsPerSocket).toBe(7);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadConfig({ ...env, WS_MAX_SUBSCRIPTIONS_PER_SOCKET: bad }), bad).toThrow(/WS_MAX_SUBSCRIPTIONS_PER_SOCKET/);
    }
  });

  it('a message over MAX_BODY_BYTES closes the socket with 1009; one under it is served', async () => {
    const big = JSON.stringify({ type: 'connection_init', payload: { ...bearer(a.adminToken), padding: 'x'.repeat(1_000_000) } });
    expect(await handshake(undefined, big)).toEqual({ code: 1009, acked: false });
    const fits = JSON.stringify({ type: 'connection_init', payload: { ...bearer(a.adminToken), padding: 'x'.repeat(900_000) } });
    expect(await handshake(undefined, fits)).toEqual({ code: 1000, acked: true });
  });

  it('the 51st subscription on one socket is refused (RATE_LIMITED) while the first 50 go on; one ended makes room', { timeout: 120_000 }, async () => {
    const { c, closes } = client(bearer(a.adminToken));
    const feeds = Array.from({ length: 50 }, () => auditFeed(c));
    await prime(feeds, a.adminToken);

    const refused = auditFeed(c);
    await Promise.race([refused.done, sleep(10_000)]);
    expect(refused.ended).toBe('error');
    expect(refused.errors[0]).toEqual([
      expect.objectContaining({ message: 'At most 50 operations at a time on one socket', extensions: { code: 'RATE_LIMITED', limit: 50 } }),
    ]);

    // All 50 still receive what follows.
    const next = await createDepartment(a.adminToken);
    await waitFor(() => feeds.every((f) => f.events.some((e) => e.targetId === next)), 30_000, 'the event on all 50 subscriptions');
    expect(feeds.every((f) => f.ended === null)).toBe(true);

    // The limit is on subscriptions at once: one stopped, another may start.
    feeds[0]!.stop();
    const replacement = auditFeed(c);
    const last = await (async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if (replacement.ended) throw new Error(`replacement ended: ${JSON.stringify(replacement.errors)}`);
        const id = await createDepartment(a.adminToken);
        const seen = await waitFor(() => replacement.events.some((e) => e.targetId === id), 200).then(
          () => true,
          () => false,
        );
        if (seen) return id;
      }
      throw new Error('the replacement subscription never received an event');
    })();
    expect(replacement.events.some((e) => e.targetId === last)).toBe(true);
    expect(closes).toEqual([]);
    for (const feed of feeds) feed.stop();
    replacement.stop();
  });
});
