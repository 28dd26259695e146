// Surveys through the real gateway: a draft is edited, publishing freezes version 1 (in the database
// too), editing the published survey drafts version 2 while invitations keep answering the version
// they were issued for, and each response belongs to the version it answered; closing stops links
// and invitations; reminders re-issue the links of those who have not answered; every new tenant
// starts with its kind's zh-Hans survey, published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { answersFor, EVERY_KIND, feedbackApi, type Question } from './feedback.helpers.ts';

let t: TestApp;
let api: ReturnType<typeof feedbackApi>;
let platformToken: string;
let gov: TestTenant;
let coordinator: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  api = feedbackApi(t);
  platformToken = (await createPlatformAdmin(t)).token;
  gov = await createTenant(t, platformToken, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  coordinator = await gov.member(['COORDINATOR']);
});
afterAll(() => t?.close());

describe('publishing and versions', () => {
  it('edits a draft, freezes it by publishing, drafts the next version on edit, and keeps each invitation on its version', async () => {
    const created = await api.createSurvey(coordinator.token);
    expect(created.survey).toMatchObject({
      status: 'DRAFT',
      version: 1,
      title: '接待满意度测试问卷',
      publishedVersion: null,
      versions: [{ number: 1, isDraft: true, publishedAt: null }],
    });
    const id = created.survey.id;
    const v1Draft: Question[] = created.survey.draft.questions;
    expect(v1Draft).toHaveLength(6);
    expect(new Set(v1Draft.map((q) => q.key)).size).toBe(6);

    // No invitations before publishing.
    const early = await api.campaign(coordinator.token, { surveyId: id, name: '太早', respondents: [{ kind: 'OTHER', name: '甲' }] });
    expect(early).toMatchObject({ __typename: 'FeedbackError', code: 'NOT_PUBLISHED' });

    // The draft is replaced in place (still version 1); a stale version changes nothing.
    const edited = await api.saveDraft(coordinator.token, id, 1, { ...EVERY_KIND, title: '接待满意度调查' });
    expect(edited.survey).toMatchObject({ version: 2, title: '接待满意度调查', versions: [{ number: 1, isDraft: true }] });
    expect(await api.saveDraft(coordinator.token, id, 1, EVERY_KIND)).toMatchObject({ __typename: 'FeedbackError', code: 'CONFLICT' });

    const published = await api.publish(coordinator.token, id, 2);
    expect(published.survey).toMatchObject({ status: 'PUBLISHED', version: 3, draft: null, publishedVersion: { number: 1, title: '接待满意度调查' } });
    expect(published.survey.versions).toEqual([{ number: 1, isDraft: false, publishedAt: expect.any(String) }]);
    expect(await api.publish(coordinator.token, id, 3)).toMatchObject({ __typename: 'FeedbackError', code: 'NO_DRAFT' });
    const v1: Question[] = published.survey.publishedVersion.questions;

    // Frozen below the API too: not even the database owner can change a published version.
    await expect(ownerQuery(`UPDATE survey_versions SET title = 'x' WHERE survey_id = $1 AND number = 1`, [rawId(id)])).rejects.toThrow(
      /published and cannot change/,
    );

    const first = await api.invite(coordinator.token, id, 1);

    // Editing the published survey drafts version 2: the first question kept (same key), the last
    // one dropped, a new one added. Version 1 stays what invitations answer until it is published.
    const v2Input = {
      title: '接待满意度调查（第二版）',
      questions: [
        { key: v1[0]!.key, kind: 'RATING', text: '总体满意度', required: true },
        { key: v1[1]!.key, kind: 'NPS', text: '推荐意愿', required: true },
        { kind: 'SINGLE_CHOICE', text: '是否首次来访', required: true, options: [{ label: '是' }, { label: '否' }] },
      ],
    };
    const drafted = await api.saveDraft(coordinator.token, id, 3, v2Input);
    expect(drafted.survey).toMatchObject({ status: 'PUBLISHED', title: '接待满意度调查（第二版）', publishedVersion: { number: 1 }, draft: { number: 2 } });
    expect(drafted.survey.draft.questions.map((q: Question) => q.key).slice(0, 2)).toEqual([v1[0]!.key, v1[1]!.key]);
    const second = await api.invite(coordinator.token, id, 1);
    const v2 = (await api.publish(coordinator.token, id, drafted.survey.version)).survey.publishedVersion;
    expect(v2).toMatchObject({ number: 2, title: '接待满意度调查（第二版）' });
    const third = await api.invite(coordinator.token, id, 1);

    // The invitations issued before version 2 was published still show and take version 1.
    for (const token of [first.tokens[0]!, second.tokens[0]!]) {
      const form = await api.form(token);
      expect(form.title).toBe('接待满意度调查');
      expect(form.questions.map((q: Question) => q.key)).toEqual(v1.map((q) => q.key));
      expect((await api.submit(token, answersFor(v1, { rating: 4 }))).__typename).toBe('SubmitSurveyResponsePayload');
    }
    const form3 = await api.form(third.tokens[0]!);
    expect(form3.questions.map((q: Question) => q.text)).toEqual(['总体满意度', '推荐意愿', '是否首次来访']);
    // Version 1's answers do not fit version 2 (its fifth question is gone).
    const misfit = await api.submit(third.tokens[0]!, answersFor(v1, { rating: 4, text: '好' }));
    expect(misfit.__typename).toBe('SurveyAnswersError');
    expect(misfit.issues.map((i: { code: string }) => i.code)).toEqual(['REQUIRED', 'UNKNOWN_QUESTION', 'UNKNOWN_QUESTION']);
    const q3 = form3.questions[2];
    const ok = await api.submit(third.tokens[0]!, [
      { questionKey: v1[0]!.key, number: 5 },
      { questionKey: v1[1]!.key, number: 10 },
      { questionKey: q3.key, optionKeys: [q3.options[0].key] },
    ]);
    expect(ok.__typename).toBe('SubmitSurveyResponsePayload');

    const versions = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Survey { versions { number isDraft } invitations(first: 10) { edges { node { id versionNumber status response { versionNumber } } } } } } }`,
      { id },
      coordinator.token,
    );
    expect(versions.node.versions).toEqual([
      { number: 1, isDraft: false },
      { number: 2, isDraft: false },
    ]);
    const byId = new Map(versions.node.invitations.edges.map((e: any) => [e.node.id, e.node]));
    expect(byId.get(first.invitationIds[0])).toMatchObject({ versionNumber: 1, status: 'RESPONDED', response: { versionNumber: 1 } });
    expect(byId.get(second.invitationIds[0])).toMatchObject({ versionNumber: 1, status: 'RESPONDED', response: { versionNumber: 1 } });
    expect(byId.get(third.invitationIds[0])).toMatchObject({ versionNumber: 2, status: 'RESPONDED', response: { versionNumber: 2 } });
  });

  it('refuses bad survey content with field errors', async () => {
    const bad = await api.createSurvey(coordinator.token, {
      title: ' ',
      language: 'chinese simplified',
      questions: [
        { kind: 'SINGLE_CHOICE', text: '只有一个选项', options: [{ label: '是' }] },
        { kind: 'RATING', text: '评分', options: [{ label: '1' }, { label: '2' }] },
        { kind: 'MULTIPLE_CHOICE', text: '重复选项', options: [{ label: 'A' }, { label: 'A' }] },
      ],
    });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fieldErrors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual(
      ['input.language', 'input.questions.0.options', 'input.questions.1.options', 'input.questions.2.options', 'input.title'].sort(),
    );
    // An empty draft is fine; publishing it is not.
    const empty = await api.createSurvey(coordinator.token, { title: '空问卷', questions: [] });
    expect(empty.__typename).toBe('SurveyPayload');
    expect(await api.publish(coordinator.token, empty.survey.id, 1)).toMatchObject({
      __typename: 'ValidationError',
      fieldErrors: [{ path: ['input', 'questions'], message: expect.stringContaining('at least one question') }],
    });
    // Only coordinators (and admins) design surveys.
    const staff = await gov.member(['STAFF']);
    const forbidden = await t.gql(
      `mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { __typename } }`,
      { input: EVERY_KIND },
      { token: staff.token },
    );
    expect(forbidden.errors).toBeUndefined();
    expect(forbidden.data.createSurvey.__typename).toBe('ForbiddenError');
  });

  it('closing stops open links, new invitations and edits; results stay', async () => {
    const survey = await api.publishedSurvey(coordinator.token);
    const { tokens } = await api.invite(coordinator.token, survey.id, 2);
    expect((await api.submit(tokens[0]!, answersFor(survey.questions, {}))).__typename).toBe('SubmitSurveyResponsePayload');
    const revision = (await api.gql(`query($id: ID!) { node(id: $id) { ... on Survey { version } } }`, { id: survey.id }, coordinator.token)).node.version;
    const closed = await api.close(coordinator.token, survey.id, revision);
    expect(closed.survey).toMatchObject({ status: 'CLOSED' });
    expect(await api.form(tokens[1]!)).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await api.submit(tokens[1]!, answersFor(survey.questions, {}))).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(await api.campaign(coordinator.token, { surveyId: survey.id, name: '再来', respondents: [{ kind: 'OTHER', name: '乙' }] })).toMatchObject({
      code: 'SURVEY_CLOSED',
    });
    expect(await api.saveDraft(coordinator.token, survey.id, closed.survey.version, EVERY_KIND)).toMatchObject({ code: 'SURVEY_CLOSED' });
    expect((await api.results(coordinator.token, survey.id)).responses).toBe(1);
  });
});

describe('reminders', () => {
  it('re-issue the link of everyone who has not answered; the old link stops working', async () => {
    const survey = await api.publishedSurvey(coordinator.token);
    const { campaignId, tokens, invitationIds } = await api.invite(coordinator.token, survey.id, 3);
    expect((await api.submit(tokens[0]!, answersFor(survey.questions, {}))).__typename).toBe('SubmitSurveyResponsePayload');
    const reminded = await api.remind(coordinator.token, campaignId);
    expect(reminded.__typename).toBe('SurveyCampaignPayload');
    expect(reminded.campaign).toMatchObject({ invitationCount: 3, responseCount: 1 });
    expect(reminded.issued.map((i: any) => i.invitation.id).sort()).toEqual([invitationIds[1], invitationIds[2]].sort());
    const fresh = reminded.issued.find((i: any) => i.invitation.id === invitationIds[1]).token;
    expect(fresh).not.toBe(tokens[1]);
    expect(await api.form(tokens[1]!)).toMatchObject({ code: 'INVALID_TOKEN' });
    expect((await api.submit(fresh, answersFor(survey.questions, {}))).__typename).toBe('SubmitSurveyResponsePayload');
    const counts = await ownerQuery(
      `SELECT reminder_count, last_reminded_at IS NOT NULL AS reminded FROM survey_invitations WHERE campaign_id = $1 ORDER BY reminder_count`,
      [rawId(campaignId)],
    );
    expect(counts).toEqual([
      { reminder_count: 0, reminded: false },
      { reminder_count: 1, reminded: true },
      { reminder_count: 1, reminded: true },
    ]);
  });
});

describe('seeded templates', () => {
  it("every new tenant starts with its kind's zh-Hans survey, published", async () => {
    const expected = {
      GOVERNMENT_OFFICE: '来访接待满意度调查',
      HOSPITAL: '出院患者回访问卷',
      HOTEL: '宾客满意度调查（住店/会议）',
    } as const;
    for (const [kind, title] of Object.entries(expected)) {
      const tenant = await createTenant(t, platformToken, kind as keyof typeof expected);
      const data = await api.gql(
        `{ surveys(first: 10) { totalCount edges { node { title status ownerRole publishedVersion { number language questions { kind } } } } } }`,
        {},
        tenant.adminToken,
      );
      expect(data.surveys.totalCount, kind).toBe(1);
      const survey = data.surveys.edges[0].node;
      expect(survey).toMatchObject({ title, status: 'PUBLISHED', ownerRole: 'COORDINATOR', publishedVersion: { number: 1, language: 'zh-Hans' } });
      const kinds = survey.publishedVersion.questions.map((q: { kind: string }) => q.kind);
      expect(kinds).toContain('RATING');
      expect(kinds).toContain('NPS');
      expect(kinds).toContain('TEXT');
    }
  });
});
