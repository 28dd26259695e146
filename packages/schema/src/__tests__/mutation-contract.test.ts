// Issue 11: one shape for every mutation. Walked generically over every printed schema (so a new
// mutation that breaks the shape fails here without a test of its own), then through the real gateway:
// a ValidationError raised by a zod check deep in a service names the field by its path from the
// argument, starting with "input".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, getNamedType, isInputObjectType, isInterfaceType, isNonNullType, isObjectType, isUnionType, type GraphQLObjectType } from 'graphql';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { printSchemas } from '../build-schemas.ts';
import { answersFor, feedbackApi } from '../modules/shared/feedback/__tests__/feedback.helpers.ts';
import { SUB_GRAPHS } from '../builder.ts';

const printed = printSchemas();
const capitalized = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;

describe.each(SUB_GRAPHS)('every mutation of the %s schema', (graph) => {
  const schema = buildSchema(printed[graph]);
  const mutations = Object.values((schema.getMutationType() as GraphQLObjectType).getFields());

  it('has mutations to check', () => {
    expect(mutations.length).toBeGreaterThan(graph === 'public' ? 2 : 40);
  });

  it.each(mutations.map((m) => [m.name, m] as const))('%s takes exactly one argument, input: <Name>Input!', (name, field) => {
    expect(field.args.map((a) => a.name)).toEqual(['input']);
    const type = field.args[0]!.type;
    expect(isNonNullType(type), `${name}(input:) must be non-null`).toBe(true);
    expect(isInputObjectType(getNamedType(type)), `${name}(input:) must be an input object`).toBe(true);
    expect(getNamedType(type).name).toBe(`${capitalized(name)}Input`);
  });

  it.each(mutations.map((m) => [m.name, m] as const))(
    '%s returns <Name>Result: ForbiddenError, ValidationError and errors implementing Error',
    (name, field) => {
      const result = getNamedType(field.type);
      expect(result.name).toBe(`${capitalized(name)}Result`);
      expect(isUnionType(result)).toBe(true);
      if (!isUnionType(result)) return;
      const members = result.getTypes();
      expect(members.map((m) => m.name)).toEqual(expect.arrayContaining(['ForbiddenError', 'ValidationError']));
      const errors = members.filter((m) => m.name.endsWith('Error'));
      for (const member of errors) {
        expect(
          member.getInterfaces().map((i) => i.name),
          `${member.name} in ${result.name}`,
        ).toContain('Error');
      }
      // Exactly one member is the payload; every other member is an Error.
      expect(members.filter((m) => !m.getInterfaces().some((i) => i.name === 'Error'))).toHaveLength(1);
    },
  );

  it('an input that takes an idempotency key says its length limits, and its result can be an IdempotencyError', () => {
    const withKey = mutations.filter((m) => {
      const input = getNamedType(m.args[0]!.type);
      return isInputObjectType(input) && 'idempotencyKey' in input.getFields();
    });
    if (graph !== 'public') expect(withKey.map((m) => m.name)).toEqual(expect.arrayContaining(['createVisit', 'createTask', 'saveVisitGuest', 'createApiKey']));
    for (const m of withKey) {
      const input = getNamedType(m.args[0]!.type);
      if (!isInputObjectType(input)) continue;
      expect(input.getFields().idempotencyKey!.description, m.name).toMatch(/8 to 200 characters/);
      const result = getNamedType(m.type);
      expect(isUnionType(result) && result.getTypes().map((t) => t.name), m.name).toContain('IdempotencyError');
    }
  });

  it('the Error interface is what every error member implements', () => {
    const error = schema.getType('Error');
    expect(isInterfaceType(error)).toBe(true);
    expect(isObjectType(schema.getType('ForbiddenError'))).toBe(true);
  });
});

describe('FieldError.path through the gateway: the path from the argument, for zod errors deep in services', () => {
  let t: TestApp;
  let platformToken: string;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    platformToken = (await createPlatformAdmin(t)).token;
    tenant = await createTenant(t, platformToken, 'HOTEL');
  });
  afterAll(() => t?.close());

  const VALIDATION = `__typename ... on ValidationError { code path fieldErrors { path message } }`;

  it('a too-short idempotency key names ["input", "idempotencyKey"]', async () => {
    const res = await t.gql(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { ${VALIDATION} } }`,
      { input: { name: unique('部门'), idempotencyKey: 'short' } },
      { token: tenant.adminToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createDepartment).toMatchObject({
      __typename: 'ValidationError',
      code: 'BAD_USER_INPUT',
      path: ['input', 'idempotencyKey'],
      fieldErrors: [{ path: ['input', 'idempotencyKey'] }],
    });
  });

  it('a bad e-mail in addMember names ["input", "email"]', async () => {
    const res = await t.gql(
      `mutation($input: AddMemberInput!) { addMember(input: $input) { ${VALIDATION} } }`,
      { input: { email: 'not-an-e-mail', displayName: '张三', roles: ['STAFF'] } },
      { token: tenant.adminToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.addMember).toMatchObject({ __typename: 'ValidationError', path: ['input', 'email'] });
    expect(res.data.addMember.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([['input', 'email']]);
  });

  it('a bad e-mail of the first admin in createTenant names ["input", "admin", "email"]', async () => {
    const slug = unique('bad-mail');
    const res = await t.gql(
      `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ${VALIDATION} } }`,
      { input: { kind: 'HOTEL', name: '某宾馆', slug, admin: { email: 'nope', displayName: '管理员' } } },
      { token: platformToken },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createTenant).toMatchObject({ __typename: 'ValidationError', path: ['input', 'admin', 'email'] });
  });

  it('a mutation the caller may not run is a ForbiddenError in its result, not a top-level error', async () => {
    const staff = await tenant.member(['STAFF']);
    const res = await t.gql(
      `mutation($input: CreateDepartmentInput!) { createDepartment(input: $input) { __typename ... on Error { code message } } }`,
      { input: { name: unique('部门') } },
      { token: staff.token },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createDepartment).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
  });

  it('an anonymous respondent gives the token inside the input, also as one variable for the whole input', async () => {
    const api = feedbackApi(t);
    const coordinator = await tenant.member(['COORDINATOR']);
    const survey = await api.publishedSurvey(coordinator.token);
    const { tokens } = await api.invite(coordinator.token, survey.id, 1);
    const res = await t.gql(
      `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) {
         __typename ... on SubmitSurveyResponsePayload { submittedAt } ... on Error { code message } } }`,
      { input: { token: tokens[0], answers: answersFor(survey.questions, { rating: 5, nps: 10, purpose: 0, food: 5 }) } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.submitSurveyResponse).toMatchObject({ __typename: 'SubmitSurveyResponsePayload', submittedAt: expect.any(String) });
  });
});
