// CORS per tenant: admins manage their partner origins (audited); a response carries
// Access-Control-Allow-Origin (and -Credentials) only for an origin the request's tenant allows, or — for a
// request acting in no tenant and for a preflight, which carries no credential — an origin some tenant
// allows; nothing is echoed for any other origin. Through yoga.fetch and a listening server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const PARTNER = `https://${unique('partner')}.example`;

const ADD = `mutation($input: AddCorsOriginInput!) { addCorsOrigin(input: $input) {
  __typename ... on CorsOriginPayload { corsOrigin { id origin note } } ... on Error { code message path }
  ... on ValidationError { fieldErrors { path message } } } }`;
const REMOVE = `mutation($id: ID!) { removeCorsOrigin(input: { id: $id }) { __typename ... on RemoveCorsOriginPayload { origin } ... on Error { code } } }`;
const LIST = `{ corsOrigins { id origin } }`;

beforeAll(async () => {
  t = await startTestApp();
  const platform = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platform, 'HOSPITAL');
  b = await createTenant(t, platform, 'HOTEL');
});

afterAll(async () => {
  await t?.close();
});

/** A POST /graphql from a browser page at `origin`. */
const post = (origin: string | null, token?: string, query = '{ __typename }') =>
  t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });

const preflight = (origin: string) =>
  t.fetch('/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('partner origins', () => {
  it('an admin adds an origin (normalized), lists it, and the audit log has it; tenant B sees none', async () => {
    const res = await t.gql(
      ADD,
      { input: { origin: `${PARTNER.toUpperCase().replace('HTTPS', 'https')}:443/`, note: 'HIS web app' } },
      { token: a.adminToken },
    );
    expect(res.data.addCorsOrigin).toMatchObject({ __typename: 'CorsOriginPayload', corsOrigin: { origin: PARTNER, note: 'HIS web app' } });
    expect((await t.gql(LIST, undefined, { token: a.adminToken })).data.corsOrigins.map((o: { origin: string }) => o.origin)).toEqual([PARTNER]);
    expect((await t.gql(LIST, undefined, { token: b.adminToken })).data.corsOrigins).toEqual([]);
    const audit = await t.gql(`{ auditLog(first: 5) { edges { node { action } } } }`, undefined, { token: a.adminToken });
    expect(audit.data.auditLog.edges.map((e: { node: { action: string } }) => e.node.action)).toContain('cors_origin.added');
  });

  it('bad input changes nothing: not an origin, a path, plain http elsewhere than localhost, a duplicate; staff may not', async () => {
    for (const origin of ['partner.example', 'https://partner.example/app', 'http://partner.example', 'https://user@partner.example', 'javascript:alert(1)']) {
      const res = await t.gql(ADD, { input: { origin } }, { token: a.adminToken });
      expect(res.data.addCorsOrigin.__typename, origin).toBe('ValidationError');
      expect(res.data.addCorsOrigin.fieldErrors[0].path).toEqual(['input', 'origin']);
    }
    const again = await t.gql(ADD, { input: { origin: PARTNER } }, { token: a.adminToken });
    expect(again.data.addCorsOrigin).toMatchObject({ __typename: 'CorsError', code: 'ORIGIN_TAKEN' });
    const staff = await a.member(['STAFF']);
    const refused = await t.gql(ADD, { input: { origin: 'https://staff.example' } }, { token: staff.token });
    expect(refused.data.addCorsOrigin.__typename).toBe('ForbiddenError');
    expect((await t.gql(LIST, undefined, { token: staff.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(LIST, undefined, { token: a.adminToken })).data.corsOrigins.map((o: { origin: string }) => o.origin)).toEqual([PARTNER]);
    // http is fine for a local development host.
    const local = await t.gql(ADD, { input: { origin: 'http://localhost:3000' } }, { token: a.adminToken });
    expect(local.data.addCorsOrigin.corsOrigin.origin).toBe('http://localhost:3000');
    expect((await t.gql(REMOVE, { id: local.data.addCorsOrigin.corsOrigin.id }, { token: a.adminToken })).data.removeCorsOrigin.__typename).toBe(
      'RemoveCorsOriginPayload',
    );
  });
});

describe('CORS headers', () => {
  it("a request acting in the tenant gets the origin echoed with credentials; another tenant's or an unknown origin gets nothing", async () => {
    const allowed = await post(PARTNER, a.adminToken);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('retry-after');
    expect(allowed.headers.get('vary')).toContain('Origin');

    // Tenant B never allowed it.
    const otherTenant = await post(PARTNER, b.adminToken);
    expect(otherTenant.status).toBe(200);
    expect(otherTenant.headers.get('access-control-allow-origin')).toBeNull();
    expect(otherTenant.headers.get('access-control-allow-credentials')).toBeNull();

    const unknown = await post('https://evil.example', a.adminToken);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    expect(unknown.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a request acting in no tenant (anonymous) gets an origin some tenant allows, and nothing for others; no Origin, no CORS headers', async () => {
    expect((await post(PARTNER)).headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect((await post('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const plain = await post(null, a.adminToken);
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a refused credential (401) from an allowed origin can be read by the page', async () => {
    const res = await post(PARTNER, 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
  });

  it('a preflight is answered 204: with the allowed methods and headers for a known origin, with nothing for an unknown one', async () => {
    const known = await preflight(PARTNER);
    expect(known.status).toBe(204);
    expect(known.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(known.headers.get('access-control-allow-credentials')).toBe('true');
    expect(known.headers.get('access-control-allow-methods')).toContain('POST');
    expect(known.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('authorization'));
    expect(known.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-tenant-id'));
    const unknown = await preflight('https://evil.example');
    expect(unknown.status).toBe(204);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    expect(unknown.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('over a listening server too, and a removed origin is no longer echoed', async () => {
    const port = await t.listen();
    const url = `http://127.0.0.1:${port}/graphql`;
    const origin = `https://${unique('removed')}.example`;
    const added = await t.gql(ADD, { input: { origin } }, { token: a.adminToken });
    const id = added.data.addCorsOrigin.corsOrigin.id as string;
    const real = () =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, authorization: `Bearer ${a.adminToken}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    expect((await real()).headers.get('access-control-allow-origin')).toBe(origin);
    const options = await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-origin')).toBe(origin);

    expect((await t.gql(REMOVE, { id }, { token: a.adminToken })).data.removeCorsOrigin.origin).toBe(origin);
    // The change is published after commit; the gateway drops its cached answers when it hears it.
    await waitFor(async () => (await real()).headers.get('access-control-allow-origin') === null, 5_000, 'the removed origin to be refused');
    const after = await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect(after.headers.get('access-control-allow-origin')).toBeNull();
  });
});
