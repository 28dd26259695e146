// Shared by the feedback.*.test.ts files: a thin client for the feedback mutations and queries
// through the real gateway (members with their tokens, respondents with none but their link), and a
// fingerprint of a tenant's feedback data taken as the database owner (to prove a refusal stored nothing).
import { expect } from 'vitest';
import { ownerQuery, type TestApp } from '@jiedai/testing';

export const SURVEY_PAYLOAD = `__typename
  ... on SurveyPayload { survey { id status version title
    draft { id number title questions { key kind text required options { key label } } }
    publishedVersion { id number title questions { key kind text required options { key label } } }
    versions { number isDraft publishedAt } } }
  ... on FeedbackError { code message }
  ... on ValidationError { fieldErrors { path message } }`;

export const CAMPAIGN_PAYLOAD = `__typename
  ... on SurveyCampaignPayload { campaign { id name kind month invitationCount responseCount } patients
    issued { token link invitation { id status respondentKind respondentName respondentContact versionNumber expiresAt } } }
  ... on FeedbackError { code message }
  ... on ValidationError { fieldErrors { path message } }`;

export const SUBMIT_RESULT = `__typename
  ... on SubmitSurveyResponsePayload { submittedAt }
  ... on FeedbackError { code message }
  ... on SurveyAnswersError { message issues { questionKey position code message } }`;

export const FORM_RESULT = `__typename
  ... on RespondentSurvey { organizationName title description language expiresAt
    questions { key kind text required scaleMin scaleMax options { key label } } }
  ... on FeedbackError { code message }`;

export interface Question {
  key: string;
  kind: string;
  text: string;
  required: boolean;
  options: { key: string; label: string }[];
}

/** A survey with one question of every kind (two ratings, to see averages). */
export const EVERY_KIND = {
  title: '接待满意度测试问卷',
  description: '测试',
  questions: [
    { kind: 'RATING', text: '总体满意度', required: true },
    { kind: 'NPS', text: '推荐意愿', required: true },
    { kind: 'SINGLE_CHOICE', text: '来访目的', required: true, options: [{ label: '调研' }, { label: '交流' }, { label: '其他' }] },
    { kind: 'MULTIPLE_CHOICE', text: '需改进之处', required: false, options: [{ label: '住宿' }, { label: '餐饮' }, { label: '用车' }] },
    { kind: 'TEXT', text: '意见和建议', required: false },
    { kind: 'RATING', text: '餐饮', required: false },
  ],
};

