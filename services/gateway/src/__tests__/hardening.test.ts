// What an abusive or unlucky request meets: graphql-armor's limits (refused at validation, before any
// database work), the body limit, introspection and GraphiQL off for anonymous callers in
// production, masked unexpected errors, bounded connection pages, and one consistent snapshot per
// operation.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, withPgSession, type Database } from '@jiedai/db';
import { buildApp, loadConfig, type App } from '@jiedai/gateway';
import { createPasswordHasher } from '@jiedai/schema';
import {
  createMigratedDatabase,
  createPlatformAdmin,
  createTenant,
  globalId,
  ownerQuery,
  PASSWORD,
  signIn,
  startTestApp,
  TEST_JWT,
  unique,
  type GqlResponse,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

let t: TestApp;
let prod: TestApp;
let tenant: TestTenant;
let prodTenant: TestTenant;
let prodPlatformToken: string;
/** A gateway whose database is unreachable: whatever reaches the database fails there. */
let dead: { app: App; db: Database };

const config = (env: Record<string, string>) =>
  loadConfig({
    NODE_ENV: 'test',
    MIGRATE_ON_START: 'false',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT.secret,
    JWT_ISSUER: TEST_JWT.issuer,
    JWT_AUDIENCE: TEST_JWT.audience,
    ...env,
  });

async function post(app: App, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResponse> {
  const res = await app.yoga.fetch('http://jiedai.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: GqlResponse['errors'] };
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
}

// Queries on the public schema (what an anonymous caller gets).
/** `depth` levels of fields: viewer › memberships › user › memberships › … › id. */
function deepPublic(depth: number): string {
  const path = ['viewer'];
  while (path.length < depth - 1) path.push(path.length % 2 === 1 ? 'memberships' : 'user');
  return `{ ${path.map((f) => `${f} {`).join(' ')} id ${'}'.repeat(path.length)} }`;
}
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
/** Each alias costs 300 (first: 100 × (tenant + edge)): one is within the anonymous budget of 500, two are over. */
const costly = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `t${i}: tenants(first: 100) { edges { node { id name slug kind currency locale timeZone } } }`).join(' ')} }`;
/** Each alias costs 400 (first: 100 × (membership + edge + user)): twelve are within a member's budget of 5000, thirteen over. */
const costlyMember = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `m${i}: members(first: 100) { edges { node { id user { id displayName } } } }`).join(' ')} }`;
const directives = (n: number) => `{ ${Array.from({ length: n }, () => '__typename @skip(if: false)').join(' ')} }`;
const tokens = (n: number) => `{ ${'__typename '.repeat(n)}}`;

beforeAll(async () => {
  t = await startTestApp();
  prod = await startTestApp({ NODE_ENV: 'production' });
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  prodPlatformToken = (await createPlatformAdmin(prod)).token;
  prodTenant = await createTenant(prod, prodPlatformToken, 'HOSPITAL');
  const url = 'postgres://postgres@127.0.0.1:1/none';
  const db = await openDatabase({ url, migrate: false });
  dead = { db, app: await buildApp(config({ DATABASE_URL: url }), { db, logger: pino({ level: 'silent' }) }) };
});

afterAll(async () => {
  await dead?.app.close();
  await dead?.db.close();
  await prod?.close();
  await t?.close();
});

describe('graphql-armor limits', () => {
  const refused = (res: GqlResponse, pattern: RegExp) => {
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.map((e) => e.message).join('\n')).toMatch(pattern);
  };

  it('the control: a query that passes validation does reach the (unreachable) database and fails there', async () => {
    const res = await post(dead.app, '{ viewer { id } }');
    expect(res.errors?.length).toBeGreaterThan(0);
    expect(res.errors!.map((e) => e.message).join()).not.toMatch(/limit/);
    // And at each limit exactly, not refused by that limit (aliases, cost and directives: the database's failure).
    const atDepthLimit = await post(dead.app, deepPublic(10));
    expect(atDepthLimit.errors?.map((e) => e.message).join()).not.toMatch(/depth limit/);
    for (const query of [aliases(15), costly(1), directives(10)]) {
      const atLimit = await post(dead.app, query);
      expect(atLimit.errors?.map((e) => e.message).join(), query.slice(0, 60)).not.toMatch(/limit/);
    }
  });

  it('depth 11+ is refused, without touching the database', async () => {
    refused(await post(dead.app, deepPublic(11)), /depth limit of 10 exceeded, found 11/);
    refused(await post(dead.app, deepPublic(20)), /depth limit of 10 exceeded/);
    // The same through the live gateway, on a tenant's schema.
    const deepTenant = `{ departments { children { children { children { children { children { children { children { children { children { id } } } } } } } } } } }`;
    refused(await t.gql(deepTenant, {}, { token: tenant.adminToken }), /depth limit of 10 exceeded, found 11/);
  });

  it('16 aliases are refused, without touching the database', async () => {
    refused(await post(dead.app, aliases(16)), /Aliases limit of 15 exceeded, found 16/);
    refused(await t.gql(aliases(16), {}, { token: tenant.adminToken }), /Aliases limit of 15 exceeded/);
  });

  it('an over-cost query is refused with QUERY_TOO_COMPLEX, the budget and the measured cost, without touching the database', async () => {
    const anonymous = await post(dead.app, costly(2));
    refused(anonymous, /cost limit of 500 exceeded, found 600/);
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 500, found: 600 });
    // A member's budget is larger: what an anonymous caller may not ask, a member may.
    const atBudget = await t.gql(costlyMember(12), {}, { token: tenant.adminToken });
    expect(atBudget.errors).toBeUndefined();
    t.statements.length = 0;
    const overCost = await t.gql(costlyMember(13), {}, { token: tenant.adminToken });
    refused(overCost, /cost limit of 5000 exceeded, found 5200/);
    expect(t.statements).toEqual([]);
  });

  it('11 directives and 3000+ tokens are refused too', async () => {
    refused(await post(dead.app, directives(11)), /Directives limit of 10 exceeded, found 11/);
    refused(await post(dead.app, tokens(3_000)), /Token limit of 3000 exceeded/);
  });

  it('every refusal carries extensions.code QUERY_TOO_COMPLEX with the limit and, where measured, the value found', async () => {
    const codes = async (query: string) => (await post(dead.app, query)).errors?.map((e) => e.extensions);
    expect(await codes(deepPublic(11))).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10, found: 11 })]);
    expect(await codes(aliases(16))).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 15, found: 16 })]);
    expect(await codes(directives(11))).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'directives', max: 10, found: 11 })]);
    expect(await codes(tokens(3_000))).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' })]);
  });
});

