// GraphiQL in real Chromium with no internet: the page, its scripts and its workers come from the
// gateway itself (@graphql-yoga/render-graphiql), a query runs with the Authorization header typed
// into GraphiQL, and a subscription started in GraphiQL receives a change made through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';
import { launchBrowser, offlineExcept, screenshot, type Browser, type Page } from '@jiedai/testing/browser';

let t: TestApp;
let browser: Browser;
let tenant: TestTenant;
let origin: string;

beforeAll(async () => {
  t = await startTestApp();
  origin = `http://127.0.0.1:${await t.listen()}`;
  tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL');
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Opens GraphiQL offline with the query and the headers GraphiQL keeps in its storage (`path`: the page's). */
async function openGraphiQL(query: string, headers: Record<string, string>, path = '/graphql'): Promise<{ page: Page; blocked: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const blocked = await offlineExcept(page, origin);
  await page.addInitScript((h: string) => {
    localStorage.setItem('graphiql:headers', h);
  }, JSON.stringify(headers));
  await page.goto(`${origin}${path}`);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
  // Replace the welcome text in the query editor (insertText: no key events, so no auto-closed brackets).
  await page.locator('.graphiql-query-editor .monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(query);
  // Monaco may still close a bracket after the cursor: drop whatever follows the inserted text.
  await page.keyboard.press('Shift+ControlOrMeta+End');
  await page.keyboard.press('Delete');
  return { page, blocked };
}

const resultText = (page: Page) => page.locator('.result-window').innerText();

describe('GraphiQL with no internet', () => {
  it('runs a query with the Authorization header set in GraphiQL', async () => {
    const { page, blocked } = await openGraphiQL('{ tenant { name kind } }', { Authorization: `Bearer ${tenant.adminToken}` });
    await page.locator('.graphiql-execute-button').click();
    await waitFor(async () => (await resultText(page)).includes('HOTEL'), 20_000, 'the query result in GraphiQL');
    expect(await resultText(page)).toMatch(/"kind":\s*"HOTEL"/);
    await screenshot(page, 'graphiql-query');
    expect(blocked).toEqual([]);
    await page.close();
  }, 90_000);

  it('runs a subscription over graphql-ws with the header set in GraphiQL, and shows a change made through the API', async () => {
    const token = tenant.adminToken;
    const visit = await t.gql(
      `mutation { createVisit(input: { title: "GraphiQL 订阅", purpose: CONFERENCE, startsAt: "2031-06-01T01:00:00Z", endsAt: "2031-06-02T09:00:00Z" }) {
         ... on VisitPayload { visit { id } } ... on Error { code message } } }`,
      {},
      { token },
    );
    const visitId: string = visit.data.createVisit.visit.id;
    const { page, blocked } = await openGraphiQL('subscription { taskChanged { kind task { title } } }', { Authorization: `Bearer ${token}` });
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.locator('.graphiql-execute-button').click();
    // The subscription is live once a task created now shows in the result pane (create until one does).
    let n = 0;
    await waitFor(
      async () => {
        if ((await resultText(page)).includes('看板测试')) return true;
        n += 1;
        await t.gql(
          `mutation($v: ID!, $title: String!) { createTask(input: { visitId: $v, phase: PREPARATION, title: $title }) { __typename } }`,
          { v: visitId, title: `看板测试 ${n}` },
          { token },
        );
        return false;
      },
      30_000,
      'a task created through the API to show in GraphiQL',
    );
    const shown = await resultText(page);
    expect(shown).toMatch(/"kind":\s*"CREATED"/);
    expect(shown).not.toContain('errors');
    expect(sockets.some((u) => u.endsWith('/graphql'))).toBe(true);
    await screenshot(page, 'graphiql-subscription');
    expect(blocked).toEqual([]);
    await page.close();
  }, 90_000);

  it('runs a subscription over SSE from /graphql?subscriptions=sse (a GET event stream, the CSRF header sent by GraphiQL)', async () => {
    const token = tenant.adminToken;
    const visit = await t.gql(
      `mutation { createVisit(input: { title: "GraphiQL SSE", purpose: CONFERENCE, startsAt: "2031-07-01T01:00:00Z", endsAt: "2031-07-02T09:00:00Z" }) {
         ... on VisitPayload { visit { id } } ... on Error { code message } } }`,
      {},
      { token },
    );
    const visitId: string = visit.data.createVisit.visit.id;
    // Only the Authorization header is typed in: GraphiQL adds the CSRF header itself.
    const { page, blocked } = await openGraphiQL(
      'subscription { taskChanged { kind task { title } } }',
      { Authorization: `Bearer ${token}` },
      '/graphql?subscriptions=sse',
    );
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    const streams: Array<{ method: string; accept: string | undefined; csrf: string | undefined; status: number | null }> = [];
    page.on('response', (res) => {
      const req = res.request();
      if (!req.url().includes('/graphql?') || !req.url().includes('subscription')) return;
      streams.push({ method: req.method(), accept: req.headers().accept, csrf: req.headers()['x-graphql-yoga-csrf'], status: res.status() });
    });
    await page.locator('.graphiql-execute-button').click();
    // GraphiQL shows the latest event over SSE: a task a second until one shows.
    let n = 0;
    let last = 0;
    await waitFor(
      async () => {
        // (Monaco shows spaces as no-break spaces: titles without one.)
        if ((await resultText(page)).includes('SSE看板')) return true;
        if (Date.now() - last < 1000) return false;
        last = Date.now();
        n += 1;
        await t.gql(
          `mutation($v: ID!, $title: String!) { createTask(input: { visitId: $v, phase: PREPARATION, title: $title }) { __typename } }`,
          { v: visitId, title: `SSE看板-${n}` },
          { token },
        );
        return false;
      },
      60_000,
      'a task created through the API to show in GraphiQL over SSE',
    );
    const shown = await resultText(page);
    expect(shown).toMatch(/"kind":\s*"CREATED"/);
    expect(shown).not.toContain('errors');
    // Over SSE, not over a socket.
    expect(streams[0]).toMatchObject({ method: 'GET', status: 200, csrf: '1' });
    expect(streams[0]!.accept).toContain('text/event-stream');
    expect(sockets).toEqual([]);
    await screenshot(page, 'graphiql-subscription-sse');
    expect(blocked).toEqual([]);
    await page.close();
  }, 120_000);
});
