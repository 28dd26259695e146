// Audit (issue 18) item 7: the per-address limit of survey submissions (60 an hour by default)
// counts failed attempts only. Many respondents behind one address (a hospital's Wi-Fi) all get
// through; a client trying bad tokens from one address is still stopped (RATE_LIMITED).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, type TestApp } from '@jiedai/testing';
import { answersFor, feedbackApi, type Question } from './feedback.helpers.ts';

let t: TestApp;
let api: ReturnType<typeof feedbackApi>;
let coordinator: { token: string };
let survey: { id: string; questions: Question[] };
let tenantId: string;

beforeAll(async () => {
  // The default limits (10 per link, 60 per address); addresses from X-Forwarded-For.
  t = await startTestApp({ TRUST_PROXY: 'true' });
  api = feedbackApi(t);
  const platform = await createPlatformAdmin(t);
  const hospital = await createTenant(t, platform.token, 'HOSPITAL', { withDefaultStructure: false });
  tenantId = hospital.id;
  coordinator = await hospital.member(['COORDINATOR']);
  survey = await api.publishedSurvey(coordinator.token);
});
afterAll(() => t?.close());

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

describe('the per-address survey limit', () => {
  it('lets more than 60 respondents answer from one address', async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 65);
    const answers = answersFor(survey.questions, { rating: 5, nps: 10 });
    for (const [i, token] of tokens.entries()) {
      const res = await api.submit(token, answers, from('192.0.2.10'));
      expect(res.__typename, `submission ${i + 1}: ${JSON.stringify(res)}`).toBe('SubmitSurveyResponsePayload');
    }
    expect(await ownerQuery(`SELECT count(*)::int AS n FROM survey_responses WHERE tenant_id = $1`, [tenantId])).toEqual([{ n: 65 }]);
  });

  it('stops an address after 60 failed attempts, even for a valid link, and only that address', async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 2);
    const tenantPart = tokens[0]!.split('_')[1]!;
    for (let i = 0; i < 60; i++) {
      const forged = `jds_${tenantPart}_${randomBytes(24).toString('base64url')}`;
      expect((await api.submit(forged, [], from('192.0.2.66'))).code, `attempt ${i + 1}`).toBe('INVALID_TOKEN');
    }
    const answers = answersFor(survey.questions, { rating: 4, nps: 9 });
    expect(await api.submit(tokens[0]!, answers, from('192.0.2.66'))).toMatchObject({ __typename: 'FeedbackError', code: 'RATE_LIMITED' });
    // The link was not used up by the refusal: from another address it is answered.
    expect((await api.submit(tokens[0]!, answers, from('192.0.2.67'))).__typename).toBe('SubmitSurveyResponsePayload');
  });

  it('counts refused answers against the address too (failures, whatever the reason)', async () => {
    const { tokens } = await api.invite(coordinator.token, survey.id, 7);
    // 10 attempts per link: six links × 10 refused answers = 60 failures from one address.
    for (const token of tokens.slice(0, 6)) {
      for (let i = 0; i < 10; i++) expect((await api.submit(token, [], from('192.0.2.77'))).__typename).toBe('SurveyAnswersError');
    }
    const res = await api.submit(tokens[6]!, answersFor(survey.questions, {}), from('192.0.2.77'));
    expect(res).toMatchObject({ __typename: 'FeedbackError', code: 'RATE_LIMITED' });
  });
});