describe('request body limit', () => {
  let small: TestApp;
  let port: number;
  beforeAll(async () => {
    small = await startTestApp({ MAX_BODY_BYTES: '2048' });
    port = await small.listen();
  });
  afterAll(async () => {
    await small?.close();
  });

  const body = (bytes: number) => {
    const base = JSON.stringify({ query: '{ viewer { id } }', variables: { pad: '' } });
    return JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(bytes - base.length) } });
  };

  it('a body over MAX_BODY_BYTES is refused with 413 over real HTTP; one under it is served', async () => {
    const under = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(2_000) });
    expect(under.status).toBe(200);
    // Served in full: no errors, and (issue 16) what it cost, as every result says.
    expect(await under.json()).toEqual({
      data: { viewer: null },
      extensions: { cost: { requestedQueryCost: 1, actualQueryCost: 0, throttleStatus: null } },
    });

    const over = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(2_049) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/2048 bytes/);
    expect(over.headers.get('x-request-id')).toBeTruthy();
  });

  it('a chunked body without Content-Length cannot slip past the limit (411)', async () => {
    const payload = new TextEncoder().encode(body(4_000));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(payload.subarray(0, 1_000));
        controller.enqueue(payload.subarray(1_000));
        controller.close();
      },
    });
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(411);
  });
});

