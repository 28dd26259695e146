// The webhook event types added last (plan issues raised, survey responses) and the webhook metrics: a real
// gateway with its graphile-worker runner and a real local receiver. A visit change that brings new plan issues
// sends `visit.plan_issues_raised` with only the new ones; a respondent's answers send `survey.response_received`
// with ids and flags, never answers; /metrics counts attempts by outcome and failures by reason, and shows the
// queue depth while a receiver is down.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, createPlatformAdmin, createTenant, startTestApp, unique, waitFor, type TestApp, type TestTenant } from '@jiedai/testing';
import { answersFor, feedbackApi } from '../../../shared/feedback/__tests__/feedback.helpers.ts';

interface Received {
  path: string;
  body: string;
  status: number;
}

const received: Received[] = [];
const statusOf = new Map<string, number>();
const server: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '/';
    const status = statusOf.get(path) ?? 200;
    received.push({ path, body: Buffer.concat(chunks).toString('utf8'), status });
    res.writeHead(status).end(status === 200 ? 'ok' : 'down');
  });
});

const METRICS_TOKEN = 'metrics-token-for-webhook-tests';
const ENV = {
  JOBS_ENABLED: 'true',
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: '*',
  WEBHOOKS_RETRY_BASE_MS: '200',
  WEBHOOKS_RETRY_MAX_MS: '400',
  WEBHOOKS_MAX_ATTEMPTS: '100',
  METRICS_TOKEN,
};

