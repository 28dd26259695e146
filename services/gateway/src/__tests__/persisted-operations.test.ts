// Persisted operations (trusted documents): a tenant admin registers a partner app's documents by SHA-256,
// lists and removes them; a request names one by hash (Apollo's extensions.persistedQuery, or GraphQL-over-
// HTTP's documentId); an API key held to them, and a tenant's members when the tenant says so, cannot send a
// document's text; callers acting in no tenant always can. Through yoga.fetch and a real graphql-ws socket.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, signIn, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const REGISTER = `mutation($input: RegisterPersistedOperationsInput!) { registerPersistedOperations(input: $input) {
  __typename ... on RegisterPersistedOperationsPayload { persistedOperations { id hash clientName operationName } }
  ... on Error { code message } } }`;
const LIST = `query($client: String) { persistedOperations(clientName: $client, first: 50) { totalCount nodes { id hash clientName operationName document } } }`;
const HOLD = `mutation($input: SetApiKeyPersistedOperationsOnlyInput!) { setApiKeyPersistedOperationsOnly(input: $input) {
  __typename ... on ApiKeyPayload { apiKey { id persistedOperationsOnly } } ... on Error { code } } }`;

// The partner app's documents.
const TENANT_NAME = 'query TenantName { tenant { name } }';
const SET_POLICY =
  'mutation SetPolicy($allowed: Boolean!) { updateTenant(input: { arbitraryOperationsForMembers: $allowed }) { __typename ... on TenantPayload { tenant { arbitraryOperationsForMembers } } } }';

/** A POST naming a persisted document by hash (extensions.persistedQuery) or by documentId. */
const persisted = (hash: string, token: string, options: { documentId?: boolean; variables?: Record<string, unknown> } = {}) =>
  t.fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en', authorization: `Bearer ${token}` },
    body: JSON.stringify(
      options.documentId
        ? { documentId: `sha256:${hash}`, variables: options.variables }
        : { extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: options.variables },
    ),
  });

beforeAll(async () => {
  t = await startTestApp();
  const platform = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platform, 'HOSPITAL');
  b = await createTenant(t, platform, 'HOTEL');
});

afterAll(async () => {
  await t?.close();
});

describe('registering', () => {
  it('an admin registers documents by SHA-256 (idempotently), lists them per app; bad ones change nothing; staff may not', async () => {
    const res = await t.gql(
      REGISTER,
      { input: { clientName: 'his@1', operations: [{ document: TENANT_NAME, hash: sha256(TENANT_NAME).toUpperCase() }, { document: SET_POLICY }] } },
      { token: a.adminToken },
    );
    expect(res.data.registerPersistedOperations.__typename).toBe('RegisterPersistedOperationsPayload');
    expect(res.data.registerPersistedOperations.persistedOperations).toMatchObject([
      { hash: sha256(TENANT_NAME), clientName: 'his@1', operationName: 'TenantName' },
      { hash: sha256(SET_POLICY), operationName: 'SetPolicy' },
    ]);
    // Again: the same rows, nothing new.
    const again = await t.gql(REGISTER, { input: { clientName: 'his@2', operations: [{ document: TENANT_NAME }] } }, { token: a.adminToken });
    expect(again.data.registerPersistedOperations.persistedOperations[0]).toMatchObject({ clientName: 'his@1', hash: sha256(TENANT_NAME) });

    const mismatch = await t.gql(
      REGISTER,
      { input: { clientName: 'x', operations: [{ document: '{ tenant { slug } }', hash: sha256('other') }] } },
      { token: a.adminToken },
    );
    expect(mismatch.data.registerPersistedOperations).toMatchObject({ __typename: 'PersistedOperationError', code: 'HASH_MISMATCH' });
    const invalid = await t.gql(REGISTER, { input: { clientName: 'x', operations: [{ document: '{ tenant { ' }] } }, { token: a.adminToken });
    expect(invalid.data.registerPersistedOperations).toMatchObject({ __typename: 'PersistedOperationError', code: 'INVALID_DOCUMENT' });
    const fragmentOnly = await t.gql(
      REGISTER,
      { input: { clientName: 'x', operations: [{ document: 'fragment F on Tenant { name }' }] } },
      { token: a.adminToken },
    );
    expect(fragmentOnly.data.registerPersistedOperations).toMatchObject({ code: 'INVALID_DOCUMENT' });
    // Checked against the caller's schema: a field of no kind, and a hospital's field registered by a hotel.
    const unknownField = await t.gql(
      REGISTER,
      { input: { clientName: 'x', operations: [{ document: TENANT_NAME }, { document: 'query { tenant { nickname } }' }] } },
      { token: a.adminToken },
    );
    expect(unknownField.data.registerPersistedOperations).toMatchObject({
      code: 'INVALID_DOCUMENT',
      message: expect.stringMatching(/^operations\[1\]: Cannot query field "nickname" on type "Tenant"/),
    });
    const otherKind = await t.gql(REGISTER, { input: { clientName: 'x', operations: [{ document: '{ servicePoints { id } }' }] } }, { token: b.adminToken });
    expect(otherKind.data.registerPersistedOperations).toMatchObject({ code: 'INVALID_DOCUMENT', message: expect.stringContaining('servicePoints') });
    const hospitalsOwn = await t.gql(
      REGISTER,
      { input: { clientName: 'x-check', operations: [{ document: '{ servicePoints { id } }' }] } },
      { token: a.adminToken },
    );
    expect(hospitalsOwn.data.registerPersistedOperations.__typename).toBe('RegisterPersistedOperationsPayload');
    const staff = await a.member(['STAFF']);
    const refused = await t.gql(REGISTER, { input: { clientName: 'x', operations: [{ document: '{ tenant { slug } }' }] } }, { token: staff.token });
    expect(refused.data.registerPersistedOperations.__typename).toBe('ForbiddenError');
    expect((await t.gql(LIST, {}, { token: staff.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const list = await t.gql(LIST, { client: 'his@1' }, { token: a.adminToken });
    expect(list.data.persistedOperations.totalCount).toBe(2);
    // Registered in one statement: the same created_at, so their order between them is the ids'.
    expect(list.data.persistedOperations.nodes.map((n: { document: string }) => n.document).sort()).toEqual([TENANT_NAME, SET_POLICY].sort());
    expect((await t.gql(LIST, {}, { token: b.adminToken })).data.persistedOperations.totalCount).toBe(0);
    const audit = await t.gql(`{ auditLog(first: 5) { nodes { action } } }`, undefined, { token: a.adminToken });
    expect(audit.data.auditLog.nodes.map((n: { action: string }) => n.action)).toContain('persisted_operations.registered');
  });
});

describe('running by hash', () => {
  it('runs the tenant’s document for a member, by persistedQuery or documentId; an unknown hash and another tenant’s hash are not found', async () => {
    for (const documentId of [false, true]) {
      const res = await persisted(sha256(TENANT_NAME), a.adminToken, { documentId });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { tenant: { name: expect.any(String) } }, extensions: expect.anything() });
    }
    for (const [hash, token] of [
      [sha256('{ tenant { slug } }'), a.adminToken],
      [sha256(TENANT_NAME), b.adminToken],
      ['not-a-hash', a.adminToken],
    ] as const) {
      const body = (await (await persisted(hash, token)).json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    }
    // Anonymous callers name no tenant: nothing is persisted for them; their text still runs.
    const anonymous = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(TENANT_NAME) } } }),
    });
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await t.gql('{ __typename }')).data.__typename).toBe('Query');
  });

  it('an API key held to persisted operations: text refused (403), its documents run, over HTTP and graphql-ws; freed again, text runs', async () => {
    const created = await t.gql(
      `mutation { createApiKey(input: { name: "his", role: STAFF }) { ... on CreateApiKeySuccess { secret apiKey { id persistedOperationsOnly } } } }`,
      undefined,
      { token: a.adminToken },
    );
    const { secret, apiKey } = created.data.createApiKey;
    expect(apiKey.persistedOperationsOnly).toBe(false);
    expect((await t.gql('{ tenant { name } }', undefined, { token: secret })).data.tenant.name).toBeTruthy();

    const held = await t.gql(HOLD, { input: { id: apiKey.id, persistedOperationsOnly: true } }, { token: a.adminToken });
    expect(held.data.setApiKeyPersistedOperationsOnly.apiKey.persistedOperationsOnly).toBe(true);
    const text = await t.gql('{ tenant { name } }', undefined, { token: secret });
    expect(text.status).toBe(403);
    expect(text.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_REQUIRED');
    expect(text.data ?? null).toBeNull();
    const byHash = await persisted(sha256(TENANT_NAME), secret);
    expect(((await byHash.json()) as { data: { tenant: { name: string } } }).data.tenant.name).toBeTruthy();
    // The tenant's members are not held by the key's rule.
    expect((await t.gql('{ tenant { name } }', undefined, { token: a.adminToken })).data.tenant.name).toBeTruthy();

    // graphql-ws: the same rules (a persisted operation sends an empty query and the hash).
    await t.listen();
    const ws = t.wsClient({ Authorization: `Bearer ${secret}` });
    try {
      const run = async (payload: { query: string; extensions?: Record<string, unknown> }) => {
        const results: unknown[] = [];
        for await (const r of ws.iterate(payload)) results.push(r);
        return results;
      };
      const wsHash = await run({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(TENANT_NAME) } } });
      expect(wsHash).toMatchObject([{ data: { tenant: { name: expect.any(String) } } }]);
      await expect(run({ query: '{ tenant { name } }' })).rejects.toMatchObject([{ extensions: { code: 'PERSISTED_OPERATION_REQUIRED' } }]);
    } finally {
      await ws.dispose();
    }

    await t.gql(HOLD, { input: { id: apiKey.id, persistedOperationsOnly: false } }, { token: a.adminToken });
    expect((await t.gql('{ tenant { name } }', undefined, { token: secret })).data.tenant.name).toBeTruthy();
    const audit = await t.gql(`{ auditLog(first: 5) { nodes { action } } }`, undefined, { token: a.adminToken });
    expect(audit.data.auditLog.nodes.map((n: { action: string }) => n.action)).toContain('api_key.persisted_operations_only');
  });

  it('a tenant that refuses arbitrary documents from members: their text is refused, persisted ones run; sign-in and other tenants unaffected', async () => {
    const off = await persisted(sha256(SET_POLICY), a.adminToken, { variables: { allowed: false } });
    expect(await off.json()).toMatchObject({ data: { updateTenant: { tenant: { arbitraryOperationsForMembers: false } } } });
    const refused = await t.gql('{ tenant { name } }', undefined, { token: a.adminToken });
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_REQUIRED');
    expect(((await (await persisted(sha256(TENANT_NAME), a.adminToken)).json()) as { data: unknown }).data).toMatchObject({ tenant: {} });
    // Sign-in acts in no tenant; tenant B decides for itself.
    expect(await signIn(t, a.adminEmail)).toBeTruthy();
    expect((await t.gql('{ tenant { name } }', undefined, { token: b.adminToken })).data.tenant.name).toBeTruthy();
    // Back on, through the persisted mutation (the admin's text is refused too).
    const on = await persisted(sha256(SET_POLICY), a.adminToken, { variables: { allowed: true } });
    expect(await on.json()).toMatchObject({ data: { updateTenant: { tenant: { arbitraryOperationsForMembers: true } } } });
    expect((await t.gql('{ tenant { name } }', undefined, { token: a.adminToken })).data.tenant.name).toBeTruthy();
  });

  it('a removed document is not found any more', async () => {
    const doc = 'query Slug { tenant { slug } }';
    const reg = await t.gql(REGISTER, { input: { clientName: 'his@1', operations: [{ document: doc }] } }, { token: a.adminToken });
    const { id } = reg.data.registerPersistedOperations.persistedOperations[0];
    expect(((await (await persisted(sha256(doc), a.adminToken)).json()) as { data: unknown }).data).toMatchObject({ tenant: { slug: a.slug } });
    const removed = await t.gql(
      `mutation($id: ID!) { removePersistedOperation(input: { id: $id }) { __typename ... on RemovePersistedOperationPayload { hash } } }`,
      { id },
      { token: a.adminToken },
    );
    expect(removed.data.removePersistedOperation.hash).toBe(sha256(doc));
    const gone = (await (await persisted(sha256(doc), a.adminToken)).json()) as { errors: { extensions: { code: string } }[] };
    expect(gone.errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});