describe('introspection, GraphiQL and error details by environment', () => {
  const schemaQuery = '{ __schema { queryType { name } types { name } } }';

  it('in production an anonymous caller cannot introspect (__schema or __type)', async () => {
    for (const query of [schemaQuery, '{ __type(name: "Tenant") { name fields { name } } }']) {
      const res = await prod.gql(query);
      expect(res.data ?? null, query).toBeNull();
      expect(res.errors?.[0]?.message, query).toMatch(/introspection/i);
    }
    // Plain queries still work for anonymous callers.
    expect((await prod.gql('{ viewer { id } }')).data).toEqual({ viewer: null });
  });

  it('in production an authenticated caller may introspect (its own schema)', async () => {
    const platform = await prod.gql(schemaQuery, {}, { token: prodPlatformToken });
    expect(platform.errors).toBeUndefined();
    expect(platform.data.__schema.queryType.name).toBe('Query');
    const admin = await prod.gql(schemaQuery, {}, { token: prodTenant.adminToken });
    expect(admin.errors).toBeUndefined();
    const names = admin.data.__schema.types.map((x: { name: string }) => x.name);
    expect(names).toContain('ServicePoint');
    expect(names).not.toContain('Rank');
  });

  it('outside production anonymous introspection is allowed', async () => {
    const res = await t.gql(schemaQuery);
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.types.map((x: { name: string }) => x.name)).toContain('Tenant');
  });

  it('GraphiQL (GET /graphql, accept text/html) is on outside production and off in production', async () => {
    const dev = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(dev.status).toBe(200);
    expect(dev.headers.get('content-type')).toMatch(/text\/html/);
    expect(await dev.text()).toMatch(/Jiedai/);

    const res = await prod.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/graphiql/i);
  });

  it('field suggestions ("Did you mean") are off in production', async () => {
    const inTest = await t.gql('{ viewr { id } }');
    expect(inTest.errors?.[0]?.message).toMatch(/Did you mean/);
    const inProd = await prod.gql('{ viewr { id } }');
    expect(inProd.errors?.length).toBeGreaterThan(0);
    expect(inProd.errors!.map((e) => e.message).join()).not.toMatch(/Did you mean|viewer/);
  });

  it('in production a malformed id is a client error that reveals nothing of the database', async () => {
    // A well-formed global id whose database id is not a uuid.
    const id = globalId('Department', 'not-a-uuid');
    const res = await prod.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token: prodTenant.adminToken });
    expect(JSON.stringify(res)).not.toMatch(/prisma|invalid input syntax|postgres|stack|at .*\.ts/i);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ node: null });
    expect(res.errors).toEqual([expect.objectContaining({ path: ['node'], extensions: { code: 'BAD_USER_INPUT' } })]);
    // It never reached the database.
    expect(prod.logs.some((line) => line.includes('invalid input syntax for type uuid'))).toBe(false);
    // The same for ids of every type, through nodes(ids:).
    for (const type of ['Tenant', 'Membership', 'User', 'ApiKey', 'AuditLogEntry', 'ServicePoint']) {
      const many = await prod.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
        { ids: [globalId(type, "x' OR 1=1 --")] },
        { token: prodTenant.adminToken },
      );
      expect(JSON.stringify(many), type).not.toMatch(/prisma|invalid input syntax|postgres|stack/i);
      expect(many.data?.nodes ?? [null], type).toEqual([null]);
      for (const error of many.errors ?? []) expect(error.extensions?.code, type).toBe('BAD_USER_INPUT');
    }
  });

  it('in production an unexpected error is masked: the client learns nothing of the cause', async () => {
    // A production gateway whose database does not exist: the operation's transaction cannot start.
    // (A database that is away — unreachable, restarting — is retryable instead: the next test.)
    const url = 'postgres://postgres@127.0.0.1:5432/jiedai_no_such_database';
    const db = await openDatabase({ url, migrate: false });
    const app = await buildApp(config({ DATABASE_URL: url, NODE_ENV: 'production', JWT_SECRET: TEST_JWT.secret }), {
      db,
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await post(app, '{ viewer { id } }');
      expect(res.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
      expect(JSON.stringify(res)).not.toMatch(/no_such|3D000|127\.0\.0\.1|prisma|postgres|stack|at .*\.ts/i);
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('in production an unreachable database answers 503 SERVICE_UNAVAILABLE (retry), and the client learns nothing of the cause', async () => {
    const db = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', migrate: false });
    const app = await buildApp(config({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', NODE_ENV: 'production', JWT_SECRET: TEST_JWT.secret }), {
      db,
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await post(app, '{ viewer { id } }');
      expect(res.status).toBe(503);
      expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) })]);
      expect(JSON.stringify(res)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|postgres|stack|at .*\.ts/i);
    } finally {
      await app.close();
      await db.close();
    }
  });
});

