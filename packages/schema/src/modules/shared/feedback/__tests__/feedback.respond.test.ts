// Answering without an account, through the real gateway: a respondent reads the survey with the
// token of their invitation and answers once; a second submission, an expired token, a forged one,
// a token of a closed survey all get the same error; every question kind's bad answers are refused
// with typed issues and store nothing (and the link still works); submissions are rate-limited per
// token and per client address; a negative answer opens a follow-up task whose resolution is
// recorded with the response.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { answersFor, feedbackApi, fingerprint, FORM_RESULT, type Question } from './feedback.helpers.ts';

let t: TestApp;
let api: ReturnType<typeof feedbackApi>;
let gov: TestTenant;
let coordinator: { token: string; membershipId: string };
let survey: { id: string; questions: Question[] };

beforeAll(async () => {
  t = await startTestApp();
  api = feedbackApi(t);
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
  coordinator = await gov.member(['COORDINATOR']);
  survey = await api.publishedSurvey(coordinator.token);
});
afterAll(() => t?.close());

const INVALID = { __typename: 'FeedbackError', code: 'INVALID_TOKEN', message: 'This survey link is not valid (it may have expired or been used already)' };

describe('a personal link', () => {
  it('reads the survey without an account, is answered once, and then refuses like any bad token', async () => {
    const { tokens, invitationIds } = await api.invite(coordinator.token, survey.id, 1);
    const token = tokens[0]!;
    expect(token).toMatch(/^jds_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{32}$/);
    // Only the SHA-256 is stored, never the token.
    const [row] = await ownerQuery(`SELECT token_hash FROM survey_invitations WHERE id = $1`, [rawId(invitationIds[0]!)]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await ownerQuery(`SELECT * FROM survey_invitations WHERE tenant_id = $1`, [gov.id]))).not.toContain(token.slice(-32));

    const form = await api.form(token);
    expect(form).toMatchObject({
      __typename: 'RespondentSurvey',
      organizationName: expect.stringContaining('Test GOVERNMENT_OFFICE'),
      title: '接待满意度测试问卷',
      language: 'zh-Hans',
    });
    expect(form.questions.map((q: Question & { scaleMin: number | null; scaleMax: number | null }) => [q.kind, q.required, q.scaleMin, q.scaleMax])).toEqual([
      ['RATING', true, 1, 5],
      ['NPS', true, 0, 10],
      ['SINGLE_CHOICE', true, null, null],
      ['MULTIPLE_CHOICE', false, null, null],
      ['TEXT', false, null, null],
      ['RATING', false, 1, 5],
    ]);
    expect(form.questions.map((q: Question) => q.key)).toEqual(survey.questions.map((q) => q.key));

    const submitted = await api.submit(token, answersFor(survey.questions, { rating: 4, nps: 9, purpose: 1, improve: [0, 2], text: '安排周到', food: 5 }));
    expect(submitted).toMatchObject({ __typename: 'SubmitSurveyResponsePayload', submittedAt: expect.any(String) });
    const stored = await ownerQuery(
      `SELECT a.kind, a.number_value, cardinality(a.option_keys) AS options, a.text_value
         FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
         JOIN survey_invitations i ON i.id = r.invitation_id WHERE i.id = $1 ORDER BY a.kind, a.number_value`,
      [rawId(invitationIds[0]!)],
    );
    expect(stored).toEqual([
      { kind: 'RATING', number_value: 4, options: 0, text_value: null },
      { kind: 'RATING', number_value: 5, options: 0, text_value: null },
      { kind: 'NPS', number_value: 9, options: 0, text_value: null },
      { kind: 'SINGLE_CHOICE', number_value: null, options: 1, text_value: null },
      { kind: 'MULTIPLE_CHOICE', number_value: null, options: 2, text_value: null },
      { kind: 'TEXT', number_value: null, options: 0, text_value: '安排周到' },
    ]);

    // Used: reading and answering again get the one error.
    expect(await api.submit(token, answersFor(survey.questions, {}))).toEqual(INVALID);
    expect(await api.form(token)).toEqual(INVALID);
    const [count] = await ownerQuery(`SELECT count(*)::int AS n FROM survey_responses WHERE invitation_id = $1`, [rawId(invitationIds[0]!)]);
    expect(count.n).toBe(1);
  });

  it('is answered once even when two submissions race', async () => {
    const { tokens, invitationIds } = await api.invite(coordinator.token, survey.id, 1);
    const results = await Promise.all([1, 2, 3].map((rating) => api.submit(tokens[0]!, answersFor(survey.questions, { rating: rating + 2 }))));
    expect(results.map((r) => r.__typename).sort()).toEqual(['FeedbackError', 'FeedbackError', 'SubmitSurveyResponsePayload']);
    expect(results.filter((r) => r.__typename === 'FeedbackError')).toEqual([INVALID, INVALID]);
    const [count] = await ownerQuery(`SELECT count(*)::int AS n FROM survey_responses WHERE invitation_id = $1`, [rawId(invitationIds[0]!)]);
    expect(count.n).toBe(1);
  });

  it('expired, forged, malformed, of another survey state: the same error, and nothing stored', async () => {
    const { tokens, invitationIds } = await api.invite(coordinator.token, survey.id, 2);
    await ownerQuery(`UPDATE survey_invitations SET expires_at = now() - interval '1 minute', created_at = now() - interval '2 days' WHERE id = $1`, [
      rawId(invitationIds[0]!),
    ]);
    const expired = tokens[0]!;
    const valid = tokens[1]!;
    const tenantPart = valid.split('_')[1]!;
    const otherTenant = Buffer.from(randomBytes(16)).toString('base64url');
    const forged = [
      `jds_${tenantPart}_${randomBytes(24).toString('base64url')}`, // right tenant, guessed secret
      `jds_${otherTenant}_${valid.split('_').slice(2).join('_')}`, // the secret moved to another tenant
      valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A'), // one character changed
      'jds_garbage',
      '',
    ];
    const before = await fingerprint(gov.id);
    for (const token of [expired, ...forged]) {
      expect(await api.form(token), token).toEqual(INVALID);
      expect(await api.submit(token, answersFor(survey.questions, {})), token).toEqual(INVALID);
    }
    expect(await fingerprint(gov.id)).toEqual(before);
    // The valid one still works.
    expect((await api.submit(valid, answersFor(survey.questions, {}))).__typename).toBe('SubmitSurveyResponsePayload');
  });

  it('is answerable by a signed-in member of the same tenant (a front-desk tablet), not of another', async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 1);
    const platform = await createPlatformAdmin(t);
    const other = await createTenant(t, platform.token, 'HOTEL', { withDefaultStructure: false });
    expect(await api.form(tokens[0]!, other.adminToken)).toEqual(INVALID);
    expect(await api.submit(tokens[0]!, answersFor(survey.questions, {}), { as: other.adminToken })).toEqual(INVALID);
    const staff = await gov.member(['STAFF']);
    expect((await api.form(tokens[0]!, staff.token)).__typename).toBe('RespondentSurvey');
    expect((await api.submit(tokens[0]!, answersFor(survey.questions, {}), { as: staff.token })).__typename).toBe('SubmitSurveyResponsePayload');
  });

  it('does not lend its tenant to anything else in the operation', async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 1);
    // With another root field beside it, the operation stays anonymous (no tenant): the token is refused
    // and the other field sees nothing.
    const mixed = await t.gql(`query($token: String!) { surveyInvitation(token: $token) { ${FORM_RESULT} } viewer { id } }`, { token: tokens[0] });
    expect(mixed.errors).toBeUndefined();
    expect(mixed.data).toEqual({ surveyInvitation: INVALID, viewer: null });
    // Two different tokens in one operation: neither counts.
    const second = (await api.invite(coordinator.token, survey.id, 1)).tokens[0]!;
    const two = await t.gql(`query($a: String!, $b: String!) { a: surveyInvitation(token: $a) { __typename } b: surveyInvitation(token: $b) { __typename } }`, {
      a: tokens[0],
      b: second,
    });
    expect(two.data).toEqual({ a: { __typename: 'FeedbackError' }, b: { __typename: 'FeedbackError' } });
    // The same token twice, through a fragment, with __typename: fine.
    const aliased = await t.gql(
      `query($t: String!) { __typename ...F } fragment F on Query { x: surveyInvitation(token: $t) { __typename } y: surveyInvitation(token: $t) { __typename } }`,
      { t: tokens[0] },
    );
    expect(aliased.data).toEqual({ __typename: 'Query', x: { __typename: 'RespondentSurvey' }, y: { __typename: 'RespondentSurvey' } });
  });
});

