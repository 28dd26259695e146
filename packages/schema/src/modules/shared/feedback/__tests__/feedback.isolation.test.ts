// Who sees what, through the real gateway: tenant B can neither read nor change tenant A's surveys,
// campaigns, invitations or responses; a respondent's token reads its own survey and nothing else;
// discharged patients (personal health data) exist only for members holding PATIENT_DATA — in the
// API and, below it, in PostgreSQL (RLS) — including their free-text answers; and no name, contact,
// medical record number, free text or token of a respondent ever reaches the logs.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '@jiedai/db';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { answersFor, feedbackApi, type Question } from './feedback.helpers.ts';

let t: TestApp;
let api: ReturnType<typeof feedbackApi>;
let gov: TestTenant;
let hospital: TestTenant;
let govCoordinator: { token: string; membershipId: string };
let govSurvey: { id: string; questions: Question[] };
let govCampaign: { campaignId: string; tokens: string[]; invitationIds: string[] };
let govResponseId: string;
/** Every personal value and secret a respondent gave or got: none may reach the logs. */
const personal = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  api = feedbackApi(t);
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  govCoordinator = await gov.member(['COORDINATOR']);
  govSurvey = await api.publishedSurvey(govCoordinator.token);
  govCampaign = await api.invite(govCoordinator.token, govSurvey.id, 3);
  for (let i = 0; i < 3; i++) personal.add(`受访者${i + 1}`).add(`1390000${String(i).padStart(4, '0')}`);
  for (const token of govCampaign.tokens) personal.add(token).add(token.split('_').slice(2).join('_'));
  const text = '接待很热情，司机师傅姓陈';
  personal.add(text);
  expect((await api.submit(govCampaign.tokens[0]!, answersFor(govSurvey.questions, { rating: 1, text }))).__typename).toBe('SubmitSurveyResponsePayload');
  const responses = await api.gql(
    `query($id: ID!) { node(id: $id) { ... on Survey { responses(first: 5) { edges { node { id } } } } } }`,
    { id: govSurvey.id },
    govCoordinator.token,
  );
  govResponseId = responses.node.responses.edges[0].node.id;
});
afterAll(() => t?.close());

describe('tenant isolation', () => {
  it("tenant B cannot read tenant A's surveys, campaigns, invitations or responses", async () => {
    const b = hospital.adminToken;
    for (const id of [govSurvey.id, govCampaign.campaignId, govCampaign.invitationIds[0]!, govResponseId]) {
      const res = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, { token: b });
      expect(res.errors, id).toBeUndefined();
      expect(res.data.node, id).toBeNull();
      // While A itself sees each of them.
      expect((await api.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, gov.adminToken)).node).toEqual({ id });
    }
    const listed = await api.gql(`{ surveys(first: 50) { totalCount edges { node { id title } } } }`, {}, b);
    expect(listed.surveys.edges.map((e: any) => e.node.id)).not.toContain(govSurvey.id);
    expect(listed.surveys.edges.map((e: any) => e.node.title)).toEqual(['出院患者回访问卷']); // its own seeded survey only
  });

  it("tenant B cannot change, invite to, remind or resolve tenant A's", async () => {
    const b = hospital.adminToken;
    const before = await ownerQuery(`SELECT revision, status FROM surveys WHERE id = $1`, [rawId(govSurvey.id)]);
    expect(await api.saveDraft(b, govSurvey.id, 1, { title: 'x', questions: [] })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.publish(b, govSurvey.id, 1)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.close(b, govSurvey.id, 1)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.campaign(b, { surveyId: govSurvey.id, name: 'x', respondents: [{ kind: 'OTHER', name: 'x' }] })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await api.remind(b, govCampaign.campaignId)).toMatchObject({ code: 'NOT_FOUND' });
    const resolve = await api.gql(
      `mutation($id: ID!) { resolveSurveyFollowUp(input: { responseId: $id, resolution: "x" }) { __typename ... on FeedbackError { code } } }`,
      { id: govResponseId },
      b,
    );
    expect(resolve.resolveSurveyFollowUp).toEqual({ __typename: 'FeedbackError', code: 'NOT_FOUND' });
    expect(await ownerQuery(`SELECT revision, status FROM surveys WHERE id = $1`, [rawId(govSurvey.id)])).toEqual(before);
    const [{ n }] = await ownerQuery(`SELECT count(*)::int AS n FROM survey_invitations WHERE tenant_id = $1`, [hospital.id]);
    expect(n).toBe(0);
  });

  it('a respondent token reads its own survey and no response, not even its own', async () => {
    const token = govCampaign.tokens[1]!;
    const form = await api.form(token);
    expect(form.__typename).toBe('RespondentSurvey');
    expect(Object.keys(form).sort()).toEqual(['__typename', 'description', 'expiresAt', 'language', 'organizationName', 'questions', 'title']);
    // The schema a respondent is served has no response type at all, nor surveys, invitations or tasks.
    const types = await t.gql(
      `{ r: __type(name: "SurveyResponse") { name } s: __type(name: "Survey") { name } i: __type(name: "SurveyInvitation") { name } t: __type(name: "Task") { name } }`,
    );
    expect(types.data).toEqual({ r: null, s: null, i: null, t: null });
    // Answered, the token reads nothing more (its own response neither).
    expect((await api.submit(token, answersFor(govSurvey.questions, {}))).__typename).toBe('SubmitSurveyResponsePayload');
    expect(await api.form(token)).toMatchObject({ code: 'INVALID_TOKEN' });
    // A token of tenant A acting where B's rows live finds nothing of B: forge one with B's tenant.
    const forged = `jds_${Buffer.from(hospital.id.replace(/-/g, ''), 'hex').toString('base64url')}_${token.split('_').slice(2).join('_')}`;
    expect(await api.form(forged)).toMatchObject({ code: 'INVALID_TOKEN' });
  });
});