describe('an exhausted connection pool', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After after DB_POOL_WAIT_MS, and serves again once a connection is free', async () => {
    const url = inject('databaseUrl');
    const db = await openDatabase({ url, migrate: false, poolSize: 1, poolWaitMs: 200 });
    const app = await buildApp(config({ DATABASE_URL: url }), { db, logger: pino({ level: 'silent' }) });
    // Known tenant (its kind is cached at authentication), as on a gateway that has been serving.
    expect((await post(app, '{ tenant { id } }', {}, tenant.adminToken)).status).toBe(200);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The pool's only connection is taken by a long transaction (as by slow operations under load).
    const holder = db.prisma.$transaction(() => held, { maxWait: 5_000, timeout: 60_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const res = await post(app, '{ tenant { id } }', {}, tenant.adminToken);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
      release();
      await holder;
      const after = await post(app, '{ tenant { id } }', {}, tenant.adminToken);
      expect(after.status).toBe(200);
      expect(after.data.tenant.id).toBe(tenant.globalId);
    } finally {
      release();
      await holder.catch(() => undefined);
      await app.close();
      await db.close();
    }
  });
});

describe('connection sizes', () => {
  let bulk: TestTenant;
  beforeAll(async () => {
    bulk = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL', { withDefaultStructure: false });
    const tag = unique('bulk');
    await ownerQuery(
      `WITH u AS (INSERT INTO users (email, display_name)
                  SELECT $2 || '-' || g || '@test.jiedai', 'Bulk ' || g FROM generate_series(1, 110) g RETURNING id)
       INSERT INTO memberships (tenant_id, user_id, roles) SELECT $1, id, '{STAFF}' FROM u`,
      [bulk.id, tag],
    );
  });

  it('a page is at most 100: first/last above it is refused with BAD_USER_INPUT, never silently clamped (there are 111 members)', async () => {
    const all = await t.gql(`{ members(first: 100) { totalCount edges { node { id } } pageInfo { hasNextPage } } }`, {}, { token: bulk.adminToken });
    expect(all.errors).toBeUndefined();
    expect(all.data.members.totalCount).toBe(111);
    expect(all.data.members.edges).toHaveLength(100);
    expect(all.data.members.pageInfo.hasNextPage).toBe(true);

    for (const [args, argument, found] of [
      ['first: 101', 'first', 101],
      ['first: 1000', 'first', 1000],
      ['last: 101', 'last', 101],
    ] as const) {
      t.statements.length = 0;
      const res = await t.gql(`{ members(${args}) { edges { node { id } } } }`, {}, { token: bulk.adminToken });
      expect(res.data ?? null, args).toBeNull();
      expect(res.errors?.[0]?.extensions, args).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Query.members', argument, max: 100, found });
      expect(res.errors?.[0]?.message, args).toMatch(/at most 100/);
      expect(
        t.statements.filter((sql) => /\bBEGIN\b/.test(sql)),
        args,
      ).toEqual([]);
    }
    // In a variable as well.
    const variable = await t.gql(`query($n: Int) { members(first: $n) { edges { node { id } } } }`, { n: 101 }, { token: bulk.adminToken });
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the default page is 20, and negative sizes are refused', async () => {
    const res = await t.gql(`{ members { edges { node { id } } } }`, {}, { token: bulk.adminToken });
    expect(res.data.members.edges).toHaveLength(20);
    const negative = await t.gql(`{ members(first: -1) { edges { node { id } } } }`, {}, { token: bulk.adminToken });
    expect(negative.errors?.length).toBeGreaterThan(0);
  });
});

