// Audit (issue 18) item 5: every create mutation takes an optional idempotency key (the visits'
// mechanism, shared): a retry with the same key returns the first result and creates nothing twice;
// where the first result held a secret shown once (an API key, respondent links) the retry creates
// nothing and says so (ALREADY_APPLIED). createTenant is the exception (no tenant holds its keys;
// its unique slug makes a retry SLUG_TAKEN).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { feedbackApi } from '../modules/shared/feedback/__tests__/feedback.helpers.ts';

let t: TestApp;
let gov: TestTenant;
let hospital: TestTenant;
let hotel: TestTenant;
let coordinator: { token: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  hospital = await createTenant(t, platform.token, 'HOSPITAL', { withDefaultStructure: false });
  hotel = await createTenant(t, platform.token, 'HOTEL', { withDefaultStructure: false });
  coordinator = await gov.member(['COORDINATOR']);
});
afterAll(() => t?.close());

const count = async (sql: string, params: unknown[]) => ((await ownerQuery(sql, params)) as { n: number }[])[0]!.n;

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id title } } ... on IdempotencyError { code message } ... on ValidationError { fieldErrors { path } } } }`;

describe('createTask with an idempotency key', () => {
  it('a retry returns the first result and creates one task', async () => {
    const key = unique('task-key');
    const title = unique('备车');
    const first = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title, idempotencyKey: key } }, { token: coordinator.token });
    expect(first.data.createTask.__typename, JSON.stringify(first)).toBe('TaskPayload');
    const retry = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title, idempotencyKey: key } }, { token: coordinator.token });
    expect(retry.errors).toBeUndefined();
    expect(retry.data).toEqual(first.data);
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title = $2`, [gov.id, title])).toBe(1);
    // Without a key, the same input creates another task (keys are opt-in).
    const keyless = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title } }, { token: coordinator.token });
    expect(keyless.data.createTask.task.id).not.toBe(first.data.createTask.task.id);
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title = $2`, [gov.id, title])).toBe(2);
  });

  it('concurrent retries with one key create one task and all get it', async () => {
    const key = unique('task-key');
    const title = unique('接站');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title, idempotencyKey: key } }, { token: coordinator.token })),
    );
    const ids = new Set(results.map((r) => r.data?.createTask?.task?.id));
    expect(ids.size, JSON.stringify(results.map((r) => r.data ?? r.errors))).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title = $2`, [gov.id, title])).toBe(1);
  });

  it('the same key with other input is refused (IDEMPOTENCY_KEY_REUSED) and creates nothing; with the same input it replays', async () => {
    const key = unique('task-key');
    const title = unique('订房');
    const first = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title, idempotencyKey: key } }, { token: coordinator.token });
    expect(first.data.createTask.__typename).toBe('TaskPayload');
    for (const input of [
      { phase: 'PREPARATION', title: `${title}（改）` },
      { phase: 'RECEPTION', title },
      { phase: 'PREPARATION', title, description: '多订一间' },
    ]) {
      const other = await t.gql(CREATE_TASK, { input: { ...input, idempotencyKey: key } }, { token: coordinator.token });
      expect(other.data.createTask, JSON.stringify(input)).toMatchObject({ __typename: 'IdempotencyError', code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title LIKE $2`, [gov.id, `${title}%`])).toBe(1);
    const same = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title, idempotencyKey: key } }, { token: coordinator.token });
    expect(same.data).toEqual(first.data);
  });

  it('a key used for another operation, or malformed, is refused with a typed error', async () => {
    const key = unique('shared-key');
    await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title: unique('t'), idempotencyKey: key } }, { token: coordinator.token });
    const other = await t.gql(
      `mutation($key: String) { createDepartment(input: { idempotencyKey: $key, name: "${unique('科')}" }) { __typename ... on IdempotencyError { code } } }`,
      { key },
      { token: gov.adminToken },
    );
    expect(other.data.createDepartment).toEqual({ __typename: 'IdempotencyError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const short = await t.gql(CREATE_TASK, { input: { phase: 'PREPARATION', title: 'x', idempotencyKey: 'short' } }, { token: coordinator.token });
    // The key is a field of the input: the error names it by its path from the argument.
    expect(short.data.createTask).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'idempotencyKey'] }] });
  });
});

describe('every other create mutation', () => {
  /** Runs `query` twice with one key; both must succeed with the same data. */
  async function twice(token: string, query: string, variables: Record<string, unknown>) {
    const key = unique('create-key');
    const first = await t.gql(query, { ...variables, key }, { token });
    const retry = await t.gql(query, { ...variables, key }, { token });
    expect(first.errors, JSON.stringify(first)).toBeUndefined();
    expect(retry.errors, JSON.stringify(retry)).toBeUndefined();
    expect(retry.data, JSON.stringify({ first: first.data, retry: retry.data })).toEqual(first.data);
    return first.data;
  }

  it('createDepartment, createChecklistTemplate, createAssessmentTemplate, createSurvey: the first result, once (not NAME_TAKEN)', async () => {
    const dep = unique('接待科');
    await twice(
      gov.adminToken,
      `mutation($key: String) { createDepartment(input: { idempotencyKey: $key, name: "${dep}" }) { __typename ... on DepartmentPayload { department { id name } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM departments WHERE tenant_id = $1 AND name = $2`, [gov.id, dep])).toBe(1);

    const checklist = unique('清单');
    await twice(
      gov.adminToken,
      `mutation($key: String) { createChecklistTemplate(input: { idempotencyKey: $key, name: "${checklist}", items: [{ phase: PREPARATION, title: "a" }] }) {
         __typename ... on ChecklistTemplatePayload { template { id name } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM checklist_templates WHERE tenant_id = $1 AND name = $2`, [gov.id, checklist])).toBe(1);

    const assessment = unique('考核');
    await twice(
      gov.adminToken,
      `mutation($key: String) { createAssessmentTemplate(input: { idempotencyKey: $key, name: "${assessment}", kind: DRILL, subjectType: ORGANIZATION,
         criteria: [{ title: "准备", weight: 1, scaleKind: PASS_FAIL }] }) {
         __typename ... on AssessmentTemplatePayload { template { id name } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM assessment_templates WHERE tenant_id = $1 AND name = $2`, [gov.id, assessment])).toBe(1);

    const before = await count(`SELECT count(*)::int AS n FROM surveys WHERE tenant_id = $1`, [gov.id]);
    await twice(
      coordinator.token,
      `mutation($key: String) { createSurvey(input: { idempotencyKey: $key, title: "${unique('问卷')}", questions: [] }) {
         __typename ... on SurveyPayload { survey { id } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM surveys WHERE tenant_id = $1`, [gov.id])).toBe(before + 1);
  });

  it('createServicePoint (hospital) and createHotelArea (hotel): the first result, once', async () => {
    const point = unique('导医台');
    await twice(
      hospital.adminToken,
      `mutation($key: String) { createServicePoint(input: { idempotencyKey: $key, name: "${point}", kind: GUIDE_DESK }) {
      __typename ... on ServicePointPayload { servicePoint { id name } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM service_points WHERE tenant_id = $1 AND name = $2`, [hospital.id, point])).toBe(1);
    const area = unique('会场');
    await twice(
      hotel.adminToken,
      `mutation($key: String) { createHotelArea(input: { idempotencyKey: $key, name: "${area}", kind: MEETING_VENUE }) {
      __typename ... on HotelAreaPayload { hotelArea { id name } } } }`,
      {},
    );
    expect(await count(`SELECT count(*)::int AS n FROM hotel_areas WHERE tenant_id = $1 AND name = $2`, [hotel.id, area])).toBe(1);
  });

  it('createApiKey and createSurveyCampaign: a retry creates nothing and says the first one was applied (secrets are shown once)', async () => {
    const key = unique('secret-key');
    const name = unique('集成');
    const CREATE_KEY = `mutation($name: String!, $key: String) { createApiKey(input: { name: $name, role: VIEWER, idempotencyKey: $key }) {
      __typename ... on CreateApiKeySuccess { secret apiKey { id } } ... on IdempotencyError { code message } } }`;
    const first = await t.gql(CREATE_KEY, { name, key }, { token: gov.adminToken });
    expect(first.data.createApiKey.__typename).toBe('CreateApiKeySuccess');
    const retry = await t.gql(CREATE_KEY, { name, key }, { token: gov.adminToken });
    expect(retry.data.createApiKey).toMatchObject({ __typename: 'IdempotencyError', code: 'ALREADY_APPLIED' });
    expect(retry.data.createApiKey.message).toContain(first.data.createApiKey.apiKey.id);
    expect(JSON.stringify(retry)).not.toContain(first.data.createApiKey.secret);
    expect(await count(`SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND name = $2`, [gov.id, name])).toBe(1);

    const api = feedbackApi(t);
    const survey = await api.publishedSurvey(coordinator.token);
    const campaignKey = unique('campaign-key');
    const campaignName = unique('活动');
    const CAMPAIGN = `mutation($input: CreateSurveyCampaignInput!) { createSurveyCampaign(input: $input) {
      __typename ... on SurveyCampaignPayload { campaign { id } issued { token } } ... on IdempotencyError { code } } }`;
    const input = { surveyId: survey.id, name: campaignName, respondents: [{ kind: 'OTHER', name: '甲', contact: '13900000000' }] };
    const firstCampaign = await t.gql(CAMPAIGN, { input: { ...input, idempotencyKey: campaignKey } }, { token: coordinator.token });
    expect(firstCampaign.data.createSurveyCampaign.__typename, JSON.stringify(firstCampaign)).toBe('SurveyCampaignPayload');
    const retryCampaign = await t.gql(CAMPAIGN, { input: { ...input, idempotencyKey: campaignKey } }, { token: coordinator.token });
    expect(retryCampaign.data.createSurveyCampaign).toEqual({ __typename: 'IdempotencyError', code: 'ALREADY_APPLIED' });
    expect(await count(`SELECT count(*)::int AS n FROM survey_campaigns WHERE tenant_id = $1 AND name = $2`, [gov.id, campaignName])).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM survey_invitations WHERE campaign_id = $1`, [rawId(firstCampaign.data.createSurveyCampaign.campaign.id)]),
    ).toBe(1);
  });
});