describe("answers are checked against the version's questions", () => {
  it("refuses each kind's bad answers with typed issues, stores nothing, and leaves the link usable", async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 1);
    const token = tokens[0]!;
    const [rating, nps, single, multiple, text, food] = survey.questions as [Question, Question, Question, Question, Question, Question];
    const unknownKey = '00000000-0000-4000-8000-000000000000';
    const cases: { answers: unknown[]; issues: [number | null, string][] }[] = [
      // required questions left out (rating, nps, single choice)
      {
        answers: [],
        issues: [
          [1, 'REQUIRED'],
          [2, 'REQUIRED'],
          [3, 'REQUIRED'],
        ],
      },
      // empty values count as not answered
      {
        answers: [{ questionKey: rating.key }, { questionKey: nps.key, text: '  ' }, { questionKey: single.key, optionKeys: [] }],
        issues: [
          [1, 'REQUIRED'],
          [2, 'REQUIRED'],
          [3, 'REQUIRED'],
        ],
      },
      // ranges: RATING 1–5, NPS 0–10
      {
        answers: [
          { questionKey: rating.key, number: 0 },
          { questionKey: nps.key, number: 11 },
          { questionKey: single.key, optionKeys: [single.options[0]!.key] },
          { questionKey: food.key, number: 6 },
        ],
        issues: [
          [1, 'OUT_OF_RANGE'],
          [2, 'OUT_OF_RANGE'],
          [6, 'OUT_OF_RANGE'],
        ],
      },
      {
        answers: [
          { questionKey: rating.key, number: -1 },
          { questionKey: nps.key, number: -1 },
          { questionKey: single.key, optionKeys: [single.options[0]!.key] },
        ],
        issues: [
          [1, 'OUT_OF_RANGE'],
          [2, 'OUT_OF_RANGE'],
        ],
      },
      // wrong kinds of value
      {
        answers: [
          { questionKey: rating.key, text: '很好' },
          { questionKey: nps.key, optionKeys: [single.options[0]!.key] },
          { questionKey: single.key, number: 1 },
          { questionKey: multiple.key, text: '住宿' },
          { questionKey: text.key, number: 3 },
        ],
        issues: [
          [1, 'WRONG_KIND'],
          [2, 'WRONG_KIND'],
          [3, 'WRONG_KIND'],
          [4, 'WRONG_KIND'],
          [5, 'WRONG_KIND'],
        ],
      },
      // options: unknown (also another question's), two for a single choice, one twice
      {
        answers: [
          { questionKey: rating.key, number: 3 },
          { questionKey: nps.key, number: 5 },
          { questionKey: single.key, optionKeys: [single.options[0]!.key, single.options[1]!.key] },
          { questionKey: multiple.key, optionKeys: [single.options[0]!.key] },
        ],
        issues: [
          [3, 'TOO_MANY_OPTIONS'],
          [4, 'UNKNOWN_OPTION'],
        ],
      },
      {
        answers: [
          { questionKey: rating.key, number: 3 },
          { questionKey: nps.key, number: 5 },
          { questionKey: single.key, optionKeys: [unknownKey] },
          { questionKey: multiple.key, optionKeys: [multiple.options[0]!.key, multiple.options[0]!.key] },
        ],
        issues: [
          [3, 'UNKNOWN_OPTION'],
          [4, 'TOO_MANY_OPTIONS'],
        ],
      },
      // text too long; an unknown question; a question answered twice
      {
        answers: [
          { questionKey: rating.key, number: 3 },
          { questionKey: rating.key, number: 4 },
          { questionKey: nps.key, number: 5 },
          { questionKey: single.key, optionKeys: [single.options[2]!.key] },
          { questionKey: text.key, text: '长'.repeat(2001) },
          { questionKey: unknownKey, number: 1 },
        ],
        issues: [
          [1, 'DUPLICATE_ANSWER'],
          [5, 'TOO_LONG'],
          [null, 'UNKNOWN_QUESTION'],
        ],
      },
    ];
    const before = await fingerprint(gov.id);
    for (const c of cases) {
      const result = await api.submit(token, c.answers);
      expect(result.__typename, JSON.stringify(c.answers)).toBe('SurveyAnswersError');
      expect(
        result.issues.map((i: { position: number | null; code: string }) => [i.position, i.code]),
        JSON.stringify(c.answers),
      ).toEqual(c.issues);
      for (const issue of result.issues) {
        expect(issue.message).toEqual(expect.any(String));
        if (issue.position) expect(issue.questionKey).toBe(survey.questions[issue.position - 1]!.key);
      }
    }
    // Not even an audit entry, a task or an event: the savepoint took everything back.
    expect(await fingerprint(gov.id)).toEqual(before);
    // The link still works, and takes a minimal valid answer (optional questions skipped).
    const ok = await api.submit(token, [
      { questionKey: rating.key, number: 1 },
      { questionKey: nps.key, number: 0 },
      { questionKey: single.key, optionKeys: [single.options[0]!.key] },
      { questionKey: text.key, text: '   ' },
    ]);
    expect(ok.__typename).toBe('SubmitSurveyResponsePayload');
  });
});