describe('one transaction per operation', () => {
  /** The root fields `a` and `b` (both `departments`) of one operation, read around another commit. */
  let observed: { a: string[]; b: string[] } | undefined;
  const names = (list: { name: string }[]) => list.map((d) => d.name).sort();

  it('runs the root fields on one connection in order: a commit can land between two of them', async () => {
    // Own database and gateway, so that the lock below meets nothing but this operation.
    const scratch = await createMigratedDatabase('jiedai_snapshot');
    const db = await openDatabase({ url: scratch.url, migrate: false, poolSize: 2 });
    const app = await buildApp(config({ DATABASE_URL: scratch.url }), { db, logger: pino({ level: 'silent' }) });
    try {
      await withPgSession(scratch.url, (locker) =>
        withPgSession(scratch.url, async (other) => {
          const email = `${unique('platform')}@test.jiedai`;
          await other.query(
            `WITH u AS (INSERT INTO users (email, display_name, is_platform_admin) VALUES ($1, 'P', true) RETURNING id)
                             INSERT INTO user_credentials (user_id, password_hash) SELECT id, $2 FROM u`,
            [email, await createPasswordHasher().hash(PASSWORD)],
          );
          const harness = { gql: (q: string, v?: Record<string, unknown>, o: { token?: string | null } = {}) => post(app, q, v, o.token ?? undefined) };
          const gov = await createTenant(harness as unknown as TestApp, await signIn(harness as unknown as TestApp, email), 'GOVERNMENT_OFFICE');

          // Hold the rank table: the operation stops at its second root field, after the first one read.
          await locker.query('BEGIN');
          await locker.query('LOCK TABLE ranks IN ACCESS EXCLUSIVE MODE');
          const pending = post(app, `{ a: departments { id name } r: rankLadder { id } b: departments { id name } }`, {}, gov.adminToken);
          const until = Date.now() + 10_000;
          for (;;) {
            const { rows } = await other.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_locks
               WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND relation = 'ranks'::regclass AND NOT granted`,
            );
            if (rows[0]!.n > 0) break;
            if (Date.now() > until) throw new Error('the operation never waited for the rank table');
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          // Meanwhile another transaction commits a department of this tenant.
          await other.query(`INSERT INTO departments (tenant_id, name) VALUES ($1, 'committed meanwhile')`, [gov.id]);
          await locker.query('COMMIT');

          const res = await pending;
          expect(res.errors).toBeUndefined();
          observed = { a: names(res.data.a), b: names(res.data.b) };
          // `a` read before the commit.
          expect(observed.a).not.toContain('committed meanwhile');
          // Committed all the same: the next operation sees it.
          const next = await post(app, `{ departments { name } }`, {}, gov.adminToken);
          expect(names(next.data.departments)).toContain('committed meanwhile');
        }),
      );
    } finally {
      await app.close();
      await db.close();
      await scratch.drop();
    }
  });

  // Queries run at REPEATABLE READ: every root field reads the snapshot the operation started with.
  it('all root fields of one operation read one snapshot (a and b agree)', () => {
    expect(observed).toBeDefined();
    expect(observed!.b).toEqual(observed!.a);
  });
});
