// Assessments through the gateway: templates and versions, scoring with typed refusals, findings that
// become corrective tasks and close with them, the post-visit review, trends, and isolation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hotel: TestTenant;
let gov: TestTenant;
let other: TestTenant;
let staff: { token: string; membershipId: string };

const gql = (tenant: { adminToken: string } | { token: string }, query: string, variables: Record<string, unknown> = {}) =>
  t.gql(query, variables, { token: 'adminToken' in tenant ? tenant.adminToken : tenant.token });

const TEMPLATE = `mutation($input: CreateAssessmentTemplateInput!) { createAssessmentTemplate(input: $input) {
  __typename ... on AssessmentTemplatePayload { template { id draftCriteria { key title weight scaleKind scaleMin scaleMax } } }
  ... on AssessmentError { code message } ... on ValidationError { fieldErrors { path message } } } }`;
const PUBLISH = `mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) {
  __typename ... on AssessmentTemplateVersionPayload { version { id number criteria { key title } } } ... on AssessmentError { code } } }`;
const START = `mutation($templateId: ID!, $subjectId: ID, $on: String!) { startAssessment(input: { templateId: $templateId, subjectId: $subjectId, assessedOn: $on }) {
  __typename ... on AssessmentPayload { assessment { id status version total templateVersion { number } } } ... on AssessmentError { code message } } }`;
const SCORE = `mutation($id: ID!, $scores: [AssessmentScoreInput!]!) { recordAssessmentScores(input: { id: $id, scores: $scores }) {
  __typename ... on AssessmentPayload { assessment { id total version scores { value percent criterion { key } } } } ... on AssessmentError { code message } } }`;
const SUBMIT = `mutation($id: ID!) { submitAssessment(input: { id: $id }) { __typename ... on AssessmentPayload { assessment { status total } } ... on AssessmentError { code message } } }`;

async function template(tenant: TestTenant, name: string, criteria: Record<string, unknown>[], subjectType = 'ORGANIZATION', kind = 'DRILL') {
  const res = await gql(tenant, TEMPLATE, { input: { name, kind, subjectType, criteria } });
  expect(res.data.createAssessmentTemplate.__typename, JSON.stringify(res.data)).toBe('AssessmentTemplatePayload');
  const created = res.data.createAssessmentTemplate.template;
  const published = await gql(tenant, PUBLISH, { id: created.id });
  return {
    id: created.id as string,
    keys: (created.draftCriteria as { key: string }[]).map((c) => c.key),
    version: published.data.publishAssessmentTemplate.version,
  };
}

async function start(tenant: TestTenant | { token: string }, templateId: string, on: string, subjectId?: string) {
  const res = await gql(tenant as TestTenant, START, { templateId, on, subjectId });
  expect(res.data.startAssessment.__typename, JSON.stringify(res.data)).toBe('AssessmentPayload');
  return res.data.startAssessment.assessment.id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  other = await createTenant(t, platform.token, 'HOTEL');
  staff = await hotel.member(['STAFF']);
});
afterAll(() => t?.close());

