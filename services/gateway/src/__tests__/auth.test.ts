// Authentication and authorization through the real gateway: sign-in (argon2id, identical errors,
// lockout), JWT verification (secret, expiry, issuer, audience, alg, subject), tenant choice for a
// user of several tenants, API keys (shown once, stored as sha256, role-bound, revocable), revoked
// memberships, role checks, and no secret or personal data in the logs.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import {
  acceptInvitationByToken,
  createPlatformAdmin,
  invitationTokenFromMail,
  createTenant,
  ownerQuery,
  PASSWORD,
  rawId,
  startTestApp,
  TEST_JWT,
  unique,
  type GqlResponse,
  type TestApp,
  type TestTenant,
} from '@jiedai/testing';

let t: TestApp;
let platform: { userId: string; email: string; token: string };
let hotel: TestTenant; // tenant A
let hospital: TestTenant; // tenant B

/** Everything secret or personal these tests used; none of it may show up in the gateway's logs. */
const used = { passwords: new Set<string>([PASSWORD]), emails: new Set<string>(), tokens: new Set<string>(), apiKeys: new Set<string>() };

const SIGN_IN = `mutation($email: String!, $password: String!) { signIn(input: { email: $email, password: $password }) {
  __typename
  ... on SignInSuccess { token viewer { id email memberships { id roles tenant { id kind name } } } }
  ... on SignInError { code message }
  ... on ValidationError { message fieldErrors { path message } }
} }`;

async function signInAttempt(email: string, password: string) {
  used.emails.add(email);
  used.passwords.add(password);
  const res = await t.gql(SIGN_IN, { email, password });
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  const result = res.data.signIn;
  if (result.__typename === 'SignInSuccess') used.tokens.add(result.token);
  return result;
}

async function signInOk(email: string, password: string) {
  const result = await signInAttempt(email, password);
  expect(result.__typename, JSON.stringify(result)).toBe('SignInSuccess');
  return result as {
    token: string;
    viewer: { id: string; email: string; memberships: { id: string; roles: string[]; tenant: { id: string; kind: string; name: string } }[] };
  };
}

const ADD_MEMBER = `mutation($input: AddMemberInput!) { addMember(input: $input) {
  __typename ... on MemberInvitationPayload { invitation { id roles } } ... on Error { message } ... on IdentityError { code } } }`;
const ACCEPT = `mutation($id: ID!) { acceptMemberInvitation(input: { id: $id }) {
  __typename ... on AcceptMemberInvitationPayload { membershipId roles } ... on Error { message } ... on IdentityError { code } } }`;

async function addMember(adminToken: string, input: { email: string; roles: string[]; displayName?: string }) {
  used.emails.add(input.email);
  return t.gql(ADD_MEMBER, { input: { displayName: 'Member', ...input } }, { token: adminToken });
}

/** A new member of `tenant` with its own password (invited by mail, accepting the link with it), signed in. */
async function newMember(tenant: TestTenant, roles: string[], password = `pw-${randomUUID()}`) {
  const email = `${unique(roles[0]!.toLowerCase())}@${tenant.slug}.test.jiedai`;
  const added = await addMember(tenant.adminToken, { email, roles });
  expect(added.data?.addMember?.__typename, JSON.stringify(added)).toBe('MemberInvitationPayload');
  const link = invitationTokenFromMail(t, email);
  used.tokens.add(link);
  used.passwords.add(password);
  const membershipId = await acceptInvitationByToken(t, link, password);
  const session = await signInOk(email, password);
  return { email, password, token: session.token, userId: session.viewer.id, membershipId };
}

function expectRefused(res: GqlResponse, status: 401 | 403, label = '') {
  expect(res.status, label).toBe(status);
  expect(res.errors?.[0]?.extensions?.code, label).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  expect(res.data ?? null, label).toBeNull();
}

/** A query the caller may not make: a top-level FORBIDDEN error, no data. */
function expectForbidden(res: GqlResponse, label = '') {
  expect(res.errors?.length, label).toBeGreaterThan(0);
  expect(res.errors?.[0]?.extensions?.code, label).toBe('FORBIDDEN');
  expect(res.data ?? null, label).toBeNull();
}

