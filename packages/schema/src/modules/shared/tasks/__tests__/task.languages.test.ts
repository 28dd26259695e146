// The texts of the templates a tenant starts with, in the reader's language, through the real gateway: the
// seeded checklist, the tasks made from it (a per-meal task with its label too) and the seeded assessment
// templates read in zh-Hans or en by Accept-Language, and by the person's own preference over it; a template a
// tenant writes reads as written in both. And the catalogue: every text of every kind's templates has both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import { KINDS } from '../../../index.ts';
import { templateText, templateTextPairs } from '../../../../shared/template-texts.ts';
import { L, visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';

const CJK = /[\u4e00-\u9fff]/;
let t: TestApp;
let gov: TestTenant;
let api: VisitApi;

beforeAll(async () => {
  t = await startTestApp();
  gov = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  api = visitApi(t);
});
afterAll(() => t?.close());

async function read(query: string, variables: Record<string, unknown>, token: string, language: string) {
  const res = await t.gql(query, variables, { token, headers: { 'accept-language': language } });
  expect(res.errors).toBeUndefined();
  return res.data;
}

const TEMPLATES = `{ checklistTemplates { id name description items { title } } assessmentTemplates { name description draftCriteria { title guidance } } }`;

describe('template texts in the reader’s language', () => {
  it('the seeded checklist and assessment templates read in zh-Hans or en; codes and ids stay', async () => {
    const zh = await read(TEMPLATES, {}, gov.adminToken, 'zh-CN,zh;q=0.9');
    const en = await read(TEMPLATES, {}, gov.adminToken, 'en-GB');
    const [zhList] = zh.checklistTemplates;
    const [enList] = en.checklistTemplates;
    expect(enList.id).toBe(zhList.id);
    expect(zhList.name).toBe('接待工作清单（政府部门）');
    expect(enList.name).toBe('Reception checklist (government office)');
    expect(enList.description).toBe('14 preparation steps, 16 reception steps and 4 follow-up steps.');
    expect(zhList.items).toHaveLength(34);
    expect(enList.items).toHaveLength(34);
    for (const [i, item] of enList.items.entries()) {
      expect(zhList.items[i].title).toMatch(CJK);
      expect(item.title, zhList.items[i].title).not.toMatch(CJK);
      expect(item.title).toBe(templateText(zhList.items[i].title, 'en'));
    }
    expect(enList.items[0].title).toBe('Ask in detail about the main purpose of the visit and make its intent clear');
    const review = en.assessmentTemplates.find((a: { name: string }) => a.name === 'Post-visit reception review');
    expect(review.description).toBe('The review after a reception: find the shortcomings and improve.');
    expect(review.draftCriteria.map((c: { title: string }) => c.title)).toContain('Punctuality (waiting 15 minutes early, every step on time)');
    expect(review.draftCriteria.every((c: { title: string; guidance: string | null }) => !CJK.test(c.title) && !CJK.test(c.guidance ?? ''))).toBe(true);
    expect(zh.assessmentTemplates.map((a: { name: string }) => a.name)).toContain('接待工作总结评估');
  });

  it('tasks made from the checklist read in the request’s language, per-meal ones with their label; the person’s preference wins', async () => {
    const coordinator = await gov.member(['COORDINATOR']);
    const token = coordinator.token;
    const visitId = await api.newVisit(token);
    await api.add(token, 'saveMeal', visitId, { kind: 'DINNER', startsAt: L('2030-05-10T18:30') });
    const templateId = (await read(`{ checklistTemplates { id } }`, {}, token, 'en')).checklistTemplates[0].id;
    const made = await read(
      `mutation($v: ID!, $t: ID!) { instantiateChecklist(input: { visitId: $v, templateId: $t }) { __typename ... on InstantiateChecklistPayload { created { id title } } } }`,
      { v: visitId, t: templateId },
      token,
      'en',
    );
    expect(made.instantiateChecklist.__typename).toBe('InstantiateChecklistPayload');
    const TASKS = `query($id: ID!) { node(id: $id) { ... on Visit { tasks(first: 100) { nodes { id title } } taskBoard { phases { columns { tasks(first: 100) { nodes { id title } } } } } } } }`;
    const zh = (await read(TASKS, { id: visitId }, token, 'zh-Hans')).node;
    const en = (await read(TASKS, { id: visitId }, token, 'en')).node;
    const titles = (node: { tasks: { nodes: Array<{ title: string }> } }) => node.tasks.nodes.map((n) => n.title);
    expect(titles(zh)).toContain('晚餐后适当安排文化娱乐节目（晚餐 05-10 18:30）');
    expect(titles(en)).toContain('Arrange suitable cultural entertainment after dinner (dinner 05-10 18:30)');
    expect(titles(en).filter((title) => CJK.test(title))).toEqual([]);
    expect(made.instantiateChecklist.created.map((c: { title: string }) => c.title).sort()).toEqual([...titles(en)].sort());
    // The board's columns read the same.
    const board = en.taskBoard.phases.flatMap((p: { columns: Array<{ tasks: { nodes: Array<{ title: string }> } }> }) =>
      p.columns.flatMap((c) => c.tasks.nodes.map((n) => n.title)),
    );
    expect(board.sort()).toEqual([...titles(en)].sort());

    // The person's own language wins over Accept-Language.
    const set = await read(
      `mutation { setPreferredLanguage(input: { language: EN }) { __typename ... on PreferredLanguagePayload { language } } }`,
      {},
      token,
      'zh-Hans',
    );
    expect(set.setPreferredLanguage.language).toBe('EN');
    expect(titles((await read(TASKS, { id: visitId }, token, 'zh-CN,zh;q=0.9')).node).sort()).toEqual([...titles(en)].sort());
  });

  it('a template the tenant writes reads as written, in either language', async () => {
    const name = unique('我们自己的清单');
    const created = await read(
      `mutation($input: CreateChecklistTemplateInput!) { createChecklistTemplate(input: $input) { __typename ... on ChecklistTemplatePayload { template { id } } } }`,
      {
        input: {
          name,
          items: [
            { phase: 'PREPARATION', title: '做好接待预算（按本单位规定）' },
            { phase: 'PREPARATION', title: 'Book the coach' },
          ],
        },
      },
      gov.adminToken,
      'en',
    );
    const id = created.createChecklistTemplate.template.id;
    const Q = `query($id: ID!) { node(id: $id) { ... on ChecklistTemplate { name items { title } } } }`;
    for (const language of ['en', 'zh-Hans']) {
      expect((await read(Q, { id }, gov.adminToken, language)).node).toEqual({
        name,
        items: [{ title: '做好接待预算（按本单位规定）' }, { title: 'Book the coach' }],
      });
    }
  });
});

describe('the templates’ catalogue', () => {
  it('every text of every kind’s checklists and assessment templates has an English text, and back', () => {
    const texts: string[] = [];
    const add = (...xs: Array<string | null | undefined>) => texts.push(...xs.filter((x): x is string => !!x));
    for (const kind of KINDS) {
      for (const c of kind.checklistTemplates) {
        add(c.name, c.description);
        for (const item of c.items) add(item.title, item.description);
      }
      for (const a of kind.assessmentTemplates) {
        add(a.name, a.description);
        for (const c of a.criteria) add(c.title, c.guidance);
      }
    }
    expect(texts.length).toBeGreaterThan(80);
    for (const zh of texts) {
      const en = templateText(zh, 'en');
      expect(en, zh).not.toBe(zh);
      expect(en, zh).not.toMatch(CJK);
      expect(templateText(en, 'zh-Hans')).toBe(zh);
    }
    // Every pair recorded is a pair: Chinese one side, English the other.
    for (const pair of templateTextPairs()) {
      expect(pair['zh-Hans']).toMatch(CJK);
      expect(pair.en).not.toMatch(CJK);
    }
  });
});
