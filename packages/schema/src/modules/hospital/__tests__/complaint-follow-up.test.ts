// A discharged patient who asks, in the monthly follow-up letter's survey, for a complaint (投诉) gets
// one: channel FOLLOW_UP, linked to the answer, naming the survey and the low scores, never the patient.
// Other respondents asking for a complaint get the follow-up task only (the feedback module's rule).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { feedbackApi, type Question } from '../../shared/feedback/__tests__/feedback.helpers.ts';

let t: TestApp;
let hospital: TestTenant;
let api: ReturnType<typeof feedbackApi>;

beforeAll(async () => {
  t = await startTestApp();
  api = feedbackApi(t);
  hospital = await createTenant(t, (await createPlatformAdmin(t)).token, 'HOSPITAL');
});
afterAll(() => t?.close());

describe('a discharged patient’s complaint from the follow-up survey', () => {
  it('opens a complaint linked to the answer, without the patient’s identity', async () => {
    const clerk = await hospital.member(['STAFF', 'PATIENT_DATA']);
    const surveyId = (await api.gql(`{ surveys(first: 1) { edges { node { id } } } }`, {}, clerk.token)).surveys.edges[0].node.id;
    const imported = await api.discharge(clerk.token, {
      surveyId,
      month: '2030-05',
      patients: [{ medicalRecordNo: 'ZY2030059001', name: '孙八妹', contact: '13955556666', dischargedOn: '2030-05-12' }],
    });
    const issued = imported.data.createDischargeFollowUpCampaign.issued;
    expect(issued).toHaveLength(1);
    const form = await api.form(issued[0].token);
    // The lowest scores, the first option, and a free text (which is the patient's: it must not leak).
    const answers = (form.questions as Question[]).map((q) =>
      q.kind === 'RATING'
        ? { questionKey: q.key, number: 1 }
        : q.kind === 'NPS'
          ? { questionKey: q.key, number: 0 }
          : q.kind === 'TEXT'
            ? { questionKey: q.key, text: '护理不到位' }
            : { questionKey: q.key, optionKeys: [q.options[0]!.key] },
    );
    expect((await api.submit(issued[0].token, answers, { complaint: true })).__typename).toBe('SubmitSurveyResponsePayload');

    const list = await t.gql(
      `{ complaints(first: 5) { nodes { channel status summary complainantName surveyResponse { id complaint } } } }`,
      {},
      { token: clerk.token },
    );
    const [complaint] = list.data.complaints.nodes;
    expect(complaint).toMatchObject({ channel: 'FOLLOW_UP', status: 'NEW', complainantName: null, surveyResponse: { complaint: true } });
    expect(complaint.summary).toMatch(/^出院随访中患者要求投诉/);
    for (const personal of ['孙八妹', '13955556666', 'ZY2030059001', '护理不到位']) expect(JSON.stringify(complaint)).not.toContain(personal);

    // A respondent of another kind asking for a complaint: no hospital complaint (the follow-up task stays the rule).
    const coordinator = await hospital.member(['COORDINATOR']);
    const { tokens } = await api.invite(coordinator.token, surveyId, 1);
    await api.submit(tokens[0]!, answers, { complaint: true });
    expect((await t.gql(`{ complaints { totalCount } }`, {}, { token: clerk.token })).data.complaints.totalCount).toBe(1);
  });
});