/** A mutation the caller may not run: its result is the ForbiddenError member (code FORBIDDEN), no top-level error. */
function expectMutationForbidden(res: GqlResponse, label = '') {
  expect(res.errors, label).toBeUndefined();
  const results = Object.values(res.data ?? {}) as { __typename?: string }[];
  expect(results, label).toHaveLength(1);
  expect(results[0]?.__typename, label).toBe('ForbiddenError');
}

const key = new TextEncoder().encode(TEST_JWT.secret);
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

beforeAll(async () => {
  t = await startTestApp();
  platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  used.emails.add(platform.email).add(hotel.adminEmail).add(hospital.adminEmail);
  used.tokens.add(platform.token).add(hotel.adminToken).add(hospital.adminToken);
});

afterAll(async () => {
  await t?.close();
});

describe('signIn', () => {
  it('returns a token and the viewer with memberships; the token works', async () => {
    const member = await newMember(hotel, ['COORDINATOR']);
    const session = await signInOk(member.email, member.password);
    expect(session.token.split('.')).toHaveLength(3);
    expect(session.viewer.email).toBe(member.email);
    expect(session.viewer.memberships).toEqual([
      { id: member.membershipId, roles: ['COORDINATOR'], tenant: { id: hotel.globalId, kind: 'HOTEL', name: expect.any(String) } },
    ]);
    // The token is an HS256 JWT for this user, pinned to our issuer and audience, with one tenant.
    expect(decodeProtectedHeader(session.token).alg).toBe('HS256');
    const claims = decodeJwt(session.token);
    expect(claims).toMatchObject({ sub: rawId(session.viewer.id), tid: hotel.id, iss: TEST_JWT.issuer, aud: TEST_JWT.audience });
    expect(claims.exp! - claims.iat!).toBeGreaterThan(0);

    const me = await t.gql(`{ viewer { email } tenant { name } }`, {}, { token: session.token });
    expect(me.status).toBe(200);
    expect(me.errors).toBeUndefined();
    expect(me.data).toEqual({ viewer: { email: member.email }, tenant: { name: session.viewer.memberships[0]!.tenant.name } });
  });

  it('unknown e-mail and wrong password give the identical SignInError; a malformed e-mail a ValidationError', async () => {
    const member = await newMember(hotel, ['STAFF']);
    const wrongPassword = await signInAttempt(member.email, 'not-the-password-1');
    const unknownEmail = await signInAttempt(`${unique('nobody')}@nowhere.test.jiedai`, member.password);
    expect(wrongPassword).toEqual({ __typename: 'SignInError', code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    expect(unknownEmail).toEqual(wrongPassword);

    const malformed = await signInAttempt('not-an-e-mail', 'whatever-password');
    expect(malformed.__typename).toBe('ValidationError');
    expect(malformed.fieldErrors.length).toBeGreaterThan(0);
    expect(malformed.fieldErrors.some((e: { path: string[] }) => e.path.includes('email'))).toBe(true);
    expect(malformed).not.toHaveProperty('token');
  });

  it('locks an e-mail after 5 failures (even the right password then fails), for unknown e-mails alike', async () => {
    const member = await newMember(hotel, ['STAFF']);
    const ghost = `${unique('ghost')}@nowhere.test.jiedai`;
    const locked: Record<string, unknown>[] = [];
    for (const email of [member.email, ghost]) {
      for (let i = 1; i <= 5; i++) {
        const res = await signInAttempt(email, `wrong-password-${i}`);
        expect(res, `${email} attempt ${i}`).toMatchObject({ __typename: 'SignInError', code: 'INVALID_CREDENTIALS' });
      }
      const sixth = await signInAttempt(email, member.password);
      expect(sixth, email).toMatchObject({ __typename: 'SignInError', code: 'TOO_MANY_ATTEMPTS' });
      expect(sixth).not.toHaveProperty('token');
      // Locked for 15 minutes.
      const wait = Number(/(\d+)\s*s\b/.exec(sixth.message)?.[1]);
      expect(wait, sixth.message).toBeGreaterThan(14 * 60);
      expect(wait, sixth.message).toBeLessThanOrEqual(15 * 60);
      // The lock is on the e-mail, whatever its case.
      const upper = await signInAttempt(email.toUpperCase(), member.password);
      expect(upper).toMatchObject({ __typename: 'SignInError', code: 'TOO_MANY_ATTEMPTS' });
      locked.push({ ...sixth, message: sixth.message.replace(/\d+/g, 'N') });
    }
    // An existing and an unknown e-mail cannot be told apart by the lock either.
    expect(locked[1]).toEqual(locked[0]);
    // Other e-mails are not affected.
    const other = await newMember(hotel, ['STAFF']);
    await signInOk(other.email, other.password);
  });

  it('the lock lasts 15 minutes from the 5th failure, however spread out the failures were', async () => {
    const member = await newMember(hotel, ['STAFF']);
    const start = Date.now();
    // Only the clock is faked (the gateway runs in this process): no timers, no tokens issued meanwhile.
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      for (let i = 1; i <= 4; i++) {
        expect(await signInAttempt(member.email, `slow-wrong-${i}`)).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      }
      vi.setSystemTime(start + 14 * 60_000);
      expect(await signInAttempt(member.email, 'slow-wrong-5')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
      // Two minutes later the window opened by the first failure has passed; the lock has not.
      vi.setSystemTime(start + 16 * 60_000);
      const locked = await signInAttempt(member.email, member.password);
      expect(locked).toMatchObject({ __typename: 'SignInError', code: 'TOO_MANY_ATTEMPTS' });
      const wait = Number(/(\d+)\s*s\b/.exec(locked.message)?.[1]);
      expect(wait, locked.message).toBeGreaterThan(12 * 60);
      expect(wait, locked.message).toBeLessThanOrEqual(13 * 60);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stores an argon2id hash of the password, never the password', async () => {
    const member = await newMember(hotel, ['VIEWER']);
    const rows = await ownerQuery<{ password_hash: string }>(
      `SELECT c.password_hash FROM user_credentials c JOIN users u ON u.id = c.user_id WHERE u.email = $1`,
      [member.email],
    );
    expect(rows).toHaveLength(1);
    const stored = rows[0]!.password_hash;
    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(stored).not.toContain(member.password);
    expect(Number(/m=(\d+)/.exec(stored)?.[1])).toBeGreaterThanOrEqual(19_456);
    // Salted: the same password gives another hash for another user.
    const twin = await newMember(hotel, ['VIEWER'], member.password);
    const [twinRow] = await ownerQuery<{ password_hash: string }>(
      `SELECT c.password_hash FROM user_credentials c JOIN users u ON u.id = c.user_id WHERE u.email = $1`,
      [twin.email],
    );
    expect(twinRow!.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(twinRow!.password_hash).not.toBe(stored);
    // No column of the user row holds the password.
    const [whole] = await ownerQuery<{ row: string }>(`SELECT row_to_json(u)::text AS row FROM users u WHERE email = $1`, [member.email]);
    expect(whole!.row).not.toContain(member.password);
  });
});

describe('signIn under parallel attempts', () => {
  it('never lets more than 5 wrong passwords through for one e-mail, however many arrive at once', async () => {
    const email = `${unique('parallel')}@auth.test`;
    const results = await Promise.all(Array.from({ length: 20 }, () => signInAttempt(email, 'wrong-password-123')));
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(15);
    expect(new Set(codes)).toEqual(new Set(['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS']));
  });
});

describe('tokens', () => {
  let userId: string;
  /** A token like the gateway's, with the given changes. */
  const token = (opts: { secret?: string; sub?: string; iss?: string; aud?: string; iat?: number; exp?: number | null } = {}) => {
    const jwt = new SignJWT({ tid: hotel.id, sv: 0 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setJti(randomUUID())
      .setSubject(opts.sub ?? userId)
      .setIssuer(opts.iss ?? TEST_JWT.issuer)
      .setAudience(opts.aud ?? TEST_JWT.audience)
      .setIssuedAt(opts.iat ?? inSeconds(0));
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? inSeconds(3600));
    return jwt.sign(opts.secret ? new TextEncoder().encode(opts.secret) : key);
  };

  beforeAll(() => {
    userId = decodeJwt(hotel.adminToken).sub!;
  });

  it('a token built like ours is accepted (the forgeries below differ in one thing only)', async () => {
    const res = await t.gql(`{ viewer { email } tenant { id } }`, {}, { token: await token() });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ viewer: { email: hotel.adminEmail }, tenant: { id: hotel.globalId } });
  });

  it('refuses forged, expired, foreign, unsigned and malformed tokens with 401 UNAUTHENTICATED', async () => {
    const unsigned = new UnsecuredJWT({ tid: hotel.id })
      .setSubject(userId)
      .setIssuer(TEST_JWT.issuer)
      .setAudience(TEST_JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    expect(JSON.parse(Buffer.from(unsigned.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'none' });
    expect(unsigned.endsWith('.')).toBe(true);
    const valid = await token();
    const [h, p] = valid.split('.');
    const refused: Record<string, string> = {
      'signed with another secret': await token({ secret: 'another-secret-of-at-least-thirty-two-chars' }),
      expired: await token({ iat: inSeconds(-7200), exp: inSeconds(-3600) }),
      'wrong audience': await token({ aud: 'someone-else' }),
      'wrong issuer': await token({ iss: 'evil' }),
      'alg none': unsigned,
      'alg none with HS256 header kept and signature dropped': `${h}.${p}.`,
      'payload swapped under a valid signature': `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(valid), sub: platform.userId })).toString('base64url')}.${valid.split('.')[2]}`,
      'no expiry': await token({ exp: null }),
      garbage: 'garbage',
      'three garbage parts': 'aGVsbG8.d29ybGQ.c2ln',
      'sub not a uuid': await token({ sub: 'admin' }),
      'sub a sql injection': await token({ sub: "' OR '1'='1" }),
    };
    for (const [label, bad] of Object.entries(refused)) {
      used.tokens.add(bad);
      const res = await t.gql(`{ viewer { email } tenant { id } }`, {}, { token: bad });
      expectRefused(res, 401, label);
    }
    // Not a bearer token at all.
    const basic = await t.gql(`{ viewer { email } }`, {}, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expectRefused(basic, 401, 'basic auth');
  });

  it('a token accepted before (and remembered as verified) is refused once it has expired', async () => {
    const soon = await token({ exp: inSeconds(1) });
    const first = await t.gql(`{ viewer { email } }`, {}, { token: soon });
    expect(first.data).toEqual({ viewer: { email: hotel.adminEmail } });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, decodeJwt(soon).exp! * 1000 - Date.now() + 50)));
    expectRefused(await t.gql(`{ viewer { email } }`, {}, { token: soon }), 401, 'expired after first use');
  });

  it('refuses a well-signed token for a user that does not exist with 401', async () => {
    const ghost = await token({ sub: randomUUID() });
    used.tokens.add(ghost);
    expectRefused(await t.gql(`{ viewer { email } tenant { id } }`, {}, { token: ghost }), 401, 'unknown user');
  });

  it('refuses a valid token acting in a tenant the user is not a member of with 403 FORBIDDEN', async () => {
    const res = await t.gql(`{ viewer { email } tenant { id } }`, {}, { token: hotel.adminToken, tenantId: hospital.id });
    expectRefused(res, 403, 'other tenant');
    expectRefused(await t.gql(`{ viewer { email } }`, {}, { token: hotel.adminToken, tenantId: randomUUID() }), 403, 'unknown tenant');
    expectRefused(await t.gql(`{ viewer { email } }`, {}, { token: hotel.adminToken, tenantId: 'not-a-uuid' }), 403, 'bad tenant id');
    // A forged tid in a well-signed token is no better than the header.
    const forged = await new SignJWT({ tid: hospital.id, sv: 0 })
      .setProtectedHeader({ alg: 'HS256' })
      .setJti(randomUUID())
      .setSubject(userId)
      .setIssuer(TEST_JWT.issuer)
      .setAudience(TEST_JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    used.tokens.add(forged);
    expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: forged }), 403, 'tid of another tenant');
  });
});

describe('a user of two tenants', () => {
  it('gets a token without default tenant, sees both memberships, and chooses the tenant (and its schema) per request', async () => {
    const member = await newMember(hotel, ['STAFF']);
    expect(decodeJwt(member.token).tid).toBe(hotel.id);
    // B's admin invites the same person (audit, issue 18): the person becomes a member of B only by
    // accepting, here signed in as themselves (or by the mailed link: invitations.test.ts).
    const added = await addMember(hospital.adminToken, { email: member.email, roles: ['VIEWER'] });
    expect(added.data.addMember.__typename).toBe('MemberInvitationPayload');
    used.tokens.add(invitationTokenFromMail(t, member.email));
    const beforeAccepting = await signInOk(member.email, member.password);
    expect(decodeJwt(beforeAccepting.token).tid).toBe(hotel.id);
    const accepted = await t.gql(ACCEPT, { id: added.data.addMember.invitation.id }, { token: beforeAccepting.token });
    expect(accepted.data.acceptMemberInvitation.__typename, JSON.stringify(accepted)).toBe('AcceptMemberInvitationPayload');

    const session = await signInOk(member.email, member.password);
    expect(decodeJwt(session.token)).not.toHaveProperty('tid');
    expect(
      session.viewer.memberships.map((m) => ({ tenant: m.tenant.id, kind: m.tenant.kind, roles: m.roles })).sort((x, y) => x.kind.localeCompare(y.kind)),
    ).toEqual([
      { tenant: hospital.globalId, kind: 'HOSPITAL', roles: ['VIEWER'] },
      { tenant: hotel.globalId, kind: 'HOTEL', roles: ['STAFF'] },
    ]);
    const viewer = await t.gql(`{ viewer { email memberships { tenant { id } } } }`, {}, { token: session.token });
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data.viewer.memberships.map((m: { tenant: { id: string } }) => m.tenant.id).sort()).toEqual([hotel.globalId, hospital.globalId].sort());

    const inA = await t.gql(`{ tenant { id kind } hotelAreas { id } }`, {}, { token: session.token, tenantId: hotel.id });
    expect(inA.errors).toBeUndefined();
    expect(inA.data.tenant).toEqual({ id: hotel.globalId, kind: 'HOTEL' });
    expect(inA.data.hotelAreas.length).toBeGreaterThan(0);
    const spInA = await t.gql(`{ servicePoints { id } }`, {}, { token: session.token, tenantId: hotel.id });
    expect(spInA.errors?.[0]?.message).toMatch(/Cannot query field "servicePoints"/);

    const inB = await t.gql(`{ tenant { id kind } servicePoints { id } }`, {}, { token: session.token, tenantId: hospital.id });
    expect(inB.errors).toBeUndefined();
    expect(inB.data.tenant).toEqual({ id: hospital.globalId, kind: 'HOSPITAL' });
    expect(inB.data.servicePoints.length).toBeGreaterThan(0);
    const haInB = await t.gql(`{ hotelAreas { id } }`, {}, { token: session.token, tenantId: hospital.id });
    expect(haInB.errors?.[0]?.message).toMatch(/Cannot query field "hotelAreas"/);

    // Without a choice: the public schema, which has no `tenant`; the answer says to choose one.
    const none = await t.gql(`{ tenant { id } }`, {}, { token: session.token });
    expect(none.data ?? null).toBeNull();
    expect(none.status).toBe(403);
    expect(none.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(none.errors?.[0]?.message).toMatch(/"tenant" is a tenant's field: act in a tenant/);
    const publicViewer = await t.gql(`{ viewer { email } }`, {}, { token: session.token });
    expect(publicViewer.data).toEqual({ viewer: { email: member.email } });
  });
});

describe('API keys', () => {
  const CREATE = `mutation($name: String!, $role: ApiKeyRole!) { createApiKey(input: { name: $name, role: $role }) {
    __typename ... on CreateApiKeySuccess { secret apiKey { id name prefix role lastUsedAt revokedAt } } ... on Error { message } } }`;
  const LIST = `{ apiKeys(first: 100) { edges { node { id name prefix role lastUsedAt revokedAt } } } }`;

  async function createKey(role = 'VIEWER') {
    const name = unique('partner');
    const res = await t.gql(CREATE, { name, role }, { token: hotel.adminToken });
    expect(res.data?.createApiKey?.__typename, JSON.stringify(res)).toBe('CreateApiKeySuccess');
    const { secret, apiKey } = res.data.createApiKey as {
      secret: string;
      apiKey: { id: string; name: string; prefix: string; role: string; lastUsedAt: string | null; revokedAt: string | null };
    };
    used.apiKeys.add(secret);
    return { name, secret, apiKey };
  }

  it('returns the secret once, lists only its prefix, authenticates in its tenant with its role, records use', async () => {
    const { name, secret, apiKey } = await createKey('VIEWER');
    expect(secret).toMatch(/^jdk_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{32}$/);
    expect(apiKey).toMatchObject({ name, role: 'VIEWER', lastUsedAt: null, revokedAt: null });
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(secret.length - 20);

    const list = await t.gql(LIST, {}, { token: hotel.adminToken });
    expect(list.errors).toBeUndefined();
    const listed = list.data.apiKeys.edges.map((e: { node: { id: string } }) => e.node).find((n: { id: string }) => n.id === apiKey.id);
    expect(listed).toMatchObject({ name, prefix: apiKey.prefix, role: 'VIEWER' });
    expect(JSON.stringify(list.data)).not.toContain(secret);
    expect(JSON.stringify(list.data)).not.toContain(secret.slice(apiKey.prefix.length));
    // There is no field to read it back.
    const readBack = await t.gql(`{ apiKeys(first: 1) { edges { node { secret } } } }`, {}, { token: hotel.adminToken });
    expect(readBack.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);

    const asKey = await t.gql(`{ tenant { id } viewer { id } }`, {}, { token: secret });
    expect(asKey.status).toBe(200);
    expect(asKey.errors).toBeUndefined();
    expect(asKey.data).toEqual({ tenant: { id: hotel.globalId }, viewer: null });

    // lastUsedAt is set by that use.
    const [row] = await ownerQuery<{ last_used_at: Date | null }>(`SELECT last_used_at FROM api_keys WHERE id = $1`, [rawId(apiKey.id)]);
    expect(row!.last_used_at).not.toBeNull();
    const relisted = await t.gql(LIST, {}, { token: hotel.adminToken });
    const after = relisted.data.apiKeys.edges.find((e: { node: { id: string } }) => e.node.id === apiKey.id).node;
    expect(after.lastUsedAt).not.toBeNull();

    // A VIEWER key cannot act as an admin: FORBIDDEN, and nothing is created.
    const email = `${unique('by-key')}@${hotel.slug}.test.jiedai`;
    const denied = await addMember(secret, { email, roles: ['TENANT_ADMIN'] });
    expectMutationForbidden(denied, 'viewer key addMember');
    expectMutationForbidden(await t.gql(CREATE, { name: unique('by-key'), role: 'COORDINATOR' }, { token: secret }), 'viewer key createApiKey');
    expectForbidden(await t.gql(LIST, {}, { token: secret }), 'viewer key apiKeys');
    expect(await ownerQuery(`SELECT id FROM users WHERE email = $1`, [email])).toHaveLength(0);
  });

  it('only a sha256 of the key is stored', async () => {
    const { secret, apiKey } = await createKey('STAFF');
    const [row] = await ownerQuery<{ secret_hash: string; whole: string }>(`SELECT secret_hash, row_to_json(k)::text AS whole FROM api_keys k WHERE id = $1`, [
      rawId(apiKey.id),
    ]);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.secret_hash).not.toBe(secret);
    expect(row!.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(row!.whole).not.toContain(secret);
    expect(row!.whole).not.toContain(secret.slice(apiKey.prefix.length));
  });

  it('a revoked key fails on the very next request; a key with one character changed never works', async () => {
    const { secret, apiKey } = await createKey('STAFF');
    expect((await t.gql(`{ tenant { id } }`, {}, { token: secret })).status).toBe(200);

    // One character changed in the secret part (and in the tenant part): refused.
    const last = secret.at(-1)!;
    const tampered = secret.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const mid = secret.length - 10;
    const tampered2 = secret.slice(0, mid) + (secret[mid] === 'x' ? 'y' : 'x') + secret.slice(mid + 1);
    for (const bad of [tampered, tampered2]) {
      used.apiKeys.add(bad);
      expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: bad }), 401, 'tampered key');
    }
    const truncated = secret.slice(0, -1);
    used.apiKeys.add(truncated);
    expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: truncated }), 401, 'truncated key');

    const revoked = await t.gql(
      `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename ... on RevokeApiKeySuccess { apiKey { id revokedAt } } } }`,
      { id: apiKey.id },
      { token: hotel.adminToken },
    );
    expect(revoked.data.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    expect(revoked.data.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: secret }), 401, 'revoked key');
    expectRefused(await t.gql(`{ viewer { id } }`, {}, { token: secret }), 401, 'revoked key, no tenant field');
  });
});

