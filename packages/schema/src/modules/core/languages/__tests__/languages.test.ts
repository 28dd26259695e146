// Messages in zh-Hans and en through the real gateway: the same failing mutation in both languages (same
// code, another message), the language chosen by the person's preference, else Accept-Language (q-values),
// else the tenant's default (Tenant.locale); top-level errors by Accept-Language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';

const CREATE_DEPARTMENT = `mutation($name: String!) { createDepartment(input: { name: $name }) {
  __typename ... on Error { code message path } ... on ValidationError { fieldErrors { path message } } } }`;
const SET_LANGUAGE = `mutation($language: Language) { setPreferredLanguage(input: { language: $language }) {
  __typename ... on PreferredLanguagePayload { language } } }`;

let t: TestApp;
let platformToken: string;
let tenant: TestTenant;
const taken = 'General Office';

beforeAll(async () => {
  t = await startTestApp();
  platformToken = (await createPlatformAdmin(t)).token;
  tenant = await createTenant(t, platformToken);
  const first = await t.gql(CREATE_DEPARTMENT, { name: taken }, { token: tenant.adminToken });
  expect(first.data.createDepartment.__typename).toBe('DepartmentPayload');
});
afterAll(async () => {
  await t?.close();
});

const refusal = async (headers: Record<string, string>, token = tenant.adminToken) =>
  (await t.gql(CREATE_DEPARTMENT, { name: taken }, { token, headers })).data.createDepartment;