let t: TestApp;
let own: Awaited<ReturnType<typeof createMigratedDatabase>>;
let gov: TestTenant;
let base: string;

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpointSecretPayload { endpoint { id } } ... on Error { code message path } } }`;

async function ok(query: string, variables: Record<string, unknown>, token: string) {
  const res = await t.gql(query, variables, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

const bodies = (path: string, type: string) =>
  received
    .filter((r) => r.path === path && r.status === 200)
    .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> })
    .filter((b) => b.type === type);

async function metricValue(name: string, labels = ''): Promise<number> {
  const text = await (await t.fetch('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

/** Polls a condition on /metrics every 200 ms (a scrape reads the queue of every tenant), for up to `ms`. */
async function eventually(condition: () => Promise<boolean>, ms: number) {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A database of its own: the queue gauges count every tenant's open deliveries, and webhooks.test.ts runs
  // alongside with receivers of its own down.
  own = await createMigratedDatabase('jiedai_test_webhook_metrics');
  t = await startTestApp({ ...ENV, DATABASE_URL: own.url }, { jobs: { schema: 'webhook_events_metrics_worker', pollIntervalMs: 100 } });
  const platform = await createPlatformAdmin(t, own.url);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
}, 60_000);

afterAll(async () => {
  await t?.close();
  await own?.drop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('plan issues raised', () => {
  it('a change that brings new plan issues sends them (only the new ones); a change that brings none sends nothing', async () => {
    const created = await ok(CREATE, { input: { url: `${base}/plan`, eventTypes: ['PLAN_ISSUES_RAISED'] } }, gov.adminToken);
    expect(created.createWebhookEndpoint.__typename).toBe('WebhookEndpointSecretPayload');
    const coordinator = await gov.member(['COORDINATOR']);
    const startsAt = new Date(Date.now() + 20 * 86_400_000);
    const visit = (
      await ok(
        `mutation($input: CreateVisitInput!) { createVisit(input: $input) { ... on VisitPayload { visit { id version } } ... on Error { code message } } }`,
        { input: { title: unique('考察'), purpose: 'WORK_INSPECTION', startsAt, endsAt: new Date(startsAt.getTime() + 2 * 86_400_000) } },
        coordinator.token,
      )
    ).createVisit.visit;
    const saveGuest = async (version: number, name: string) =>
      (
        await ok(
          `mutation($input: SaveVisitGuestInput!) { saveVisitGuest(input: $input) { __typename ... on VisitPayload { visit { version planIssues { code } } } ... on Error { code message } } }`,
          { input: { visitId: visit.id, expectedVersion: version, name } },
          coordinator.token,
        )
      ).saveVisitGuest;
    // The first guest: the plan now has issues (too few contacts, a guest without lodging …).
    const first = await saveGuest(visit.version, '王主任');
    expect(first.__typename).toBe('VisitPayload');
    const codes = first.visit.planIssues.map((i: { code: string }) => i.code);
    expect(codes).toContain('GUEST_WITHOUT_LODGING');
    await waitFor(() => bodies('/plan', 'visit.plan_issues_raised').length === 1, 30_000);
    const [event] = bodies('/plan', 'visit.plan_issues_raised');
    const issues = event!.data.issues as { code: string; severity: string; recordIds: string[] }[];
    expect(issues.map((i) => i.code).sort()).toEqual([...new Set(codes as string[])].sort());
    expect(event!.data).toMatchObject({ subjectId: visit.id, blockers: expect.any(Number), warnings: expect.any(Number) });

    // A change of the title brings no new issue: nothing is sent. A second guest brings one more issue of the same code
    // for another record (their lodging): only that one is sent.
    await ok(
      `mutation($input: UpdateVisitInput!) { updateVisit(input: $input) { __typename } }`,
      { input: { id: visit.id, expectedVersion: first.visit.version, title: unique('考察（改）') } },
      coordinator.token,
    );
    const second = await saveGuest(first.visit.version + 1, '李处长');
    expect(second.__typename).toBe('VisitPayload');
    await waitFor(() => bodies('/plan', 'visit.plan_issues_raised').length === 2, 30_000);
    const next = bodies('/plan', 'visit.plan_issues_raised')[1]!;
    const nextCodes = (next.data.issues as { code: string }[]).map((i) => i.code);
    expect(nextCodes).toContain('GUEST_WITHOUT_LODGING');
    expect(nextCodes.length).toBeLessThan(issues.length);
    expect(bodies('/plan', 'visit.plan_issues_raised')).toHaveLength(2);
  });
});

describe('survey responses', () => {
  it('a response sends survey.response_received with ids and flags, never the answers', async () => {
    await ok(CREATE, { input: { url: `${base}/survey`, eventTypes: ['SURVEY_RESPONSE_RECEIVED'] } }, gov.adminToken);
    const api = feedbackApi(t);
    const coordinator = await gov.member(['COORDINATOR']);
    const survey = await api.publishedSurvey(coordinator.token);
    const { tokens } = await api.invite(coordinator.token, survey.id, 1);
    const res = await t.gql(
      `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { __typename ... on Error { code message } } }`,
      { input: { token: tokens[0], answers: answersFor(survey.questions, { rating: 1, nps: 2, purpose: 0, food: 1 }) } },
    );
    expect(res.data.submitSurveyResponse.__typename).toBe('SubmitSurveyResponsePayload');
    await waitFor(() => bodies('/survey', 'survey.response_received').length === 1, 30_000);
    const [event] = bodies('/survey', 'survey.response_received');
    expect(event!.data).toMatchObject({
      surveyId: survey.id,
      subjectId: survey.id,
      negative: true,
      complaint: false,
      responseId: expect.any(String),
      followUpTaskId: expect.any(String),
      version: 1,
    });
    expect(Buffer.from(event!.data.responseId as string, 'base64').toString()).toMatch(/^SurveyResponse:/);
    expect(JSON.stringify(event)).not.toContain('answers');
  });
});

describe('webhook metrics', () => {
  it('counts attempts by outcome and failures by reason, and shows the queue while a receiver is down', async () => {
    const deliveredBefore = (await metricValue('jiedai_webhook_deliveries_total', '{outcome="delivered"}')) || 0;
    expect(deliveredBefore).toBeGreaterThan(0); // the deliveries above
    statusOf.set('/down', 503);
    await ok(CREATE, { input: { url: `${base}/down`, eventTypes: ['TASK_CHANGED'] } }, gov.adminToken);
    for (let i = 0; i < 3; i++) {
      await ok(
        `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`,
        { input: { phase: 'RECEPTION', title: unique('任务') } },
        gov.adminToken,
      );
    }
    await eventually(async () => (await metricValue('jiedai_webhook_deliveries_total', '{outcome="retry"}')) >= 2, 30_000);
    expect(await metricValue('jiedai_webhook_delivery_failures_total', '{reason="http_5xx"}')).toBeGreaterThanOrEqual(2);
    // The first delivery retries, the two behind it wait: three open, one of them retrying.
    await eventually(async () => (await metricValue('jiedai_webhook_queue_depth', '{status="pending"}')) >= 2, 30_000);
    expect(await metricValue('jiedai_webhook_queue_depth', '{status="retrying"}')).toBe(1);
    expect(await metricValue('jiedai_webhook_queue_oldest_seconds')).toBeGreaterThan(0);
    expect(await metricValue('jiedai_webhook_attempt_duration_seconds_count')).toBeGreaterThan(deliveredBefore);

    // Back up: everything goes, the queue empties, and the delivered count grows by the three.
    statusOf.delete('/down');
    await eventually(
      async () =>
        (await metricValue('jiedai_webhook_queue_depth', '{status="pending"}')) === 0 &&
        (await metricValue('jiedai_webhook_queue_depth', '{status="retrying"}')) === 0,
      30_000,
    );
    expect(await metricValue('jiedai_webhook_deliveries_total', '{outcome="delivered"}')).toBeGreaterThanOrEqual(deliveredBefore + 3);
    expect(await metricValue('jiedai_webhook_queue_oldest_seconds')).toBe(0);
  });
});