describe('scoring', () => {
  it('computes the weighted total for each scale kind on fixed examples', async () => {
    const tpl = await template(hotel, 'fixed example', [
      { title: 'points', weight: 2, scaleKind: 'POINTS', scaleMin: 0, scaleMax: 5 },
      { title: 'pass/fail', weight: 1, scaleKind: 'PASS_FAIL' },
      { title: 'percent', weight: 1, scaleKind: 'PERCENTAGE' },
    ]);
    const id = await start(hotel, tpl.id, '2030-01-15');
    const [p, pf, pc] = tpl.keys;
    // (2·4/5 + 1·1 + 1·0.5) / 4 = 0.775
    const res = await gql(hotel, SCORE, {
      id,
      scores: [
        { criterionKey: p, value: 4 },
        { criterionKey: pf, value: 1 },
        { criterionKey: pc, value: 50 },
      ],
    });
    expect(res.data.recordAssessmentScores.assessment.total).toBe(77.5);
    expect(res.data.recordAssessmentScores.assessment.scores.map((s: { percent: number }) => s.percent)).toEqual([80, 100, 50]);
    // A criterion scored again replaces its score: (2·1 + 0 + 0.5) / 4 = 0.625
    const again = await gql(hotel, SCORE, {
      id,
      scores: [
        { criterionKey: p, value: 5 },
        { criterionKey: pf, value: 0 },
      ],
    });
    expect(again.data.recordAssessmentScores.assessment.total).toBe(62.5);
    const submitted = await gql(hotel, SUBMIT, { id });
    expect(submitted.data.submitAssessment.assessment).toEqual({ status: 'SUBMITTED', total: 62.5 });
  });

  it('refuses scores off their scale, or for criteria the version lacks, and stores nothing', async () => {
    const tpl = await template(hotel, 'refusals', [
      { title: 'points', weight: 1, scaleKind: 'POINTS', scaleMin: 1, scaleMax: 5 },
      { title: 'pass/fail', weight: 1, scaleKind: 'PASS_FAIL' },
      { title: 'percent', weight: 1, scaleKind: 'PERCENTAGE' },
    ]);
    const id = await start(hotel, tpl.id, '2030-01-16');
    const [p, pf, pc] = tpl.keys;
    const cases = [
      [{ criterionKey: p, value: 6 }],
      [{ criterionKey: p, value: 0 }],
      [{ criterionKey: p, value: 2.125 }],
      [{ criterionKey: pf, value: 0.5 }],
      [{ criterionKey: pc, value: 100.5 }],
      // a valid score first, then a bad one: the valid one is not stored either
      [
        { criterionKey: pc, value: 80 },
        { criterionKey: p, value: 9 },
      ],
    ];
    for (const scores of cases) {
      const res = await gql(hotel, SCORE, { id, scores });
      expect(res.data.recordAssessmentScores, JSON.stringify(scores)).toMatchObject({ __typename: 'AssessmentError', code: 'SCORE_OUT_OF_SCALE' });
    }
    const unknown = await gql(hotel, SCORE, { id, scores: [{ criterionKey: randomUUID(), value: 1 }] });
    expect(unknown.data.recordAssessmentScores.code).toBe('UNKNOWN_CRITERION');
    expect(await ownerQuery('SELECT count(*)::int AS n FROM assessment_scores WHERE assessment_id = $1', [rawId(id)])).toEqual([{ n: 0 }]);
    const incomplete = await gql(hotel, SUBMIT, { id });
    expect(incomplete.data.submitAssessment.code).toBe('INCOMPLETE');
  });
});

describe('templates and versions', () => {
  it('an assessment keeps the version it used; editing and publishing again makes the next version', async () => {
    const tpl = await template(hotel, 'versioned', [{ title: 'A', weight: 1, scaleKind: 'POINTS', scaleMax: 10 }]);
    const first = await start(hotel, tpl.id, '2030-02-01');
    const edited = await gql(hotel, `mutation($input: UpdateAssessmentTemplateInput!) { updateAssessmentTemplate(input: $input) { __typename } }`, {
      input: {
        id: tpl.id,
        criteria: [
          { key: tpl.keys[0], title: 'A (renamed)', weight: 2, scaleKind: 'POINTS', scaleMax: 10 },
          { title: 'B', weight: 1, scaleKind: 'PASS_FAIL' },
        ],
      },
    });
    expect(edited.data.updateAssessmentTemplate.__typename).toBe('AssessmentTemplatePayload');
    // Not published yet: new assessments still use version 1.
    const stillOne = await gql(hotel, START, { templateId: tpl.id, on: '2030-02-02' });
    expect(stillOne.data.startAssessment.assessment.templateVersion.number).toBe(1);
    const v2 = await gql(hotel, PUBLISH, { id: tpl.id });
    expect(v2.data.publishAssessmentTemplate.version.number).toBe(2);
    expect(v2.data.publishAssessmentTemplate.version.criteria.map((c: { title: string }) => c.title)).toEqual(['A (renamed)', 'B']);
    expect(v2.data.publishAssessmentTemplate.version.criteria[0].key).toBe(tpl.keys[0]);
    const second = await start(hotel, tpl.id, '2030-02-03');
    const read = await gql(
      hotel,
      `query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Assessment { templateVersion { number criteria { title } } } }
      b: node(id: $b) { ... on Assessment { templateVersion { number criteria { title } } } } }`,
      { a: first, b: second },
    );
    expect(read.data.a.templateVersion).toEqual({ number: 1, criteria: [{ title: 'A' }] });
    expect(read.data.b.templateVersion.number).toBe(2);
  });

  it("each kind starts with the text's templates, published", async () => {
    const res = await gql(hotel, `{ assessmentTemplates { name kind subjectType versions { number } } }`);
    const seeded = res.data.assessmentTemplates.filter((x: { versions: unknown[] }) => x.versions.length > 0);
    expect(seeded.map((x: { kind: string }) => x.kind)).toEqual(expect.arrayContaining(['POST_VISIT_REVIEW', 'INSPECTION', 'DRILL']));
    expect(res.data.assessmentTemplates.find((x: { kind: string }) => x.kind === 'INSPECTION').subjectType).toBe('HOTEL_AREA');
  });

  it('refuses a subject of the wrong kind', async () => {
    const templates = await gql(hotel, `{ assessmentTemplates(kind: INSPECTION) { id } hotelAreas { id } }`);
    const inspection = templates.data.assessmentTemplates[0].id;
    const none = await gql(hotel, START, { templateId: inspection, on: '2030-03-01' });
    expect(none.data.startAssessment.code).toBe('WRONG_SUBJECT');
    const foreignArea = (await gql(other, `{ hotelAreas { id } }`)).data.hotelAreas[0].id;
    const foreign = await gql(hotel, START, { templateId: inspection, on: '2030-03-01', subjectId: foreignArea });
    expect(foreign.data.startAssessment.code).toBe('WRONG_SUBJECT');
    const area = await gql(hotel, START, { templateId: inspection, on: '2030-03-01', subjectId: templates.data.hotelAreas[0].id });
    expect(area.data.startAssessment.__typename).toBe('AssessmentPayload');
  });
});

