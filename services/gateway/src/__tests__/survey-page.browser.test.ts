// The survey respondent's hosted page (/s/<token>) in real Chromium on a phone-sized screen, with
// JavaScript off: every question kind, the validation message per question, the answers kept, the
// thank-you page, the link refused when reopened, and one polite page for a used, unknown or malformed
// link. Screenshots land in test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { launchBrowser, offlineExcept, screenshot, type Browser, type BrowserContext } from '@jiedai/testing/browser';
import { TEXTS } from '../pages/html.ts';

let t: TestApp;
let browser: Browser;
let phone: BrowserContext;
let tenant: TestTenant;
let origin: string;

const QUESTIONS = [
  { kind: 'RATING', text: '总体满意度', required: true },
  { kind: 'NPS', text: '您向同事推荐我们接待工作的可能性有多大？', required: true },
  { kind: 'SINGLE_CHOICE', text: '来访目的', required: true, options: [{ label: '调研' }, { label: '交流' }, { label: '其他' }] },
  { kind: 'MULTIPLE_CHOICE', text: '需改进之处', required: false, options: [{ label: '住宿' }, { label: '餐饮' }, { label: '用车' }] },
  { kind: 'TEXT', text: '意见和建议', required: false },
];

async function ok(query: string, variables: Record<string, unknown>) {
  const res = await t.gql(query, variables, { token: tenant.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** A published survey in `language` and `n` respondent links to it. */
async function links(language: string, n: number): Promise<{ surveyId: string; tokens: string[] }> {
  const created = await ok(
    `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { ... on SurveyPayload { survey { id version } } ... on Error { code message } } }`,
    {
      input: {
        title: language === 'en' ? 'Reception feedback' : '接待满意度回访',
        description: language === 'en' ? 'Two minutes.' : '约需两分钟。',
        language,
        questions: QUESTIONS,
      },
    },
  );
  const { id, version } = created.createSurvey.survey;
  await ok(`mutation($id: ID!, $v: Int!) { publishSurvey(input: { id: $id, expectedVersion: $v }) { __typename } }`, { id, v: version });
  const campaign = await ok(
    `mutation($input: CreateSurveyCampaignInput!) { createSurveyCampaign(input: $input) { ... on SurveyCampaignPayload { issued { token } } ... on Error { code message } } }`,
    { input: { surveyId: id, name: `回访 ${language}`, respondents: Array.from({ length: n }, (_, i) => ({ kind: 'OTHER', name: `受访者${i + 1}` })) } },
  );
  return { surveyId: id, tokens: campaign.createSurveyCampaign.issued.map((i: { token: string }) => i.token) };
}

beforeAll(async () => {
  t = await startTestApp();
  origin = `http://127.0.0.1:${await t.listen()}`;
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  browser = await launchBrowser();
  // A phone, and no JavaScript: the page must work as plain HTML forms.
  phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: false,
    locale: 'zh-CN',
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the survey respondent page', () => {
  it('answers every question kind on a phone without JavaScript: validation per question, thanks, and the link refused afterwards', async () => {
    const { surveyId, tokens } = await links('zh-Hans', 1);
    const page = await phone.newPage();
    const blocked = await offlineExcept(page, origin);
    const first = await page.goto(`${origin}/s/${tokens[0]}`);
    expect(first?.status()).toBe(200);
    expect(Buffer.byteLength(await first!.text())).toBeLessThan(50 * 1024);
    expect(await page.locator('h1').innerText()).toBe('接待满意度回访');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-Hans');
    // Every question kind is there, each with a programmatic label.
    expect(await page.locator('fieldset').count()).toBe(4);
    expect(await page.getByRole('radio', { name: '交流' }).count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: '餐饮' }).count()).toBe(1);
    expect(await page.getByLabel(/意见和建议/).count()).toBe(1);
    await screenshot(page, 'survey-page-phone');

    // Submit with the required NPS and purpose unanswered: the page comes back with a message at each.
    await page
      .locator(`fieldset#q-${await keyOf(page, 0)}`)
      .getByRole('radio', { name: '4' })
      .check();
    await page.getByRole('checkbox', { name: '餐饮' }).check();
    await page.getByLabel(/意见和建议/).fill('车辆安排很周到');
    const refused = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]).then(([r]) => r);
    expect(refused?.status()).toBe(422);
    expect(await page.locator('.summary').innerText()).toContain(TEXTS['zh-Hans'].checkAnswers);
    const errors = await page.locator('.err').allInnerTexts();
    expect(errors).toEqual([TEXTS['zh-Hans'].issue.REQUIRED, TEXTS['zh-Hans'].issue.REQUIRED]);
    expect(await page.locator('.invalid legend').allInnerTexts()).toEqual([expect.stringContaining('推荐'), expect.stringContaining('来访目的')]);
    // What was entered is kept.
    expect(await page.getByRole('checkbox', { name: '餐饮' }).isChecked()).toBe(true);
    expect(await page.getByLabel(/意见和建议/).inputValue()).toBe('车辆安排很周到');
    await screenshot(page, 'survey-page-validation');
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = $1`, [rawId(surveyId)])).toEqual([{ n: 0 }]);

    // Complete it and submit: the thank-you page, and one response stored with the answers given.
    await page.getByRole('radio', { name: '9' }).check();
    await page.getByRole('radio', { name: '交流' }).check();
    const done = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '提交' }).click()]).then(([r]) => r);
    expect(done?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe(TEXTS['zh-Hans'].thanksTitle);
    await screenshot(page, 'survey-page-thanks');
    const stored = await ownerQuery(
      `SELECT a.kind, a.number_value, a.text_value, cardinality(a.option_keys) AS options
         FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = $1 ORDER BY a.kind`,
      [rawId(surveyId)],
    );
    expect(stored).toEqual([
      { kind: 'RATING', number_value: 4, text_value: null, options: 0 },
      { kind: 'NPS', number_value: 9, text_value: null, options: 0 },
      { kind: 'SINGLE_CHOICE', number_value: null, text_value: null, options: 1 },
      { kind: 'MULTIPLE_CHOICE', number_value: null, text_value: null, options: 1 },
      { kind: 'TEXT', number_value: null, text_value: '车辆安排很周到', options: 0 },
    ]);

    // Reopened, the link is refused with the same page an unknown or malformed link gets.
    const reopened = await page.goto(`${origin}/s/${tokens[0]}`);
    expect(reopened?.status()).toBe(404);
    const usedText = await page.locator('main').innerText();
    expect(usedText).toContain(TEXTS['zh-Hans'].unavailableTitle);
    await screenshot(page, 'survey-page-used');
    const unknownToken = `${tokens[0]!.slice(0, -6)}AAAAAA`;
    for (const other of [unknownToken, 'not-a-token', 'jds_x_y']) {
      const res = await page.goto(`${origin}/s/${other}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('main').innerText()).toBe(usedText);
    }
    expect(blocked).toEqual([]);
    await page.close();
  }, 120_000);

  it('speaks the survey’s language (English), and is sent with headers that keep the link private', async () => {
    const { tokens } = await links('en', 1);
    const res = await fetch(`${origin}/s/${tokens[0]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = await res.text();
    expect(body).toContain('<html lang="en">');
    expect(body).toContain(`>${TEXTS.en.submit}</button>`);
    expect(body).toContain(TEXTS.en.required);
    expect(body).not.toMatch(/<script/i);
    // A POST with nothing answered: English messages.
    const post = await fetch(`${origin}/s/${tokens[0]}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(post.status).toBe(422);
    expect(await post.text()).toContain(TEXTS.en.issue.REQUIRED);
  });

  it('has every page text in both languages', () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((s) => `${k}.${s}`) : [k]));
    expect(keys(TEXTS.en).sort()).toEqual(keys(TEXTS['zh-Hans']).sort());
  });
});

/** The key of the n-th question on the page (its fieldset or block id is q-<key>). */
async function keyOf(page: import('@jiedai/testing/browser').Page, n: number): Promise<string> {
  const id = await page.locator('[id^="q-"]').nth(n).getAttribute('id');
  return id!.slice(2);
}
