// Audit (issue 18) item 3: a change that hits a unique constraint is refused with a typed error and
// changes nothing — renaming a template to a taken name (was INTERNAL_SERVER_ERROR), and two
// publications of one template at once (both chose the same next version number).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let gov: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
});
afterAll(() => t?.close());

const CREATE = `mutation($input: CreateAssessmentTemplateInput!) { createAssessmentTemplate(input: $input) {
  __typename ... on AssessmentTemplatePayload { template { id draftCriteria { key title } } } } }`;
const UPDATE = `mutation($input: UpdateAssessmentTemplateInput!) { updateAssessmentTemplate(input: $input) {
  __typename ... on AssessmentTemplatePayload { template { name } } ... on AssessmentError { code message } } }`;
const PUBLISH = `mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) {
  __typename ... on AssessmentTemplateVersionPayload { version { number } } ... on AssessmentError { code message } } }`;

async function template(name: string) {
  const res = await t.gql(
    CREATE,
    { input: { name, kind: 'DRILL', subjectType: 'ORGANIZATION', criteria: [{ title: '准备', weight: 1, scaleKind: 'PASS_FAIL' }] } },
    { token: gov.adminToken },
  );
  expect(res.data?.createAssessmentTemplate?.__typename, JSON.stringify(res)).toBe('AssessmentTemplatePayload');
  return res.data.createAssessmentTemplate.template as { id: string; draftCriteria: { key: string; title: string }[] };
}

describe('unique constraints on update paths', () => {
  it('renaming an assessment template to a taken name is NAME_TAKEN and changes nothing (criteria included)', async () => {
    const taken = unique('迎检演练');
    await template(taken);
    const mine = await template(unique('接待考核'));
    const before = await ownerQuery('SELECT name, updated_at FROM assessment_templates WHERE id = $1', [rawId(mine.id)]);
    const res = await t.gql(
      UPDATE,
      { input: { id: mine.id, name: taken, criteria: [{ key: mine.draftCriteria[0]!.key, title: '改过的', weight: 2, scaleKind: 'PASS_FAIL' }] } },
      { token: gov.adminToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.updateAssessmentTemplate).toMatchObject({ __typename: 'AssessmentError', code: 'NAME_TAKEN' });
    expect(await ownerQuery('SELECT name, updated_at FROM assessment_templates WHERE id = $1', [rawId(mine.id)])).toEqual(before);
    expect(await ownerQuery('SELECT title FROM assessment_criteria WHERE template_id = $1', [rawId(mine.id)])).toEqual([{ title: '准备' }]);
    // Renaming to a free name still works.
    const free = unique('新名称');
    const ok = await t.gql(UPDATE, { input: { id: mine.id, name: free } }, { token: gov.adminToken });
    expect(ok.data.updateAssessmentTemplate).toEqual({ __typename: 'AssessmentTemplatePayload', template: { name: free } });
  });

  it('publishing one template several times at once gives versions or CONFLICT, never an internal error', async () => {
    const tpl = await template(unique('并发发布'));
    const results = await Promise.all(Array.from({ length: 6 }, () => t.gql(PUBLISH, { id: tpl.id }, { token: gov.adminToken })));
    for (const res of results) {
      expect(res.errors, JSON.stringify(res)).toBeUndefined();
      expect(['AssessmentTemplateVersionPayload', 'AssessmentError']).toContain(res.data.publishAssessmentTemplate.__typename);
      if (res.data.publishAssessmentTemplate.__typename === 'AssessmentError') expect(res.data.publishAssessmentTemplate.code).toBe('CONFLICT');
    }
    const published = results.filter((r) => r.data.publishAssessmentTemplate.__typename === 'AssessmentTemplateVersionPayload');
    const numbers = published.map((r) => r.data.publishAssessmentTemplate.version.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(await ownerQuery('SELECT count(*)::int AS n FROM assessment_template_versions WHERE template_id = $1', [rawId(tpl.id)])).toEqual([
      { n: published.length },
    ]);
  });
});
