// Shutting down (audit, issue 18), over real HTTP: once close() begins (SIGTERM in main.ts), /readyz
// answers 503 at once, even on a connection opened before; every response carries `Connection: close`;
// an operation in flight finishes and its whole response reaches the client; idle connections are
// closed; what is still open when SHUTDOWN_GRACE_MS ends is cut.
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { inject } from 'vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { withPgClient } from '@jiedai/db';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, unique, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

const CREATE_DEPARTMENT = `mutation($name: String!) { createDepartment(input: { name: $name }) {
  __typename ... on DepartmentPayload { department { id name } } } }`;

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function setUp(env: Record<string, string> = {}): Promise<{ t: TestApp; port: number; tenant: TestTenant }> {
  t = await startTestApp(env);
  const port = await t.listen();
  const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
  return { t, port, tenant };
}

/**
 * Holds the tenant's row FOR UPDATE (as the owner), so that a mutation inserting a row of that tenant
 * waits (its foreign key check needs KEY SHARE on it) until `release()`. `blocked()` resolves once it waits.
 */
async function holdTenantRow(tenantId: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: (pid: number) => void;
  const held = new Promise<number>((resolve) => (holding = resolve));
  const done = withPgClient(inject('databaseUrl'), async (client) => {
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
    holding((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    await released;
    await client.query('COMMIT');
  });
  const pid = await held;
  return {
    release: async () => {
      release();
      await done;
    },
    blocked: () =>
      waitFor(
        async () => (await ownerQuery(`SELECT 1 FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))`, [pid])).length > 0,
        20_000,
        'the mutation waiting for the tenant row',
      ),
  };
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A POST over the given agent (keep-alive), resolved with the complete response. */
function post(port: number, agent: Agent, body: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A raw connection, to control when a request's last bytes are sent. */
function rawConnection(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

const parseResponse = (text: string) => {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let body = rest.join('\r\n\r\n');
  if (headers['transfer-encoding'] === 'chunked') {
    let decoded = '';
    for (let at = 0; ; ) {
      const end = body.indexOf('\r\n', at);
      const size = parseInt(body.slice(at, end), 16);
      if (!size) break;
      decoded += body.slice(end + 2, end + 2 + size);
      at = end + 2 + size + 2;
    }
    body = decoded;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
};

describe('close() (SIGTERM)', () => {
  it('readyz turns 503 at once on a kept-alive connection; the in-flight mutation finishes, its response complete with Connection: close; idle connections are closed', async () => {
    const { t: app, port, tenant } = await setUp();
    const agent = new Agent({ keepAlive: true });
    try {
      // Before: ready, and keep-alive.
      const idle = await rawConnection(port);
      idle.socket.write('GET /readyz HTTP/1.1\r\nHost: jiedai.test\r\n\r\n');
      await waitFor(() => idle.received().includes('"status":"ready"'), 10_000, 'readyz before close');
      expect(parseResponse(idle.received()).headers.connection).toBe('keep-alive');

      const counter = await holdTenantRow(tenant.id);
      const name = unique('in-flight');
      let mutation: Promise<HttpAnswer>;
      let probe: Awaited<ReturnType<typeof rawConnection>>;
      let closing: Promise<void>;
      try {
        mutation = post(port, agent, { query: CREATE_DEPARTMENT, variables: { name } }, { authorization: `Bearer ${tenant.adminToken}` });
        mutation.catch(() => undefined); // awaited below; a failure before that must not go unhandled
        await counter.blocked();
        // A connection whose request has begun (headers under way) when draining begins.
        probe = await rawConnection(port);
        probe.socket.write('GET /readyz HTTP/1.1\r\nHost: jiedai.test\r\n');
        await new Promise((resolve) => setTimeout(resolve, 100)); // the server has read the first bytes

        closing = app.app.close();
        // The idle connection is closed by the server.
        await idle.closed;
        // The kept-alive connection's request completes: 503, and the server closes after it.
        probe.socket.write('\r\n');
        await probe.closed;
        const ready = parseResponse(probe.received());
        expect(ready.status).toBe(503);
        expect(ready.headers.connection).toBe('close');
        expect(JSON.parse(ready.body)).toEqual({ status: 'draining' });
        // readyz over the app's fetch too.
        expect((await app.fetch('/readyz')).status).toBe(503);
      } finally {
        await counter.release();
      }

      // The mutation commits and its whole response reaches the client, telling it to close.
      const answer = await mutation!;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('close');
      const body = JSON.parse(answer.body);
      expect(body.errors).toBeUndefined();
      expect(body.data.createDepartment).toMatchObject({ __typename: 'DepartmentPayload', department: { name } });
      expect(await ownerQuery(`SELECT name FROM departments WHERE id = $1`, [rawId(body.data.createDepartment.department.id)])).toEqual([{ name }]);
      await closing!;
      expect(app.app.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('what is still running when SHUTDOWN_GRACE_MS ends is cut, and close() ends', async () => {
    const { t: app, port, tenant } = await setUp({ SHUTDOWN_GRACE_MS: '1000' });
    const agent = new Agent({ keepAlive: true });
    const counter = await holdTenantRow(tenant.id);
    try {
      const mutation = post(
        port,
        agent,
        { query: CREATE_DEPARTMENT, variables: { name: unique('cut') } },
        { authorization: `Bearer ${tenant.adminToken}` },
      ).then(
        (answer) => ({ answer, error: null }),
        (error: Error) => ({ answer: null, error }),
      );
      await counter.blocked();
      const started = Date.now();
      await app.app.close();
      // Not before the grace time (a generous margin below it for timer granularity).
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const outcome = await mutation;
      expect(outcome.answer).toBeNull();
      expect(outcome.error?.message).toMatch(/socket hang up|ECONNRESET/);
    } finally {
      await counter.release();
      agent.destroy();
    }
  });
});
