// The patient's complaint page (/c/<code>, a hospital service point's public link) in real Chromium on a
// phone with JavaScript off: the form, the problems shown at each field with what was typed kept, the
// thank-you page with the reference, the complaint stored once in the right tenant, English by the
// browser's language, the hidden honeypot, and one polite page for an unknown or malformed code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { launchBrowser, offlineExcept, screenshot, type Browser } from '@jiedai/testing/browser';
import { COMPLAINT_TEXTS } from '../pages/complaint-page.ts';
import { TEXTS } from '../pages/html.ts';

let t: TestApp;
let browser: Browser;
let hospital: TestTenant;
let origin: string;
let code: string;

beforeAll(async () => {
  t = await startTestApp();
  origin = `http://127.0.0.1:${await t.listen()}`;
  hospital = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL');
  const points = await t.gql(`{ servicePoints { id name kind } }`, {}, { token: hospital.adminToken });
  const guideDesk = points.data.servicePoints.find((p: { kind: string }) => p.kind === 'GUIDE_DESK');
  const link = await t.gql(
    `mutation($sp: ID!) { createComplaintIntakeLink(input: { servicePointId: $sp, label: "导医台海报" }) {
       ... on CreateComplaintIntakeLinkPayload { code } ... on Error { code message } } }`,
    { sp: guideDesk.id },
    { token: hospital.adminToken },
  );
  code = link.data.createComplaintIntakeLink.code;
  expect(code).toMatch(/^jdc_/);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const stored = () =>
  ownerQuery(
    // The complainant's contact is stored apart, behind PATIENT_DATA (complaint_complainants, issue 13).
    `SELECT c.category::text, c.summary, cc.contact AS complainant_contact, c.channel::text
       FROM complaints c LEFT JOIN complaint_complainants cc ON cc.tenant_id = c.tenant_id AND cc.complaint_id = c.id
      WHERE c.tenant_id = $1 ORDER BY c.created_at`,
    [hospital.id],
  );

describe('the complaint page', () => {
  it('takes a complaint on a phone without JavaScript: problems per field, then thanks with a reference', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await phone.newPage();
    const blocked = await offlineExcept(page, origin);
    const t0 = COMPLAINT_TEXTS['zh-Hans'];
    const first = await page.goto(`${origin}/c/${code}`);
    expect(first?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(t0.title);
    expect(await page.locator('.org').innerText()).toContain('导医台');
    await screenshot(page, 'complaint-page-phone');

    // Nothing chosen and a too-short text: both problems shown, the text kept, nothing stored.
    await page.getByLabel(/请描述经过/).fill('太慢');
    const refused = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: t0.submit }).click()]).then(([r]) => r);
    expect(refused?.status()).toBe(422);
    expect(await page.locator('.err').allInnerTexts()).toEqual([t0.categoryProblem]);
    await page.getByRole('radio', { name: t0.categories.WAITING_TIME }).check();
    const refusedAgain = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: t0.submit }).click()]).then(([r]) => r);
    expect(refusedAgain?.status()).toBe(422);
    expect(await page.locator('.err').allInnerTexts()).toEqual([t0.summaryProblem]);
    expect(await page.getByLabel(/请描述经过/).inputValue()).toBe('太慢');
    expect(await page.getByRole('radio', { name: t0.categories.WAITING_TIME }).isChecked()).toBe(true);
    await screenshot(page, 'complaint-page-validation');
    expect(await stored()).toEqual([]);

    await page.getByLabel(/请描述经过/).fill('导医台无人值守，等了二十分钟才有人来');
    await page.getByLabel(/联系电话/).fill('13800001111');
    const done = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: t0.submit }).click()]).then(([r]) => r);
    expect(done?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(t0.thanksTitle);
    const reference = await page.locator('strong').innerText();
    expect(reference.length).toBeGreaterThan(4);
    await screenshot(page, 'complaint-page-thanks');
    expect(await stored()).toEqual([
      { category: 'WAITING_TIME', summary: '导医台无人值守，等了二十分钟才有人来', complainant_contact: '13800001111', channel: 'PUBLIC_LINK' },
    ]);
    expect(blocked).toEqual([]);
    await phone.close();
  }, 120_000);

  it('speaks English to an English browser; a filled honeypot stores nothing; unknown codes get the polite page', async () => {
    const en = await fetch(`${origin}/c/${code}`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(en.status).toBe(200);
    const body = await en.text();
    expect(body).toContain('<html lang="en">');
    expect(body).toContain(COMPLAINT_TEXTS.en.title);
    expect(body).not.toMatch(/<script/i);
    expect(en.headers.get('referrer-policy')).toBe('no-referrer');

    const before = (await stored()).length;
    const robot = await fetch(`${origin}/c/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ category: 'OTHER', summary: 'buy cheap watches now', website: 'http://spam.example' }).toString(),
    });
    expect(robot.status).toBe(200);
    expect((await stored()).length).toBe(before);

    for (const other of [`jdc_${'A'.repeat(43)}`, 'nope']) {
      const res = await fetch(`${origin}/c/${other}`, { headers: { 'accept-language': 'zh-CN' } });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain(TEXTS['zh-Hans'].unavailableTitle);
    }
  });

  it('has every text in both languages', () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((s) => `${k}.${s}`) : [k]));
    expect(keys(COMPLAINT_TEXTS.en).sort()).toEqual(keys(COMPLAINT_TEXTS['zh-Hans']).sort());
  });
});
