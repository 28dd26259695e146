// What a request meets before execution (audit, issue 18): a failure that is not an auth failure is
// masked like an execution error (no stack, no path), and a tenant the caller is not a member of is
// refused alike whether it exists or not, before any schema is chosen (so neither its existence nor
// its kind leaks).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { pino } from 'pino';
import { openDatabase, type Database } from '@jiedai/db';
import { buildApp, loadConfig, type App } from '@jiedai/gateway';
import { createTokenService } from '@jiedai/schema';
import { createPlatformAdmin, createTenant, startTestApp, TEST_JWT, type TestApp, type TestTenant } from '@jiedai/testing';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let t: TestApp;
let gov: TestTenant;
let hotel: TestTenant;
/** A gateway whose database does not exist (an unreachable one is a retryable 503 instead: hardening.test.ts), with its log lines. */
let dead: { app: App; db: Database; logs: string[] };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  hotel = await createTenant(t, platform.token, 'HOTEL');
  const url = 'postgres://postgres@127.0.0.1:5432/jiedai_no_such_database';
  const db = await openDatabase({ url, migrate: false });
  const logs: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write: (chunk, _enc, done) => {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    JWT_SECRET: TEST_JWT.secret,
    JWT_ISSUER: TEST_JWT.issuer,
    JWT_AUDIENCE: TEST_JWT.audience,
  });
  dead = { db, logs, app: await buildApp(config, { db, logger }) };
});

afterAll(async () => {
  await dead?.app.close();
  await dead?.db.close();
  await t?.close();
});

describe('a failure before execution that is not an auth failure', () => {
  it('is masked: 500, "Unexpected error.", INTERNAL_SERVER_ERROR and the request id; no stack, no path; the cause is logged', async () => {
    // A valid token naming a tenant: authentication must look the tenant's kind up, in a database that does not exist.
    const token = await createTokenService({ ...TEST_JWT, ttlSeconds: 600 }).issue({ userId: randomUUID(), tenantId: randomUUID(), sessionEpoch: 0 });
    for (const [label, headers] of [
      ['given request id', { 'x-request-id': 'client-req-masked-1' }],
      ['generated request id', {}],
    ] as const) {
      const res = await dead.app.yoga.fetch('http://jiedai.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
      const text = await res.text();
      expect(res.status, label).toBe(500);
      expect(res.headers.get('content-type'), label).toMatch(/application\/json/);
      const requestId = res.headers.get('x-request-id');
      if ('x-request-id' in headers) expect(requestId).toBe('client-req-masked-1');
      else expect(requestId).toMatch(UUID);
      expect(JSON.parse(text), label).toEqual({
        errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
      });
      expect(text).not.toMatch(/ at |\.ts|\.js|node_modules|ECONNREFUSED|no_such|3D000|127\.0\.0\.1|stack/i);
      // The cause is in the server's log, under the same request id.
      const logged = dead.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId && l.err);
      expect(logged?.msg).toBe('request failed before execution');
      expect(JSON.stringify(logged.err)).toMatch(/ECONNREFUSED|connect|Can't reach|does not exist|3D000/i);
    }
  });

  it('over graphql-ws: connection_init closes with 1011 (not 4500), nothing on stderr, the cause logged', async () => {
    const token = await createTokenService({ ...TEST_JWT, ttlSeconds: 600 }).issue({ userId: randomUUID(), tenantId: randomUUID(), sessionEpoch: 0 });
    await new Promise<void>((resolve) => dead.app.server.listen(0, '127.0.0.1', resolve));
    const { port } = dead.app.server.address() as AddressInfo;
    const consoleError = vi.spyOn(console, 'error');
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      const messages: string[] = [];
      socket.on('message', (data) => messages.push(String(data)));
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })));
      const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
        socket.on('error', reject);
        socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
      });
      expect(closed).toEqual({ code: 1011, reason: 'Unexpected error.' });
      expect(messages).toEqual([]);
      expect(consoleError).not.toHaveBeenCalled();
      expect(dead.logs.some((l) => /websocket connection_init failed/.test(l) && /"err"/.test(l))).toBe(true);
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('a tenant the caller is not a member of', () => {
  const post = (query: string, tenantId: string, token = gov.adminToken) =>
    t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-tenant-id': tenantId },
      body: JSON.stringify({ query }),
    });
  const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

  it('gets the same 403 FORBIDDEN, whether the tenant exists (of another kind) or not, whatever the query', async () => {
    const refused = { status: 403, body: { errors: [{ message: 'Not a member of the chosen tenant', extensions: { code: 'FORBIDDEN' } }] } };
    // Fields of the hotel schema, of the government schema, of every schema, and nonsense.
    for (const query of [
      '{ hotelAreas { name } }',
      '{ rankLadder { name } }',
      '{ tenant { id kind } }',
      '{ nonsense }',
      'mutation { createDepartment(input: { name: "x" }) { __typename } }',
    ]) {
      const existing = await answer(await post(query, hotel.id));
      const missing = await answer(await post(query, randomUUID()));
      expect(existing, `existing tenant: ${query}`).toEqual(refused);
      expect(missing, `nonexistent tenant: ${query}`).toEqual(refused);
    }
  });

  it('an API key naming a tenant it does not belong to is refused alike, whether that tenant exists or not', async () => {
    // A key of the right shape (jdk_<tenant as base64url>_<secret>) that was never issued.
    const keyFor = (tenantId: string) => `jdk_${Buffer.from(tenantId.replaceAll('-', ''), 'hex').toString('base64url')}_${'A'.repeat(32)}`;
    const ask = (tenantId: string) =>
      t.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keyFor(tenantId)}` },
        body: JSON.stringify({ query: '{ hotelAreas { name } }' }),
      });
    const existing = await answer(await ask(hotel.id));
    const missing = await answer(await ask(randomUUID()));
    expect(existing).toEqual({ status: 401, body: { errors: [{ message: 'Invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(missing).toEqual(existing);
  });

  it('a member still gets their tenant and its schema', async () => {
    const own = await answer(await post('{ tenant { id kind } rankLadder { name } }', gov.id));
    expect(own.status).toBe(200);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.tenant).toEqual({ id: gov.globalId, kind: 'GOVERNMENT_OFFICE' });
    const hotelOwn = await answer(await post('{ tenant { kind } hotelAreas { name } }', hotel.id, hotel.adminToken));
    expect(hotelOwn.status).toBe(200);
    expect(hotelOwn.body.data.tenant).toEqual({ kind: 'HOTEL' });
  });
});