describe('findings', () => {
  it('a finding becomes a corrective task, and closes when the task is done (and opens again when reopened)', async () => {
    const tpl = await template(hotel, 'drill with findings', [{ title: 'response', weight: 1, scaleKind: 'POINTS', scaleMax: 5 }]);
    const id = await start(hotel, tpl.id, '2030-04-01');
    const added = await gql(
      hotel,
      `mutation($input: AddFindingInput!) { addFinding(input: $input) {
      __typename ... on FindingPayload { finding { id open severity task { id title phase status assignee { id } } } } ... on AssessmentError { code } } }`,
      {
        input: {
          assessmentId: id,
          criterionKey: tpl.keys[0],
          severity: 'HIGH',
          description: '监控室响应慢',
          correctiveAction: '增加值班人员',
          ownerMembershipId: staff.membershipId,
        },
      },
    );
    const finding = added.data.addFinding.finding;
    expect(finding).toMatchObject({
      open: true,
      severity: 'HIGH',
      task: { title: '整改：增加值班人员', phase: 'FOLLOW_UP', status: 'TODO', assignee: { id: staff.membershipId } },
    });
    const status = (s: string) =>
      t.gql(
        `mutation($id: ID!, $s: TaskStatus!) { changeTaskStatus(input: { id: $id, status: $s }) { __typename } }`,
        { id: finding.task.id, s },
        { token: staff.token },
      );
    expect((await status('DONE')).data.changeTaskStatus.__typename).toBe('TaskPayload');
    const closed = await gql(hotel, `query($id: ID!) { node(id: $id) { ... on Finding { open closedAt } } }`, { id: finding.id });
    expect(closed.data.node.open).toBe(false);
    expect(closed.data.node.closedAt).toBeTruthy();
    await status('TODO');
    const reopened = await gql(hotel, `query($id: ID!) { node(id: $id) { ... on Finding { open closedAt } } }`, { id: finding.id });
    expect(reopened.data.node).toEqual({ open: true, closedAt: null });
  });
});

