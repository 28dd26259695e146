// Results through the real gateway, on a fixed set of responses: invitations, responses and response
// rates; per question the average, the distribution, the NPS, choice counts and free text; filters by
// campaign, visit, period and version; and the CSV export (parsed back with csv-parse).
//
// The data set (survey EVERY_KIND; rating = question 1, NPS = question 2, purpose = 3, improve = 4,
// text = 5, food = 6):
//   campaign A, 5 invitations:  A1 5/10 purpose0 improve[0] text food 4 · A2 4/9 purpose1 improve[0,1] food 2 (negative:
//                               a rating ≤ 2 on any rating question)
//                               A3 2/7 purpose0 (negative: rating ≤ 2) · A4, A5 no answer
//   campaign B, 3 invitations, the guests of a visit:
//                               B1 3/8 purpose2 improve[2] text, complaint · B2 1/0 purpose0 (negative) · B3 no answer
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { answersFor, feedbackApi, type Question } from './feedback.helpers.ts';

let t: TestApp;
let api: ReturnType<typeof feedbackApi>;
let gov: TestTenant;
let coordinator: { token: string; membershipId: string };
let survey: { id: string; questions: Question[] };
let a: { campaignId: string; tokens: string[]; invitationIds: string[] };
let b: { campaignId: string; tokens: string[]; invitationIds: string[] };
let visitId: string;
const TRICKY = '很好, 非常 "满意"\n下次再来';

beforeAll(async () => {
  t = await startTestApp();
  api = feedbackApi(t);
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  coordinator = await gov.member(['COORDINATOR']);
  survey = await api.publishedSurvey(coordinator.token);

  // A visit with three guests: campaign B invites them all (a post-visit survey).
  const visit = await api.gql(
    `mutation($input: CreateVisitInput!) { createVisit(input: $input) { ... on VisitPayload { visit { id version } } } }`,
    { input: { title: '调研组来访', purpose: 'WORK_INSPECTION', startsAt: '2030-05-10T01:00:00Z', endsAt: '2030-05-10T09:00:00Z' } },
    coordinator.token,
  );
  visitId = visit.createVisit.visit.id;
  let version = visit.createVisit.visit.version;
  for (const name of ['王主任', '李处长', '赵秘书']) {
    const saved = await api.gql(
      `mutation($input: SaveVisitGuestInput!) { saveVisitGuest(input: $input) { ... on VisitPayload { visit { version } } } }`,
      { input: { visitId, expectedVersion: version, name } },
      coordinator.token,
    );
    version = saved.saveVisitGuest.visit.version;
  }

  a = await api.invite(coordinator.token, survey.id, 5);
  const byVisit = await api.campaign(coordinator.token, { surveyId: survey.id, name: '调研组来访回访', guestsOfVisitId: visitId });
  expect(byVisit.__typename).toBe('SurveyCampaignPayload');
  expect(byVisit.issued.map((i: any) => [i.invitation.respondentKind, i.invitation.respondentName])).toEqual([
    ['VISIT_GUEST', '王主任'],
    ['VISIT_GUEST', '李处长'],
    ['VISIT_GUEST', '赵秘书'],
  ]);
  b = { campaignId: byVisit.campaign.id, tokens: byVisit.issued.map((i: any) => i.token), invitationIds: byVisit.issued.map((i: any) => i.invitation.id) };

  const q = survey.questions;
  const answer = async (token: string, v: Parameters<typeof answersFor>[1], complaint = false) =>
    expect((await api.submit(token, answersFor(q, v), { complaint })).__typename).toBe('SubmitSurveyResponsePayload');
  await answer(a.tokens[0]!, { rating: 5, nps: 10, purpose: 0, improve: [0], text: TRICKY, food: 4 });
  await answer(a.tokens[1]!, { rating: 4, nps: 9, purpose: 1, improve: [0, 1], food: 2 });
  await answer(a.tokens[2]!, { rating: 2, nps: 7, purpose: 0 });
  await answer(b.tokens[0]!, { rating: 3, nps: 8, purpose: 2, improve: [2], text: '会场略小' }, true);
  await answer(b.tokens[1]!, { rating: 1, nps: 0, purpose: 0 });
});
afterAll(() => t?.close());

const question = (results: any, position: number, version = 1) =>
  results.versions.find((v: any) => v.number === version).questions.find((x: any) => x.position === position);

