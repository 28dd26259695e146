// A subscription the way GraphiQL sends it over SSE (its HTTP executor: GET /graphql?query=… with
// `accept: text/event-stream` and the headers set in its Headers pane, no content-type). CSRF prevention
// asks a GET for the `x-graphql-yoga-csrf` header: with it (and Authorization) events stream; without it
// the request is refused before anything runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let port: number;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  port = await t.listen();
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token);
});
afterAll(async () => {
  await t?.close();
});

const url = () => `http://127.0.0.1:${port}/graphql?query=${encodeURIComponent('subscription { auditLogAppended { action } }')}`;

describe('GraphiQL over SSE', () => {
  it('GET with accept text/event-stream, Authorization and the CSRF header streams events', async () => {
    const abort = new AbortController();
    const res = await fetch(url(), {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${tenant.adminToken}`, 'x-graphql-yoga-csrf': '1' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
      }
    })().catch(() => undefined);
    let last = 0;
    await waitFor(
      async () => {
        if (text.includes('department.created')) return true;
        if (Date.now() - last > 250) {
          last = Date.now();
          await t.gql(
            `mutation($n: String!) { createDepartment(input: { name: $n }) { __typename } }`,
            { n: `d ${Math.random()}` },
            { token: tenant.adminToken },
          );
        }
        return false;
      },
      10_000,
      'an event over SSE',
    );
    expect(text).toMatch(/event: next/);
    abort.abort();
    await reading;
  });

  it('without the CSRF header a GET is refused', async () => {
    const res = await fetch(url(), { headers: { accept: 'text/event-stream', authorization: `Bearer ${tenant.adminToken}` } });
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });
});
