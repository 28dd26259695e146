// Audit (issue 18) items 1 and 2: text PostgreSQL cannot store and impossible or out-of-range dates
// are refused as the caller's mistake (BAD_USER_INPUT or a ValidationError naming the field) and
// change nothing — not an INTERNAL_SERVER_ERROR, not a date silently moved to another day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let gov: TestTenant;
let coordinator: { token: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  coordinator = await gov.member(['COORDINATOR']);
});
afterAll(() => t?.close());

/** The operation was refused as BAD_USER_INPUT (never an internal error). */
function badUserInput(res: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(res.errors, JSON.stringify(res)).toBeDefined();
  expect(res.errors!.map((e) => e.extensions?.code)).toEqual(res.errors!.map(() => 'BAD_USER_INPUT'));
}

const count = async (sql: string, params: unknown[]) => ((await ownerQuery(sql, params)) as { n: number }[])[0]!.n;

describe('text PostgreSQL cannot store (NUL, lone surrogates)', () => {
  it('is refused in an inline literal argument of a nested input (createDepartment)', async () => {
    const name = unique('dept');
    const res = await t.gql(`mutation { createDepartment(input: { name: "${name}\\u0000x" }) { __typename } }`, {}, { token: gov.adminToken });
    badUserInput(res);
    expect(res.errors![0]!.message).toContain('input.name');
    expect(await count(`SELECT count(*)::int AS n FROM departments WHERE name LIKE $1`, [`${name}%`])).toBe(0);
  });

  it('is refused in a variable (createTask title and description)', async () => {
    const title = unique('task');
    for (const input of [
      { phase: 'PREPARATION', title: `${title}\u0000` },
      { phase: 'PREPARATION', title, description: 'before\u0000after' },
    ]) {
      const res = await t.gql(`mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename } }`, { input }, { token: coordinator.token });
      badUserInput(res);
    }
    expect(await count(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND title LIKE $2`, [gov.id, `${title}%`])).toBe(0);
  });

  it('is refused inside a list of input objects (checklist template items)', async () => {
    const name = unique('checklist');
    const res = await t.gql(
      `mutation($input: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $input) { __typename } }`,
      {
        input: {
          name,
          items: [
            { phase: 'PREPARATION', title: 'fine' },
            { phase: 'PREPARATION', title: 'bad\u0000' },
          ],
        },
      },
      { token: gov.adminToken },
    );
    badUserInput(res);
    expect(res.errors![0]!.message).toContain('input.items.1.title');
    expect(await count(`SELECT count(*)::int AS n FROM checklist_templates WHERE name = $1`, [name])).toBe(0);
  });

  it('is refused in plain string arguments and member data (addMember, signIn)', async () => {
    const email = `${unique('nul')}@x.test`;
    const added = await t.gql(
      `mutation($input: AddMemberInput!) { addMember(input: $input) { __typename } }`,
      { input: { email, displayName: 'Zhang\u0000San', roles: ['STAFF'] } },
      { token: gov.adminToken },
    );
    badUserInput(added);
    expect(await count(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email])).toBe(0);
    const signIn = await t.gql(`mutation { signIn(input: { email: "a\\u0000@x.test", password: "x" }) { __typename } }`);
    badUserInput(signIn);
  });

  it('refuses a lone surrogate (it would be stored as U+FFFD), accepts a surrogate pair', async () => {
    const name = unique('dept');
    const lone = await t.gql(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { __typename } }`,
      { input: { name: `${name}\ud800` } },
      { token: gov.adminToken },
    );
    badUserInput(lone);
    const pair = await t.gql(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { __typename } }`,
      { input: { name: `${name}𠮷` } },
      { token: gov.adminToken },
    );
    expect(pair.errors).toBeUndefined();
    expect(pair.data.createDepartment.__typename).toBe('DepartmentPayload');
    expect(await ownerQuery(`SELECT name FROM departments WHERE name LIKE $1`, [`${name}%`])).toEqual([{ name: `${name}𠮷` }]);
  });
});

const CREATE_VISIT = `mutation($input: CreateVisitInput!) { createVisit(input: $input) { __typename } }`;
const visit = (overrides: Record<string, unknown>) => ({
  title: unique('接待'),
  purpose: 'WORK_INSPECTION',
  startsAt: '2030-05-10T01:00:00Z',
  endsAt: '2030-05-10T09:00:00Z',
  ...overrides,
});

describe('dates', () => {
  it('refuses DateTime values out of the supported years (0000-01-01 was an internal error), as variable and literal', async () => {
    for (const startsAt of ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z']) {
      const input = visit({ startsAt });
      badUserInput(await t.gql(CREATE_VISIT, { input }, { token: coordinator.token }));
      expect(await count(`SELECT count(*)::int AS n FROM visits WHERE title = $1`, [input.title])).toBe(0);
    }
    const literal = await t.gql(
      `mutation { createTask(input: { phase: PREPARATION, title: "t", dueAt: "0000-01-01T00:00:00Z" }) { __typename } }`,
      {},
      { token: coordinator.token },
    );
    badUserInput(literal);
    // The range's edges are accepted.
    const edge = await t.gql(CREATE_VISIT, { input: visit({ startsAt: '1900-01-01T00:00:00Z' }) }, { token: coordinator.token });
    expect(edge.data?.createVisit?.__typename, JSON.stringify(edge)).toBe('VisitPayload');
  });

  it('refuses an impossible DateTime (2031-02-30) as BAD_USER_INPUT', async () => {
    badUserInput(await t.gql(CREATE_VISIT, { input: visit({ endsAt: '2031-02-30T10:00:00Z' }) }, { token: coordinator.token }));
  });

  it('refuses an impossible or out-of-range lodging date with a ValidationError naming it (was moved to 2031-03-02)', async () => {
    const created = await t.gql(
      `mutation($input: CreateVisitInput!) { createVisit(input: $input) { ... on VisitPayload { visit { id version } } } }`,
      { input: visit({ startsAt: '2031-02-27T01:00:00Z', endsAt: '2031-03-03T09:00:00Z' }) },
      { token: coordinator.token },
    );
    const { id, version } = created.data.createVisit.visit;
    for (const [checkIn, checkOut] of [
      ['2031-02-27', '2031-02-30'],
      ['0000-01-01', '2031-03-03'],
    ]) {
      const res = await t.gql(
        `mutation($input: SaveLodgingInput!) { saveLodging(input: $input) {
           __typename ... on ValidationError { fieldErrors { path message } } } }`,
        { input: { visitId: id, expectedVersion: version, hotelName: '国宾馆', checkIn, checkOut } },
        { token: coordinator.token },
      );
      expect(res.data.saveLodging.__typename, JSON.stringify(res)).toBe('ValidationError');
      const bad = checkOut === '2031-02-30' ? 'checkOut' : 'checkIn';
      expect(res.data.saveLodging.fieldErrors.map((e: { path: string[] }) => e.path.at(-1))).toContain(bad);
    }
    expect(await count(`SELECT count(*)::int AS n FROM lodgings WHERE visit_id = $1`, [Buffer.from(id, 'base64').toString().split(':')[1]])).toBe(0);
  });

  it('refuses an impossible assessment date (startAssessment) and filter date (assessmentTrends)', async () => {
    const tpl = await t.gql(
      `mutation($input: CreateAssessmentTemplateInput!) { createAssessmentTemplate(input: $input) { ... on AssessmentTemplatePayload { template { id } } } }`,
      { input: { name: unique('tpl'), kind: 'DRILL', subjectType: 'ORGANIZATION', criteria: [{ title: 'ok', weight: 1, scaleKind: 'PASS_FAIL' }] } },
      { token: gov.adminToken },
    );
    const templateId = tpl.data.createAssessmentTemplate.template.id;
    await t.gql(`mutation($id: ID!) { publishAssessmentTemplate(input: { id: $id }) { __typename } }`, { id: templateId }, { token: gov.adminToken });
    for (const on of ['2031-02-30', '0000-01-01']) {
      const res = await t.gql(
        `mutation($id: ID!, $on: String!) { startAssessment(input: { templateId: $id, assessedOn: $on }) {
           __typename ... on ValidationError { fieldErrors { path message } } } }`,
        { id: templateId, on },
        { token: gov.adminToken },
      );
      expect(res.data.startAssessment, JSON.stringify(res)).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'assessedOn'] }] });
    }
    expect(await count(`SELECT count(*)::int AS n FROM assessments WHERE tenant_id = $1`, [gov.id])).toBe(0);
    const trends = await t.gql(`{ assessmentTrends(filter: { from: "2031-02-30" }) { edges { cursor } } }`, {}, { token: gov.adminToken });
    badUserInput(trends);
    expect(trends.errors![0]!.message).toContain('filter.from');
  });
});