describe('results', () => {
  it('count invitations, responses and rates, and compute each question exactly', async () => {
    const r = await api.results(coordinator.token, survey.id);
    expect(r).toMatchObject({ invitations: 8, responses: 5, responseRate: 0.625, negativeResponses: 4, complaints: 1, resolvedFollowUps: 0 });
    expect(r.versions).toHaveLength(1);
    expect(r.versions[0]).toMatchObject({ number: 1, invitations: 8, responses: 5, responseRate: 0.625 });

    const rating = question(r, 1);
    expect(rating).toMatchObject({ answered: 5, average: 3, nps: null, choices: [] });
    expect(rating.distribution).toEqual([1, 2, 3, 4, 5].map((value) => ({ value, count: 1 })));

    const nps = question(r, 2);
    expect(nps.answered).toBe(5);
    expect(nps.average).toBe(6.8); // (10 + 9 + 7 + 8 + 0) / 5
    expect(nps.nps).toEqual({ score: 20, promoters: 2, passives: 2, detractors: 1, total: 5 }); // 40 % − 20 %
    expect(nps.distribution).toHaveLength(11);
    expect(nps.distribution.filter((bin: any) => bin.count > 0)).toEqual([
      { value: 0, count: 1 },
      { value: 7, count: 1 },
      { value: 8, count: 1 },
      { value: 9, count: 1 },
      { value: 10, count: 1 },
    ]);

    const purpose = question(r, 3);
    expect(purpose.answered).toBe(5);
    expect(purpose.choices.map((c: any) => [c.label, c.count, c.share])).toEqual([
      ['调研', 3, 0.6],
      ['交流', 1, 0.2],
      ['其他', 1, 0.2],
    ]);
    expect(purpose.average).toBeNull();

    const improve = question(r, 4);
    expect(improve.answered).toBe(3);
    expect(improve.choices.map((c: any) => [c.label, c.count, c.share])).toEqual([
      ['住宿', 2, 0.667],
      ['餐饮', 1, 0.333],
      ['用车', 1, 0.333],
    ]);

    const text = question(r, 5);
    expect(text.answered).toBe(2);
    expect(text.textAnswers.map((x: any) => x.text)).toEqual(['会场略小', TRICKY]); // newest first
    expect(text.hiddenTextAnswers).toBe(0);

    const food = question(r, 6);
    expect(food).toMatchObject({ answered: 2, average: 3 });
  });

  it('filter by campaign, visit, period and version', async () => {
    const byA = await api.results(coordinator.token, survey.id, { campaignId: a.campaignId });
    expect(byA).toMatchObject({ invitations: 5, responses: 3, responseRate: 0.6, negativeResponses: 2, complaints: 0 });
    expect(question(byA, 1).average).toBe(3.67); // (5 + 4 + 2) / 3
    expect(question(byA, 2).nps).toEqual({ score: 66.7, promoters: 2, passives: 1, detractors: 0, total: 3 });

    const byVisit = await api.results(coordinator.token, survey.id, { visitId });
    expect(byVisit).toMatchObject({ invitations: 3, responses: 2, responseRate: 0.667, negativeResponses: 2, complaints: 1 });
    expect(question(byVisit, 2).nps).toEqual({ score: -50, promoters: 0, passives: 1, detractors: 1, total: 2 });
    expect(await api.results(coordinator.token, survey.id, { campaignId: b.campaignId })).toEqual(byVisit);

    // Campaign A was issued 40 days ago: a period of the last week holds campaign B only.
    await ownerQuery(`UPDATE survey_invitations SET created_at = created_at - interval '40 days' WHERE campaign_id = $1`, [rawId(a.campaignId)]);
    const week = await api.results(coordinator.token, survey.id, { from: new Date(Date.now() - 7 * 86_400_000).toISOString() });
    expect(week).toEqual(byVisit);
    const before = await api.results(coordinator.token, survey.id, { to: new Date(Date.now() - 7 * 86_400_000).toISOString() });
    expect(before).toMatchObject({ invitations: 5, responses: 3 });
    expect(await api.results(coordinator.token, survey.id, { from: new Date(Date.now() + 86_400_000).toISOString() })).toMatchObject({
      invitations: 0,
      responses: 0,
      responseRate: null,
    });

    // A second version: its own invitations and responses; all versions add up.
    const revision = (await api.gql(`query($id: ID!) { node(id: $id) { ... on Survey { version } } }`, { id: survey.id }, coordinator.token)).node.version;
    const v2 = await api.saveDraft(coordinator.token, survey.id, revision, {
      title: '第二版',
      questions: [{ key: survey.questions[0]!.key, kind: 'RATING', text: '总体满意度', required: true }],
    });
    await api.publish(coordinator.token, survey.id, v2.survey.version);
    const c = await api.invite(coordinator.token, survey.id, 2);
    expect((await api.submit(c.tokens[0]!, [{ questionKey: survey.questions[0]!.key, number: 5 }])).__typename).toBe('SubmitSurveyResponsePayload');
    const all = await api.results(coordinator.token, survey.id);
    expect(all).toMatchObject({ invitations: 10, responses: 6, responseRate: 0.6 });
    expect(all.versions.map((v: any) => [v.number, v.invitations, v.responses, v.responseRate])).toEqual([
      [1, 8, 5, 0.625],
      [2, 2, 1, 0.5],
    ]);
    expect(question(all, 1, 2)).toMatchObject({ answered: 1, average: 5 });
    const onlyV2 = await api.results(coordinator.token, survey.id, { version: 2 });
    expect(onlyV2).toMatchObject({ invitations: 2, responses: 1, responseRate: 0.5 });
    expect(onlyV2.versions.map((v: any) => v.number)).toEqual([2]);
  });

  it('export as CSV: one row per response, one column per question, quoted correctly, no names', async () => {
    const csv = await api.csv(coordinator.token, survey.id, { version: 1 });
    const rows: string[][] = parse(csv);
    const [header, ...data] = rows as [string[], ...string[][]];
    expect(header.slice(0, 10)).toEqual([
      'response_id',
      'version',
      'submitted_at',
      'respondent_kind',
      'campaign',
      'visit_id',
      'complaint',
      'negative',
      'resolved_at',
      'resolution',
    ]);
    expect(header.slice(10)).toEqual(['Q1 总体满意度', 'Q2 推荐意愿', 'Q3 来访目的', 'Q4 需改进之处', 'Q5 意见和建议', 'Q6 餐饮']);
    expect(data).toHaveLength(5);
    const answers = data.map((row) => row.slice(10));
    expect(answers).toContainEqual(['5', '10', '调研', '住宿', TRICKY, '4']);
    expect(answers).toContainEqual(['4', '9', '交流', '住宿; 餐饮', '', '2']);
    expect(answers).toContainEqual(['3', '8', '其他', '用车', '会场略小', '']);
    const complaintRow = data.find((row) => row[10] === '3')!;
    expect(complaintRow.slice(3, 8)).toEqual(['VISIT_GUEST', '调研组来访回访', rawId(visitId), 'yes', 'yes']);
    for (const name of ['王主任', '李处长', '赵秘书', '受访者1', '13900000000']) expect(csv).not.toContain(name);
    // Filtered like the results.
    expect(parse(await api.csv(coordinator.token, survey.id, { campaignId: b.campaignId }))).toHaveLength(3);
    // A respondent's formula does not run in a spreadsheet (CSV injection): it is exported as text.
    const other = await api.publishedSurvey(coordinator.token);
    const c = await api.invite(coordinator.token, other.id, 1);
    const formula = '=HYPERLINK("http://evil.example","点击")';
    expect((await api.submit(c.tokens[0]!, answersFor(other.questions, { text: formula }))).__typename).toBe('SubmitSurveyResponsePayload');
    const [, injected] = parse(await api.csv(coordinator.token, other.id)) as string[][];
    expect(injected![14]).toBe(`'${formula}`);
    // Exporting is for coordinators.
    const staff = await gov.member(['STAFF']);
    const refused = await t.gql(`query($id: ID!) { node(id: $id) { ... on Survey { resultsCsv } } }`, { id: survey.id }, { token: staff.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('export for Excel: UTF-8 with a byte order mark and CRLF, the same rows and Chinese text', async () => {
    const res = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Survey { resultsCsv(filter: { version: 1 }, excel: true) } } }`,
      { id: survey.id },
      {
        token: coordinator.token,
      },
    );
    const excel: string = res.data.node.resultsCsv;
    const bytes = Buffer.from(excel, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Chinese text is UTF-8 after the mark: 总 is E6 80 BB.
    expect(bytes.includes(Buffer.from([0xe6, 0x80, 0xbb]))).toBe(true);
    expect(excel.split('\r\n').length).toBeGreaterThan(5);
    const plain = await api.csv(coordinator.token, survey.id, { version: 1 });
    expect(plain.charCodeAt(0)).not.toBe(0xfeff);
    expect(parse(excel, { bom: true })).toEqual(parse(plain));
  });
});
