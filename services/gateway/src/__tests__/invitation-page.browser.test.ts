// The pages of links mailed to a person, in real Chromium on a phone with JavaScript off (issue 15, "a
// newcomer invites a colleague, who accepts and signs in"): the admin's addMember over real HTTP mails a
// link to the gateway's own /i/ page (real SMTP); the colleague opens it, sets a password (problems shown
// per field), and signIn works with it; the link then gets the polite page. An existing user accepts in
// English without a new password. A reset link opens /r/ and sets a new password the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, signIn, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { launchBrowser, offlineExcept, screenshot, type Browser, type Page } from '@jiedai/testing/browser';
import { ACCOUNT_TEXTS } from '../pages/account-pages.ts';
import { TEXTS } from '../pages/html.ts';

let t: TestApp;
let browser: Browser;
let hotel: TestTenant;
let origin: string;

beforeAll(async () => {
  t = await startTestApp();
  origin = `http://127.0.0.1:${await t.listen()}`;
  hotel = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL', { withDefaultStructure: false });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** An operation over real HTTP to the listening gateway (so the mailed link names the address the admin used). */
async function overHttp(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: any };
}

/** The link in the newest mail to `email`. */
function linkInMail(email: string, path: '/i/' | '/r/'): string {
  const mail = [...t.mail!.messages].reverse().find((m) => m.to.includes(email));
  const link = mail?.text.match(new RegExp(`https?://\\S+${path}jd[ir]_[A-Za-z0-9_-]+`))?.[0];
  if (!link) throw new Error(`no ${path} link mailed to ${email}`);
  return link;
}

const submit = async (page: Page, name: string) =>
  Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]).then(([response]) => response);

const ADD = `mutation($input: AddMemberInput!) { addMember(input: $input) { __typename } }`;

describe('the invitation page', () => {
  it('a colleague opens the mailed link on a phone, sets a password, and signs in with it', async () => {
    const email = `${unique('colleague')}@example.test`;
    const added = await overHttp(ADD, { input: { email, displayName: '王芳', roles: ['COORDINATOR'] } }, hotel.adminToken);
    expect(added.data.addMember.__typename).toBe('MemberInvitationPayload');
    const link = linkInMail(email, '/i/');
    expect(link.startsWith(`${origin}/i/jdi_`)).toBe(true);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await phone.newPage();
    const blocked = await offlineExcept(page, origin);
    const zh = ACCOUNT_TEXTS['zh-Hans'];
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toContain('Test HOTEL');
    expect(await page.locator('main').innerText()).toContain(email);
    expect(await page.locator('main').innerText()).toContain(zh.roles.COORDINATOR);

    // Too short, then two different passwords: each problem at its field; nothing accepted.
    await page.getByLabel(zh.password, { exact: false }).first().fill('short');
    expect((await submit(page, zh.create))?.status()).toBe(422);
    expect(await page.locator('.err').allInnerTexts()).toEqual([zh.passwordShort]);
    await page.locator('#password').fill('a-good-long-passphrase');
    await page.locator('#confirm').fill('a-different-passphrase');
    expect((await submit(page, zh.create))?.status()).toBe(422);
    expect(await page.locator('.err').allInnerTexts()).toEqual([zh.confirmDiffers]);
    expect(await page.locator('#confirm').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'invitation-page-validation');

    await page.locator('#password').fill('a-good-long-passphrase');
    await page.locator('#confirm').fill('a-good-long-passphrase');
    expect((await submit(page, zh.create))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(zh.joinedTitle);
    await screenshot(page, 'invitation-page-joined');

    // signIn works with the password set on the page; the token acts in the hotel.
    const token = await signIn(t, email, 'a-good-long-passphrase');
    const me = await t.gql(`{ viewer { displayName } tenant { id } }`, {}, { token });
    expect(me.data).toEqual({ viewer: { displayName: '王芳' }, tenant: { id: hotel.globalId } });

    // The link worked once: the polite page.
    expect((await page.goto(link))?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe(TEXTS['zh-Hans'].unavailableTitle);
    expect((await page.goto(`${origin}/i/jdi_unknown-token-of-the-right-shape`))?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe(TEXTS['zh-Hans'].unavailableTitle);
    expect(blocked).toEqual([]);
    await phone.close();
  }, 120_000);

  it('an existing user accepts in English without a new password', async () => {
    const existing = await hotel.member(['STAFF']);
    const other = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL', { withDefaultStructure: false });
    expect((await overHttp(ADD, { input: { email: existing.email, displayName: 'x', roles: ['VIEWER'] } }, other.adminToken)).data.addMember.__typename).toBe(
      'MemberInvitationPayload',
    );
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    const page = await context.newPage();
    const en = ACCOUNT_TEXTS.en;
    expect((await page.goto(linkInMail(existing.email, '/i/')))?.status()).toBe(200);
    expect(await page.locator('main').innerText()).toContain(en.existingAccount);
    expect(await page.locator('input[type=password]').count()).toBe(0);
    expect((await submit(page, en.accept))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(en.joinedTitle);
    const session = await signIn(t, existing.email);
    const mine = await t.gql(`{ viewer { memberships { tenant { id } } } }`, {}, { token: session });
    expect(mine.data.viewer.memberships.map((m: { tenant: { id: string } }) => m.tenant.id).sort()).toEqual([hotel.globalId, other.globalId].sort());
    await context.close();
  }, 120_000);
});

describe('the password reset page', () => {
  it('the reset link opens /r/, sets a new password, and works once', async () => {
    const member = await hotel.member(['STAFF']);
    const asked = await overHttp(`mutation($e: String!) { requestPasswordReset(input: { email: $e }) { __typename } }`, { e: member.email });
    expect(asked.data.requestPasswordReset.__typename).toBe('RequestPasswordResetPayload');
    const link = linkInMail(member.email, '/r/');
    expect(link.startsWith(`${origin}/r/jdr_`)).toBe(true);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    const zh = ACCOUNT_TEXTS['zh-Hans'];
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(zh.resetTitle);
    await page.locator('#password').fill('the-new-reset-passphrase');
    await page.locator('#confirm').fill('the-new-reset-passphrase');
    expect((await submit(page, zh.save))?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(zh.resetDoneTitle);
    await screenshot(page, 'reset-page-done');
    expect(await signIn(t, member.email, 'the-new-reset-passphrase')).toEqual(expect.any(String));

    // Used: the form still shows (a reset token cannot be looked at without using it), the submission gets the polite page.
    expect((await page.goto(link))?.status()).toBe(200);
    await page.locator('#password').fill('yet-another-passphrase');
    await page.locator('#confirm').fill('yet-another-passphrase');
    expect((await submit(page, zh.save))?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe(TEXTS['zh-Hans'].unavailableTitle);
    await context.close();
  }, 120_000);
});
