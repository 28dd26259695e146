// The README's "A partner's first hour" walked as written, through the real gateway: a tenant by the
// platform admin, an API key by its admin, a colleague invited by e-mail (real SMTP) who sets a password
// on the mailed link's page and signs in, a visit and its checklist with the key, and a live board over
// graphql-ws with the credential in the connection parameters. When the README's shapes change,
// this test is the one to change with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, signIn, startTestApp, unique, waitFor, wsFeed, type TestApp } from '@jiedai/testing';

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  origin = `http://127.0.0.1:${await t.listen()}`;
});
afterAll(async () => t?.close());

describe("README: a partner's first hour", () => {
  it('creates a tenant, an API key, invites a colleague who accepts and signs in, a visit with its checklist, and watches the live board', async () => {
    const platform = await createPlatformAdmin(t);
    const slug = unique('city-first-hospital');
    const email = `admin@${slug}.example`;

    // 1. A tenant.
    const created = await t.gql(
      `mutation($slug: String!, $email: String!) {
        createTenant(input: { kind: HOSPITAL, name: "市第一医院", slug: $slug,
                              admin: { email: $email, displayName: "张主任", password: "a-long-secret" } }) {
          ... on TenantPayload { tenant { id kind } }
          ... on Error { code message path }
        }
      }`,
      { slug, email },
      { token: platform.token },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createTenant.tenant.kind).toBe('HOSPITAL');

    // 2. An API key, by the new tenant's admin.
    const adminToken = await signIn(t, email, 'a-long-secret');
    const key = await t.gql(
      `mutation { createApiKey(input: { name: "HIS integration", role: COORDINATOR }) {
         ... on CreateApiKeySuccess { secret apiKey { id prefix } } ... on Error { code message } } }`,
      {},
      { token: adminToken },
    );
    const secret: string = key.data.createApiKey.secret;
    expect(secret).toMatch(/^jdk_/);

    // 3. A colleague: invited by e-mail, they open the mailed link (the gateway's /i/ page), set a password, sign in.
    const colleague = `${unique('li.na')}@first.example`;
    const invited = await t.gql(
      `mutation($email: String!) { addMember(input: { email: $email, displayName: "李娜", roles: [COORDINATOR] }) {
         ... on MemberInvitationPayload { invitation { id expiresAt } } ... on Error { code message } } }`,
      { email: colleague },
      { token: adminToken },
    );
    expect(invited.data.addMember.invitation.id).toEqual(expect.any(String));
    const mail = t.mail!.messages.find((m) => m.to.includes(colleague))!;
    const link = /http:\/\/\S+\/i\/(jdi_[A-Za-z0-9_-]+)/.exec(mail.text)!;
    const page = await fetch(`${origin}/i/${link[1]}`, { headers: { 'accept-language': 'en' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Join 市第一医院');
    const accepted = await fetch(`${origin}/i/${link[1]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: new URLSearchParams({ password: 'her-own-secret', confirm: 'her-own-secret' }).toString(),
    });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('You can sign in now');
    const colleagueToken = await signIn(t, colleague, 'her-own-secret');
    const me = await t.gql(`{ viewer { displayName } tenant { name } }`, {}, { token: colleagueToken });
    expect(me.data).toEqual({ viewer: { displayName: '李娜' }, tenant: { name: '市第一医院' } });

    // 4. Work with the key alone (no X-Tenant-Id): a visit, retried with its idempotency key, and a checklist.
    const createVisit = () =>
      t.gql(
        `mutation($key: String!) { createVisit(input: { title: "省卫健委检查", purpose: WORK_INSPECTION,
           startsAt: "2031-05-12T01:00:00Z", endsAt: "2031-05-13T09:00:00Z", idempotencyKey: $key }) {
           ... on VisitPayload { visit { id } } ... on Error { code message path } } }`,
        { key: `visit-${slug}` },
        { token: secret },
      );
    const visit = await createVisit();
    const visitId: string = visit.data.createVisit.visit.id;
    expect((await createVisit()).data.createVisit.visit.id).toBe(visitId);
    const templates = await t.gql(`{ checklistTemplates { id name } }`, {}, { token: secret });
    expect(templates.data.checklistTemplates.length).toBeGreaterThan(0);

    const checklist = await t.gql(
      `mutation($visitId: ID!, $templateId: ID!) { instantiateChecklist(input: { visitId: $visitId, templateId: $templateId }) {
         ... on InstantiateChecklistPayload { created { id } } ... on Error { code message } } }`,
      { visitId, templateId: templates.data.checklistTemplates[0].id },
      { token: secret },
    );
    const count: number = checklist.data.instantiateChecklist.created.length;
    expect(count).toBeGreaterThan(0);

    // 5. The live board, the credential in the connection parameters; from `after: "0"` it replays the board's
    // whole history (the checklist's tasks), then goes live: a change made now arrives after them.
    const client = t.wsClient({ Authorization: `Bearer ${secret}` });
    type BoardEvent = { cursor: string; kind: string; task: { id: string; title: string; status: string } };
    const feed = wsFeed<BoardEvent>(client, {
      query: `subscription ($v: ID!, $after: String) { taskBoardChanged(visitId: $v, after: $after) {
                cursor kind task { id title status dueAt assignee { user { displayName } } } } }`,
      variables: { v: visitId, after: '0' },
      field: 'taskBoardChanged',
    });
    try {
      await waitFor(() => feed.events.length >= count || feed.ended !== null, 20_000, 'the checklist replayed on the live board');
      expect(JSON.stringify(feed.errors)).toBe('[]');
      expect(feed.events.map((e) => e.kind)).toEqual(Array(count).fill('CREATED'));
      const first = feed.events[0]!.task.id;
      const started = await t.gql(
        `mutation($id: ID!) { changeTaskStatus(input: { id: $id, status: IN_PROGRESS }) { __typename ... on Error { code message } } }`,
        { id: first },
        { token: secret },
      );
      expect(started.data.changeTaskStatus.__typename).toBe('TaskPayload');
      await waitFor(() => feed.events.length > count || feed.ended !== null, 20_000, 'the live change');
      expect(feed.events[count]).toMatchObject({ kind: 'STATUS_CHANGED', task: { id: first, status: 'IN_PROGRESS' } });
      const cursors = feed.events.map((e) => BigInt(e.cursor));
      expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      feed.stop();
      await client.dispose();
    }
  });
});
