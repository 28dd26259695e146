// A person's own account through the real gateway: signing out (one session, or everywhere), changing
// the password (every earlier token stops working), and resetting it with a link that arrives by real
// SMTP (nodemailer to a local smtp-server sink): single-use, the same answer for an unknown e-mail, and a
// security log of each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, type MailSink, ownerQuery, PASSWORD, signIn, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let sink: MailSink;
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  // The test app's own SMTP sink (members are made through mailed invitations too).
  t = await startTestApp({ MAIL_FROM: 'Jiedai <no-reply@test.jiedai>' });
  sink = t.mail!;
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const viewer = async (token: string) => t.gql(`{ viewer { email } }`, {}, { token });
const unauthenticated = (res: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) =>
  res.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && /session has ended/.test(res.errors[0]!.message);

async function member(): Promise<{ email: string; tokens: string[] }> {
  const m = await tenant.member(['STAFF']);
  return { email: m.email, tokens: [m.token, await signIn(t, m.email)] };
}

describe('signing out', () => {
  it('ends this session at once and leaves the others; everywhere ends them all', async () => {
    const { email, tokens } = await member();
    const [a, b] = tokens as [string, string];
    const out = await t.gql(`mutation { signOut(input: {}) { __typename ... on SignOutPayload { everywhere } } }`, {}, { token: a });
    expect(out.errors).toBeUndefined();
    expect(out.data.signOut).toEqual({ __typename: 'SignOutPayload', everywhere: false });
    expect(unauthenticated(await viewer(a))).toBe(true);
    expect((await viewer(b)).data.viewer).not.toBeNull();
    const c = await signIn(t, email);
    await t.gql(`mutation { signOut(input: { everywhere: true }) { __typename } }`, {}, { token: b });
    expect(unauthenticated(await viewer(b))).toBe(true);
    expect(unauthenticated(await viewer(c))).toBe(true);
    // Signing in again works; the person's log has both sign-outs, newest first.
    const d = await signIn(t, email);
    const log = await t.gql(`{ viewer { securityEvents { action } } }`, {}, { token: d });
    expect(log.data.viewer.securityEvents.map((e: { action: string }) => e.action)).toEqual(['SIGNED_OUT_EVERYWHERE', 'SIGNED_OUT']);
  });

  it('an API key cannot sign out (NOT_SIGNED_IN), and nothing changes', async () => {
    const key = await t.gql(
      `mutation { createApiKey(input: { name: "k", role: STAFF }) { ... on CreateApiKeySuccess { secret } } }`,
      {},
      { token: tenant.adminToken },
    );
    const res = await t.gql(`mutation { signOut(input: {}) { __typename ... on Error { code } } }`, {}, { token: key.data.createApiKey.secret });
    expect(res.data.signOut).toEqual({ __typename: 'AccountError', code: 'NOT_SIGNED_IN' });
  });
});

describe('changing the password', () => {
  it('refuses a wrong current password with its path; a right one ends every earlier token and returns a new one', async () => {
    const { email, tokens } = await member();
    const change = (token: string, currentPassword: string) =>
      t.gql(
        `mutation($c: String!) { changePassword(input: { currentPassword: $c, newPassword: "a-brand-new-password" }) {
           __typename ... on ChangePasswordPayload { token } ... on Error { code path } } }`,
        { c: currentPassword },
        { token },
      );
    expect((await change(tokens[0]!, 'not-my-password')).data.changePassword).toEqual({
      __typename: 'AccountError',
      code: 'WRONG_PASSWORD',
      path: ['input', 'currentPassword'],
    });
    expect((await viewer(tokens[0]!)).data.viewer.email).toBe(email);
    const changed = (await change(tokens[0]!, PASSWORD)).data.changePassword;
    expect(changed.__typename).toBe('ChangePasswordPayload');
    for (const old of tokens) expect(unauthenticated(await viewer(old))).toBe(true);
    expect((await viewer(changed.token)).data.viewer.email).toBe(email);
    await expect(signIn(t, email)).rejects.toThrow(/sign-in failed/);
    expect(await signIn(t, email, 'a-brand-new-password')).toBeTruthy();
    const log = await t.gql(`{ viewer { securityEvents { action clientAddress } } }`, {}, { token: changed.token });
    expect(log.data.viewer.securityEvents.map((e: { action: string }) => e.action)).toEqual(['PASSWORD_CHANGED']);
  });
});

describe('resetting the password by e-mail (real SMTP)', () => {
  it('mails a single-use link; using it sets the password and ends every session; the same answer for an unknown e-mail', async () => {
    const { email, tokens } = await member();
    const ask = (address: string) =>
      t.gql(`mutation($e: String!) { requestPasswordReset(input: { email: $e }) { __typename ... on RequestPasswordResetPayload { accepted } } }`, {
        e: address,
      });
    const before = sink.messages.length;
    expect((await ask('nobody-here@test.jiedai')).data.requestPasswordReset).toEqual({ __typename: 'RequestPasswordResetPayload', accepted: true });
    expect((await ask(email)).data.requestPasswordReset).toEqual({ __typename: 'RequestPasswordResetPayload', accepted: true });
    // Only the account's e-mail got a message (delivery is part of the mutation: it is in the sink now).
    expect(sink.messages.slice(before).map((m) => m.to)).toEqual([[email]]);
    const text = sink.messages[sink.messages.length - 1]!.text;
    expect(text).toContain('重置密码');
    const token = /jdr_[A-Za-z0-9_-]{43}/.exec(text)?.[0];
    expect(token).toBeDefined();

    const reset = (resetToken: string) =>
      t.gql(
        `mutation($t: String!) { resetPassword(input: { token: $t, newPassword: "reset-to-this-one" }) {
           __typename ... on ResetPasswordPayload { reset } ... on Error { code path } } }`,
        { t: resetToken },
      );
    expect((await reset(token!)).data.resetPassword).toEqual({ __typename: 'ResetPasswordPayload', reset: true });
    for (const old of tokens) expect(unauthenticated(await viewer(old))).toBe(true);
    const fresh = await signIn(t, email, 'reset-to-this-one');
    // Used once: refused after, like an unknown or malformed token.
    for (const other of [token!, `jdr_${'A'.repeat(43)}`, 'not-a-token']) {
      expect((await reset(other)).data.resetPassword).toEqual({ __typename: 'AccountError', code: 'INVALID_TOKEN', path: ['input', 'token'] });
    }
    const log = await t.gql(`{ viewer { securityEvents { action } } }`, {}, { token: fresh });
    expect(log.data.viewer.securityEvents.map((e: { action: string }) => e.action)).toEqual(['PASSWORD_RESET', 'PASSWORD_RESET_REQUESTED']);
    // Stored only as a hash.
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM password_resets WHERE token_hash = $1`, [token])).toEqual([{ n: 0 }]);
  });
});