describe('the post-visit review', () => {
  it('a completed visit gets a draft review, for its coordinator, with the post-visit template', async () => {
    const coordinator = await gov.member(['COORDINATOR']);
    const created = await t.gql(
      `mutation { createVisit(input: { title: "复盘测试", purpose: LEADER_VISIT, startsAt: "2030-05-01T01:00:00Z", endsAt: "2030-05-01T09:00:00Z" }) {
      ... on VisitPayload { visit { id version } } } }`,
      {},
      { token: coordinator.token },
    );
    const visit = created.data.createVisit.visit;
    await ownerQuery(`UPDATE visits SET status = 'IN_PROGRESS' WHERE id = $1`, [rawId(visit.id)]);
    const done = await t.gql(
      `mutation($id: ID!, $v: Int!) { changeVisitStatus(input: { id: $id, expectedVersion: $v, to: COMPLETED }) { __typename ... on VisitError { code message } } }`,
      { id: visit.id, v: visit.version },
      { token: coordinator.token },
    );
    expect(done.data.changeVisitStatus.__typename).toBe('VisitPayload');
    const reviews = await gql(
      gov,
      `query($v: ID!) { assessments(first: 5, filter: { subjectType: VISIT, subjectId: $v }) { totalCount edges { node {
      status subjectId assessor { id } assessedOn templateVersion { template { kind } } } } } }`,
      { v: visit.id },
    );
    expect(reviews.data.assessments.totalCount).toBe(1); // counted with the same filter as the page
    expect(reviews.data.assessments.edges).toEqual([
      {
        node: {
          status: 'DRAFT',
          subjectId: visit.id,
          assessor: { id: coordinator.membershipId },
          assessedOn: '2030-05-01',
          templateVersion: { template: { kind: 'POST_VISIT_REVIEW' } },
        },
      },
    ]);
  });
});

describe('trends', () => {
  it('per subject and criterion by month, weakest criteria, on a fixed data set (agreeing with the computed totals)', async () => {
    const tenant = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOTEL', { withDefaultStructure: false });
    const area = await gql(
      tenant,
      `mutation { createHotelArea(input: { name: "会场A", kind: MEETING_VENUE }) { ... on HotelAreaPayload { hotelArea { id } } } }`,
    );
    const areaId = area.data.createHotelArea.hotelArea.id;
    const tpl = await template(
      tenant,
      'area check',
      [
        { title: 'clean', weight: 1, scaleKind: 'POINTS', scaleMax: 5 },
        { title: 'safe', weight: 3, scaleKind: 'PASS_FAIL' },
      ],
      'HOTEL_AREA',
      'INSPECTION',
    );
    const [clean, safe] = tpl.keys;
    const assess = async (on: string, c: number, s: number, submit = true) => {
      const id = await start(tenant, tpl.id, on, areaId);
      const scored = await gql(tenant, SCORE, {
        id,
        scores: [
          { criterionKey: clean, value: c },
          { criterionKey: safe, value: s },
        ],
      });
      if (submit) await gql(tenant, SUBMIT, { id });
      return { id, total: scored.data.recordAssessmentScores.assessment.total as number };
    };
    // January: (1·0.8 + 3·1)/4 = 95 and (1·0.4 + 0)/4 = 10 → 52.5; February: (1·1 + 3)/4 = 100; a draft in February is left out.
    const jan1 = await assess('2030-01-05', 4, 1);
    const jan2 = await assess('2030-01-20', 2, 0);
    const feb = await assess('2030-02-10', 5, 1);
    await assess('2030-02-11', 0, 0, false);
    expect([jan1.total, jan2.total, feb.total]).toEqual([95, 10, 100]);
    const finding = await gql(
      tenant,
      `mutation($id: ID!) { addFinding(input: { assessmentId: $id, severity: CRITICAL, description: "安全出口堵塞", correctiveAction: "清理通道" }) { __typename } }`,
      { id: jan2.id },
    );
    expect(finding.data.addFinding.__typename).toBe('FindingPayload');

    const trends = await gql(
      tenant,
      `{ assessmentTrends(first: 10) { edges { node { month subjectType averageScore assessments openFindings { critical high } } } } }`,
    );
    expect(trends.data.assessmentTrends.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { month: '2030-01', subjectType: 'HOTEL_AREA', averageScore: (95 + 10) / 2, assessments: 2, openFindings: { critical: 1, high: 0 } },
      { month: '2030-02', subjectType: 'HOTEL_AREA', averageScore: 100, assessments: 1, openFindings: { critical: 0, high: 0 } },
    ]);
    const byCriterion = await gql(tenant, `{ criterionTrends(first: 10) { edges { node { month title averageScore scores } } } }`);
    expect(byCriterion.data.criterionTrends.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { month: '2030-01', title: 'clean', averageScore: 60, scores: 2 },
      { month: '2030-01', title: 'safe', averageScore: 50, scores: 2 },
      { month: '2030-02', title: 'clean', averageScore: 100, scores: 1 },
      { month: '2030-02', title: 'safe', averageScore: 100, scores: 1 },
    ]);
    const weakest = await gql(tenant, `{ weakestCriteria(limit: 1, filter: { from: "2030-01-01", to: "2030-02-01" }) { title averageScore } }`);
    expect(weakest.data.weakestCriteria).toEqual([{ title: 'safe', averageScore: 50 }]);
    const page = await gql(tenant, `{ assessmentTrends(first: 1) { pageInfo { hasNextPage endCursor } edges { node { month } } } }`);
    expect(page.data.assessmentTrends.pageInfo.hasNextPage).toBe(true);
    const next = await gql(tenant, `query($after: String) { assessmentTrends(first: 1, after: $after) { edges { node { month } } } }`, {
      after: page.data.assessmentTrends.pageInfo.endCursor,
    });
    expect(next.data.assessmentTrends.edges[0].node.month).toBe('2030-02');
  });
});