describe('memberships and roles', () => {
  it("removing a membership stops that member's existing token at once (403)", async () => {
    const member = await newMember(hotel, ['COORDINATOR']);
    const before = await t.gql(`{ tenant { id } }`, {}, { token: member.token });
    expect(before.data).toEqual({ tenant: { id: hotel.globalId } });
    const removed = await t.gql(
      `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { __typename ... on RemoveMemberPayload { removedMembershipId } } }`,
      { id: member.membershipId },
      { token: hotel.adminToken },
    );
    expect(removed.data.removeMember).toEqual({ __typename: 'RemoveMemberPayload', removedMembershipId: member.membershipId });
    expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: member.token }), 403, 'removed member');
    expectRefused(await t.gql(`{ tenant { id } }`, {}, { token: member.token, tenantId: hotel.id }), 403, 'removed member, header');
  });

  it('a STAFF member cannot addMember/createApiKey/createDepartment; a TENANT_ADMIN can', async () => {
    const staff = await newMember(hotel, ['STAFF']);
    const email = `${unique('by-staff')}@${hotel.slug}.test.jiedai`;
    const keyName = unique('staff-key');
    const depName = unique('staff-dep');
    const attempts = async (token: string) => ({
      addMember: await addMember(token, { email, roles: ['TENANT_ADMIN'] }),
      createApiKey: await t.gql(`mutation($n: String!) { createApiKey(input: { name: $n, role: COORDINATOR }) { __typename } }`, { n: keyName }, { token }),
      createDepartment: await t.gql(`mutation($n: String!) { createDepartment(input: { name: $n }) { __typename } }`, { n: depName }, { token }),
    });
    const counts = async () =>
      (
        await ownerQuery<{ users: number; keys: number; deps: number; admins: number; invitedAdmins: number }>(
          `SELECT (SELECT count(*) FROM users WHERE email = $1)::int AS users,
                  (SELECT count(*) FROM api_keys WHERE name = $2)::int AS keys,
                  (SELECT count(*) FROM departments WHERE name = $3)::int AS deps,
                  (SELECT count(*) FROM memberships WHERE tenant_id = $4 AND 'TENANT_ADMIN' = ANY(roles))::int AS admins,
                  (SELECT count(*) FROM tenant_invitations WHERE tenant_id = $4 AND 'TENANT_ADMIN' = ANY(roles))::int AS "invitedAdmins"`,
          [email, keyName, depName, hotel.id],
        )
      )[0]!;
    const before = await counts();
    expect(before).toMatchObject({ users: 0, keys: 0, deps: 0 });
    for (const [field, res] of Object.entries(await attempts(staff.token))) expectMutationForbidden(res, `STAFF ${field}`);
    expect(await counts()).toEqual(before);

    for (const [field, res] of Object.entries(await attempts(hotel.adminToken))) {
      expect(res.errors, field).toBeUndefined();
      expect(res.data[field].__typename, field).toMatch(/Payload|Success/);
    }
    // addMember invites (audit, issue 18): a pending invitation, a member (and for a new e-mail an account) once accepted (issue 15).
    expect(await counts()).toEqual({ users: 0, keys: 1, deps: 1, admins: before.admins, invitedAdmins: before.invitedAdmins + 1 });
  });

  it('only a platform admin can create or list tenants', async () => {
    const slug = unique('not-allowed');
    const create = (token: string | null) =>
      t.gql(
        `mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename } }`,
        {
          input: {
            kind: 'GOVERNMENT_OFFICE',
            slug,
            name: 'Not allowed',
            withDefaultStructure: false,
            admin: { email: `admin@${slug}.test.jiedai`, displayName: 'X', password: 'password-for-refused-tenant' },
          },
        },
        { token },
      );
    used.emails.add(`admin@${slug}.test.jiedai`);
    used.passwords.add('password-for-refused-tenant');
    const list = (token: string | null) => t.gql(`{ tenants(first: 100) { edges { node { id } } } }`, {}, { token });
    const staff = await newMember(hotel, ['STAFF']);
    for (const [who, token] of [
      ['tenant admin', hotel.adminToken],
      ['staff', staff.token],
      ['anonymous', null],
    ] as const) {
      expectMutationForbidden(await create(token), `${who} createTenant`);
      expectForbidden(await list(token), `${who} tenants`);
    }
    expect(await ownerQuery(`SELECT id FROM tenants WHERE slug = $1`, [slug])).toHaveLength(0);
    expect(await ownerQuery(`SELECT id FROM users WHERE email = $1`, [`admin@${slug}.test.jiedai`])).toHaveLength(0);

    const all = await list(platform.token);
    expect(all.errors).toBeUndefined();
    const ids = all.data.tenants.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toEqual(expect.arrayContaining([hotel.globalId, hospital.globalId]));
  });

  it('the last TENANT_ADMIN can be neither removed nor demoted (LAST_ADMIN)', async () => {
    const office = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
    used.emails.add(office.adminEmail);
    used.tokens.add(office.adminToken);
    const mine = await t.gql(`{ members(role: TENANT_ADMIN, first: 10) { edges { node { id } } } }`, {}, { token: office.adminToken });
    expect(mine.data.members.edges).toHaveLength(1);
    const adminMembership = mine.data.members.edges[0].node.id as string;
    const REMOVE = `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { __typename ... on IdentityError { code message } } }`;
    const DEMOTE = `mutation($id: ID!) { updateMember(input: { membershipId: $id, roles: [STAFF] }) {
      __typename ... on IdentityError { code message } ... on MembershipPayload { membership { roles } } } }`;
    const adminRoles = async (membershipId: string) =>
      (await ownerQuery<{ roles: string }>(`SELECT roles::text AS roles FROM memberships WHERE id = $1`, [rawId(membershipId)]))[0]?.roles;

    const removed = await t.gql(REMOVE, { id: adminMembership }, { token: office.adminToken });
    expect(removed.data.removeMember).toMatchObject({ __typename: 'IdentityError', code: 'LAST_ADMIN' });
    const demoted = await t.gql(DEMOTE, { id: adminMembership }, { token: office.adminToken });
    expect(demoted.data.updateMember).toMatchObject({ __typename: 'IdentityError', code: 'LAST_ADMIN' });
    expect(await adminRoles(adminMembership)).toBe('{TENANT_ADMIN}');

    // With a second admin, the first can step down; then the second is the last one.
    const second = await office.member(['TENANT_ADMIN']);
    used.emails.add(second.email);
    used.tokens.add(second.token);
    const stepDown = await t.gql(DEMOTE, { id: adminMembership }, { token: office.adminToken });
    expect(stepDown.data.updateMember).toEqual({ __typename: 'MembershipPayload', membership: { roles: ['STAFF'] } });
    const lastOne = await t.gql(REMOVE, { id: second.membershipId }, { token: second.token });
    expect(lastOne.data.removeMember).toMatchObject({ __typename: 'IdentityError', code: 'LAST_ADMIN' });
    const lastDemoted = await t.gql(DEMOTE, { id: second.membershipId }, { token: second.token });
    expect(lastDemoted.data.updateMember).toMatchObject({ __typename: 'IdentityError', code: 'LAST_ADMIN' });
    expect(await adminRoles(second.membershipId)).toBe('{TENANT_ADMIN}');
  });
});

describe('logs', () => {
  it('hold no password, token, API key or e-mail address used above', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(used.tokens.size).toBeGreaterThan(10);
    expect(used.apiKeys.size).toBeGreaterThan(3);
    expect(used.emails.size).toBeGreaterThan(10);
    const all = t.logs.join('\n');
    const lower = all.toLowerCase();
    const leaks: string[] = [];
    for (const [kind, values] of Object.entries(used)) {
      for (const value of values) {
        if (all.includes(value) || lower.includes(value.toLowerCase())) leaks.push(`${kind}: ${value}`);
        // A JWT's signature alone identifies it too.
        if (kind === 'tokens' && value.split('.').length === 3 && value.split('.')[2]!.length > 20 && all.includes(value.split('.')[2]!)) {
          leaks.push(`token signature: ${value}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