describe('a negative answer', () => {
  it("opens a follow-up task for the survey owner's role, with no personal data, resolved from the response or the board", async () => {
    const { tokens, invitationIds } = await api.invite(coordinator.token, survey.id, 3);
    const [lowRating, complaint, positive] = tokens as [string, string, string];
    expect((await api.submit(lowRating, answersFor(survey.questions, { rating: 2, nps: 9, text: '房间太吵，联系我 13800001111' }))).__typename).toBe(
      'SubmitSurveyResponsePayload',
    );
    expect((await api.submit(complaint, answersFor(survey.questions, { rating: 5, nps: 10 }), { complaint: true })).__typename).toBe(
      'SubmitSurveyResponsePayload',
    );
    expect((await api.submit(positive, answersFor(survey.questions, { rating: 3, nps: 7 }))).__typename).toBe('SubmitSurveyResponsePayload');

    const responses = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Survey { responses(negativeOnly: true, first: 10) { totalCount edges { node {
         id negative complaint resolution resolvedAt invitation { id }
         followUpTask { id status title description assigneeRole visit { id } } } } } } } }`,
      { id: survey.id },
      coordinator.token,
    );
    const byInvitation = new Map(responses.node.responses.edges.map((e: any) => [e.node.invitation.id, e.node]));
    expect(invitationIds.map((id) => byInvitation.has(id))).toEqual([true, true, false]);
    const low = byInvitation.get(invitationIds[0]) as any;
    const flagged = byInvitation.get(invitationIds[1]) as any;
    expect(low).toMatchObject({ negative: true, complaint: false, resolution: null, resolvedAt: null });
    expect(low.followUpTask).toMatchObject({ status: 'TODO', assigneeRole: 'COORDINATOR', visit: null, title: '负面反馈跟进：接待满意度测试问卷（第1版）' });
    expect(low.followUpTask.description).toContain('第1题「总体满意度」评分 2/5');
    expect(low.followUpTask.description).not.toContain('13800001111');
    // Neither the respondent's name (受访者1) nor their free text reaches the board.
    expect(low.followUpTask.description).not.toContain('受访者1');
    expect(low.followUpTask.description).not.toContain('房间太吵');
    expect(flagged.followUpTask).toMatchObject({ title: '投诉跟进：接待满意度测试问卷（第1版）' });
    expect(flagged.followUpTask.description).toContain('受访者标记为投诉');
    // The tasks board shows them, tenant-wide.
    const board = await api.gql(`{ tasks(filter: { phase: FOLLOW_UP }, first: 50) { edges { node { id } } } }`, {}, coordinator.token);
    expect(board.tasks.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([low.followUpTask.id, flagged.followUpTask.id]));

    // Resolved from the response: the resolution is recorded and the task is done.
    const staff = await gov.member(['STAFF']);
    const resolved = await api.gql(
      `mutation($id: ID!) { resolveSurveyFollowUp(input: { responseId: $id, resolution: "已致电道歉，调换房间" }) { __typename
         ... on SurveyResponsePayload { response { resolution resolvedAt followUpTask { status completedAt } } } ... on FeedbackError { code } } }`,
      { id: low.id },
      staff.token,
    );
    expect(resolved.resolveSurveyFollowUp).toMatchObject({
      __typename: 'SurveyResponsePayload',
      response: { resolution: '已致电道歉，调换房间', resolvedAt: expect.any(String), followUpTask: { status: 'DONE' } },
    });
    expect(resolved.resolveSurveyFollowUp.response.resolvedAt).toBe(resolved.resolveSurveyFollowUp.response.followUpTask.completedAt);

    // Done on the board: the response follows (and reopening clears it).
    const setStatus = (status: string) =>
      api.gql(
        `mutation($id: ID!, $s: TaskStatus!) { changeTaskStatus(input: { id: $id, status: $s }) { __typename } }`,
        { id: flagged.followUpTask.id, s: status },
        staff.token,
      );
    const resolvedAt = async () =>
      (await api.gql(`query($id: ID!) { node(id: $id) { ... on SurveyResponse { resolvedAt } } }`, { id: flagged.id }, coordinator.token)).node.resolvedAt;
    await setStatus('DONE');
    expect(await resolvedAt()).toEqual(expect.any(String));
    await setStatus('TODO');
    expect(await resolvedAt()).toBeNull();

    // A positive response has nothing to follow up.
    const positiveResponse = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on SurveyInvitation { response { id negative followUpTask { id } } } } }`,
      { id: invitationIds[2] },
      coordinator.token,
    );
    expect(positiveResponse.node.response).toMatchObject({ negative: false, followUpTask: null });
    const refused = await api.gql(
      `mutation($id: ID!) { resolveSurveyFollowUp(input: { responseId: $id, resolution: "x" }) { __typename ... on FeedbackError { code } } }`,
      { id: positiveResponse.node.response.id },
      staff.token,
    );
    expect(refused.resolveSurveyFollowUp).toEqual({ __typename: 'FeedbackError', code: 'NO_FOLLOW_UP' });
  });
});