describe('isolation', () => {
  it("tenant B cannot see or change tenant A's templates, assessments or findings", async () => {
    const tpl = await template(hotel, 'isolated', [{ title: 'x', weight: 1, scaleKind: 'PASS_FAIL' }]);
    const id = await start(hotel, tpl.id, '2030-06-01');
    const added = await gql(
      hotel,
      `mutation($id: ID!) { addFinding(input: { assessmentId: $id, severity: LOW, description: "d", correctiveAction: "c" }) {
      ... on FindingPayload { finding { id task { id } } } } }`,
      { id },
    );
    const finding = added.data.addFinding.finding;
    for (const nodeId of [tpl.id, tpl.version.id, id, finding.id, finding.task.id]) {
      const typename = Buffer.from(nodeId, 'base64').toString().split(':')[0]!;
      const seen = await gql(other, `query($id: ID!) { node(id: $id) { id } }`, { id: nodeId });
      const random = await gql(other, `query($id: ID!) { node(id: $id) { id } }`, { id: globalId(typename, randomUUID()) });
      expect(seen.data, typename).toEqual({ node: null });
      expect(seen.errors).toEqual(random.errors);
    }
    const before = await ownerQuery('SELECT status, version FROM assessments WHERE id = $1', [rawId(id)]);
    const attempts = [
      [
        `mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) { __typename ... on AssessmentError { code } } }`,
        { id: tpl.id },
        'publishAssessmentTemplate',
      ],
      [SCORE, { id, scores: [{ criterionKey: tpl.keys[0], value: 1 }] }, 'recordAssessmentScores'],
      [SUBMIT, { id }, 'submitAssessment'],
      [
        `mutation($id: ID!) { addFinding(input: { assessmentId: $id, severity: LOW, description: "x", correctiveAction: "y" }) { __typename ... on AssessmentError { code } } }`,
        { id },
        'addFinding',
      ],
      [START, { templateId: tpl.id, on: '2030-06-02' }, 'startAssessment'],
    ] as const;
    for (const [query, variables, field] of attempts) {
      const res = await gql(other, query, variables);
      expect(res.data[field], field).toMatchObject({ __typename: 'AssessmentError', code: 'NOT_FOUND' });
    }
    expect(await ownerQuery('SELECT status, version FROM assessments WHERE id = $1', [rawId(id)])).toEqual(before);
    expect(await ownerQuery('SELECT count(*)::int AS n FROM findings WHERE assessment_id = $1', [rawId(id)])).toEqual([{ n: 1 }]);
    const list = await gql(other, `{ assessments(first: 100) { edges { node { id } } } assessmentTemplates { id } }`);
    expect(JSON.stringify(list.data)).not.toContain(id);
    expect(JSON.stringify(list.data)).not.toContain(tpl.id);
  });

  it('staff assess but do not write templates', async () => {
    const res = await t.gql(
      TEMPLATE,
      { input: { name: 'nope', kind: 'STAFF', subjectType: 'STAFF_MEMBER', criteria: [{ title: 'x', weight: 1, scaleKind: 'PASS_FAIL' }] } },
      { token: staff.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createAssessmentTemplate.__typename).toBe('ForbiddenError');
  });
});
