// Department service standards: a department's own assessment template, assessed on a schedule (monthly by
// default): the scheduled job makes each period's assessment and its task once; scores show in the trends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createPlatformAdmin,
  createTenant,
  ownerQuery,
  rawId,
  startTestApp,
  testJobRunners,
  waitFor,
  type TestApp,
  type TestJobRunners,
  type TestTenant,
} from '@jiedai/testing';
import { periodOf } from '../department-standard.service.ts';
import { DEPARTMENT_STANDARDS_JOB } from '../department-standard.jobs.ts';

describe('periods (properties)', () => {
  it('a day lies in its period: from its first day to the next period’s, one or three months long', () => {
    const day = fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.constantFrom('MONTHLY', 'QUARTERLY') as fc.Arbitrary<'MONTHLY' | 'QUARTERLY'>, (date, cadence) => {
        const { start, next } = periodOf(date, cadence);
        expect(start <= date && date < next).toBe(true);
        expect(start.endsWith('-01') && next.endsWith('-01')).toBe(true);
        const months = (Number(next.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(next.slice(5, 7)) - Number(start.slice(5, 7));
        expect(months).toBe(cadence === 'MONTHLY' ? 1 : 3);
        if (cadence === 'QUARTERLY') expect([1, 4, 7, 10]).toContain(Number(start.slice(5, 7)));
      }),
    );
  });
});

let t: TestApp;
let hospital: TestTenant;
let jobs: TestJobRunners;
let departmentId: string;
let templateId: string;

const gql = async (query: string, variables: Record<string, unknown> = {}, token = hospital.adminToken) => {
  const res = await t.gql(query, variables, { token });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data;
};

beforeAll(async () => {
  t = await startTestApp();
  jobs = await testJobRunners('standards_test_worker');
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  departmentId = (await gql(`mutation { createDepartment(input: { name: "心内科" }) { ... on DepartmentPayload { department { id } } } }`)).createDepartment
    .department.id;
  const template = await gql(
    `mutation { createAssessmentTemplate(input: { name: "心内科服务标准", kind: SERVICE_STANDARD, subjectType: DEPARTMENT, criteria: [
      { title: "首诊负责、耐心解释病情", weight: 2, scaleKind: POINTS }, { title: "病区安静整洁", weight: 1, scaleKind: PASS_FAIL } ] }) {
      ... on AssessmentTemplatePayload { template { id } } } }`,
  );
  templateId = template.createAssessmentTemplate.template.id;
  await gql(`mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) { __typename } }`, { id: templateId });
});
afterAll(async () => {
  await jobs?.close();
  await t?.close();
});

const SET = `mutation($i: SetDepartmentStandardInput!) { setDepartmentStandard(input: $i) {
  __typename ... on DepartmentStandardPayload { standard { id cadence department { name } template { name } } } ... on HospitalRoutineError { code } } }`;

describe('department standards', () => {
  it("a department's standard is a template assessing a department", async () => {
    const wrong = await gql(`{ assessmentTemplates(kind: SERVICE_STANDARD) { id subjectType } }`);
    const servicePointTemplate = wrong.assessmentTemplates.find((x: { subjectType: string }) => x.subjectType === 'SERVICE_POINT').id;
    const refused = await gql(SET, { i: { departmentId, templateId: servicePointTemplate } });
    expect(refused.setDepartmentStandard).toEqual({ __typename: 'HospitalRoutineError', code: 'WRONG_TEMPLATE' });
    expect(await ownerQuery(`SELECT id FROM department_standards WHERE tenant_id = $1`, [hospital.id])).toEqual([]);
    const set = await gql(SET, { i: { departmentId, templateId } });
    expect(set.setDepartmentStandard.standard).toMatchObject({ cadence: 'MONTHLY', department: { name: '心内科' }, template: { name: '心内科服务标准' } });
  });

  it("the schedule makes the month's assessment and its task once, with two runners; scores show in the department's trend", async () => {
    const [a, b] = await Promise.all([jobs.start(), jobs.start()]);
    // Both runners get the same month's run at once (time given to the job: 10 May 2031, Asia/Shanghai).
    await Promise.all([a.addJob(DEPARTMENT_STANDARDS_JOB, { at: '2031-05-10T02:00:00Z' }), b.addJob(DEPARTMENT_STANDARDS_JOB, { at: '2031-05-20T02:00:00Z' })]);
    const linked = () =>
      ownerQuery<{ period: string; assessment_id: string; task_id: string }>(
        `SELECT to_char(period_start, 'YYYY-MM-DD') AS period, assessment_id, task_id FROM department_standard_assessments WHERE tenant_id = $1`,
        [hospital.id],
      );
    await waitFor(
      async () => (await ownerQuery(`SELECT 1 FROM standards_test_worker._private_jobs`)).length === 0 && (await linked()).length > 0,
      30_000,
      'the scheduled runs',
    );
    const rows = await linked();
    expect(rows).toEqual([{ period: '2031-05-01', assessment_id: expect.any(String), task_id: expect.any(String) }]);
    expect(
      await ownerQuery(`SELECT count(*)::int AS n FROM assessments WHERE tenant_id = $1 AND department_id = $2`, [hospital.id, rawId(departmentId)]),
    ).toEqual([{ n: 1 }]);
    // The task, due when the month ends (1 June 00:00 in Shanghai), for a coordinator.
    const [task] = await ownerQuery(`SELECT title, assignee_role, due_at FROM tasks WHERE id = $1`, [rows[0]!.task_id]);
    expect(task).toEqual({ title: '按本科室服务标准考核（心内科 2031-05）', assignee_role: 'COORDINATOR', due_at: new Date('2031-05-31T16:00:00Z') });
    // Asked again for the same month: nothing new.
    const again = await gql(
      `mutation { createDepartmentStandardAssessments(input: { date: "2031-05-28" }) { ... on CreateDepartmentStandardAssessmentsPayload { created } } }`,
    );
    expect(again.createDepartmentStandardAssessments.created).toBe(0);

    const standards = await gql(`{ departmentStandards { assessments { periodStart assessment { id } task { title } } } }`);
    const scheduled = standards.departmentStandards[0].assessments[0];
    expect(scheduled).toMatchObject({ periodStart: '2031-05-01', task: { title: 'Review against the department’s service standard (心内科 2031-05)' } });
    const criteria = await gql(`query($id: ID!) { node(id: $id) { ... on AssessmentTemplate { draftCriteria { key } } } }`, { id: templateId });
    const [points, passFail] = criteria.node.draftCriteria.map((c: { key: string }) => c.key);
    await gql(`mutation($id: ID!, $s: [AssessmentScoreInput!]!) { recordAssessmentScores(input: { id: $id, scores: $s }) { __typename } }`, {
      id: scheduled.assessment.id,
      s: [
        { criterionKey: points, value: 4 },
        { criterionKey: passFail, value: 1 },
      ],
    });
    const submitted = await gql(`mutation($id: ID!) { submitAssessment(input: { id: $id }) { __typename } }`, { id: scheduled.assessment.id });
    expect(submitted.submitAssessment.__typename).toBe('AssessmentPayload');
    const trends = await gql(`{ assessmentTrends(filter: { subjectType: DEPARTMENT }) { nodes { month subjectId averageScore assessments } } }`);
    expect(trends.assessmentTrends.nodes).toEqual([{ month: '2031-05', subjectId: rawId(departmentId), averageScore: expect.any(Number), assessments: 1 }]);
    expect(trends.assessmentTrends.nodes[0].averageScore).toBeGreaterThan(80);
  });
});