describe('rate limits', () => {
  it('refuse submissions past the limit per token and per client address', async () => {
    const limited = await startTestApp({ SURVEY_SUBMISSIONS_PER_TOKEN: '3', SURVEY_SUBMISSIONS_PER_ADDRESS: '5', TRUST_PROXY: 'true' });
    try {
      const lapi = feedbackApi(limited);
      const { tokens } = await lapi.invite(coordinator.token, survey.id, 3);
      const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
      // Per token: three attempts (refused answers count too), then RATE_LIMITED even for good answers.
      for (let i = 0; i < 3; i++) expect((await lapi.submit(tokens[0]!, [], from('10.0.0.1'))).__typename).toBe('SurveyAnswersError');
      const limitedToken = await lapi.submit(tokens[0]!, answersFor(survey.questions, {}), from('10.0.0.2'));
      expect(limitedToken).toMatchObject({ __typename: 'FeedbackError', code: 'RATE_LIMITED' });
      // Per address: forged tokens count too; the sixth attempt from one address is refused, valid or not.
      for (let i = 0; i < 5; i++) {
        const forged = `jds_${tokens[1]!.split('_')[1]}_${randomBytes(24).toString('base64url')}`;
        expect((await lapi.submit(forged, [], from('10.0.0.3'))).code).toBe('INVALID_TOKEN');
      }
      expect(await lapi.submit(tokens[1]!, answersFor(survey.questions, {}), from('10.0.0.3'))).toMatchObject({ code: 'RATE_LIMITED' });
      // Another address with another token goes ahead.
      expect((await lapi.submit(tokens[2]!, answersFor(survey.questions, {}), from('10.0.0.4'))).__typename).toBe('SubmitSurveyResponsePayload');
    } finally {
      await limited.close();
    }
  });
});