describe('messages in the request’s language', () => {
  it('the same failing mutation: the same code, a Chinese or an English message by Accept-Language (q-values honoured)', async () => {
    const zh = await refusal({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    const en = await refusal({ 'accept-language': 'en-GB,en;q=0.9' });
    const weighted = await refusal({ 'accept-language': 'en;q=0.4, zh-Hans;q=0.9, fr' });
    expect(zh.__typename).toBe('TenancyError');
    expect(zh.code).toBe('NAME_TAKEN');
    expect(en.code).toBe('NAME_TAKEN');
    expect(zh.message).toBe('该名称已被使用。');
    expect(en.message).not.toBe(zh.message);
    expect(en.message).toMatch(/[A-Za-z]/);
    expect(en.message).toBe(`A department named "${taken}" exists`);
    expect(weighted.message).toBe(zh.message);
    // "zh" alone, and a language we do not have, fall through to the next source (here the tenant's zh-Hans).
    expect((await refusal({ 'accept-language': 'zh' })).message).toBe(zh.message);
  });

  it('a ValidationError: BAD_USER_INPUT in both, its field messages translated', async () => {
    const zh = (await t.gql(CREATE_DEPARTMENT, { name: '' }, { token: tenant.adminToken, headers: { 'accept-language': 'zh-Hans' } })).data.createDepartment;
    const en = (await t.gql(CREATE_DEPARTMENT, { name: '' }, { token: tenant.adminToken, headers: { 'accept-language': 'en' } })).data.createDepartment;
    expect(zh.__typename).toBe('ValidationError');
    expect(zh.code).toBe('BAD_USER_INPUT');
    expect(en.code).toBe('BAD_USER_INPUT');
    expect(zh.path).toEqual(en.path);
    expect(zh.message).toMatch(/^输入有误/);
    expect(zh.fieldErrors[0].message).toMatch(/[\u4e00-\u9fff]/);
    expect(en.fieldErrors[0].message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('without Accept-Language the tenant’s default (zh-Hans unless a tenant admin sets another locale)', async () => {
    const other = await createTenant(t, platformToken, 'HOSPITAL');
    const name = unique('dept');
    await t.gql(CREATE_DEPARTMENT, { name }, { token: other.adminToken });
    const again = async () => (await t.gql(CREATE_DEPARTMENT, { name }, { token: other.adminToken, headers: { 'accept-language': '' } })).data.createDepartment;
    expect((await again()).message).toBe('该名称已被使用。');
    const updated = await t.gql(`mutation { updateTenant(input: { locale: "en" }) { __typename } }`, {}, { token: other.adminToken });
    expect(updated.data.updateTenant.__typename).toBe('TenantPayload');
    const english = await again();
    expect(english.code).toBe('NAME_TAKEN');
    expect(english.message).not.toMatch(/[\u4e00-\u9fff]/);
    // Tenant A's language is its own: still Chinese by default.
    expect((await refusal({ 'accept-language': '' })).message).toBe('该名称已被使用。');
  });

  it('the person’s own preference wins over Accept-Language; null clears it; bad input changes nothing', async () => {
    const member = await tenant.member(['TENANT_ADMIN']);
    const set = await t.gql(SET_LANGUAGE, { language: 'ZH_HANS' }, { token: member.token });
    expect(set.data.setPreferredLanguage).toEqual({ __typename: 'PreferredLanguagePayload', language: 'ZH_HANS' });
    const viewer = await t.gql(`{ viewer { preferredLanguage } }`, {}, { token: member.token });
    expect(viewer.data.viewer.preferredLanguage).toBe('ZH_HANS');
    expect((await refusal({ 'accept-language': 'en' }, member.token)).message).toBe('该名称已被使用。');
    // Someone else's requests are not affected.
    expect((await refusal({ 'accept-language': 'en' })).message).not.toMatch(/[\u4e00-\u9fff]/);

    const bad = await t.gql(`mutation { setPreferredLanguage(input: { language: FR }) { __typename } }`, {}, { token: member.token });
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await t.gql(`{ viewer { preferredLanguage } }`, {}, { token: member.token })).data.viewer.preferredLanguage).toBe('ZH_HANS');

    await t.gql(SET_LANGUAGE, { language: null }, { token: member.token });
    expect((await refusal({ 'accept-language': 'en' }, member.token)).message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('top-level errors by Accept-Language: the same code', async () => {
    const zh = await t.gql(`{ viewer { id } }`, {}, { token: 'not-a-token', headers: { 'accept-language': 'zh-CN' } });
    const en = await t.gql(`{ viewer { id } }`, {}, { token: 'not-a-token', headers: { 'accept-language': 'en' } });
    expect(zh.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(en.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(zh.errors?.[0]?.message).toMatch(/请重新登录/);
    expect(en.errors?.[0]?.message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('a plan issue in both languages: the same code and records, the message in zh-Hans names its parameters', async () => {
    const created = await t.gql(
      `mutation($input: CreateVisitInput!) { createVisit(input: $input) { __typename ... on VisitPayload { visit { id } } } }`,
      { input: { title: unique('visit'), purpose: 'WORK_INSPECTION', startsAt: '2030-05-10T01:00:00.000Z', endsAt: '2030-05-10T09:00:00.000Z' } },
      { token: tenant.adminToken },
    );
    const id = created.data.createVisit.visit.id;
    const issues = async (language: string) =>
      (
        await t.gql(
          `query($id: ID!) { node(id: $id) { ... on Visit { planIssues { code severity message recordIds } } } }`,
          { id },
          {
            token: tenant.adminToken,
            headers: { 'accept-language': language },
          },
        )
      ).data.node.planIssues as { code: string; severity: string; message: string; recordIds: string[] }[];
    const zh = (await issues('zh-CN')).find((i) => i.code === 'TOO_FEW_CONTACTS')!;
    const en = (await issues('en')).find((i) => i.code === 'TOO_FEW_CONTACTS')!;
    expect(zh.severity).toBe(en.severity);
    expect(zh.recordIds).toEqual(en.recordIds);
    expect(zh.message).toBe('来访方至少需要 2 名工作人员的联系电话（号码互不相同）。');
    expect(en.message).toMatch(/^The visiting side has no contact with a phone number; at least 2 staff contacts/);
  });
});
