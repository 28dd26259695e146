// Root fields for the common reads — visit(id:), task(id:), survey(id:), assessment(id:) — beside node(id:):
// typed (no fragment needed), null for another tenant's id or none, and an id of another type is the
// caller's mistake (BAD_USER_INPUT).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi } from '../modules/shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const ids: Record<'visit' | 'task' | 'survey' | 'assessment', string> = { visit: '', task: '', survey: '', assessment: '' };

async function ok(tenant: TestTenant, query: string, variables: Record<string, unknown> = {}) {
  const res = await t.gql(query, variables, { token: tenant.adminToken });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

beforeAll(async () => {
  t = await startTestApp();
  const platform = (await createPlatformAdmin(t)).token;
  a = await createTenant(t, platform, 'GOVERNMENT_OFFICE');
  b = await createTenant(t, platform, 'GOVERNMENT_OFFICE');
  ids.visit = await visitApi(t).newVisit(a.adminToken);
  ids.task = (
    await ok(a, `mutation($input: CreateTaskInput!) { createTask(input: $input) { ... on TaskPayload { task { id } } } }`, {
      input: { visitId: ids.visit, phase: 'PREPARATION', title: unique('备车') },
    })
  ).createTask.task.id;
  ids.survey = (await ok(a, `{ surveys(first: 1) { nodes { id } } }`)).surveys.nodes[0].id;
  const template = (
    await ok(
      a,
      `mutation($input: CreateAssessmentTemplateInput!) { createAssessmentTemplate(input: $input) { ... on AssessmentTemplatePayload { template { id } } } }`,
      {
        input: { name: unique('演练'), kind: 'DRILL', subjectType: 'ORGANIZATION', criteria: [{ title: '到场', weight: 1, scaleKind: 'PASS_FAIL' }] },
      },
    )
  ).createAssessmentTemplate.template.id;
  await ok(a, `mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) { __typename } }`, { id: template });
  ids.assessment = (
    await ok(
      a,
      `mutation($id: ID!) { startAssessment(input: { templateId: $id, assessedOn: "2030-06-02" }) { ... on AssessmentPayload { assessment { id } } } }`,
      { id: template },
    )
  ).startAssessment.assessment.id;
});

afterAll(async () => {
  await t?.close();
});

describe('root reads by id', () => {
  it('return the typed object to its tenant, null to another tenant, and refuse an id of another type', async () => {
    const query = `query($visit: ID!, $task: ID!, $survey: ID!, $assessment: ID!) {
      visit(id: $visit) { id title } task(id: $task) { id title } survey(id: $survey) { id title } assessment(id: $assessment) { id status } }`;
    const mine = await ok(a, query, ids);
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) expect(mine[key]?.id, key).toBe(ids[key]);
    expect(mine.assessment.status).toBe('DRAFT');

    const theirs = await ok(b, query, ids);
    expect(theirs).toEqual({ visit: null, task: null, survey: null, assessment: null });

    const wrongType = await t.gql(`query($id: ID!) { visit(id: $id) { id } }`, { id: ids.task }, { token: a.adminToken });
    expect(wrongType.errors?.[0]?.extensions?.code, JSON.stringify(wrongType)).toBe('BAD_USER_INPUT');
  });
});