describe('patient data (PATIENT_DATA)', () => {
  const CSV = [
    '住院号,姓名,联系方式,科室,出院日期',
    'ZY2030050001,张三丰,"北京市东城区和平里1号, 3单元",心内科,2030-05-03',
    'ZY2030050002,李四娘,13811112222,骨科,2030-05-20',
  ].join('\n');
  const API_PATIENT = { medicalRecordNo: 'ZY2030050003', name: '王五妹', contact: '13933334444', dischargedOn: '2030-05-31' };
  for (const v of [
    '张三丰',
    '北京市东城区和平里1号',
    '李四娘',
    '13811112222',
    'ZY2030050001',
    'ZY2030050002',
    'ZY2030050003',
    '王五妹',
    '13933334444',
    '赵六',
    '13700009999',
    'ZY2030050004',
    '陈七',
  ])
    personal.add(v);

  it('only PATIENT_DATA holders import the list, see the patients, and read their free text; RLS enforces it below', async () => {
    const coordinator = await hospital.member(['COORDINATOR']);
    const clerk = await hospital.member(['PATIENT_DATA']); // the records office: patient data, nothing else
    const surveyId = (await api.gql(`{ surveys(first: 1) { edges { node { id } } } }`, {}, coordinator.token)).surveys.edges[0].node.id;
    const input = { surveyId, month: '2030-05', csv: CSV, patients: [API_PATIENT] };

    // Coordinators and even the tenant admin may not.
    for (const token of [coordinator.token, hospital.adminToken]) {
      const refused = await api.discharge(token, input);
      expect(refused.errors).toBeUndefined();
      expect(refused.data.createDischargeFollowUpCampaign.__typename).toBe('ForbiddenError');
    }

    // A bad row refuses the whole list, naming the row but none of its values.
    const bad = await api.discharge(clerk.token, {
      ...input,
      csv: `${CSV}\nZY2030060001,陈七,13700000000,骨科,2030-06-01\nZY2030050009,,13700000001,骨科,2030-05-02`,
    });
    expect(bad.data.createDischargeFollowUpCampaign.__typename).toBe('ValidationError');
    expect(bad.data.createDischargeFollowUpCampaign.fieldErrors.map((e: { path: string[] }) => e.path)).toEqual([
      ['input', 'csv', 'row 4', 'dischargedOn'],
      ['input', 'csv', 'row 5', 'name'],
    ]);
    expect(JSON.stringify(bad)).not.toContain('陈七');
    const missing = await api.discharge(clerk.token, { ...input, patients: null, csv: '姓名,出院日期\n赵六,2030-05-01' });
    expect(missing.data.createDischargeFollowUpCampaign.fieldErrors[0]).toMatchObject({
      path: ['input', 'csv'],
      message: expect.stringContaining('missing column'),
    });

    const imported = await api.discharge(clerk.token, input);
    const payload = imported.data.createDischargeFollowUpCampaign;
    expect(payload.__typename, JSON.stringify(imported)).toBe('SurveyCampaignPayload');
    expect(payload.campaign).toMatchObject({ kind: 'DISCHARGE_FOLLOW_UP', month: '2030-05', name: '2030年5月出院患者回访', invitationCount: 3 });
    expect(payload.patients).toBe(3);
    expect(payload.issued.map((i: any) => [i.invitation.respondentKind, i.invitation.respondentName, i.invitation.respondentContact]).sort()).toEqual([
      ['DISCHARGED_PATIENT', '张三丰', '北京市东城区和平里1号, 3单元'],
      ['DISCHARGED_PATIENT', '李四娘', '13811112222'],
      ['DISCHARGED_PATIENT', '王五妹', '13933334444'],
    ]);
    for (const i of payload.issued) personal.add(i.token).add(i.token.split('_').slice(2).join('_'));
    // The invitation rows themselves hold no name or contact: those stay in discharged_patients.
    expect(
      await ownerQuery(`SELECT DISTINCT respondent_name, respondent_contact FROM survey_invitations WHERE campaign_id = $1`, [rawId(payload.campaign.id)]),
    ).toEqual([{ respondent_name: null, respondent_contact: null }]);

    // Importing again (with one more patient) invites only the new one; the same patient is not duplicated.
    const again = await api.discharge(clerk.token, {
      ...input,
      patients: [API_PATIENT, { medicalRecordNo: 'ZY2030050004', name: '赵六', contact: '13700009999', dischargedOn: '2030-05-15' }],
    });
    expect(again.data.createDischargeFollowUpCampaign.issued.map((i: any) => i.invitation.respondentName)).toEqual(['赵六']);
    for (const i of again.data.createDischargeFollowUpCampaign.issued) personal.add(i.token);
    expect(again.data.createDischargeFollowUpCampaign.campaign.invitationCount).toBe(4);

    const listed = (token: string) =>
      api.gql(
        `query($id: ID!) { node(id: $id) { ... on Survey { invitations(first: 10) { edges { node { respondentKind respondentName respondentContact patient { name medicalRecordNo } } } } } } }`,
        { id: surveyId },
        token,
      );
    const forCoordinator = (await listed(coordinator.token)).node.invitations.edges.map((e: any) => e.node);
    expect(forCoordinator).toHaveLength(4);
    expect(forCoordinator.every((n: any) => n.respondentKind === 'DISCHARGED_PATIENT' && !n.respondentName && !n.respondentContact && !n.patient)).toBe(true);
    // The clerk holds no other role: not even the invitations list (STAFF).
    const forClerk = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Survey { invitations(first: 1) { totalCount } } } }`,
      { id: surveyId },
      { token: clerk.token },
    );
    expect(forClerk.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const clerkAndStaff = await hospital.member(['STAFF', 'PATIENT_DATA']);
    const names = (await listed(clerkAndStaff.token)).node.invitations.edges.map((e: any) => e.node.patient?.name).sort();
    expect(names).toEqual(['张三丰', '李四娘', '王五妹', '赵六']);
    expect((await t.gql(`{ dischargedPatients(month: "2030-05") { name } }`, {}, { token: coordinator.token })).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await api.gql(`{ dischargedPatients(month: "2030-05") { name dischargedOn department } }`, {}, clerk.token)).dischargedPatients).toEqual([
      { name: '张三丰', dischargedOn: '2030-05-03', department: '心内科' },
      { name: '赵六', dischargedOn: '2030-05-15', department: null },
      { name: '李四娘', dischargedOn: '2030-05-20', department: '骨科' },
      { name: '王五妹', dischargedOn: '2030-05-31', department: null },
    ]);

    // Below the API: acting as the app role, the coordinator's scope has no patient row at all.
    const userIdOf = async (token: string) => rawId((await api.gql(`{ viewer { id } }`, {}, token)).viewer.id);
    const count = async (token: string) => inScope(t.db.prisma, { tenantId: hospital.id, userId: await userIdOf(token) }, (db) => db.dischargedPatient.count());
    expect(await count(coordinator.token)).toBe(0);
    expect(await count(hospital.adminToken)).toBe(0);
    expect(await count(clerk.token)).toBe(4);
    await expect(
      inScope(t.db.prisma, { tenantId: hospital.id, userId: await userIdOf(coordinator.token) }, (db) =>
        db.dischargedPatient.create({ data: { tenantId: hospital.id, medicalRecordNo: 'X1', name: 'x', contact: 'x', dischargedOn: new Date('2030-05-01') } }),
      ),
    ).rejects.toThrow(/row-level security/);

    // A patient answers (no account): negative, with free text that is health data.
    const token = payload.issued[0].token as string;
    const form = await api.form(token);
    expect(form).toMatchObject({ __typename: 'RespondentSurvey', title: '出院患者回访问卷' });
    const q = form.questions as Question[];
    const freeText = '出院后伤口疼痛，复诊时请联系我';
    personal.add(freeText);
    const answers = q.flatMap((question): Record<string, unknown>[] => {
      if (question.kind === 'RATING') return [{ questionKey: question.key, number: question === q[0] ? 1 : 4 }];
      if (question.kind === 'NPS') return [{ questionKey: question.key, number: 3 }];
      if (question.kind === 'SINGLE_CHOICE') return [{ questionKey: question.key, optionKeys: [question.options[0]!.key] }];
      if (question.kind === 'TEXT') return [{ questionKey: question.key, text: freeText }];
      return [];
    });
    expect((await api.submit(token, answers)).__typename).toBe('SubmitSurveyResponsePayload');

    const readResponse = (as: string) =>
      api.gql(
        `query($id: ID!) { node(id: $id) { ... on Survey { responses(first: 5) { edges { node { negative
           answers { kind text textWithheld } followUpTask { title description assigneeRole } } } } } } }`,
        { id: surveyId },
        as,
      );
    const seenByCoordinator = (await readResponse(coordinator.token)).node.responses.edges[0].node;
    expect(seenByCoordinator.negative).toBe(true);
    expect(seenByCoordinator.answers.find((a: any) => a.kind === 'TEXT')).toEqual({ kind: 'TEXT', text: null, textWithheld: true });
    expect(seenByCoordinator.followUpTask).toMatchObject({ title: '负面反馈跟进：出院患者回访问卷（第1版）', assigneeRole: 'COORDINATOR' });
    expect(JSON.stringify(seenByCoordinator)).not.toMatch(/张三丰|李四娘|王五妹|伤口/);
    const seenByClerk = (await readResponse(clerkAndStaff.token)).node.responses.edges[0].node;
    expect(seenByClerk.answers.find((a: any) => a.kind === 'TEXT')).toEqual({ kind: 'TEXT', text: freeText, textWithheld: false });

    const results = await api.results(coordinator.token, surveyId);
    const textResult = results.versions[0].questions.find((x: any) => x.question.kind === 'TEXT');
    expect(textResult).toMatchObject({ answered: 1, textAnswers: [], hiddenTextAnswers: 1 });
    expect(results).toMatchObject({ invitations: 4, responses: 1, responseRate: 0.25, negativeResponses: 1 });
    const csv = parse(await api.csv(coordinator.token, surveyId)) as string[][];
    expect(csv[1]).toContain('（患者数据，已隐去）');
    expect(JSON.stringify(csv)).not.toContain('伤口');
  });
});

describe('logs', () => {
  it('hold no respondent name, contact, record number, free text or token', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    const all = t.logs.join('\n');
    expect(all).toContain('"actor":"surveyRespondent"'); // the respondents' operations were logged, as such
    expect(personal.size).toBeGreaterThan(30);
    expect([...personal].filter((value) => all.includes(value))).toEqual([]);
  });
});