export function feedbackApi(t: TestApp) {
  /** A query or mutation that must not fail at the GraphQL level. */
  const gql = async (query: string, variables: Record<string, unknown>, token?: string | null) => {
    const res = await t.gql(query, variables, { token: token ?? null });
    if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  };

  const api = {
    gql,
    async createSurvey(token: string, input: Record<string, unknown> = EVERY_KIND) {
      const data = await gql(`mutation($input: CreateSurveyInput!) { createSurvey(input: $input) { ${SURVEY_PAYLOAD} } }`, { input }, token);
      return data.createSurvey;
    },
    async saveDraft(token: string, id: string, expectedVersion: number, input: Record<string, unknown>) {
      const data = await gql(
        `mutation($input: SaveSurveyDraftInput!) { saveSurveyDraft(input: $input) { ${SURVEY_PAYLOAD} } }`,
        { input: { ...input, id, expectedVersion } },
        token,
      );
      return data.saveSurveyDraft;
    },
    async publish(token: string, id: string, expectedVersion: number) {
      const data = await gql(
        `mutation($id: ID!, $r: Int!) { publishSurvey(input: { id: $id, expectedVersion: $r }) { ${SURVEY_PAYLOAD} } }`,
        { id, r: expectedVersion },
        token,
      );
      return data.publishSurvey;
    },
    async close(token: string, id: string, expectedVersion: number) {
      const data = await gql(
        `mutation($id: ID!, $r: Int!) { closeSurvey(input: { id: $id, expectedVersion: $r }) { ${SURVEY_PAYLOAD} } }`,
        { id, r: expectedVersion },
        token,
      );
      return data.closeSurvey;
    },
    /** Creates and publishes a survey; returns its id and the published questions. */
    async publishedSurvey(token: string, input: Record<string, unknown> = EVERY_KIND): Promise<{ id: string; questions: Question[] }> {
      const created = await api.createSurvey(token, input);
      expect(created.__typename, JSON.stringify(created)).toBe('SurveyPayload');
      const published = await api.publish(token, created.survey.id, created.survey.version);
      expect(published.__typename, JSON.stringify(published)).toBe('SurveyPayload');
      return { id: published.survey.id, questions: published.survey.publishedVersion.questions };
    },
    async campaign(token: string, input: Record<string, unknown>) {
      const data = await gql(`mutation($input: CreateSurveyCampaignInput!) { createSurveyCampaign(input: $input) { ${CAMPAIGN_PAYLOAD} } }`, { input }, token);
      return data.createSurveyCampaign;
    },
    /** Invites `n` named respondents; returns the campaign id and the tokens. */
    async invite(
      token: string,
      surveyId: string,
      n: number,
      extra: Record<string, unknown> = {},
    ): Promise<{ campaignId: string; tokens: string[]; invitationIds: string[] }> {
      const respondents = Array.from({ length: n }, (_, i) => ({ kind: 'OTHER', name: `受访者${i + 1}`, contact: `1390000${String(i).padStart(4, '0')}` }));
      const res = await api.campaign(token, { surveyId, name: `活动-${Math.random().toString(36).slice(2, 8)}`, respondents, ...extra });
      expect(res.__typename, JSON.stringify(res)).toBe('SurveyCampaignPayload');
      return { campaignId: res.campaign.id, tokens: res.issued.map((i: any) => i.token), invitationIds: res.issued.map((i: any) => i.invitation.id) };
    },
    async discharge(token: string, input: Record<string, unknown>) {
      const res = await t.gql(
        `mutation($input: CreateDischargeFollowUpCampaignInput!) { createDischargeFollowUpCampaign(input: $input) { ${CAMPAIGN_PAYLOAD} } }`,
        { input },
        { token },
      );
      return res;
    },
    async remind(token: string, campaignId: string) {
      const data = await gql(`mutation($id: ID!) { remindSurveyCampaign(input: { campaignId: $id }) { ${CAMPAIGN_PAYLOAD} } }`, { id: campaignId }, token);
      return data.remindSurveyCampaign;
    },
    /** The respondent's view, without an account (or with `as`, a member's token). */
    async form(surveyToken: string, as?: string) {
      return (await gql(`query($token: String!) { surveyInvitation(token: $token) { ${FORM_RESULT} } }`, { token: surveyToken }, as)).surveyInvitation;
    },
    async submit(surveyToken: string, answers: unknown[], options: { complaint?: boolean; as?: string; headers?: Record<string, string> } = {}) {
      const res = await t.gql(
        `mutation($token: String!, $answers: [SurveyAnswerInput!]!, $complaint: Boolean) {
           submitSurveyResponse(input: { token: $token, answers: $answers, complaint: $complaint }) { ${SUBMIT_RESULT} } }`,
        { token: surveyToken, answers, complaint: options.complaint },
        { token: options.as ?? null, headers: options.headers },
      );
      if (res.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
      return res.data.submitSurveyResponse;
    },
    async results(token: string, surveyId: string, filter?: Record<string, unknown>) {
      const data = await gql(
        `query($id: ID!, $filter: SurveyResultsFilter) { node(id: $id) { ... on Survey { results(filter: $filter) {
           invitations responses responseRate negativeResponses complaints resolvedFollowUps
           versions { number title invitations responses responseRate negativeResponses complaints resolvedFollowUps
             questions { position answered average hiddenTextAnswers question { key kind text }
               distribution { value count } nps { score promoters passives detractors total }
               choices { key label count share } textAnswers { responseId text submittedAt } } } } } } }`,
        { id: surveyId, filter },
        token,
      );
      return data.node.results;
    },
    async csv(token: string, surveyId: string, filter?: Record<string, unknown>): Promise<string> {
      const data = await gql(
        `query($id: ID!, $filter: SurveyResultsFilter) { node(id: $id) { ... on Survey { resultsCsv(filter: $filter) } } }`,
        { id: surveyId, filter },
        token,
      );
      return data.node.resultsCsv;
    },
  };
  return api;
}

/** Answers to EVERY_KIND's questions: `rating` for both ratings, `nps`, the first purpose option, etc. */
export function answersFor(questions: Question[], v: { rating?: number; nps?: number; purpose?: number; improve?: number[]; text?: string; food?: number }) {
  const [overall, nps, purpose, improve, text, food] = questions;
  return [
    { questionKey: overall!.key, number: v.rating ?? 5 },
    { questionKey: nps!.key, number: v.nps ?? 10 },
    { questionKey: purpose!.key, optionKeys: [purpose!.options[v.purpose ?? 0]!.key] },
    ...(v.improve ? [{ questionKey: improve!.key, optionKeys: v.improve.map((i) => improve!.options[i]!.key) }] : []),
    ...(v.text ? [{ questionKey: text!.key, text: v.text }] : []),
    ...(v.food !== undefined ? [{ questionKey: food!.key, number: v.food }] : []),
  ];
}

export const FEEDBACK_TABLES = [
  'surveys',
  'survey_versions',
  'survey_campaigns',
  'discharged_patients',
  'survey_invitations',
  'survey_responses',
  'survey_answers',
  'tasks',
  'event_log',
  'audit_log',
] as const;

/** Row count and a digest of every row of each feedback table (plus tasks, events, audit) of one tenant. */
export async function fingerprint(tenantId: string): Promise<Record<string, string>> {
  const parts = FEEDBACK_TABLES.map(
    (table) => `(SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM ${table} r WHERE r.tenant_id = $1) AS ${table}`,
  );
  const rows = await ownerQuery<Record<string, string>>(`SELECT ${parts.join(', ')}`, [tenantId]);
  return rows[0]!;
}
